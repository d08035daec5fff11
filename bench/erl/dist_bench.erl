%% Peer of bench/dist.ts. serve/0 runs on the server node: `dbecho` answers {From, M} with
%% {echo, M}; `dbsink` counts N {msg, _} after {start, From, N} and then sends {done, N}.
%% main/1 is the BEAM client: the same latency and throughput loops bench/dist.ts runs from
%% erlsock, against the same server node.
-module(dist_bench).
-export([serve/0, main/1]).

serve() ->
    register(dbecho, spawn(fun echo/0)),
    register(dbsink, spawn(fun sink/0)),
    receive stop -> ok end.

echo() ->
    receive {From, M} -> From ! {echo, M}, echo() end.

sink() ->
    receive {start, From, N} -> count(N), From ! {done, N}, sink() end.

count(0) -> ok;
count(N) -> receive {msg, _} -> count(N - 1) end.

payload("small") -> {hello, 42, [1, 2, 3]};
payload("big") -> binary:copy(<<7>>, 65536).

main([Node, Kind, Rounds, Msgs, Warmup]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    P = payload(Kind),
    lat_loop({dbecho, N}, P, list_to_integer(Warmup)),
    Hz = list_to_integer(string:trim(os:cmd("getconf CLK_TCK"))),
    C0 = cpu_us(Hz),
    T0 = erlang:monotonic_time(microsecond),
    lat_loop({dbecho, N}, P, list_to_integer(Rounds)),
    T1 = erlang:monotonic_time(microsecond),
    C1 = cpu_us(Hz),
    K = list_to_integer(Msgs),
    {dbsink, N} ! {start, self(), K},
    C2 = cpu_us(Hz),
    T2 = erlang:monotonic_time(microsecond),
    send_loop({dbsink, N}, P, K),
    receive {done, K} -> ok end,
    T3 = erlang:monotonic_time(microsecond),
    C3 = cpu_us(Hz),
    io:format("result rtt_us=~.2f msgs_s=~w cpu_rt_us=~.2f cpu_msg_us=~.3f~n",
              [(T1 - T0) / list_to_integer(Rounds), round(K / ((T3 - T2) / 1.0e6)),
               (C1 - C0) / list_to_integer(Rounds), (C3 - C2) / K]).

%% The OS process's CPU time (utime + stime of /proc/self/stat, all threads: schedulers
%% busy-waiting included), in microseconds, as bench/dist.ts reads its own.
cpu_us(Hz) ->
    {ok, B} = file:read_file("/proc/self/stat"),
    [_, Rest] = binary:split(B, <<") ">>),
    F = binary:split(Rest, <<" ">>, [global]),
    Ticks = binary_to_integer(lists:nth(12, F)) + binary_to_integer(lists:nth(13, F)),
    Ticks * 1000000 div Hz.

lat_loop(_, _, 0) -> ok;
lat_loop(D, P, K) -> D ! {self(), P}, receive {echo, _} -> lat_loop(D, P, K - 1) end.

send_loop(_, _, 0) -> ok;
send_loop(D, P, K) -> D ! {msg, P}, send_loop(D, P, K - 1).
