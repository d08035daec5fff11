#!/usr/bin/env escript
%% gen_tcp:controlling_process/2 on OTP 25 (default inet backend) after the peer closed an
%% active socket: what it returns, and which messages reach the new owner.
main(_) ->
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}]),
    {ok, P} = inet:port(L),
    {ok, C} = gen_tcp:connect({127,0,0,1}, P, [binary, {active, false}]),
    {ok, A} = gen_tcp:accept(L),
    ok = gen_tcp:send(C, <<"one">>),
    ok = inet:setopts(A, [{active, true}]),
    timer:sleep(50),
    ok = gen_tcp:close(C),
    timer:sleep(50),
    Me = self(),
    Other = spawn(fun() -> Me ! {got, collect([])} end),
    R1 = gen_tcp:controlling_process(A, Other),
    receive {got, Got} -> ok end,
    io:format("after_close ~p ~p~n", [R1, Got]),
    %% the same with the socket still open
    {ok, C2} = gen_tcp:connect({127,0,0,1}, P, [binary, {active, false}]),
    {ok, A2} = gen_tcp:accept(L),
    ok = inet:setopts(A2, [{active, true}]),
    ok = gen_tcp:send(C2, <<"two">>),
    timer:sleep(50),
    Other2 = spawn(fun() -> Me ! {got, collect([])} end),
    R2 = gen_tcp:controlling_process(A2, Other2),
    R3 = gen_tcp:controlling_process(A2, Other2),
    R4 = gen_tcp:controlling_process(A2, self()),
    ok = gen_tcp:send(C2, <<"three">>),
    receive {got, Got2} -> ok end,
    io:format("open ~p ~p ~p ~p~n", [R2, R3, R4, Got2]).

collect(Acc) ->
    receive M -> collect([M | Acc]) after 300 -> lists:reverse(Acc) end.
