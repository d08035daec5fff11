#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks: what a queued (non-current) reader gets if it repeats a nowait
%% recv before receiving its select message; and a queued blocking reader
%% with timeout that times out.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

flush() -> receive M -> [M | flush()] after 100 -> [] end.

pair() ->
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L),
    {ok, #{port := Port}} = socket:sockname(L),
    {ok, C} = socket:open(inet, stream, tcp),
    ok = socket:connect(C, #{family => inet, addr => loopback, port => Port}),
    {ok, A} = socket:accept(L, 1000),
    {L, C, A}.

in_other(F) ->
    Self = self(), Ref = make_ref(),
    Pid = spawn(fun() -> Self ! {Ref, try F() catch C:R -> {'EXCEPTION', C, R} end}, receive stop -> ok after 5000 -> ok end end),
    receive {Ref, R} -> {Pid, R} after 3000 -> timeout_in_other end.

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    io:format("=== queued reader repeats nowait while first still pending ===~n"),
    {_, C, A} = pair(),
    {select, _} = ?T(socket:recv(A, 0, nowait)),
    {P, R1} = in_other(fun() ->
                  X1 = socket:recv(A, 0, nowait),
                  X2 = (catch socket:recv(A, 0, nowait)),
                  {X1, X2}
          end),
    ?T(R1),
    ?T(maps:with([num_readers], socket:info(A))),
    ok = socket:send(C, <<"a">>),
    ?T(receive M = {'$socket', _, _, _} -> M after 1000 -> none end),
    ?T(socket:recv(A, 0, nowait)),
    P ! stop,
    io:format("=== queued blocking reader with timeout times out ===~n"),
    {_, C2, A2} = pair(),
    {select, _} = ?T(socket:recv(A2, 0, nowait)),
    ?T(element(2, in_other(fun() -> socket:recv(A2, 0, 200) end))),
    ?T(maps:with([num_readers], socket:info(A2))),
    ok = socket:send(C2, <<"b">>),
    ?T(receive M = {'$socket', _, _, _} -> M after 1000 -> none end),
    ?T(socket:recv(A2, 0, nowait)),
    io:format("=== activated queued reader repeats nowait before its select msg ===~n"),
    {_, C3, A3} = pair(),
    {select, _} = ?T(socket:recv(A3, 0, nowait)),
    Self = self(),
    P3 = spawn(fun() -> Self ! {p3, socket:recv(A3, 0, nowait)},
                        receive go -> ok end,
                        Self ! {p3, catch socket:recv(A3, 0, nowait)},
                        Self ! {p3, receive M -> M after 1000 -> none end},
                        receive stop -> ok after 3000 -> ok end end),
    ?T(receive {p3, X} -> X after 1000 -> none end),
    ok = socket:send(C3, <<"c">>),
    ?T(receive M = {'$socket', _, _, _} -> M after 1000 -> none end),
    ?T(socket:recv(A3, 0, nowait)),
    timer:sleep(50),
    P3 ! go,
    ?T(receive {p3, X} -> X after 1000 -> none end),
    ok = socket:send(C3, <<"d">>),
    ?T(receive {p3, X} -> X after 2000 -> none end),
    ?T(flush()),
    ok.
