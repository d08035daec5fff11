%% The Erlang peers of erlsock's runtime benchmarks (bench/ring.ts, spawn.ts, selective.ts,
%% self.ts): the same workloads, run with one scheduler (erl +S 1:1). Each prints one line
%% `result key=value ...` that bench/_erlang.ts reads. Best of `Reps` runs.
%%   erl +S 1:1 -noshell -pa bench/out -run runtime_bench main ring 1000 1000 3 -s init stop
-module(runtime_bench).
-export([main/1]).

main([Name | Args]) ->
    Ints = [list_to_integer(A) || A <- Args],
    io:format("result ~s~n", [run(list_to_atom(Name), Ints)]).

best(Reps, F) -> lists:min([F() || _ <- lists:seq(1, Reps)]).

now_us() -> erlang:monotonic_time(microsecond).

%% ---- ring: N processes, a token passed M times round ----
run(ring, [N, M, Reps]) ->
    Us = best(Reps, fun() -> ring(N, M, int) end),
    io_lib:format("msgs_per_s=~.1f", [N * M / (Us / 1.0e6)]);
run(self, [N, M, Reps]) ->
    Plain = best(Reps, fun() -> ring(N, M, none) end),
    Self = best(Reps, fun() -> ring(N, M, self) end),
    io_lib:format("plain_ns_per_msg=~.2f self_ns_per_msg=~.2f", [Plain * 1000 / (N * M), Self * 1000 / (N * M)]);
%% ---- spawn: N processes that each wait in receive ----
run(spawn, [N, Reps]) ->
    {Us, Bytes} = lists:min([spawn_waiting(N) || _ <- lists:seq(1, Reps)]),
    io_lib:format("us_per_spawn=~.3f bytes_per_process=~.1f", [Us / N, Bytes / N]);
%% ---- selective: one message found behind Q queued ones, K times ----
run(selective, [Q, K, Reps]) ->
    Tag = best(Reps, fun() -> selective(Q, K, tag) end),
    Ref = best(Reps, fun() -> selective(Q, K * 1000, ref) end),
    io_lib:format("tag_us=~.3f ref_us=~.4f", [Tag / K, Ref / (K * 1000)]).

%% Mode: int (the token is a bare integer), self (the message carries the sender's self()),
%% none (the same shape with an atom in its place).
ring(N, M, Mode) ->
    Me = self(),
    First = lists:foldl(fun(_, Next) -> spawn(fun() -> node(Next, Mode) end) end, Me, lists:seq(1, N - 1)),
    T0 = now_us(),
    First ! msg(Mode, M),
    head(First, Mode),
    T = now_us() - T0,
    First ! stop,
    receive stop -> T end.

msg(int, K) -> K;
msg(self, K) -> {self(), K};
msg(none, K) -> {none, K}.

count({_, K}) -> K;
count(K) -> K.

head(First, Mode) ->
    receive
        Msg ->
            case count(Msg) of
                0 -> ok;
                K -> First ! msg(Mode, K - 1), head(First, Mode)
            end
    end.

node(Next, Mode) ->
    receive
        stop -> Next ! stop;
        Msg -> Next ! msg(Mode, count(Msg)), node(Next, Mode)
    end.

spawn_waiting(N) ->
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    Me = self(),
    T0 = now_us(),
    Pids = spawn_n(N, []),
    spawn(fun() -> Me ! ready end),
    receive ready -> ok end,
    Us = now_us() - T0,
    M1 = erlang:memory(processes),
    [P ! stop || P <- Pids],
    {Us, M1 - M0}.

spawn_n(0, Acc) -> Acc;
spawn_n(N, Acc) -> spawn_n(N - 1, [spawn(fun() -> receive stop -> ok end end) | Acc]).

selective(Q, K, Kind) ->
    Me = self(),
    [Me ! {noise, I} || I <- lists:seq(1, Q)],
    T0 = now_us(),
    case Kind of
        tag -> sel_tag(K);
        ref -> sel_ref(K)
    end,
    T = now_us() - T0,
    flush(),
    T.

sel_tag(0) -> ok;
sel_tag(K) ->
    self() ! {tag, K},
    receive {tag, K} -> sel_tag(K - 1) end.

sel_ref(0) -> ok;
sel_ref(K) ->
    Ref = make_ref(),
    self() ! {Ref, K},
    receive {Ref, _} -> sel_ref(K - 1) end.

flush() -> receive _ -> flush() after 0 -> ok end.
