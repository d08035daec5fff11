#!/usr/bin/env escript
%% OTP 25's gen_statem format_status (the map form format_status/1 and the legacy
%% format_status/2) as sys:get_status shows it, the hibernate transitions, and
%% {via, Module, Name} names, as test/actors/gen_statem_status.test.ts relies on it
%% (run: escript 51_gen_statem_status.escript). Each machine's module is compiled from
%% forms here, so each exports only the format_status it is about.
-mode(compile).

-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).

%% A handle_event_function machine named Mod, with the given extra function clauses.
load(Mod, Extra) ->
    Src = ["-module(" ++ atom_to_list(Mod) ++ ").",
           "-compile(export_all).",
           "callback_mode() -> handle_event_function.",
           "init(D) -> {ok, idle, D}.",
           "handle_event({call, F}, get, S, D) -> {keep_state_and_data, [{reply, F, {S, D}}]};"
           "handle_event({call, F}, {go, S2, How}, _S, D) -> {next_state, S2, D + 1, [{reply, F, ok} | How]};"
           "handle_event(cast, later, _S, _D) -> {keep_state_and_data, [postpone, {state_timeout, 60000, st}, {{timeout, g}, 60000, gt}]};"
           "handle_event(_, _, _, _) -> keep_state_and_data." | Extra],
    Forms = [begin {ok, T, _} = erl_scan:string(S), {ok, F} = erl_parse:parse_form(T), F end || S <- Src],
    {ok, Mod, Bin} = compile:forms(Forms, [nowarn_export_all]),
    {module, Mod} = code:load_binary(Mod, atom_to_list(Mod) ++ ".erl", Bin),
    Mod.

status(P) -> {status, _, {module, M}, [_, _, _, _, Misc]} = sys:get_status(P), {M, Misc}.

main(_) ->
    logger:set_primary_config(level, none),
    process_flag(trap_exit, true),
    Plain = load(fs_plain, []),
    {ok, P0} = gen_statem:start_link(Plain, 1, []),
    gen_statem:cast(P0, later),
    ?P(status(P0)),
    %% format_status/1: the map back with its values changed
    New = load(fs_new, ["format_status(M) -> maps:map(fun(state, S) -> {hidden, S}; (data, _) -> secret; (timeouts, T) -> length(T); (postponed, Q) -> length(Q); (log, _) -> nolog; (_, V) -> V end, M)."]),
    {ok, P1} = gen_statem:start_link(New, 2, []),
    gen_statem:cast(P1, later),
    ?P(status(P1)),
    ?P(sys:get_state(P1)),
    Keys = load(fs_keys, ["format_status(M) -> M#{data := lists:sort(maps:keys(M))}."]),
    {ok, PK} = gen_statem:start_link(Keys, 0, []),
    ?P(status(PK)),
    %% format_status/1 returning a part of the map, a map with other keys, not a map, crashing
    Part = load(fs_part, ["format_status(_) -> #{data => secret}."]),
    {ok, P2} = gen_statem:start_link(Part, 3, []),
    ?P(status(P2)),
    Other = load(fs_other, ["format_status(M) -> M#{extra => 1}."]),
    {ok, P3} = gen_statem:start_link(Other, 4, []),
    ?P(status(P3)),
    NotMap = load(fs_notmap, ["format_status(_) -> [no]."]),
    {ok, P4} = gen_statem:start_link(NotMap, 5, []),
    ?P(status(P4)),
    Crash = load(fs_crash, ["format_status(_) -> error(boom)."]),
    {ok, P5} = gen_statem:start_link(Crash, 6, []),
    ?P(status(P5)),
    %% format_status/2 (legacy): [PDict, State, Data]; a list is the rest of the status, a term is wrapped
    OldL = load(fs_old_list, ["format_status(Opt, [_PDict, S, D]) -> [{data, [{\"State\", {Opt, S, D * 10}}]}]."]),
    {ok, P6} = gen_statem:start_link(OldL, 7, []),
    ?P(status(P6)),
    OldT = load(fs_old_term, ["format_status(Opt, [_PDict, S, _D]) -> {Opt, S}."]),
    {ok, P7} = gen_statem:start_link(OldT, 8, []),
    ?P(status(P7)),
    OldThrow = load(fs_old_throw, ["format_status(_, _) -> throw(thrown)."]),
    {ok, P8} = gen_statem:start_link(OldThrow, 9, []),
    ?P(status(P8)),
    OldCrash = load(fs_old_crash, ["format_status(_, _) -> error(boom)."]),
    {ok, P9} = gen_statem:start_link(OldCrash, 10, []),
    ?P(status(P9)),
    %% both exported: format_status/1 wins
    Both = load(fs_both, ["format_status(M) -> M#{data := one}.", "format_status(_, _) -> two."]),
    {ok, P10} = gen_statem:start_link(Both, 11, []),
    ?P(status(P10)),
    %% hibernate: as an action, alone, in a list, {hibernate, Bool}; state kept
    {ok, H} = gen_statem:start_link(Plain, 0, []),
    ?P(gen_statem:call(H, {go, a, [hibernate]})),
    ?P(process_info(H, current_function)),
    ?P(gen_statem:call(H, get)),
    ?P(gen_statem:call(H, {go, b, [{hibernate, true}]})),
    ?P(process_info(H, current_function)),
    ?P(gen_statem:call(H, {go, c, [{hibernate, false}]})),
    ?P(process_info(H, current_function)),
    ?P(gen_statem:call(H, get)),
    ?P(gen_statem:call(H, {go, d, [{hibernate, maybe}]})),
    ?P(receive {'EXIT', H, RH} -> element(1, RH) after 1000 -> alive end),
    %% {via, Module, Name}
    ?P(element(1, gen_statem:start({via, global, sm_via}, Plain, 20, []))),
    ?P(element(1, gen_statem:start({via, global, sm_via}, Plain, 21, []))),
    ?P(gen_statem:call({via, global, sm_via}, get)),
    ?P(gen_statem:cast({via, global, sm_via}, x)),
    ?P(sys:get_state({via, global, sm_via})),
    ?P(gen_statem:stop({via, global, sm_via})),
    ?P(gen_statem:call({via, global, sm_via}, get)),
    ?P(gen_statem:cast({via, global, sm_via}, x)),
    ok.
