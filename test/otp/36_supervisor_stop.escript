#!/usr/bin/env escript
%% OTP 25's supervisor when children end on their own while it stops them, as
%% test/actors/supervisor_stop.test.ts relies on it (run: escript 36_supervisor_stop.escript):
%% supervisor_SUITE's sup_stop_race and sup_stop_non_shutdown_exit_dynamic (times scaled
%% down), child_unlink (and an unlinked child that ignores shutdown), a globally registered
%% child restarted under its name, and a child whose name a process outside has. The
%% supervisor reports are printed as {ErrorContext, Id, Reason}.
-mode(compile).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2, log/2,
         start_child/1, naughty/1, stubborn/1]).

%% The supervisor.
init({sup, Flags, Specs}) -> {ok, {Flags, Specs}};
%% Children (gen_servers): {reason, R} traps exits and ends with R however it is stopped, or
%% with normal-then-R on 'stop' (supervisor_4); {slow, Ms} takes Ms to stop (supervisor_2);
%% plain stops at once; {naughty, Sup} unlinks from its supervisor.
init({reason, R}) -> process_flag(trap_exit, true), {ok, {R}};
init({slow, Ms}) -> process_flag(trap_exit, true), {ok, {slow, Ms}};
init({naughty, Sup}) -> unlink(Sup), {ok, naughty};
init(plain) -> {ok, plain}.
handle_call(Req, _From, S) -> {reply, Req, S}.
handle_cast(_, S) -> {noreply, S}.
handle_info(stop, S) -> {stop, normal, S};
handle_info(_, S) -> {noreply, S}.
terminate(_, {R}) -> exit(R);
terminate(_, {slow, Ms}) -> timer:sleep(Ms);
terminate(_, _) -> ok.

start_child(Arg) -> gen_server:start_link(?MODULE, Arg, []).
naughty(Sup) -> gen_server:start_link(?MODULE, {naughty, Sup}, []).
%% Unlinks from its supervisor and ignores exit signals: only a kill ends it.
stubborn(Sup) ->
    {ok, spawn_link(fun() -> unlink(Sup), process_flag(trap_exit, true), ignore() end)}.
ignore() -> receive _ -> ignore() end.

log(#{msg := {report, #{label := {supervisor, Ctx}, report := R}}}, _) ->
    Off = proplists:get_value(offender, R),
    reports ! {report, {Ctx, proplists:get_value(id, Off), proplists:get_value(reason, R)}};
log(_, _) -> ok.

reports() -> receive {report, R} -> [R | reports()] after 100 -> [] end.
exit_of(P) -> receive {'EXIT', P, R} -> R after 3000 -> alive end.
spec(Id, Start, Restart, Shutdown) ->
    #{id => Id, start => {?MODULE, start_child, [Start]}, restart => Restart, shutdown => Shutdown}.

-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).

main(_) ->
    logger:set_primary_config(level, error),
    logger:remove_handler(default),
    ok = logger:add_handler(capture, ?MODULE, #{}),
    register(reports, self()),
    process_flag(trap_exit, true),
    %% sup_stop_race: while the newest child (z) takes 300 ms to stop, the others end by
    %% themselves (told to at 100 ms) with each reason under each restart type.
    {ok, Sup} = supervisor:start_link(?MODULE, {sup, #{intensity => 0}, []}),
    {ok, A} = supervisor:start_child(Sup, spec(a, plain, temporary, 1000)),
    link(A),
    Cases = [{Restart, Reason} || Restart <- [temporary, transient, permanent],
                                  Reason <- [normal, shutdown, {shutdown, test}, other]],
    Kids = [begin
                {ok, P} = supervisor:start_child(Sup, spec({Restart, Reason}, {reason, Reason}, Restart, 1000)),
                link(P), {P, Restart, Reason}
            end || {Restart, Reason} <- Cases],
    {ok, Z} = supervisor:start_child(Sup, spec(z, {slow, 300}, temporary, 2000)),
    link(Z),
    spawn(fun() -> timer:sleep(100), [P ! stop || {P, _, _} <- Kids] end),
    exit(Sup, shutdown),
    ?P(exit_of(Sup)),
    ?P(exit_of(Z)),
    ?P([{Restart, Reason, exit_of(P)} || {P, Restart, Reason} <- Kids]),
    ?P(exit_of(A)),
    ?P(reports()),
    %% sup_stop_non_shutdown_exit_dynamic: simple_one_for_one children that end with their own
    %% reason when stopped.
    [begin
         {ok, S} = supervisor:start_link(?MODULE, {sup, #{strategy => simple_one_for_one},
                                                   [#{id => child, start => {?MODULE, start_child, []}, restart => Restart, shutdown => 5000}]}),
         Ps = [begin
                   {ok, P} = supervisor:start_child(S, [{reason, R}]), link(P), {P, R}
               end || R <- [normal, shutdown, {shutdown, test}, other]],
         exit(S, shutdown),
         io:format("~p: sup ~p children ~p~n", [Restart, exit_of(S), [{R, exit_of(P)} || {P, R} <- Ps]]),
         io:format("~p: reports ~p~n", [Restart, lists:sort(reports())])
     end || Restart <- [temporary, transient, permanent]],
    %% child_unlink: a child that unlinked from its supervisor is still stopped (the monitor),
    %% and one that also ignores shutdown is killed when the shutdown time is up.
    {ok, U} = supervisor:start_link(?MODULE, {sup, #{}, []}),
    {ok, N} = supervisor:start_child(U, #{id => naughty, start => {?MODULE, naughty, [U]}, shutdown => 1000}),
    NM = monitor(process, N),
    ?P(supervisor:terminate_child(U, naughty)),
    ?P(receive {'DOWN', NM, _, _, NR} -> NR after 0 -> alive end),
    {ok, St} = supervisor:start_child(U, #{id => stubborn, start => {?MODULE, stubborn, [U]}, shutdown => 200}),
    SM = monitor(process, St),
    T0 = erlang:monotonic_time(millisecond),
    ?P(supervisor:terminate_child(U, stubborn)),
    ?P(erlang:monotonic_time(millisecond) - T0 >= 200),
    ?P(receive {'DOWN', SM, _, _, SR} -> SR after 0 -> alive end),
    ?P(supervisor:which_children(U)),
    ?P(reports()),
    %% simple_global_supervisor: a globally registered child, killed, is restarted under its name.
    ok = supervisor:terminate_child(U, naughty), ok = supervisor:delete_child(U, naughty),
    ok = supervisor:delete_child(U, stubborn),
    GSpec = #{id => g, start => {gen_server, start_link, [{global, g_child}, ?MODULE, plain, []]}},
    {ok, G1} = supervisor:start_child(U, GSpec),
    ?P(global:whereis_name(g_child) =:= G1),
    exit(G1, kill),
    timer:sleep(50),
    G2 = global:whereis_name(g_child),
    ?P(is_pid(G2) andalso G2 =/= G1),
    ?P(reports()),
    %% A child whose name a process outside the supervisor has.
    {ok, Out} = gen_server:start({local, taken}, ?MODULE, plain, []),
    TSpec = #{id => t, start => {gen_server, start_link, [{local, taken}, ?MODULE, plain, []]}},
    R = supervisor:start_child(U, TSpec),
    ?P(R),
    ?P(element(2, element(1, element(2, R))) =:= Out),
    ?P(supervisor:which_children(U) =:= [{g, G2, worker, [gen_server]}]),
    ?P(reports()),
    unlink(U), exit(U, kill), exit(Out, kill).
