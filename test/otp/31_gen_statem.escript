#!/usr/bin/env escript
%% OTP 25's gen_statem event order, as test/actors/gen_statem.test.ts relies on it
%% (run: escript 31_gen_statem.escript).
-mode(compile).
-export([callback_mode/0, init/1, handle_event/4]).

callback_mode() -> [handle_event_function, state_enter].
init(_) -> {ok, a, []}.

handle_event(enter, Old, State, Log) -> {keep_state, [{enter, Old, State} | Log]};
handle_event({call, From}, log, _State, Log) -> {keep_state_and_data, [{reply, From, lists:reverse(Log)}]};
handle_event(cast, switch, a, Log) ->
    {next_state, b, [switch | Log],
     [{next_event, internal, n1}, {next_event, internal, n2}, {timeout, 0, t0}, {state_timeout, 0, st0}]};
handle_event(cast, Msg, a, Log) -> {keep_state, [{postponed, Msg} | Log], [postpone]};
handle_event(Type, Content, b, Log) -> {keep_state, [{Type, Content} | Log]}.

main(_) ->
    {ok, P} = gen_statem:start(?MODULE, [], []),
    gen_statem:cast(P, go1),
    gen_statem:cast(P, go2),
    gen_statem:cast(P, switch),
    gen_statem:cast(P, after_switch),
    timer:sleep(50),
    io:format("~p~n", [gen_statem:call(P, log)]),
    io:format("get_state: ~p~n", [sys:get_state(P)]),
    io:format("call to dead: ~p~n", [catch gen_statem:call(list_to_pid("<0.1.99>"), x)]),
    io:format("call timeout: ~p~n", [catch gen_statem:call(P, {never}, 10)]).
