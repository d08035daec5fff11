#!/usr/bin/env escript
%% Checks: a non-owner with a pending nowait select when the owner process dies.
-mode(compile).
main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L),
    {ok, #{port := Port}} = socket:sockname(L),
    {ok, C} = socket:open(inet, stream, tcp),
    ok = socket:connect(C, #{family => inet, addr => loopback, port => Port}),
    {ok, A} = socket:accept(L, 1000),
    Owner = spawn(fun() -> receive _ -> ok end end),
    ok = socket:setopt(A, otp, controlling_process, Owner),
    io:format("nowait by non-owner: ~p~n", [socket:recv(A, 0, nowait)]),
    exit(Owner, kill),
    io:format("msg: ~p~n", [receive M -> M after 1000 -> none end]),
    %% accept nowait by non-owner of listener, owner dies
    LOwner = spawn(fun() -> receive _ -> ok end end),
    ok = socket:setopt(L, otp, controlling_process, LOwner),
    io:format("accept nowait by non-owner: ~p~n", [socket:accept(L, nowait)]),
    exit(LOwner, normal), exit(LOwner, kill),
    io:format("msg: ~p~n", [receive M2 -> M2 after 1000 -> none end]),
    _ = C.
