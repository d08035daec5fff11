#!/usr/bin/env escript
%% More of OTP 25's gen_statem as gen_statem_SUITE and sys_SUITE check it, as
%% test/actors/gen_statem_more.test.ts relies on it (run: escript 38_gen_statem_more.escript):
%% event_order, stop_and_reply with several replies, shutdown, stop of a dead machine,
%% enter_loop (and its errors), sys suspend/resume twice.
-mode(compile).
-export([callback_mode/0, init/1, handle_event/4, entered/1]).

callback_mode() -> handle_event_function.
init(Machine) -> {ok, start, {Machine, undefined}}.
%% A machine given as a map of funs by state, as the suite's map_statem.
handle_event(Type, Content, State, {Machine, Data}) ->
    case (maps:get(State, Machine))(Type, Content, Data) of
        {next_state, S, D} -> {next_state, S, {Machine, D}};
        {next_state, S, D, A} -> {next_state, S, {Machine, D}, A};
        {keep_state, D} -> {keep_state, {Machine, D}};
        {keep_state, D, A} -> {keep_state, {Machine, D}, A};
        {stop_and_reply, R, A} -> {stop_and_reply, R, A};
        Other -> Other
    end.

flush() -> receive M -> [M | flush()] after 100 -> [] end.
-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).

%% enter_loop: Name to register first (or none), Server as given to enter_loop.
entered({Reg, Server}) ->
    case Reg of
        {local, N} -> register(N, self());
        {global, N} -> yes = global:register_name(N, self());
        none -> ok
    end,
    proc_lib:init_ack({ok, self()}),
    Machine = #{start => fun({call, From}, get, D) -> {keep_state, D, [{reply, From, {entered, D}}]};
                            (internal, x, D) -> {keep_state, D + 1} end},
    case Server of
        none -> gen_statem:enter_loop(?MODULE, [], start, {Machine, 1}, [{next_event, internal, x}]);
        _ -> gen_statem:enter_loop(?MODULE, [], start, {Machine, 1}, Server, [])
    end.

main(_) ->
    logger:set_primary_config(level, none),
    process_flag(trap_exit, true),
    %% event_order
    M1 = #{start => fun(cast, _, _) -> {keep_state_and_data, postpone};
                       ({call, From}, {buffer, Pid, [T3, T4, T5]}, undefined) ->
                           {next_state, buffer, [],
                            [{next_event, internal, {reply, {Pid, T3}, ok3}},
                             {next_event, internal, {reply, {Pid, T4}, ok4}},
                             {timeout, 0, {reply, {Pid, T5}, ok5}},
                             {reply, From, ok}]} end,
           buffer => fun(internal, Reply, Replies) -> {keep_state, [Reply | Replies]};
                        (timeout, Reply, Replies) -> {keep_state, [Reply | Replies]};
                        (cast, Reply, Replies) -> {keep_state, [Reply | Replies]};
                        ({call, From}, {stop, Reason}, Replies) ->
                            {next_state, stop, undefined,
                             lists:reverse(Replies, [{reply, From, ok}, {next_event, internal, {stop, Reason}}])} end,
           stop => fun(internal, Result, undefined) -> Result end},
    {ok, S1} = gen_statem:start_link(?MODULE, M1, []),
    Self = self(),
    gen_statem:cast(S1, {reply, {Self, t1}, ok1}),
    gen_statem:cast(S1, {reply, {Self, t2}, ok2}),
    ?P(gen_statem:call(S1, {buffer, Self, [t3, t4, t5]})),
    ?P(gen_statem:call(S1, {stop, reason})),
    ?P([case M of {'EXIT', _, R} -> {'EXIT', R}; _ -> M end || M <- flush()]),
    ?P(gen_statem:call(S1, hej)),
    %% stop_and_reply
    M2 = #{start => fun(cast, {echo, From1, Reply1}, undefined) -> {next_state, wait, {reply, From1, Reply1}} end,
           wait => fun(cast, {stop_and_reply, Reason, From2, Reply2}, R1) -> {stop_and_reply, Reason, [R1, {reply, From2, Reply2}]} end},
    {ok, S2} = gen_statem:start_link(?MODULE, M2, []),
    gen_statem:cast(S2, {echo, {Self, t1}, reply1}),
    gen_statem:cast(S2, {stop_and_reply, reason, {Self, t2}, reply2}),
    ?P([case M of {'EXIT', _, R} -> {'EXIT', R}; _ -> M end || M <- flush()]),
    %% shutdown
    M3 = #{start => fun({call, From}, {stop, R}, _) -> {stop_and_reply, R, [{reply, From, stopped}]} end},
    {ok, S3} = gen_statem:start_link(?MODULE, M3, []),
    ?P(gen_statem:call(S3, {stop, {shutdown, reason}})),
    ?P(receive {'EXIT', S3, R3} -> R3 after 1000 -> alive end),
    ?P(gen_statem:call(S3, hej)),
    ?P(gen_statem:stop(S3)),
    {ok, _} = gen_statem:start({global, to_stop}, ?MODULE, #{}, []),
    ?P(gen_statem:stop({global, to_stop})),
    ?P(gen_statem:stop({global, to_stop})),
    %% enter_loop
    {ok, E1} = proc_lib:start_link(?MODULE, entered, [{{local, ent}, {local, ent}}]),
    ?P(gen_statem:call(ent, get)),
    ?P(element(1, sys:get_state(E1))),
    ?P(gen_statem:stop(ent)),
    ?P(receive {'EXIT', E1, RE1} -> RE1 after 1000 -> alive end),
    [begin
         {ok, E} = proc_lib:start_link(?MODULE, entered, [{none, Server}]),
         io:format("enter_loop ~p: ~p~n", [Server, receive {'EXIT', E, RE} -> RE after 1000 -> alive end])
     end || Server <- [{local, ent2}, {global, ent2}, {via, global, ent2}]],
    {ok, E4} = proc_lib:start_link(?MODULE, entered, [{none, none}]),
    ?P(sys:get_state(E4) =/= undefined),
    unlink(E4), exit(E4, kill),
    P5 = spawn_link(fun() -> gen_statem:enter_loop(?MODULE, [], start, {#{}, 1}) end),
    ?P(receive {'EXIT', P5, R5} -> R5 after 1000 -> alive end),
    %% sys: suspend and resume twice are no errors; a call waits while suspended
    {ok, S6} = gen_statem:start(?MODULE, #{start => fun({call, From}, hej, D) -> {keep_state, D, [{reply, From, hej}]} end}, []),
    ?P(sys:suspend(S6)),
    ?P(sys:suspend(S6, 1000)),
    ?P(element(1, element(2, catch gen_statem:call(S6, hej, 50)))),
    ?P(lists:nth(2, element(4, sys:get_status(S6)))),
    ?P(sys:resume(S6)),
    ?P(sys:resume(S6)),
    ?P(lists:nth(2, element(4, sys:get_status(S6)))),
    ?P(gen_statem:call(S6, hej)),
    ?P(flush()).
