#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks: socket:monitor/1, cancel_monitor/1, which_monitors/1,
%% monitored_by/1, number_of_monitors/0,1 and the 'DOWN' message shape for
%% close by owner, close by other, owner exit, already-closed socket.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

flush() -> receive M -> [M | flush()] after 100 -> [] end.

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    Self = self(),
    {ok, S1} = socket:open(inet, stream, tcp),
    M1 = ?T(socket:monitor(S1)),
    ?T(is_reference(M1)),
    M1b = ?T(socket:monitor(S1)),
    ?T(socket:which_monitors(S1)),
    ?T(socket:which_monitors(self())),
    ?T(socket:monitored_by(S1)),
    ?T(socket:number_of_monitors()),
    ?T(socket:number_of_monitors(S1)),
    ?T(socket:cancel_monitor(M1b)),
    ?T(socket:cancel_monitor(M1b)),
    ?T(socket:cancel_monitor(make_ref())),
    ?T(socket:cancel_monitor(foo)),
    ?T(socket:close(S1)),
    ?T(receive D -> D after 1000 -> none end),
    ?T(flush()),
    io:format("--- monitor a closed socket ---~n"),
    M2 = ?T(socket:monitor(S1)),
    ?T(receive D -> D after 1000 -> none end),
    _ = M2,
    io:format("--- monitor with erlang:monitor(socket, S)? ---~n"),
    {ok, S2} = socket:open(inet, stream, tcp),
    ?T(erlang:monitor(socket, S2)),
    ?T(socket:monitor(foo)),
    io:format("--- close by another process ---~n"),
    M3 = socket:monitor(S2),
    spawn(fun() -> socket:close(S2) end),
    ?T(receive {'DOWN', M3, _, _, _} = D -> D after 1000 -> none end),
    io:format("--- owner exits (killed) ---~n"),
    {ok, S3} = socket:open(inet, stream, tcp),
    P = spawn(fun() -> receive _ -> ok end end),
    ok = socket:setopt(S3, otp, controlling_process, P),
    M4 = socket:monitor(S3),
    exit(P, kill),
    ?T(receive {'DOWN', M4, _, _, _} = D -> D after 1000 -> none end),
    io:format("--- monitor held by another process ---~n"),
    {ok, S4} = socket:open(inet, stream, tcp),
    spawn(fun() -> M = socket:monitor(S4), Self ! {mon, M}, Self ! {got, receive X -> X after 2000 -> none end} end),
    receive {mon, _} -> ok end,
    ?T(socket:monitored_by(S4)),
    socket:close(S4),
    ?T(receive {got, X} -> X after 3000 -> none end),
    io:format("--- cancel_monitor then close: no DOWN ---~n"),
    {ok, S5} = socket:open(inet, stream, tcp),
    M5 = socket:monitor(S5),
    ?T(socket:cancel_monitor(M5)),
    socket:close(S5),
    ?T(flush()),
    ok.
