#!/usr/bin/env escript
%% OTP 25's sys:trace lines for a gen_statem, as test/actors/gen_statem.test.ts expects them
%% (run: escript 32_gen_statem_trace.escript).
-mode(compile).
-export([callback_mode/0, init/1, handle_event/4]).
callback_mode() -> [handle_event_function, state_enter].
init(_) -> {ok, a, 0}.
handle_event(enter, _Old, _State, _D) -> keep_state_and_data;
handle_event({call, From}, get, _S, D) -> {keep_state_and_data, [{reply, From, D}]};
handle_event(cast, go, a, D) -> {next_state, b, D + 1};
handle_event(cast, _, a, _D) -> {keep_state_and_data, [postpone]};
handle_event(_, _, b, D) -> {keep_state, D}.
main(_) ->
    {ok, P} = gen_statem:start({local, sm}, ?MODULE, [], []),
    ok = sys:trace(P, true),
    gen_statem:cast(P, x),
    gen_statem:cast(P, go),
    1 = gen_statem:call(P, get),
    timer:sleep(10).
