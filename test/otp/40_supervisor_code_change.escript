#!/usr/bin/env escript
%% OTP 25's supervisor code_change (supervisor_SUITE's code_change, code_change_map,
%% code_change_simple), as test/actors/supervisor_code_change.test.ts relies on it (run:
%% escript 40_supervisor_code_change.escript): sys:change_code on a suspended supervisor runs
%% its init again; new flags and specs are taken, the children keep running (new ids are added
%% without a pid), bad flags or specs or returns give errors and change nothing. (A
%% simple_one_for_one given other than one spec answers with OTP's internal children term,
%% not shown here.)
-mode(compile).
-export([init/1, start_child/0]).

init(Key) -> persistent_term:get(Key).
start_child() -> {ok, spawn_link(fun() -> receive stop -> ok end end)}.
spec(Id) -> #{id => Id, start => {?MODULE, start_child, []}}.
spec(Id, Restart) -> #{id => Id, start => {?MODULE, start_child, []}, restart => Restart}.
ids(S) -> [{Id, case P of undefined -> undefined; _ when is_pid(P) -> pid end} || {Id, P, _, _} <- supervisor:which_children(S)].
change(S) -> ok = sys:suspend(S), R = sys:change_code(S, ?MODULE, old, extra), ok = sys:resume(S), R.

-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).

main(_) ->
    logger:set_primary_config(level, none),
    process_flag(trap_exit, true),
    persistent_term:put(k, {ok, {#{}, [spec(a), spec(b)]}}),
    {ok, S} = supervisor:start_link(?MODULE, k),
    [{b, B, _, _}, {a, A, _, _}] = supervisor:which_children(S),
    ?P(ids(S)),
    persistent_term:put(k, {ok, {#{strategy => one_for_all, intensity => 3}, [spec(b, transient), spec(c), spec(d)]}}),
    ?P(sys:change_code(S, ?MODULE, old, extra)),
    ?P(change(S)),
    ?P(ids(S)),
    ?P([P || {Id, P, _, _} <- supervisor:which_children(S), Id =:= a orelse Id =:= b] =:= [A, B]),
    ?P(maps:get(restart, element(2, supervisor:get_childspec(S, b)))),
    ?P(supervisor:count_children(S)),
    ?P(element(1, supervisor:restart_child(S, c))),
    ?P(ids(S)),
    A ! stop,
    timer:sleep(50),
    ?P(ids(S)),
    ?P(lists:member(B, [P || {_, P, _, _} <- supervisor:which_children(S)])),
    persistent_term:put(k, {ok, {#{strategy => nonsense}, []}}),
    ?P(change(S)),
    persistent_term:put(k, {ok, {junk, []}}),
    ?P(change(S)),
    persistent_term:put(k, {ok, {#{}, [#{id => x, start => {?MODULE, start_child, []}, restart => nonsense}]}}),
    ?P(change(S)),
    persistent_term:put(k, {ok, {#{}, [spec(x), spec(x)]}}),
    ?P(change(S)),
    persistent_term:put(k, ignore),
    ?P(change(S)),
    persistent_term:put(k, junk),
    ?P(change(S)),
    ?P(ids(S)),
    unlink(S), exit(S, kill),
    %% simple_one_for_one
    persistent_term:put(s, {ok, {#{strategy => simple_one_for_one}, [spec(c1)]}}),
    {ok, D} = supervisor:start_link(?MODULE, s),
    {ok, D1} = supervisor:start_child(D, []),
    persistent_term:put(s, {ok, {#{strategy => simple_one_for_one}, [spec(c2, temporary)]}}),
    ?P(change(D)),
    ?P(supervisor:get_childspec(D, D1)),
    ?P(supervisor:count_children(D)),
    unlink(D), exit(D, kill).
