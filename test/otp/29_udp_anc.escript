#!/usr/bin/env escript
%% gen_udp on OTP 25 (default backend): active messages with and without ancillary data,
%% {active, N} and udp_passive, recv results. The messages print the socket as s and the sender's
%% ephemeral port as sender_port.
main(_) ->
    {ok, R} = gen_udp:open(0, [binary, {ip, {127,0,0,1}}, {recvttl, true}, {recvtos, true}]),
    {ok, P} = inet:port(R),
    {ok, S} = gen_udp:open(0, [binary, {ip, {127,0,0,1}}]),
    {ok, SP} = inet:port(S),
    ok = gen_udp:send(S, {127,0,0,1}, P, <<"a">>),
    receive M1 -> io:format("anc ~p~n", [shown(M1, SP)]) after 1000 -> io:format("none~n") end,
    ok = inet:setopts(R, [{recvttl, false}, {recvtos, false}, {active, false}]),
    ok = gen_udp:send(S, {127,0,0,1}, P, <<"b">>),
    {ok, {_, Port, D}} = gen_udp:recv(R, 0, 1000),
    io:format("recv ~p ~p~n", [Port =:= SP, D]),
    ok = inet:setopts(R, [{active, 1}]),
    ok = gen_udp:send(S, {127,0,0,1}, P, <<"c">>),
    receive M2 -> io:format("plain ~p~n", [shown(M2, SP)]) after 1000 -> io:format("none~n") end,
    receive M3 -> io:format("passive ~p~n", [shown(M3, SP)]) after 1000 -> io:format("none~n") end,
    io:format("recv_active ~p~n", [gen_udp:recv(R, 0, 100)]),
    ok = inet:setopts(R, [{active, true}]),
    io:format("recv_when_active ~p~n", [gen_udp:recv(R, 0, 100)]).


shown(M, SP) when tuple_size(M) >= 4, element(4, M) =:= SP -> setelement(4, setelement(2, M, s), sender_port);
shown(M, _) -> setelement(2, M, s).
