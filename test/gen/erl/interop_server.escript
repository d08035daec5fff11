#!/usr/bin/env escript
%% The Erlang side of test/gen/interop.test.ts: a gen_tcp server (OTP 25, default backend)
%% for erlsock's gen_tcp client. Usage: interop_server.escript 4|line
%% Prints "listening 127.0.0.1 Port", then for one connection answers each packet with
%% the packet upper-cased (string:uppercase), active once, until the client closes.
main([Mode]) ->
    Packet = case Mode of "4" -> 4; "line" -> line end,
    {ok, L} = gen_tcp:listen(0, [binary, {packet, Packet}, {active, false}, {ip, {127,0,0,1}}]),
    {ok, Port} = inet:port(L),
    io:format("listening 127.0.0.1 ~p~n", [Port]),
    {ok, S} = gen_tcp:accept(L, 10000),
    loop(S).

loop(S) ->
    ok = inet:setopts(S, [{active, once}]),
    receive
        {tcp, S, D} -> ok = gen_tcp:send(S, string:uppercase(D)), loop(S);
        {tcp_closed, S} -> halt(0)
    after 10000 -> halt(2)
    end.
