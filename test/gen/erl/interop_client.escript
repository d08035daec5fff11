#!/usr/bin/env escript
%% The Erlang side of test/gen/interop.test.ts: a gen_tcp client (OTP 25, default backend)
%% against erlsock's gen_tcp echo server. Usage: interop_client.escript Port 4|line
%% Sends packets, expects each echoed back whole, prints "ok" and exits 0, else exits 1.
main([PortS, Mode]) ->
    Port = list_to_integer(PortS),
    Packet = case Mode of "4" -> 4; "line" -> line end,
    %% {buffer, 8192}: inet delivers a line longer than its buffer (1460 by default) in parts.
    {ok, S} = gen_tcp:connect({127,0,0,1}, Port, [binary, {packet, Packet}, {active, false}, {buffer, 8192}]),
    Msgs = case Packet of
               4 -> [<<"hello">>, <<>>, binary:copy(<<"x">>, 100000), <<1,2,3,0,255>>];
               line -> [<<"hello\n">>, <<"\n">>, <<(binary:copy(<<"y">>, 5000))/binary, "\n">>, <<"last\n">>]
           end,
    [ok = gen_tcp:send(S, M) || M <- Msgs],
    Got = [begin {ok, D} = gen_tcp:recv(S, 0, 5000), D end || _ <- Msgs],
    case Got =:= Msgs of
        true -> io:format("ok~n"), gen_tcp:close(S), halt(0);
        false -> io:format("mismatch ~p~n", [Got]), halt(1)
    end.
