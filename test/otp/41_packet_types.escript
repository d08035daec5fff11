#!/usr/bin/env escript
%% The packet types sunrm, asn1, cdr, fcgi and tpkt on OTP 25 (gen/packet_types.ts):
%% erlang:decode_packet/3 on good, short and bad headers and on packet_size, then what
%% gen_tcp (default backend) gives for them: whole packets with their header, fcgi without
%% its padding, emsgsize for a bad header, send not framed, getopts naming the type.
main(_) ->
    D = fun(Ty, B, O) -> io:format("decode ~p ~w ~w -> ~w~n", [Ty, B, O, erlang:decode_packet(Ty, B, O)]) end,
    D(sunrm, <<128,0,0,3,1,2,3,4>>, []),
    D(sunrm, <<0,0,0,3,1,2>>, []),
    D(sunrm, <<0,0,0,3,1,2,3>>, [{packet_size, 2}]),
    D(sunrm, <<0,0,0,3,1,2,3>>, [{packet_size, 3}]),
    D(sunrm, <<255,255,255,255,1>>, []),
    D(sunrm, <<>>, []),
    D(asn1, <<48,3,1,2,3,9>>, []),
    D(asn1, <<48,16#81,3,1,2,3>>, []),
    D(asn1, <<48,16#82,0,3,1,2,3>>, []),
    D(asn1, <<48,16#83,0,0,3,1,2,3>>, []),
    D(asn1, <<48,16#84,0,0,0,3,1,2,3>>, []),
    D(asn1, <<48,16#80,1>>, []),
    D(asn1, <<48,16#85,0,0,0,0,3,1,2,3>>, []),
    D(asn1, <<48,16#85>>, []),
    D(asn1, <<31,16#81,16#81,1,2,5,6>>, []),
    D(asn1, <<31,16#81,1,2,5>>, []),
    D(asn1, <<31,16#81>>, []),
    D(asn1, <<48>>, []),
    D(asn1, <<48,16#84,255,255,255,255>>, []),
    D(asn1, <<48,3,1,2,3>>, [{packet_size, 2}]),
    D(cdr, <<"GIOP",1,2,0,0,0,0,0,2,9,9,7>>, []),
    D(cdr, <<"GIOP",1,2,1,0,2,0,0,0,9,9,7>>, []),
    D(cdr, <<"GIOX",1,2,1,0,2,0,0,0,9,9,7>>, []),
    D(cdr, <<"GIOP",1,2,1,0,2,0,0,0,9>>, []),
    D(cdr, <<"GIOP",1,2,0,0,0,0,0,2,9,9,7>>, [{packet_size, 1}]),
    D(cdr, <<"GIOP",1,2,0,0,128,0,0,0>>, []),
    D(fcgi, <<1,1,0,1,0,2,1,0,7,8,0>>, []),
    D(fcgi, <<1,1,0,1,0,2,1,0,7,8,0,5>>, []),
    D(fcgi, <<2,1,0,1,0,2,1,0,7,8,0>>, []),
    D(fcgi, <<1,1,0,1,0,2,1,0,7,8>>, []),
    D(fcgi, <<1,1,0,1,0,2,1,0,7,8,0>>, [{packet_size, 2}]),
    D(fcgi, <<1,1,0,1,0,2,1,0,7,8,0>>, [{packet_size, 3}]),
    D(tpkt, <<3,0,0,6,1,2,3>>, []),
    D(tpkt, <<3,0,0,4>>, []),
    D(tpkt, <<3,0,0,3,1>>, []),
    D(tpkt, <<2,0,0,6,1,2>>, []),
    D(tpkt, <<3,0,0,9,1,2>>, []),
    D(tpkt, <<3,0,0,9,1,2,3,4,5>>, [{packet_size, 4}]),
    D(tpkt, <<3,0,0,9,1,2,3,4,5>>, [{packet_size, 5}]),
    G = fun(Ty, Opts, Bytes, Mode) ->
        {ok, L} = gen_tcp:listen(0, [binary, {packet, Ty}, {active, Mode} | Opts]),
        {ok, P} = inet:port(L),
        {ok, C} = gen_tcp:connect({127,0,0,1}, P, [binary, {packet, raw}, {active, false}]),
        {ok, S} = gen_tcp:accept(L),
        ok = gen_tcp:send(C, Bytes),
        R = case Mode of
                false -> [gen_tcp:recv(S, 0, 300) || _ <- [1, 2, 3]];
                _ -> msgs(S, [])
            end,
        io:format("gen_tcp ~p ~w ~w active ~p -> ~p~n", [Ty, Opts, Bytes, Mode, R]),
        gen_tcp:close(C), gen_tcp:close(S), gen_tcp:close(L)
    end,
    G(tpkt, [], <<3,0,0,6,1,2, 3,0,0,5,9>>, true),
    G(tpkt, [], <<3,0,0,6,1,2, 2,0,0,5,9>>, false),
    G(tpkt, [{packet_size, 1}], <<3,0,0,6,1,2>>, true),
    G(tpkt, [{packet_size, 1}], <<3,0,0,6,1,2>>, false),
    G(fcgi, [], <<1,1,0,1,0,2,1,0,7,8,0, 1,1,0,1,0,0,0,0>>, true),
    G(fcgi, [], <<1,1,0,1,0,2,1,0,7,8,0, 1,1,0,1,0,0,0,0>>, false),
    G(sunrm, [], <<128,0,0,3,1,2,3, 0,0,0,0>>, true),
    G(asn1, [], <<48,3,1,2,3, 48,16#81,1,7>>, true),
    G(asn1, [], <<48,16#85,1,2,3,4,5>>, true),
    G(cdr, [], <<"GIOP",1,2,1,0,2,0,0,0,9,9>>, once),
    G(cdr, [], <<"GIOX",1,2,1,0,2,0,0,0,9,9>>, once),
    G(sunrm, [], <<0,0,0,3,1,2,3>>, false),
    [begin
         {ok, L} = gen_tcp:listen(0, [binary, {active, false}]),
         {ok, P} = inet:port(L),
         {ok, C} = gen_tcp:connect({127,0,0,1}, P, [binary, {packet, T}]),
         {ok, S} = gen_tcp:accept(L),
         ok = gen_tcp:send(C, <<1,2,3>>),
         io:format("send with packet ~p: the peer reads ~w, getopts ~w~n", [T, gen_tcp:recv(S, 0, 1000), inet:getopts(C, [packet])]),
         gen_tcp:close(C), gen_tcp:close(S), gen_tcp:close(L)
     end || T <- [sunrm, asn1, cdr, fcgi, tpkt]],
    {ok, L2} = gen_tcp:listen(0, [binary, {packet, asn1}, {active, false}]),
    {ok, P2} = inet:port(L2),
    {ok, C2} = gen_tcp:connect({127,0,0,1}, P2, [binary, {active, false}]),
    {ok, S2} = gen_tcp:accept(L2),
    io:format("recv(S, 2) with packet asn1 -> ~w~n", [gen_tcp:recv(S2, 2, 100)]),
    gen_tcp:close(C2), gen_tcp:close(S2), gen_tcp:close(L2).

%% The accepted socket's messages until it is quiet.
msgs(S, Acc) ->
    receive {tcp, S, D} -> msgs(S, [{tcp, D} | Acc]);
            {tcp_error, S, E} -> msgs(S, [{tcp_error, E} | Acc]);
            {tcp_closed, S} -> msgs(S, [tcp_closed | Acc])
    after 300 -> lists:reverse(Acc)
    end.
