#!/usr/bin/env escript
%% OTP 25's error report of a terminating gen_statem (gen_statem:error_info, format_log), in
%% its multi-line form and its single-line form, as test/actors/gen_statem_report.test.ts
%% relies on it (run: escript 53_gen_statem_report.escript). Each report is caught by a logger
%% handler and formatted by gen_statem:format_log/2 with unlimited depth. A pid prints as
%% 'pid'; a stack trace (Erlang's frames, which erlsock's JS frames cannot be) prints as
%% [stack], and the client's as [] (format_log's undef fix-up is applied first, as
%% fix_reason does, so the frame it reads is still there). Each machine's module is compiled
%% from forms here.
-mode(compile).
-export([log/2]).

%% A state_functions machine: postpones holds, arms timers, queues events, crashes on demand.
sf() ->
    load(rep_sf, ["callback_mode() -> state_functions.",
                  "init(crash) -> error(init_boom);"
                  "init(bad) -> bad_init;"
                  "init(D) -> {ok, idle, D}.",
                  "idle(cast, {hold, _}, _D) -> {keep_state_and_data, [postpone]};"
                  "idle(cast, arm, D) -> {keep_state, D + 1, [{state_timeout, 60000, st}, {{timeout, g}, 60000, gt}]};"
                  "idle(cast, go, _D) -> {keep_state_and_data, [{next_event, internal, crash}, {next_event, internal, later}]};"
                  "idle(internal, crash, D) -> error({boom, D});"
                  "idle({call, _From}, crash_call, _D) -> error(call_boom);"
                  "idle(cast, bad, D) -> {bad, D};"
                  "idle(cast, {stop, R}, _D) -> {stop, R, new_data};"
                  "idle(cast, {bad_action, S}, D) -> {next_state, S, D * 2, [{bad_action}]};"
                  "idle(cast, lost, D) -> {next_state, nowhere, D};"
                  "idle(cast, wait, _D) -> {keep_state_and_data, [{timeout, 60000, evt}]};"
                  "idle(cast, push, _D) -> {keep_state_and_data, [{push_callback_module, rep_fs2}]};"
                  "idle(cast, crash_now, _D) -> error(now_boom)."]).

%% A machine whose terminate/3 crashes.
tc() ->
    load(rep_tc, ["callback_mode() -> handle_event_function.",
                  "init(D) -> {ok, s, D}.",
                  "handle_event(cast, R, _S, _D) -> {stop, R}.",
                  "terminate(R, _S, _D) -> error({term_boom, R})."]).

%% A handle_event_function machine with state enter calls; the enter call of state two crashes.
he() ->
    load(rep_he, ["callback_mode() -> [handle_event_function, state_enter].",
                  "init(two) -> {ok, two, 0};"
                  "init(D) -> {ok, one, D}.",
                  "handle_event(enter, _Old, two, _D) -> error(enter_boom);"
                  "handle_event(enter, _Old, _S, _D) -> keep_state_and_data;"
                  "handle_event(cast, hold, _S, _D) -> {keep_state_and_data, [postpone]};"
                  "handle_event(cast, next, one, D) -> {next_state, two, {new, D}}."]).

%% format_status/1 (map form) shaping every key the report shows, and the legacy format_status/2.
fs() ->
    load(rep_fs, ["callback_mode() -> handle_event_function.",
                  "init(D) -> {ok, s, D}.",
                  "handle_event(cast, crash, _S, _D) -> error(fs_boom).",
                  "format_status(M) -> M#{data := hidden, reason := {shown, maps:get(reason, M)}, "
                  "queue := [q1, q2], postponed := [p], timeouts := [t], state := {st, maps:get(state, M)}}."]).
fs2() ->
    load(rep_fs2, ["callback_mode() -> handle_event_function.",
                   "init(D) -> {ok, s, D}.",
                   "handle_event(cast, _, _S, _D) -> error(fs_boom).",
                   "format_status(Opt, [_PDict, S, D]) -> {Opt, S, D}."]).

load(Mod, Src0) ->
    Src = ["-module(" ++ atom_to_list(Mod) ++ ").", "-compile(export_all)." | Src0],
    Forms = [begin {ok, T, _} = erl_scan:string(S), {ok, F} = erl_parse:parse_form(T), F end || S <- Src],
    {ok, Mod, Bin} = compile:forms(Forms, [nowarn_export_all]),
    {module, Mod} = code:load_binary(Mod, atom_to_list(Mod) ++ ".erl", Bin),
    Mod.

%% The logger handler: hands each gen_statem report to the escript's process.
log(#{msg := {report, #{label := {gen_statem, terminate}} = R}}, #{config := #{to := To}}) -> To ! {report, R};
log(_, _) -> ok.

next() -> receive {report, R} -> R after 300 -> none end.

show(none) -> io:format("no report~n");
show(R0) ->
    R = mask(R0),
    Multi = lists:flatten(gen_statem:format_log(R, #{depth => unlimited, single_line => false})),
    [io:format("~s~n", [clean(L)]) || L <- string:split(Multi, "\n", all), L =/= ""],
    Single = lists:flatten(gen_statem:format_log(R, #{depth => unlimited, single_line => true})),
    io:format("single: ~s~n", [clean(Single)]).

clean(S) -> re:replace(S, "<[0-9]+\\.[0-9]+\\.[0-9]+>", "pid", [global, {return, list}]).

%% The stack as [stack] (after fix_reason's undef rewrite, which reads its first frame) and
%% the client's stack as [].
mask(#{reason := {C, R, ST}, client_info := CI} = Rep) ->
    {R1, ST1} = fix(C, R, ST),
    Rep#{reason := {C, R1, case ST1 of [] -> []; _ -> [stack] end},
         client_info := case CI of {P, {N, _}} -> {P, {N, []}}; _ -> CI end}.

fix(error, undef, [{M, F, A, _} | ST]) when is_list(A) ->
    case erlang:function_exported(M, F, length(A)) of
        false -> {{'function not exported', {M, F, length(A)}}, ST};
        true -> {undef, [x | ST]}
    end;
fix(_, R, ST) -> {R, ST}.

main(_) ->
    logger:remove_handler(default),
    ok = logger:add_handler(cap, ?MODULE, #{config => #{to => self()}}),
    register(caller, self()),
    SF = sf(),
    io:format("== a crash in a state callback: two postponed events, two timers, an event queued~n"),
    {ok, P1} = gen_statem:start({local, sm1}, SF, 5, []),
    gen_statem:cast(P1, {hold, 1}),
    gen_statem:cast(P1, {hold, 2}),
    gen_statem:cast(P1, arm),
    gen_statem:cast(P1, go),
    show(next()),
    io:format("== a call that crashes, from a registered caller~n"),
    {ok, P2} = gen_statem:start(SF, 1, []),
    catch gen_statem:call(P2, crash_call),
    show(next()),
    io:format("== a bad return value~n"),
    {ok, P3} = gen_statem:start(SF, 2, []),
    gen_statem:cast(P3, bad),
    show(next()),
    io:format("== stop with a custom reason and new data~n"),
    {ok, P4} = gen_statem:start(SF, 3, []),
    gen_statem:cast(P4, {stop, {custom, 1}}),
    show(next()),
    io:format("== a bad action in a transition to another state~n"),
    {ok, P5} = gen_statem:start(SF, 4, []),
    gen_statem:cast(P5, {bad_action, other}),
    show(next()),
    io:format("== an event in a state with no state function~n"),
    {ok, P6} = gen_statem:start(SF, 6, []),
    gen_statem:cast(P6, lost),
    gen_statem:cast(P6, where),
    show(next()),
    io:format("== a crash in init~n"),
    {error, init_boom} = gen_statem:start(SF, crash, []),
    show(next()),
    io:format("== a bad return from init~n"),
    {error, {bad_return_from_init, bad_init}} = gen_statem:start(SF, bad, []),
    show(next()),
    io:format("== a crash in the state enter call after a state change, one event postponed~n"),
    {ok, P7} = gen_statem:start(he(), 7, []),
    gen_statem:cast(P7, hold),
    gen_statem:cast(P7, next),
    show(next()),
    io:format("== a crash in the first state enter call~n"),
    {ok, _} = gen_statem:start(rep_he, two, []),
    show(next()),
    io:format("== format_status/1 shapes the report~n"),
    {ok, P8} = gen_statem:start(fs(), 8, []),
    gen_statem:cast(P8, crash),
    show(next()),
    io:format("== format_status/2 gives the state shown~n"),
    {ok, P9} = gen_statem:start(fs2(), 9, []),
    gen_statem:cast(P9, crash),
    show(next()),
    io:format("== a crash with an event timeout running~n"),
    {ok, P10} = gen_statem:start(SF, 10, []),
    gen_statem:cast(P10, wait),
    gen_statem:cast(P10, crash_now),
    show(next()),
    io:format("== a crash with the sys log on~n"),
    {ok, P11} = gen_statem:start(SF, 11, []),
    ok = sys:log(P11, true),
    gen_statem:cast(P11, {hold, 1}),
    gen_statem:cast(P11, crash_now),
    show(next()),
    io:format("== a crash in a pushed callback module~n"),
    fs2(),
    {ok, P12} = gen_statem:start(SF, 12, []),
    gen_statem:cast(P12, push),
    gen_statem:cast(P12, crash_now),
    show(next()),
    io:format("== sys:terminate with a custom reason~n"),
    {ok, P13} = gen_statem:start(SF, 13, []),
    ok = sys:terminate(P13, {custom, 13}),
    show(next()),
    io:format("== a crash in terminate/3 after a normal stop~n"),
    {ok, P14} = gen_statem:start(tc(), 14, []),
    gen_statem:cast(P14, normal),
    show(next()),
    show(next()),
    io:format("== sys:get_status lists postponed events as the report does, the newest first~n"),
    {ok, P15} = gen_statem:start(SF, 15, []),
    gen_statem:cast(P15, {hold, 1}),
    gen_statem:cast(P15, {hold, 2}),
    {status, _, _, [_, _, _, _, [_, {data, Items} | _]]} = sys:get_status(P15),
    io:format("Postponed ~p~n", [proplists:get_value("Postponed", Items)]),
    [begin
         io:format("== stop with reason ~p~n", [R]),
         {ok, P} = gen_statem:start(SF, 0, []),
         gen_statem:cast(P, {stop, R}),
         show(next())
     end || R <- [normal, shutdown, {shutdown, x}]],
    ok.
