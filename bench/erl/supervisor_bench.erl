%% The Erlang peer of bench/supervisor.ts (run under erl +S 1:1 by bench/_erlang.ts):
%%   restart R: a registered gen_server child of a one_for_one supervisor is killed R times;
%%              each time, the microseconds from exit(Pid, kill) to the new child's init
%%              (registered and starting) telling the benchmark process.
%%   sofo N Reps: N gen_server children started with supervisor:start_child on a
%%              simple_one_for_one supervisor; rate, and erlang:memory(processes) per child.
-module(supervisor_bench).
-export([main/1, init/1, handle_call/3, handle_cast/2]).

main([Name | Args]) ->
    %% The supervisor's reports are not what is timed: both sides silence them.
    logger:set_primary_config(level, none),
    Ints = [list_to_integer(A) || A <- Args],
    io:format("result ~s~n", [run(list_to_atom(Name), Ints)]).

now_us() -> erlang:monotonic_time(microsecond).

%% One module, two behaviours: the argument says which init this is.
init({sup, Flags, Specs}) -> {ok, {Flags, Specs}};
init({child, none}) -> {ok, none};
init({child, Watcher}) -> Watcher ! {started, self()}, {ok, none}.
handle_call(_, _, S) -> {reply, ok, S}.
handle_cast(_, S) -> {noreply, S}.

run(restart, [R]) ->
    Self = self(),
    process_flag(trap_exit, true),
    Spec = #{id => c, start => {gen_server, start_link, [{local, bench_child}, ?MODULE, {child, Self}, []]}},
    {ok, Sup} = supervisor:start_link(?MODULE, {sup, #{intensity => R + 10, period => 3600}, [Spec]}),
    receive {started, _} -> ok end,
    Ts = lists:sort([restart_once() || _ <- lists:seq(1, R)]),
    exit(Sup, shutdown),
    receive {'EXIT', Sup, _} -> ok end,
    io_lib:format("restart_median_us=~.2f restart_p99_us=~.2f",
                  [float(lists:nth(R div 2 + 1, Ts)), float(lists:nth(max(1, (R * 99) div 100), Ts))]);
run(sofo, [N, Reps]) ->
    Results = [sofo_once(N) || _ <- lists:seq(1, Reps)],
    Us = lists:min([U || {U, _} <- Results]),
    Bytes = lists:min([B || {_, B} <- Results]),
    io_lib:format("us_per_child=~.3f children_per_s=~.1f bytes_per_child=~.1f",
                  [Us / N, N / (Us / 1.0e6), Bytes / N]).

restart_once() ->
    P = whereis(bench_child),
    T0 = now_us(),
    exit(P, kill),
    receive {started, _} -> now_us() - T0 end.

sofo_once(N) ->
    process_flag(trap_exit, true),
    Spec = #{id => c, start => {gen_server, start_link, [?MODULE]}},
    {ok, Sup} = supervisor:start_link(?MODULE, {sup, #{strategy => simple_one_for_one}, [Spec]}),
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    T0 = now_us(),
    start_n(Sup, N),
    Us = now_us() - T0,
    [erlang:garbage_collect(P) || P <- processes()],
    M1 = erlang:memory(processes),
    exit(Sup, shutdown),
    receive {'EXIT', Sup, _} -> ok end,
    {Us, M1 - M0}.

start_n(_, 0) -> ok;
start_n(Sup, N) -> {ok, _} = supervisor:start_child(Sup, [{child, none}, []]), start_n(Sup, N - 1).
