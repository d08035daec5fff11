#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks: cancel/2 after the select message has already been delivered
%% (but not yet received) - return value and whether the message is flushed;
%% cancel by a process other than the one that started the operation.
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

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    {_, C, A} = pair(),
    {select, SI} = ?T(socket:recv(A, 0, nowait)),
    ok = socket:send(C, <<"x">>),
    timer:sleep(100),
    ?T(erlang:process_info(self(), message_queue_len)),
    ?T(socket:cancel(A, SI)),
    ?T(erlang:process_info(self(), message_queue_len)),
    ?T(flush()),
    ?T(socket:recv(A, 0, 100)),
    io:format("=== cancel from a different process ===~n"),
    {select, SI2} = ?T(socket:recv(A, 0, nowait)),
    Self = self(),
    spawn(fun() -> Self ! {other_cancel, socket:cancel(A, SI2)} end),
    ?T(receive {other_cancel, X} -> X after 1000 -> none end),
    ?T(socket:cancel(A, SI2)),
    io:format("=== cancel of an accept select on a listener after msg delivered ===~n"),
    {L3, _, _} = pair(),
    {ok, #{port := P3}} = socket:sockname(L3),
    {select, SI3} = ?T(socket:accept(L3, nowait)),
    {ok, C3} = socket:open(inet, stream),
    ok = socket:connect(C3, #{family => inet, addr => loopback, port => P3}),
    timer:sleep(100),
    ?T(erlang:process_info(self(), message_queue_len)),
    ?T(socket:cancel(L3, SI3)),
    ?T(erlang:process_info(self(), message_queue_len)),
    ?T(socket:accept(L3, 100) =/= error),
    ok.
