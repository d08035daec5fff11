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

main([Node, Kind, Rounds, Msgs]) ->
    N = list_to_atom(Node),
    pong = net_adm:ping(N),
    P = payload(Kind),
    lat_loop({dbecho, N}, P, 100),
    T0 = erlang:monotonic_time(microsecond),
    lat_loop({dbecho, N}, P, list_to_integer(Rounds)),
    T1 = erlang:monotonic_time(microsecond),
    K = list_to_integer(Msgs),
    {dbsink, N} ! {start, self(), K},
    T2 = erlang:monotonic_time(microsecond),
    send_loop({dbsink, N}, P, K),
    receive {done, K} -> ok end,
    T3 = erlang:monotonic_time(microsecond),
    io:format("result rtt_us=~.2f msgs_s=~w~n",
              [(T1 - T0) / list_to_integer(Rounds), round(K / ((T3 - T2) / 1.0e6))]).

lat_loop(_, _, 0) -> ok;
lat_loop(D, P, K) -> D ! {self(), P}, receive {echo, _} -> lat_loop(D, P, K - 1) end.

send_loop(_, _, 0) -> ok;
send_loop(D, P, K) -> D ! {msg, P}, send_loop(D, P, K - 1).
