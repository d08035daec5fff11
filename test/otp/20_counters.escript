#!/usr/bin/env escript
%% -*- erlang -*-
%% What OTP 25 counts in info(S)'s counters around waits (test/sockets/counters.test.ts):
%% read_waits and acc_waits stay 0; write_waits counts each send that must wait; a caller
%% queued behind another process's operation counts no try; only recv sets read_pkg_max.
-mode(compile).

cnt(S, Keys) -> #{counters := C} = socket:info(S), maps:with(Keys, C).
show(Label, S, Keys) -> io:format("~s~n    => ~999p~n", [Label, cnt(S, Keys)]).

main(_) ->
    Self = self(),
    R = [read_tries, read_waits, read_pkg, read_pkg_max],
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L, 5),
    {ok, #{port := Port}} = socket:sockname(L),
    SA = #{family => inet, addr => loopback, port => Port},
    {select, _} = socket:accept(L, nowait),
    spawn(fun() -> Self ! {o, socket:accept(L, nowait)} end),
    receive {o, {select, _}} -> ok end,
    show("accept nowait, then another process queued", L, [acc_tries, acc_waits]),
    {ok, C} = socket:open(inet, stream, tcp),
    ok = socket:connect(C, SA),
    receive {'$socket', L, select, _} -> ok end,
    {ok, A} = socket:accept(L, nowait),
    show("after the accept", L, [acc_tries, acc_waits, acc_success]),
    {error, timeout} = socket:accept(L, 50),
    show("accept(L, 50) timed out", L, [acc_tries, acc_waits]),
    {select, _} = socket:recv(A, 0, nowait),
    spawn(fun() -> Self ! {o, socket:recv(A, 0, nowait)} end),
    receive {o, {select, _}} -> ok end,
    show("recv nowait, then another process queued", A, R),
    {error, timeout} = socket:recv(A, 0, 50),
    show("recv(A, 0, 50) timed out", A, R),
    spawn(fun() -> timer:sleep(50), socket:send(C, <<"abc">>) end),
    {ok, <<"abc">>} = socket:recv(A, 0, 1000),
    show("recv(A, 0, 1000) woken by data", A, R),
    ok = socket:send(C, <<"abcde">>), timer:sleep(20),
    {ok, _} = socket:recvfrom(A, 0, 0),
    show("recvfrom of 5 bytes", A, R),
    ok = socket:send(C, <<"abcdefg">>), timer:sleep(20),
    {ok, _} = socket:recvmsg(A, 0, 0, 0),
    show("recvmsg of 7 bytes", A, R),
    ok = socket:setopt(A, socket, sndbuf, 4096),
    Big = binary:copy(<<"x">>, 1000000),
    {select, _} = socket:send(A, Big, nowait),
    spawn(fun() -> Self ! {o, socket:send(A, <<"y">>, nowait)} end),
    receive {o, {select, _}} -> ok end,
    show("send nowait must wait, then another process queued", A, [write_tries, write_waits]),
    {error, {timeout, _}} = socket:send(A, Big, 100),
    %% How many times the socket turned writable within the 100 ms (a try and a wait each)
    %% depends on how fast the peer's receive buffer took the data: 3 more on a quiet
    %% machine, 4 on a loaded one. What holds every time:
    #{write_tries := Tries, write_waits := Waits} = cnt(A, [write_tries, write_waits]),
    io:format("send(A, Big, 100) timed out~n    => ~999p~n",
              [#{tries_equal_waits => Tries =:= Waits, more_than_before => Tries > 1}]),
    [socket:close(S) || S <- [A, C, L]],
    ok.
