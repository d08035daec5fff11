#!/usr/bin/env escript
%% The Erlang side of gen_udp interop (test/gen/interop.test.ts), OTP 25 default backend.
%% Usage: udp_peer.escript Port. Sends <<"ping">> to 127.0.0.1:Port, expects <<"PING">> back
%% (erlsock's gen_udp answers upper-cased), then answers the next datagram it gets by
%% sending it back reversed, prints "ok" and exits 0; anything else exits 1.
main([PortS]) ->
    Port = list_to_integer(PortS),
    {ok, S} = gen_udp:open(0, [binary, {active, false}, {ip, {127,0,0,1}}]),
    ok = gen_udp:send(S, {127,0,0,1}, Port, <<"ping">>),
    case gen_udp:recv(S, 0, 5000) of
        {ok, {{127,0,0,1}, Port, <<"PING">>}} -> ok;
        Other -> io:format("first ~p~n", [Other]), halt(1)
    end,
    case gen_udp:recv(S, 0, 5000) of
        {ok, {IP, P, D}} ->
            ok = gen_udp:send(S, IP, P, list_to_binary(lists:reverse(binary_to_list(D)))),
            io:format("ok~n"),
            halt(0);
        Other2 -> io:format("second ~p~n", [Other2]), halt(1)
    end.
