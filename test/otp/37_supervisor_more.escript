#!/usr/bin/env escript
%% More of OTP 25's supervisor as supervisor_SUITE checks it and test/actors/supervisor_more.test.ts
%% relies on it (run: escript 37_supervisor_more.escript): ignored temporary children are not
%% kept (sup_start_ignore_*), a restart whose start fails (sup_start_restart_child_returns_error),
%% brutal_kill of dynamic children, the start args of temporary dynamic children not kept
%% (do_not_save_start_parameters_for_temporary_children), get_callback_module, a dynamic child
%% whose restart returns ignore, count_children with a supervisor child.
%% OTP 25 keeps a dynamic child whose restart returned ignore as {undefined, undefined, worker,
%% []}, counted active, and that entry makes the supervisor's own shutdown crash with a
%% function_clause (OTP 26 drops the child): erlsock drops it, as OTP 26.
-mode(compile).
-export([init/1, handle_call/3, handle_cast/2, start_child/0, start_child/1, toggle/1, log/2]).

init({sup, Flags, Specs}) -> {ok, {Flags, Specs}};
init(plain) -> {ok, plain}.
handle_call(Req, _From, S) -> {reply, Req, S}.
handle_cast(_, S) -> {noreply, S}.

start_child() -> gen_server:start_link(?MODULE, plain, []).
start_child(ignore) -> ignore;
start_child(_) -> start_child().
%% Starts as persistent_term Key says: ok (default), or returns what is stored there.
toggle(Key) -> case persistent_term:get(Key, ok) of ok -> start_child(); V -> V end.

log(#{msg := {report, #{label := {supervisor, Ctx}, report := R}}}, _) ->
    Off = proplists:get_value(offender, R),
    reports ! {report, {Ctx, proplists:get_value(id, Off), proplists:get_value(reason, R)}};
log(_, _) -> ok.
reports() -> receive {report, R} -> [R | reports()] after 100 -> [] end.

sup(Flags, Specs) -> {ok, S} = supervisor:start_link(?MODULE, {sup, Flags, Specs}), S.
tspec(Id, Arg, Restart) -> {Id, {?MODULE, start_child, [Arg]}, Restart, 1000, worker, []}.
counts(S) -> [N || {_, N} <- supervisor:count_children(S)].
ids(S) -> [{Id, is_pid(P)} || {Id, P, _, _} <- supervisor:which_children(S)].
stop(S) -> unlink(S), exit(S, shutdown), timer:sleep(10).

-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).

main(_) ->
    logger:set_primary_config(level, error),
    logger:remove_handler(default),
    ok = logger:add_handler(capture, ?MODULE, #{}),
    register(reports, self()),
    process_flag(trap_exit, true),
    %% sup_start_ignore_temporary_child
    S1 = sup(#{}, [tspec(child1, ignore, temporary), tspec(child2, ok, temporary)]),
    ?P(ids(S1)),
    ?P(counts(S1)),
    ?P(supervisor:start_child(S1, tspec(child3, ignore, temporary))),
    ?P(supervisor:start_child(S1, tspec(child4, ignore, permanent))),
    ?P(ids(S1)),
    ?P(counts(S1)),
    stop(S1),
    %% ignore under simple_one_for_one, temporary and permanent
    [begin
         S = sup(#{strategy => simple_one_for_one}, [{c, {?MODULE, start_child, []}, R, 1000, worker, []}]),
         io:format("~p ignore: ~p ~p ~p~n", [R, supervisor:start_child(S, [ignore]),
                                             element(1, supervisor:start_child(S, [])), counts(S)]),
         exit(S, shutdown),
         io:format("~p sup exit: ~p~n", [R, receive {'EXIT', S, Why} -> Why after 1000 -> alive end])
     end || R <- [temporary, permanent]],
    %% sup_start_restart_child_returns_error
    S2 = sup(#{}, [{t, {?MODULE, toggle, [t]}, permanent, 1000, worker, []}]),
    ?P(supervisor:terminate_child(S2, t)),
    persistent_term:put(t, {error, reason}),
    ?P(supervisor:restart_child(S2, t)),
    persistent_term:put(t, junk),
    ?P(supervisor:restart_child(S2, t)),
    persistent_term:put(t, ignore),
    ?P(supervisor:restart_child(S2, t)),
    ?P(supervisor:which_children(S2)),
    persistent_term:put(t, ok),
    ?P(element(1, supervisor:restart_child(S2, t))),
    ?P(reports()),
    stop(S2),
    %% sup_stop_brutal_kill_dynamic
    S3 = sup(#{strategy => simple_one_for_one}, [{c, {?MODULE, start_child, []}, temporary, brutal_kill, worker, []}]),
    Ps = [begin {ok, P} = supervisor:start_child(S3, []), link(P), P end || _ <- [1, 2, 3]],
    unlink(S3), exit(S3, shutdown),
    ?P([receive {'EXIT', P, R} -> R after 1000 -> alive end || P <- Ps]),
    ?P(reports()),
    %% do_not_save_start_parameters_for_temporary_children
    [begin
         S = sup(#{strategy => simple_one_for_one}, [{c, {?MODULE, start_child, []}, R, 1000, worker, []}]),
         {ok, P} = supervisor:start_child(S, [arg]),
         io:format("~p get_childspec: ~p~n", [R, supervisor:get_childspec(S, P)]),
         stop(S)
     end || R <- [temporary, transient, permanent]],
    %% get_callback_module
    S4 = sup(#{}, []),
    ?P(supervisor:get_callback_module(S4) =:= ?MODULE),
    %% a dynamic child whose restart returns ignore
    S5 = sup(#{strategy => simple_one_for_one, intensity => 5}, [{c, {?MODULE, toggle, [d]}, permanent, 1000, worker, []}]),
    {ok, D} = supervisor:start_child(S5, []),
    persistent_term:put(d, ignore),
    exit(D, kill),
    timer:sleep(50),
    ?P(supervisor:which_children(S5)),
    ?P(counts(S5)),
    ?P(reports()),
    stop(S5),
    %% count_children with a supervisor child
    S6 = sup(#{}, [#{id => inner, start => {supervisor, start_link, [?MODULE, {sup, #{}, []}]}, type => supervisor},
                   #{id => w, start => {?MODULE, start_child, []}}]),
    ?P(supervisor:count_children(S6)),
    ?P([{Id, T} || {Id, _, T, _} <- supervisor:which_children(S6)]),
    stop(S6), stop(S4).
