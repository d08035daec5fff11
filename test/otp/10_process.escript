#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks: process features the socket module relies on: spawn, spawn_monitor,
%% monitor/demonitor(+flush), 'DOWN' shapes and reasons (normal, noproc,
%% killed, error with stacktrace, exit/throw), links + trap_exit, exit/2,
%% receive after, selective receive, register/whereis.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

down(Ref) -> receive {'DOWN', Ref, _, _, _} = D -> D after 1000 -> none end.

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    ?T(begin {P, R} = spawn_monitor(fun() -> ok end), {is_pid(P), down(R)} end),
    ?T(begin {_, R} = spawn_monitor(fun() -> exit(normal) end), down(R) end),
    ?T(begin {_, R} = spawn_monitor(fun() -> exit(my_reason) end), down(R) end),
    ?T(begin {_, R} = spawn_monitor(fun() -> erlang:error(boom) end), down(R) end),
    ?T(begin {_, R} = spawn_monitor(fun() -> erlang:error(boom, [1]) end), element(1, element(5, down(R))) end),
    ?T(begin {_, R} = spawn_monitor(fun() -> throw(ball) end), down(R) end),
    ?T(begin {_, R} = spawn_monitor(fun() -> 1 = list_to_integer("2") end), down(R) end),
    ?T(begin {P, R} = spawn_monitor(fun() -> receive _ -> ok end end), exit(P, kill), down(R) end),
    ?T(begin {P, R} = spawn_monitor(fun() -> receive _ -> ok end end), exit(P, normal), receive {'DOWN', R, _, _, _} = D -> D after 200 -> still_alive end end),
    ?T(begin {P, R} = spawn_monitor(fun() -> receive _ -> ok end end), exit(P, custom), down(R) end),
    ?T(begin P = spawn(fun() -> ok end), timer:sleep(20), R = monitor(process, P), down(R) end),
    ?T(begin R = monitor(process, list_to_pid("<0.9999.0>")), down(R) end),
    ?T(begin R = monitor(process, no_such_name), down(R) end),
    ?T(begin {P, R} = spawn_monitor(fun() -> ok end), timer:sleep(20), demonitor(R, [flush]), receive {'DOWN', R, _, _, _} -> still_there after 50 -> flushed end end),
    ?T(begin {_, R} = spawn_monitor(fun() -> ok end), timer:sleep(20), {demonitor(R), receive {'DOWN', R, _, _, _} -> still_there after 50 -> gone end} end),
    ?T(begin {_, R} = spawn_monitor(fun() -> receive _ -> ok end end), demonitor(R, [info]) end),
    ?T(begin {_, R} = spawn_monitor(fun() -> ok end), timer:sleep(20), demonitor(R, [info]) end),
    ?T(begin {_, R} = spawn_monitor(fun() -> ok end), timer:sleep(20), demonitor(R, [flush, info]) end),
    %% links
    process_flag(trap_exit, true),
    ?T(begin P = spawn_link(fun() -> exit(bye) end), receive {'EXIT', P, Why} -> {exit_msg, Why} after 1000 -> none end end),
    ?T(begin P = spawn_link(fun() -> ok end), receive {'EXIT', P, Why} -> {exit_msg, Why} after 1000 -> none end end),
    ?T(begin P = spawn_link(fun() -> erlang:error(oops) end), receive {'EXIT', P, {Why, St}} -> {exit_msg, Why, is_list(St)} after 1000 -> none end end),
    ?T(begin P = spawn(fun() -> receive _ -> ok end end), link(P), exit(P, kill), receive {'EXIT', P, Why} -> {exit_msg, Why} after 1000 -> none end end),
    ?T(begin link(list_to_pid("<0.9998.0>")), receive {'EXIT', _, Why} -> {exit_msg, Why} after 500 -> none end end),
    ?T(begin exit(self(), some_signal), receive {'EXIT', _, Why} -> {exit_msg_from_self, Why} after 500 -> none end end),
    ?T(begin P = spawn(fun() -> process_flag(trap_exit, true), receive M -> exit({got, M}) end end), R = monitor(process, P), exit(P, kill), down(R) end),
    ?T(begin P = spawn(fun() -> process_flag(trap_exit, true), receive M -> exit({got, M}) end end), R = monitor(process, P), exit(P, hello), down(R) end),
    ?T(begin P = spawn(fun() -> process_flag(trap_exit, true), receive M -> exit({got, M}) end end), R = monitor(process, P), exit(P, normal), down(R) end),
    process_flag(trap_exit, false),
    %% linked process crash kills non-trapping linked process
    ?T(begin {P, R} = spawn_monitor(fun() -> spawn_link(fun() -> exit(crash) end), receive after 1000 -> ok end end), {is_pid(P), down(R)} end),
    ?T(begin {_, R} = spawn_monitor(fun() -> spawn_link(fun() -> ok end), receive after 200 -> done end end), down(R) end),
    %% receive
    ?T(receive nothing -> got after 0 -> timeout_zero end),
    ?T(begin self() ! a, self() ! b, self() ! c, X = receive b -> b end, Rest = [receive M -> M after 0 -> none end || _ <- [1,2]], {X, Rest} end),
    ?T(begin T0 = erlang:monotonic_time(millisecond), receive x -> x after 100 -> ok end, (erlang:monotonic_time(millisecond) - T0) >= 100 end),

    %% register
    ?T(register(my_name, self())),
    ?T(whereis(my_name) =:= self()),
    ?T(register(my_name, self())),
    ?T(whereis(not_registered)),
    ?T(begin my_name ! hello, receive hello -> ok after 100 -> none end end),
    ?T(unregister(my_name)),
    ?T(catch (no_such_name ! hello)),
    ?T(begin {P, R} = spawn_monitor(fun() -> register(tmpname, self()), receive _ -> ok end end), timer:sleep(20), W = whereis(tmpname), exit(P, kill), down(R), {W =:= P, whereis(tmpname)} end),
    ?T(is_process_alive(self())),
    ?T(begin P = spawn(fun() -> ok end), timer:sleep(20), {is_process_alive(P), P ! msg_to_dead} end),
    ?T(erlang:send_after(10, self(), tick) =/= undefined andalso receive tick -> got_tick after 500 -> none end),
    ?T(begin TR = erlang:start_timer(10, self(), tock), receive {timeout, TR, tock} -> got_timeout_msg after 500 -> none end end),
    ?T(begin R = make_ref(), {is_reference(R), R =:= R, R =/= make_ref()} end),
    ok.
