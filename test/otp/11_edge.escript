#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks edge cases: otp rcvbuf effect on recv(S,0), UDP datagrams larger
%% than otp rcvbuf, recv(N,0) with partial data, concurrent blocking
%% acceptors, accept nowait from two processes, abort on close of pending
%% accept/connect/send, connect timeout (full backlog), i/0 with peers,
%% repeated nowait replacing the pending select.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

flush() -> receive M -> [M | flush()] after 100 -> [] end.

listener() -> listener(128).
listener(Backlog) ->
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L, Backlog),
    {ok, #{port := Port}} = socket:sockname(L),
    {L, Port}.

pair() ->
    {L, Port} = listener(),
    {ok, C} = socket:open(inet, stream, tcp),
    ok = socket:connect(C, #{family => inet, addr => loopback, port => Port}),
    {ok, A} = socket:accept(L, 1000),
    {L, C, A}.

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    Self = self(),
    io:format("=== otp rcvbuf limits recv(S, 0) ===~n"),
    {_, C1, A1} = pair(),
    ok = socket:setopt(A1, otp, rcvbuf, 5),
    ok = socket:send(C1, <<"echo:01">>), timer:sleep(20),
    ?T(socket:recv(A1, 0, 1000)),
    ?T(socket:recv(A1, 0, 1000)),
    ok = socket:send(C1, <<"echo:03">>), timer:sleep(20),
    ?T(socket:recv(A1, 7, 1000)),
    ok = socket:setopt(A1, otp, rcvbuf, {3, 4}),
    ok = socket:send(C1, <<"0123456789abcdef">>), timer:sleep(20),
    ?T(socket:recv(A1, 0, 1000)),
    ?T(socket:recv(A1, 0, 1000)),
    ok = socket:setopt(A1, otp, rcvbuf, default),
    ok = socket:send(C1, binary:copy(<<"z">>, 20000)), timer:sleep(50),
    ?T(byte_size(element(2, socket:recv(A1, 0, 1000)))),
    ?T(byte_size(element(2, socket:recv(A1, 0, 1000)))),
    ?T(case socket:recv(A1, 0, 50) of {ok, B50} -> {ok, {bytes, byte_size(B50)}}; E50 -> E50 end),
    io:format("=== recv(N, 0) and recv(N, nowait) with partial data ===~n"),
    ok = socket:send(C1, <<"part">>), timer:sleep(20),
    ?T(socket:recv(A1, 10, 0)),
    ?T(socket:recv(A1, 10, 0)),
    ok = socket:send(C1, <<"part2">>), timer:sleep(20),
    ?T(socket:recv(A1, 10, 100)),
    io:format("=== UDP datagram larger than otp rcvbuf ===~n"),
    {ok, U1} = socket:open(inet, dgram, udp),
    ok = socket:bind(U1, #{family => inet, addr => loopback, port => 0}),
    {ok, UA1} = socket:sockname(U1),
    {ok, U2} = socket:open(inet, dgram, udp),
    ok = socket:sendto(U2, binary:copy(<<"d">>, 10000), UA1),
    ?T(case socket:recvfrom(U1, 0, 1000) of {ok, {_, B}} -> byte_size(B); E -> E end),
    ok = socket:sendto(U2, binary:copy(<<"d">>, 10000), UA1),
    ?T(case socket:recvmsg(U1, 1000) of {ok, #{iov := I, flags := F}} -> {iolist_size(I), F}; E -> E end),
    ok = socket:sendto(U2, binary:copy(<<"d">>, 10000), UA1),
    ?T(case socket:recvfrom(U1, 20000, 1000) of {ok, {_, B}} -> byte_size(B); E -> E end),
    ok = socket:sendto(U2, binary:copy(<<"d">>, 10000), UA1),
    ?T(case socket:recv(U1, 0, 1000) of {ok, B} -> byte_size(B); E -> E end),
    ok = socket:setopt(U1, otp, rcvbuf, 65536),
    ok = socket:sendto(U2, binary:copy(<<"d">>, 10000), UA1),
    ?T(case socket:recvfrom(U1, 0, 1000) of {ok, {_, B}} -> byte_size(B); E -> E end),
    io:format("=== two blocking acceptors ===~n"),
    {L2, P2} = listener(),
    [spawn(fun() -> Self ! {acc, N, socket:accept(L2, 3000)} end) || N <- [1, 2]],
    timer:sleep(50),
    ?T(maps:with([num_acceptors, rstates], socket:info(L2))),
    Cs = [begin {ok, C} = socket:open(inet, stream), ok = socket:connect(C, #{family => inet, addr => loopback, port => P2}), C end || _ <- [1, 2]],
    ?T(lists:sort([receive {acc, N, {ok, _}} -> {N, ok}; {acc, N, R} -> {N, R} after 2000 -> none end || _ <- [1, 2]])),
    io:format("=== accept nowait from two processes ===~n"),
    {L3, P3} = listener(),
    ?T(socket:accept(L3, nowait)),
    spawn(fun() -> R = socket:accept(L3, nowait), Self ! {p2acc, R},
                   Self ! {p2msg, receive M -> M after 2000 -> none end},
                   Self ! {p2acc2, socket:accept(L3, nowait)} end),
    ?T(receive {p2acc, X} -> X after 1000 -> none end),
    ?T(maps:with([num_acceptors], socket:info(L3))),
    {ok, C3} = socket:open(inet, stream),
    ok = socket:connect(C3, #{family => inet, addr => loopback, port => P3}),
    ?T(receive M = {'$socket', _, _, _} -> M after 1000 -> none end),
    ?T(socket:accept(L3, nowait)),
    {ok, C3b} = socket:open(inet, stream),
    ok = socket:connect(C3b, #{family => inet, addr => loopback, port => P3}),
    ?T(receive {p2msg, X} -> X after 3000 -> none end),
    ?T(receive {p2acc2, X} -> X after 3000 -> none end),
    io:format("=== abort: pending accept nowait, listener closed ===~n"),
    {L4, _} = listener(),
    {select, {select_info, accept, H4}} = ?T(socket:accept(L4, nowait)),
    spawn(fun() -> socket:close(L4) end),
    ?T(receive M = {'$socket', _, _, _} -> M after 1000 -> none end),
    ?T(H4),
    io:format("=== abort: pending accept nowait, closed by self (owner) ===~n"),
    {L5, _} = listener(),
    {select, _} = ?T(socket:accept(L5, nowait)),
    ?T(socket:close(L5)),
    ?T(flush()),
    io:format("=== connect timeout via full backlog ===~n"),
    {L6, P6} = listener(0),
    Conns = [begin {ok, C} = socket:open(inet, stream), {C, socket:connect(C, #{family => inet, addr => loopback, port => P6}, 300)} end || _ <- lists:seq(1, 4)],
    ?T([R || {_, R} <- Conns]),
    case [C || {C, {error, timeout}} <- Conns] of
        [CT | _] ->
            ?T(maps:with([rstates, wstates], socket:info(CT))),
            ?T(socket:connect(CT, #{family => inet, addr => loopback, port => P6}, 300)),
            ?T(socket:connect(CT)),
            {ok, CT2} = socket:open(inet, stream),
            ?T(socket:connect(CT2, #{family => inet, addr => loopback, port => P6}, nowait)),
            spawn(fun() -> socket:close(CT2) end),
            ?T(receive M = {'$socket', _, _, _} -> M after 1000 -> none end);
        [] -> io:format("no connect timed out~n")
    end,
    _ = L6,
    io:format("=== abort: pending send nowait, closed by other ===~n"),
    {_, C7, A7} = pair(),
    ok = socket:setopt(C7, socket, sndbuf, 4096),
    ok = socket:setopt(A7, socket, rcvbuf, 4096),
    Big = binary:copy(<<"B">>, 2000000),
    SR = socket:send(C7, Big, nowait),
    ?T(case SR of {select, {SI, Rest}} -> {select, {SI, byte_size(Rest)}}; _ -> SR end),
    spawn(fun() -> socket:close(C7) end),
    ?T(receive M = {'$socket', _, _, _} -> M after 1000 -> none end),
    io:format("=== pending send nowait, closed by owner itself ===~n"),
    {_, C7b, A7b} = pair(),
    ok = socket:setopt(C7b, socket, sndbuf, 4096),
    ok = socket:setopt(A7b, socket, rcvbuf, 4096),
    SRb = socket:send(C7b, Big, nowait),
    ?T(case SRb of {select, {SIb, Restb}} -> {select, {SIb, byte_size(Restb)}}; _ -> SRb end),
    ?T(flush()),
    ?T(socket:close(C7b)),
    ?T(flush()),
    io:format("=== pending blocking send in other process, closed by owner ===~n"),
    {_, C7c, A7c} = pair(),
    ok = socket:setopt(C7c, socket, sndbuf, 4096),
    ok = socket:setopt(A7c, socket, rcvbuf, 4096),
    spawn(fun() -> Self ! {bs, case socket:send(C7c, Big, 5000) of {error, {Rsn, Rst}} -> {error, {Rsn, byte_size(Rst)}}; Oth -> Oth end} end),
    timer:sleep(100),
    ?T(socket:close(C7c)),
    ?T(receive {bs, X} -> X after 2000 -> none end),
    io:format("=== send nowait continuation: resend rest after select msg ===~n"),
    {_, C8, A8} = pair(),
    ok = socket:setopt(C8, socket, sndbuf, 4096),
    ok = socket:setopt(A8, socket, rcvbuf, 4096),
    Reader = spawn(fun() -> timer:sleep(300), Self ! {drained, drain(A8, 0)} end),
    ?T(send_loop(C8, binary:copy(<<"Q">>, 300000), 0)),
    ?T(receive {drained, N} -> N after 5000 -> none end),
    _ = Reader,
    io:format("=== repeated recv nowait from same process replaces select ===~n"),
    {_, C9, A9} = pair(),
    {select, {select_info, recv, R1}} = socket:recv(A9, 0, nowait),
    {select, {select_info, recv, R2}} = socket:recv(A9, 0, nowait),
    ?T(R1 =:= R2),
    ok = socket:send(C9, <<"x">>),
    ?T(flush()),
    ?T(socket:cancel(A9, {select_info, recv, R1})),
    ?T(socket:recv(A9, 0, 100)),
    io:format("=== recv with timeout while nowait select pending in same process ===~n"),
    {select, _} = socket:recv(A9, 0, nowait),
    ok = socket:send(C9, <<"y">>), timer:sleep(20),
    ?T(flush()),
    ?T(socket:recv(A9, 0, 100)),
    ?T(flush()),
    io:format("=== which_sockets after owner exit ===~n"),
    {_, _, A10} = pair(),
    P10 = spawn(fun() -> receive _ -> ok end end),
    ok = socket:setopt(A10, otp, controlling_process, P10),
    exit(P10, kill), timer:sleep(50),
    ?T(lists:member(A10, socket:which_sockets())),
    io:format("=== shutdown on listening socket ===~n"),
    {L11, _} = listener(),
    ?T(socket:shutdown(L11, read_write)),
    ?T(socket:accept(L11, 100)),
    io:format("=== bind when already connected / listen on connected ===~n"),
    {_, C12, _} = pair(),
    ?T(socket:listen(C12)),
    ?T(socket:bind(C12, #{family => inet, addr => loopback, port => 0})),
    io:format("=== reuseaddr needed to rebind TIME_WAIT port ===~n"),
    {L13, P13} = listener(),
    {ok, C13} = socket:open(inet, stream),
    ok = socket:connect(C13, #{family => inet, addr => loopback, port => P13}),
    {ok, A13} = socket:accept(L13, 1000),
    socket:close(A13), socket:close(L13), timer:sleep(20), socket:close(C13),
    {ok, L13b} = socket:open(inet, stream),
    ?T(socket:bind(L13b, #{family => inet, addr => loopback, port => P13})),
    {ok, L13c} = socket:open(inet, stream),
    ok = socket:setopt(L13c, socket, reuseaddr, true),
    ?T(socket:bind(L13c, #{family => inet, addr => loopback, port => P13})),
    ok.

send_loop(S, Data, Selects) ->
    case socket:send(S, Data, nowait) of
        ok -> {done, selects, Selects};
        {select, {{select_info, _, H}, Rest}} ->
            receive {'$socket', S, select, H} -> send_loop(S, Rest, Selects + 1) after 5000 -> {no_select_msg, partial} end;
        {select, {select_info, _, H}} ->
            receive {'$socket', S, select, H} -> send_loop(S, Data, Selects + 1) after 5000 -> {no_select_msg, full} end;
        Other -> Other
    end.

drain(S, N) ->
    case socket:recv(S, 0, 1000) of
        {ok, B} -> drain(S, N + byte_size(B));
        _ -> N
    end.
