#!/usr/bin/env escript
%% -*- erlang -*-
%% How OTP 25 checks the ([Flags,] Timeout) tail of send, sendto, sendmsg, recv, recvfrom
%% and recvmsg (test/sockets/args.test.ts): with both, Flags not a list is badarg; then a
%% bad Timeout raises {invalid, {timeout, T}}; an unknown flag is an error tuple, checked last.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

main(_) ->
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L, 5),
    {ok, SA} = socket:sockname(L),
    {ok, C} = socket:open(inet, stream, tcp),
    ok = socket:connect(C, SA),
    {ok, A} = socket:accept(L),
    D = <<"x">>,
    M = #{iov => [D]},
    ?T(socket:send(C, D, 10, x)),
    ?T(socket:send(C, D, foo, 1000)),
    ?T(socket:send(C, D, [], x)),
    ?T(socket:send(C, D, foo)),
    ?T(socket:send(C, D, [bogus], 1000)),
    ?T(socket:send(C, D, [bogus], x)),
    ?T(socket:send(C, D, [], -1)),
    ?T(socket:recv(A, 0, 10, x)),
    ?T(socket:recv(A, 0, foo, 1000)),
    ?T(socket:recv(A, 0, [], x)),
    ?T(socket:recv(A, 0, foo)),
    ?T(socket:recv(A, 0, [bogus], 1000)),
    ?T(socket:recv(A, 0, [bogus], x)),
    ?T(socket:recv(A, 0, [], -1)),
    ?T(socket:recv(A, -1, [], 0)),
    ?T(socket:sendto(C, D, SA, 10, x)),
    ?T(socket:sendto(C, D, SA, foo, 1000)),
    ?T(socket:sendto(C, D, SA, [bogus], x)),
    ?T(socket:recvfrom(A, 0, 10, x)),
    ?T(socket:recvfrom(A, 0, foo, 1000)),
    ?T(socket:recvfrom(A, 0, [bogus], x)),
    ?T(socket:sendmsg(C, M, 10, x)),
    ?T(socket:sendmsg(C, M, foo, 1000)),
    ?T(socket:sendmsg(C, M, [bogus], x)),
    ?T(socket:recvmsg(A, 10, x)),
    ?T(socket:recvmsg(A, foo, 1000)),
    ?T(socket:recvmsg(A, [bogus], x)),
    ?T(socket:recvmsg(A, 0, 0, 10, x)),
    ?T(socket:recvmsg(A, 0, 0, foo, 1000)),
    ?T(socket:recvmsg(A, 0, 0, [bogus], x)),
    [socket:close(S) || S <- [A, C, L]],
    ok.
