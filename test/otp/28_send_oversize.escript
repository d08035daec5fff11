#!/usr/bin/env escript
%% gen_tcp:send/2 of a packet too long for its {packet, 1 | 2} header on OTP 25 (default
%% backend), and recv(S, N > 0) with {packet, 4}.
main(_) ->
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}]),
    {ok, P} = inet:port(L),
    [begin
         {ok, C} = gen_tcp:connect({127,0,0,1}, P, [binary, {packet, N}, {active, false}]),
         {ok, A} = gen_tcp:accept(L),
         io:format("packet ~p: send ~p bytes -> ~p~n", [N, Max + 1, gen_tcp:send(C, binary:copy(<<0>>, Max + 1))]),
         gen_tcp:close(C), gen_tcp:close(A)
     end || {N, Max} <- [{1, 255}, {2, 65535}]],
    {ok, C4} = gen_tcp:connect({127,0,0,1}, P, [binary, {packet, 4}, {active, false}]),
    {ok, A4} = gen_tcp:accept(L),
    ok = gen_tcp:send(C4, <<"abcdef">>),
    ok = inet:setopts(A4, [{packet, 4}]),
    io:format("packet 4: recv(S, 2) -> ~p~n", [gen_tcp:recv(A4, 2, 1000)]).
