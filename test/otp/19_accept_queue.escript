#!/usr/bin/env escript
%% -*- erlang -*-
%% Two processes wait in accept(L, nowait): when is the queued one sent its select message?
%% OTP 25: only when a connection is there for it (test/sockets/accept_queue.test.ts).
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

listener() ->
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L, 5),
    {ok, #{port := Port}} = socket:sockname(L),
    {L, #{family => inet, addr => loopback, port => Port}}.

client(SA) -> {ok, C} = socket:open(inet, stream, tcp), ok = socket:connect(C, SA), C.

%% A second process: accept(L, nowait); then reports each select message and accepts again.
second(L, Parent) ->
    spawn(fun() ->
        Parent ! {second, socket:accept(L, nowait)},
        loop(L, Parent)
    end).
loop(L, Parent) ->
    receive
        {'$socket', L, select, _} = M ->
            Parent ! {second_msg, M},
            R = socket:accept(L, nowait),
            Parent ! {second_accept, element(1, R)},
            loop(L, Parent)
    after 3000 -> ok
    end.

secondr(A, Parent) ->
    spawn(fun() ->
        Parent ! {second, socket:recv(A, 0, nowait)},
        receive
            {'$socket', A, select, _} = M ->
                Parent ! {second_msg, M},
                Parent ! {second_accept, socket:recv(A, 0, nowait)}
        after 3000 -> ok
        end
    end).

wait(Tag, Ms) -> receive {Tag, X} -> {Tag, X} after Ms -> {Tag, none} end.

main(_) ->
    Self = self(),
    io:format("=== one connection: the queued acceptor hears nothing ===~n"),
    {L, SA} = listener(),
    {select, _} = socket:accept(L, nowait),
    second(L, Self), {second, {select, _}} = wait(second, 1000),
    C1 = client(SA),
    ?T(receive {'$socket', L, select, _} -> select_msg after 1000 -> none end),
    ?T(element(1, socket:accept(L, nowait))),
    ?T(wait(second_msg, 300)),
    C2 = client(SA),
    ?T(begin {second_msg, _} = wait(second_msg, 1000), wait(second_accept, 1000) end),
    ?T(maps:get(counters, socket:info(L))),
    io:format("=== two connections at once: the queued acceptor is told after the first accept ===~n"),
    {L2, SA2} = listener(),
    {select, _} = socket:accept(L2, nowait),
    second(L2, Self), {second, {select, _}} = wait(second, 1000),
    C3 = client(SA2), C4 = client(SA2), timer:sleep(50),
    ?T(receive {'$socket', L2, select, _} -> select_msg after 1000 -> none end),
    ?T(element(1, socket:accept(L2, nowait))),
    ?T(begin {second_msg, _} = wait(second_msg, 1000), wait(second_accept, 1000) end),
    io:format("=== a reader queued behind a read that took everything ===~n"),
    {L3, SA3} = listener(),
    C5 = client(SA3), {ok, A5} = socket:accept(L3, 1000),
    {select, _} = socket:recv(A5, 4, nowait),
    secondr(A5, Self), {second, {select, _}} = wait(second, 1000),
    ok = socket:send(C5, <<"abcd">>),
    ?T(receive {'$socket', A5, select, _} -> select_msg after 1000 -> none end),
    ?T(socket:recv(A5, 4, nowait)),
    ?T(wait(second_msg, 300)),
    ok = socket:send(C5, <<"ef">>),
    ?T(begin {second_msg, _} = wait(second_msg, 1000), wait(second_accept, 1000) end),
    [socket:close(S) || S <- [C1, C2, C3, C4, C5, A5, L, L2, L3]],
    ok.
