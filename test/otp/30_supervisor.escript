#!/usr/bin/env escript
%% OTP 25 values the supervisor tests rely on (run: escript 30_supervisor.escript).
-mode(compile).
-export([init/1, start_child/1, ret/1, loop/1]).

init({Flags, Specs}) -> {ok, {Flags, Specs}}.
%% A child: runs until told; traps exits when asked and logs to 'watcher'.
start_child(Id) -> {ok, spawn_link(fun() -> process_flag(trap_exit, true), loop(Id) end)}.
loop(Id) -> receive {'EXIT', _, R} -> watcher ! {terminated, Id, R}, exit(R); {die, R} -> exit(R) end.
ret(V) -> V.
spec(Id) -> #{id => Id, start => {?MODULE, start_child, [Id]}}.
pid_of(Sup, Id) -> {Id, P, _, _} = lists:keyfind(Id, 1, supervisor:which_children(Sup)), P.
log() -> receive {terminated, _, _} = M -> [M | log()] after 50 -> [] end.

main(_) ->
    logger:set_primary_config(level, none),   % no supervisor or crash reports in the transcript
    register(watcher, self()),
    process_flag(trap_exit, true),
    {ok, S} = supervisor:start_link(?MODULE, {#{}, [spec(a)]}),
    {ok, _} = supervisor:start_child(S, spec(b)),
    io:format("which_children newest first: ~p~n", [[Id || {Id, _, _, _} <- supervisor:which_children(S)]]),
    io:format("start_child error: ~p~n", [supervisor:start_child(S, #{id => e, start => {?MODULE, ret, [{error, boom}]}})]),
    io:format("start_child junk: ~p~n", [supervisor:start_child(S, #{id => j, start => {?MODULE, ret, [junk]}})]),
    io:format("start_child ignore: ~p ~p~n", [supervisor:start_child(S, #{id => i, start => {?MODULE, ret, [ignore]}}),
                                              lists:keyfind(i, 1, supervisor:which_children(S))]),
    io:format("get_childspec a: ~p~n", [supervisor:get_childspec(S, a)]),
    io:format("count_children: ~p~n", [supervisor:count_children(S)]),
    io:format("terminate_child by pid on static: ~p~n", [supervisor:terminate_child(S, pid_of(S, a))]),
    unlink(S), exit(S, kill),
    timer:sleep(50), log(),   % the first tree's children report their kill: not part of one_for_all's log
    {ok, All} = supervisor:start_link(?MODULE, {#{strategy => one_for_all, intensity => 5}, [spec(a), spec(b), spec(c)]}),
    pid_of(All, b) ! {die, kill_me}, timer:sleep(50),
    io:format("one_for_all log: ~p~n", [log()]),
    {ok, Rest} = supervisor:start_link(?MODULE, {#{strategy => rest_for_one, intensity => 5}, [spec(a), spec(b), spec(c)]}),
    pid_of(Rest, b) ! {die, kill_me}, timer:sleep(50),
    io:format("rest_for_one log: ~p~n", [log()]),
    {ok, I0} = supervisor:start_link(?MODULE, {#{intensity => 0}, [spec(a)]}),
    pid_of(I0, a) ! {die, boom},
    receive {'EXIT', I0, R0} -> io:format("intensity 0 exit: ~p~n", [R0]) after 1000 -> io:format("intensity 0: alive~n") end,
    log(),
    io:format("flags: ~p~n", [[supervisor:start_link(?MODULE, {F, []}) || F <- [junk, #{strategy => x}, #{intensity => -1}, #{period => 0}, #{auto_shutdown => x}, {one_for_one, x, 5}]]]),
    io:format("fail to start: ~p~n", [supervisor:start_link(?MODULE, {#{}, [spec(a), #{id => b, start => {?MODULE, ret, [{error, boom}]}}]})]),
    io:format("log after failed start: ~p~n", [log()]),
    io:format("check_childspecs: ~p~n", [[supervisor:check_childspecs(X) || X <- [x, [#{start => {m, f, []}}], [#{id => a}], [#{id => a, start => {m, f, []}, significant => true}], [junk], [{a, {m,f,[]}, permanent}]]]]),
    io:format("check_childspecs never: ~p~n", [supervisor:check_childspecs([#{id => a, start => {m, f, []}, restart => transient, significant => true}], never)]),
    {ok, Sofo} = supervisor:start_link(?MODULE, {#{strategy => simple_one_for_one}, [#{id => ignored, start => {?MODULE, start_child, []}}]}),
    {ok, D1} = supervisor:start_child(Sofo, [d1]),
    {ok, D2} = supervisor:start_child(Sofo, [d2]),
    io:format("sofo which_children oldest first: ~p~n", [[P || {undefined, P, worker, _} <- supervisor:which_children(Sofo)] =:= [D1, D2]]),
    io:format("sofo errors: ~p~n", [[supervisor:terminate_child(Sofo, x), supervisor:restart_child(Sofo, x), supervisor:delete_child(Sofo, x),
                                     supervisor:terminate_child(Sofo, self()), supervisor:get_childspec(Sofo, self())]]),
    io:format("sofo start error unwrapped: ~p~n", [supervisor:start_child(Sofo, [d3, extra])]),
    io:format("sofo count: ~p~n", [supervisor:count_children(Sofo)]),
    io:format("sofo get_childspec: ~p~n", [supervisor:get_childspec(Sofo, D1)]),
    ok.
