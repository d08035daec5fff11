#!/usr/bin/env escript
%% OTP 25's sys:change_code for gen_server and gen_statem, and gen_statem's callback module
%% actions, as test/actors/code_change.test.ts relies on them (run: escript 34_code_change.escript).
%% A stack trace is printed as 'stack' (its frames are Erlang's own).
-mode(compile).
-export([init/1, handle_call/3, handle_cast/2, code_change/3,
         callback_mode/0, handle_event/4, code_change/4]).

%% As a gen_server: the state is a number.
init({statem, Enter}) -> put(enter, Enter), {ok, a, 0};
init(N) -> {ok, N}.
handle_call(get, _From, N) -> {reply, N, N}.
handle_cast(_, N) -> {noreply, N}.
code_change(Old, N, ok) -> {ok, {Old, N}};
code_change(_, _, bad) -> {error, bad};
code_change(_, _, crash) -> error(boom);
code_change(_, _, throw) -> throw(thrown);
code_change(_, _, exit) -> exit(gone).

%% As a gen_statem (this module at the bottom of the callback module stack).
callback_mode() -> case get(enter) of true -> [handle_event_function, state_enter]; _ -> handle_event_function end.
handle_event(enter, _, _, _) -> {keep_state_and_data, [{change_callback_module, cc_other}]};
handle_event({call, From}, which, S, D) -> {keep_state_and_data, [{reply, From, {?MODULE, S, D}}]};
handle_event({call, From}, {Tag, M}, _, _) -> {keep_state_and_data, [{reply, From, ok}, {Tag, M}]};
handle_event({call, From}, pop, _, _) -> {keep_state_and_data, [{reply, From, ok}, pop_callback_module]}.
code_change(Old, S, D, ok) -> {ok, S, {Old, D}};
code_change(_, _, _, two) -> {ok, two};
code_change(_, _, _, bad) -> {error, bad};
code_change(_, _, _, crash) -> error(boom);
code_change(_, _, _, throw) -> throw(thrown);
code_change(_, _, _, exit) -> exit(gone).

%% Modules made at run time (an escript holds one module).
load(Forms) ->
    Parsed = [begin {ok, T, _} = erl_scan:string(F), {ok, Form} = erl_parse:parse_form(T), Form end || F <- Forms],
    {ok, M, Bin} = compile:forms(Parsed),
    {module, M} = code:load_binary(M, "nofile", Bin).

strip({'EXIT', {R, [{_, _, _, _} | _]}}) -> {'EXIT', {R, stack}};
strip({error, {'EXIT', {R, [{_, _, _, _} | _]}}}) -> {error, {'EXIT', {R, stack}}};
strip({error, {'EXIT', {R, [{_, _, _} | _]}}}) -> {error, {'EXIT', {R, stack}}};
strip(X) -> X.

down(P) ->
    M = monitor(process, P),
    receive {'DOWN', M, _, _, R} -> strip({'EXIT', R}) after 1000 -> alive end.

-define(P(E), io:format("~s~n    => ~p~n", [??E, strip(catch E)])).

main(_) ->
    logger:set_primary_config(level, none),
    load(["-module(cc_other).",
          "-export([callback_mode/0, handle_event/4, code_change/4]).",
          "callback_mode() -> handle_event_function.",
          "handle_event({call, From}, which, S, D) -> {keep_state_and_data, [{reply, From, {cc_other, S, D}}]};"
          "handle_event({call, From}, pop, _, _) -> {keep_state_and_data, [{reply, From, ok}, pop_callback_module]};"
          "handle_event({call, From}, {Tag, M}, _, _) -> {keep_state_and_data, [{reply, From, ok}, {Tag, M}]}.",
          "code_change(Old, S, D, Extra) -> {ok, S, {cc_other, Old, D, Extra}}."]),
    load(["-module(cc_badmode).", "-export([callback_mode/0]).", "callback_mode() -> sideways."]),
    load(["-module(cc_plain).", "-export([init/1, handle_call/3, handle_cast/2]).",
          "init(N) -> {ok, N}.", "handle_call(get, _, N) -> {reply, N, N}.", "handle_cast(_, N) -> {noreply, N}."]),
    %% gen_server
    {ok, S} = gen_server:start(?MODULE, 1, []),
    ?P(sys:change_code(S, ?MODULE, v1, ok)),
    ?P(sys:suspend(S)),
    ?P(sys:change_code(S, ?MODULE, v1, ok)),
    ?P(sys:get_state(S)),
    ?P(sys:change_code(S, ?MODULE, v2, bad)),
    ?P(sys:change_code(S, ?MODULE, v2, crash)),
    ?P(sys:change_code(S, ?MODULE, v2, throw)),
    ?P(sys:change_code(S, ?MODULE, v2, exit)),
    ?P(sys:get_state(S)),
    ?P(sys:change_code(S, ?MODULE, v2, ok, 1000)),
    ?P(sys:resume(S)),
    ?P(gen_server:call(S, get)),
    ?P(gen:call(S, system, no_such_request)),
    {ok, Plain} = gen_server:start(cc_plain, 7, []),
    ok = sys:suspend(Plain),
    ?P(sys:change_code(Plain, cc_plain, v1, x)),
    ?P(catch sys:change_code(no_such_server, m, v1, x)),
    %% gen_statem
    {ok, M} = gen_statem:start(?MODULE, {statem, false}, []),
    ?P(sys:change_code(M, ?MODULE, v1, ok)),
    ok = sys:suspend(M),
    ?P(sys:change_code(M, ?MODULE, v1, ok)),
    ?P(sys:change_code(M, ?MODULE, v1, two)),
    ?P(sys:change_code(M, ?MODULE, v1, bad)),
    ?P(sys:change_code(M, ?MODULE, v1, crash)),
    ?P(sys:change_code(M, ?MODULE, v1, throw)),
    ?P(sys:change_code(M, ?MODULE, v1, exit)),
    ?P(sys:get_state(M)),
    ok = sys:resume(M),
    ?P(gen_statem:call(M, which)),
    ?P(gen_statem:call(M, {push_callback_module, cc_other})),
    ?P(gen_statem:call(M, which)),
    ?P(lists:keyfind("Modules", 1, element(2, lists:nth(2, lists:last(element(4, sys:get_status(M))))))),
    ok = sys:suspend(M),
    ?P(sys:change_code(M, cc_other, v3, extra)),
    ok = sys:resume(M),
    ?P(gen_statem:call(M, which)),
    ?P(gen_statem:call(M, pop)),
    ?P(gen_statem:call(M, which)),
    ?P(gen_statem:call(M, {change_callback_module, cc_other})),
    ?P(gen_statem:call(M, which)),
    ?P(lists:keyfind("Modules", 1, element(2, lists:nth(2, lists:last(element(4, sys:get_status(M))))))),
    ?P(gen_statem:call(M, pop)),
    ?P(down(M)),
    {ok, {M2, R2}} = gen_statem:start_monitor(?MODULE, {statem, false}, []),
    ?P(gen_statem:call(M2, {change_callback_module, cc_badmode})),
    ?P(receive {'DOWN', R2, _, _, Why2} -> strip({'EXIT', Why2}) after 1000 -> alive end),
    {ok, {M3, R3}} = gen_statem:start_monitor(?MODULE, {statem, false}, []),
    ?P(gen_statem:call(M3, {push_callback_module, 42})),
    ?P(receive {'DOWN', R3, _, _, Why3} -> strip({'EXIT', Why3}) after 1000 -> alive end),
    {ok, {_M4, R4}} = gen_statem:start_monitor(?MODULE, {statem, true}, []),
    ?P(receive {'DOWN', R4, _, _, Why4} -> strip({'EXIT', Why4}) after 1000 -> alive end),
    %% A bad callback_mode from the start: the start returns ok, then the machine stops.
    load(["-module(cc_badstart).", "-export([init/1, callback_mode/0]).", "init(_) -> {ok, s, d}.", "callback_mode() -> sideways."]),
    Started = gen_statem:start_monitor(cc_badstart, [], []),
    ?P(element(1, Started)),
    {ok, {_, R6}} = Started,
    ?P(receive {'DOWN', R6, _, _, Why6} -> strip({'EXIT', Why6}) after 1000 -> alive end),
    ok.
