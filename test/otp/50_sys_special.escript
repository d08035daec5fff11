#!/usr/bin/env escript
%% OTP 25's sys on a special process (a plain proc_lib process that answers system messages
%% itself through sys:handle_system_msg/6), as sys_SUITE's special_process cases and
%% test/actors/sys_special.test.ts rely on it (run: escript 50_sys_special.escript):
%% get_state, replace_state, suspend/resume, get_status, change_code, terminate, and the
%% defaults when the module exports no system_get_state/system_replace_state.
-mode(compile).
-export([init/2, system_continue/3, system_terminate/4, system_get_state/1,
         system_replace_state/2, system_code_change/4]).

-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).
%% An exit's reason without its stack (which names lines of this file).
-define(E(E), io:format("~s~n    => ~p~n", [??E, strip(catch E)])).
strip({'EXIT', {R, [_ | _]}}) -> {'EXIT', R};
strip(V) -> V.

%% The special process: Misc is {State, Module-flag}; State a counter.
init(Parent, N) ->
    proc_lib:init_ack(Parent, {ok, self()}),
    loop(Parent, sys:debug_options([]), N).

loop(Parent, Deb, N) ->
    receive
        {system, From, Req} -> sys:handle_system_msg(Req, From, Parent, ?MODULE, Deb, N);
        {get, Pid} -> Pid ! {value, N}, loop(Parent, Deb, N);
        {'EXIT', Parent, R} -> exit(R)
    end.

system_continue(Parent, Deb, N) -> loop(Parent, Deb, N).
system_terminate(Reason, _Parent, _Deb, N) -> io:format("system_terminate ~p ~p~n", [Reason, N]), exit(Reason).
system_get_state(N) -> {ok, {counter, N}}.
system_replace_state(F, N) -> {counter, N2} = F({counter, N}), {ok, {counter, N2}, N2}.
system_code_change(N, Mod, Vsn, Extra) when is_integer(Vsn) -> io:format("code_change ~p ~p ~p~n", [Mod, Vsn, Extra]), {ok, N + Vsn};
system_code_change(_N, _Mod, Vsn, _Extra) -> {error, {bad_vsn, Vsn}}.

%% A special process whose module exports only the required callbacks: get_state and
%% replace_state work on Misc itself.
load_bare() ->
    Forms = [begin {ok, T, _} = erl_scan:string(S), {ok, F} = erl_parse:parse_form(T), F end || S <- [
        "-module(sys_special_bare).",
        "-export([init/1, system_continue/3, system_terminate/4, system_code_change/4]).",
        "init(Parent) -> proc_lib:init_ack(Parent, {ok, self()}), loop(Parent, [], {bare, 1}).",
        "loop(Parent, Deb, Misc) -> receive {system, From, Req} -> sys:handle_system_msg(Req, From, Parent, sys_special_bare, Deb, Misc) end.",
        "system_continue(Parent, Deb, Misc) -> loop(Parent, Deb, Misc).",
        "system_terminate(R, _, _, _) -> exit(R).",
        "system_code_change(Misc, _, _, _) -> {ok, Misc}."]],
    {ok, Mod, Bin} = compile:forms(Forms),
    {module, Mod} = code:load_binary(Mod, "sys_special_bare.erl", Bin).

%% A throwing fun on a module without system_replace_state: callback_failed names the fun
%% itself (whose printed form varies), so print whether it is that fun.
replace_throws(B) ->
    F = fun(_) -> throw(no) end,
    {'EXIT', {{callback_failed, F2, How}, _}} = (catch sys:replace_state(B, F)),
    {callback_failed, F2 =:= F, How}.

value(P) -> P ! {get, self()}, receive {value, V} -> V after 1000 -> timeout end.

main(_) ->
    logger:set_primary_config(level, none),
    process_flag(trap_exit, true),
    Self = self(),
    {ok, P} = proc_lib:start_link(?MODULE, init, [Self, 5]),
    ?P(sys:get_state(P)),
    ?P(sys:replace_state(P, fun({counter, N}) -> {counter, N * 2} end)),
    ?P(value(P)),
    ?E(sys:replace_state(P, fun(_) -> error(boom) end)),
    ?P(sys:get_state(P)),
    ?P(sys:change_code(P, ?MODULE, 1, x)),
    ?P(sys:suspend(P)),
    P ! {get, Self},
    ?P(receive {value, V0} -> V0 after 100 -> no_answer_while_suspended end),
    ?P(sys:change_code(P, ?MODULE, 3, x)),
    ?P(sys:change_code(P, ?MODULE, bad, x)),
    ?P(sys:get_state(P)),
    {status, SP, {module, SM}, [SPD, SSt, SPar, SDeb, SMisc]} = sys:get_status(P),
    ?P({SP =:= P, SM, lists:sort(SPD), SSt, SPar =:= Self, SDeb, SMisc}),
    ?P(sys:resume(P)),
    ?P(receive {value, V1} -> V1 after 1000 -> timeout end),
    ?P(sys:get_status(P, 1000) =/= undefined),
    ?P(sys:terminate(P, bye)),
    ?P(receive {'EXIT', P, R} -> R after 1000 -> alive end),
    ?P(sys:get_state(P)),
    load_bare(),
    {ok, B} = proc_lib:start_link(sys_special_bare, init, [Self]),
    ?P(sys:get_state(B)),
    ?P(sys:replace_state(B, fun({bare, N}) -> {bare, N + 1} end)),
    ?P(sys:get_state(B)),
    ?P(replace_throws(B)),
    ?P(element(3, sys:get_status(B))),
    ?P(lists:last(element(4, sys:get_status(B)))),
    ?P(sys:terminate(B, normal)),
    ?P(receive {'EXIT', B, RB} -> RB after 1000 -> alive end),
    %% a system message the process does not know
    {ok, P3} = proc_lib:start_link(?MODULE, init, [Self, 1]),
    ?P(sys:statistics(P3, get)),
    ?P(sys:trace(P3, true)),
    ?P(sys:get_state(P3)),
    ?P(sys:terminate(P3, shutdown)),
    ?P(receive {'EXIT', P3, R3} -> R3 after 1000 -> alive end),
    ok.
