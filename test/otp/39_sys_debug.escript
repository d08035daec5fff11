#!/usr/bin/env escript
%% OTP 25's sys debug options as sys_SUITE checks them and test/actors/sys_debug.test.ts relies
%% on them (run: escript 39_sys_debug.escript): log (get, print, a bound), statistics,
%% install/remove of debug funs, no_debug, log_to_file, for a gen_server and a gen_statem.
%% Pids print as <PID>, refs as #Ref.
-mode(compile).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, callback_mode/0, handle_event/4]).

init(statem) -> {ok, idle, 0};
init([]) -> {ok, 0}.
handle_call({req, Arg}, _From, N) -> {reply, {ok, -Arg}, N + 1}.
handle_cast({set, M}, _) -> {noreply, M};
handle_cast(_, N) -> {noreply, N}.
handle_info(_, N) -> {noreply, N}.
callback_mode() -> handle_event_function.
handle_event({call, From}, get, S, D) -> {keep_state_and_data, [{reply, From, {S, D}}]};
handle_event(cast, go, idle, D) -> {next_state, busy, D + 1};
handle_event(cast, _, _, _) -> {keep_state_and_data, postpone}.

-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).
flush() -> receive M -> [M | flush()] after 50 -> [] end.

main(_) ->
    {ok, S} = gen_server:start({local, sys_server}, ?MODULE, [], []),
    %% log
    ?P(sys:log(sys_server, true)),
    ?P(gen_server:call(sys_server, {req, 44})),
    gen_server:cast(sys_server, {set, 5}),
    sys_server ! hello,
    ?P(sys:log(sys_server, get)),
    ?P(sys:log(sys_server, print)),
    ?P(sys:log(sys_server, false)),
    ?P(sys:log(sys_server, get)),
    ?P(sys:log(sys_server, {true, 2})),
    [gen_server:cast(sys_server, {set, N}) || N <- [1, 2, 3]],
    ?P(sys:log(sys_server, get)),
    ?P(lists:nth(2, lists:last(element(4, sys:get_status(sys_server))))),
    ?P(sys:log(sys_server, false)),
    %% statistics
    ?P(sys:statistics(sys_server, get)),
    ?P(sys:statistics(sys_server, true)),
    ?P(gen_server:call(sys_server, {req, 1})),
    gen_server:cast(sys_server, {set, 1}),
    {ok, Stats} = sys:statistics(sys_server, get),
    ?P([K || {K, _} <- Stats]),
    ?P([{K, V} || {K, V} <- Stats, K =:= messages_in orelse K =:= messages_out]),
    ?P(sys:statistics(sys_server, false)),
    ?P(sys:statistics(sys_server, get)),
    %% install, remove, no_debug
    Self = self(),
    Spy = fun(FState, Event, ProcState) ->
                  case Event of
                      {in, {'$gen_call', _From, {req, A}}} -> Self ! {spy_got, FState, A, ProcState}, FState + 1;
                      {in, {'$gen_cast', stop_spy}} -> done;
                      _ -> FState
                  end
          end,
    ?P(sys:install(sys_server, {Spy, 0})),
    ?P(gen_server:call(sys_server, {req, 1})),
    ?P(sys:no_debug(sys_server)),
    ?P(gen_server:call(sys_server, {req, 2})),
    ?P(sys:install(sys_server, {Spy, 10})),
    ?P(sys:install(sys_server, {Spy, 20})),
    ?P(gen_server:call(sys_server, {req, 3})),
    ?P(sys:remove(sys_server, Spy)),
    ?P(gen_server:call(sys_server, {req, 4})),
    ?P(sys:install(sys_server, {spy, Spy, 30})),
    ?P(gen_server:call(sys_server, {req, 5})),
    gen_server:cast(sys_server, stop_spy),
    ?P(gen_server:call(sys_server, {req, 6})),
    ?P(sys:remove(sys_server, spy)),
    ?P(flush()),
    %% log_to_file
    File = "/tmp/erlsock_39_sys_debug.log",
    ?P(sys:log_to_file(sys_server, File)),
    ?P(gen_server:call(sys_server, {req, 7})),
    ?P(sys:log_to_file(sys_server, false)),
    {ok, Text} = file:read_file(File),
    ?P(binary:split(re:replace(Text, "<[0-9.]+>", "<PID>", [global, {return, binary}]), <<"\n">>, [global])),
    ?P(sys:log_to_file(sys_server, "/nonexistent/dir/file.log")),
    file:delete(File),
    ?P(gen_server:call(sys_server, {req, 8})),
    %% gen_statem
    {ok, M} = gen_statem:start({local, sys_statem}, ?MODULE, statem, []),
    ?P(sys:log(M, true)),
    ?P(sys:statistics(M, true)),
    gen_statem:cast(M, other),
    gen_statem:cast(M, go),
    ?P(gen_statem:call(M, get)),
    ?P(sys:log(M, get)),
    {ok, MStats} = sys:statistics(M, get),
    ?P([{K, V} || {K, V} <- MStats, K =:= messages_in orelse K =:= messages_out]),
    ?P(sys:log(M, print)),
    ?P(lists:keyfind("Logged Events", 1, element(2, lists:nth(2, lists:last(element(4, sys:get_status(M))))))),
    ok = gen_server:stop(S).
