#!/usr/bin/env escript
%% -*- erlang -*-
%% Cases the reliability tests rely on beyond scripts 01-16 (docs/OTP25_BEHAVIOUR.md
%% sections 2.1, 2.9, 2.13 and 3): a transfer while the old owner has a select pending, a
%% transfer to a process that is dying, recv on a listener, recv after shutdown of an
%% unconnected socket, a UDP send from an unbound socket, and open(FD) with and without
%% dup, told apart by /proc/self/fd.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~p~n", [Label, R]), R.

flush() -> receive M -> [M | flush()] after 200 -> [] end.

listener() ->
    {ok, L} = socket:open(inet, stream),
    ok = socket:bind(L, loopback),
    ok = socket:listen(L),
    {ok, SA} = socket:sockname(L),
    {L, SA}.

pair({L, SA}) ->
    {ok, C} = socket:open(inet, stream),
    ok = socket:connect(C, SA),
    {ok, A} = socket:accept(L, 1000),
    {C, A}.

idler() -> spawn(fun() -> receive die -> ok end end).

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    LS = {L, _} = listener(),

    io:format("=== transfer while the old owner has a select pending ===~n"),
    {C1, A1} = pair(LS),
    P2 = idler(),
    {select, {select_info, recv, H1}} = ?T(socket:recv(A1, 0, nowait)),
    ?T(socket:setopt(A1, otp, controlling_process, P2)),
    ?T(maps:with([owner, num_readers], socket:info(A1)) =:= #{owner => P2, num_readers => 1}),
    ok = socket:send(C1, <<"hi">>),
    ?T(receive {'$socket', A1, select, H} -> H =:= H1 after 1000 -> none end),
    ?T(socket:recv(A1, 0, nowait)),
    {select, {select_info, recv, H1b}} = ?T(socket:recv(A1, 0, nowait)),
    P2 ! die,
    ?T(receive {'$socket', A1, abort, {H, R}} -> {H =:= H1b, R} after 1000 -> none end),
    ?T(socket:getopt(A1, otp, controlling_process)),
    ?T(socket:recv(C1, 0, 1000)),
    socket:close(C1),

    io:format("=== the old owner, now a waiter, dies with its select pending ===~n"),
    {C2, A2} = pair(LS),
    Me = self(),
    Old = spawn(fun() ->
                    receive {sock, S} -> ok end,
                    Me ! {pending, socket:recv(S, 0, nowait)},
                    Me ! {moved, socket:setopt(S, otp, controlling_process, Me)},
                    receive die -> ok end
                end),
    ok = socket:setopt(A2, otp, controlling_process, Old),
    Old ! {sock, A2},
    ?T(receive {pending, {select, _}} -> select after 1000 -> none end),
    ?T(receive {moved, M} -> M after 1000 -> none end),
    Old ! die, timer:sleep(100),
    ?T(maps:with([owner, num_readers], socket:info(A2)) =:= #{owner => self(), num_readers => 0}),
    ok = socket:send(C2, <<"later">>),
    ?T(socket:recv(A2, 0, 1000)),
    socket:close(C2), socket:close(A2),

    io:format("=== transfer to a process that is dying ===~n"),
    lists:foreach(
      fun(Case) ->
              {C3, A3} = pair(LS),
              Reader = spawn(fun() ->
                                 Me ! {rsel, socket:recv(A3, 0, nowait)},
                                 Me ! {rgot, receive X -> X after 2000 -> none end}
                             end),
              {select, {select_info, recv, H3}} = receive {rsel, RS} -> RS end,
              Target = case Case of
                           ended -> spawn(fun() -> ok end);
                           killed -> P = idler(), exit(P, kill), P;
                           told -> P = idler(), P ! die, P
                       end,
              io:format("case ~p~n", [Case]),
              ?T(socket:setopt(A3, otp, controlling_process, Target)),
              ?T(receive {rgot, {'$socket', A3, abort, {H, Why}}} -> {H =:= H3, Why} after 2000 -> none end),
              ?T(socket:getopt(A3, otp, controlling_process)),
              ?T(socket:recv(C3, 0, 1000)),
              socket:close(C3), _ = Reader
      end, [ended, killed, told]),

    io:format("=== recv on a listener ===~n"),
    ?T(socket:recv(L, 0, 0)),
    ?T(socket:recv(L, 0, nowait)),
    {select, _} = ?T(socket:accept(L, nowait)),
    ?T(socket:recv(L, 0, 0)),
    ?T(catch socket:recv(L, 0, nowait)),
    ?T(flush()),

    io:format("=== shutdown of an unconnected socket, then recv ===~n"),
    {ok, U1} = socket:open(inet, stream),
    ?T(socket:shutdown(U1, read_write)),
    ?T(socket:recv(U1, 0, 0)),
    ?T(socket:recv(U1, 0, nowait)),
    socket:close(U1),

    io:format("=== a UDP send from an unbound socket binds it ===~n"),
    {ok, R} = socket:open(inet, dgram),
    ok = socket:bind(R, loopback),
    {ok, RSA} = socket:sockname(R),
    {ok, U2} = socket:open(inet, dgram),
    ?T(socket:sockname(U2)),
    ?T(socket:sendto(U2, <<"x">>, RSA)),
    ?T(case socket:sockname(U2) of {ok, #{addr := Addr, port := Port}} -> {Addr, Port > 0}; E -> E end),
    ?T(element(2, socket:recv(R, 0, 1000))),
    socket:close(U2), socket:close(R),

    io:format("=== open(FD): a dup by default, FD itself with dup false ===~n"),
    {ok, Orig} = socket:open(inet, stream),
    {ok, Fd} = socket:getopt(Orig, otp, fd),
    Link = fun(N) -> file:read_link("/proc/self/fd/" ++ integer_to_list(N)) end,
    {ok, Dup} = socket:open(Fd),
    {ok, DupFd} = socket:getopt(Dup, otp, fd),
    ?T(DupFd =/= Fd),
    ?T(Link(DupFd) =:= Link(Fd)),
    ?T(maps:get(ctype, socket:info(Dup)) =:= {fromfd, Fd}),
    {ok, Same} = socket:open(Fd, #{dup => false}),
    ?T(socket:getopt(Same, otp, fd) =:= {ok, Fd}),
    ?T(maps:get(ctype, socket:info(Same))),
    ?T(socket:close(Dup)),
    ?T(socket:close(Same)),
    ?T(element(1, Link(Fd))),
    ?T(socket:close(Orig)),
    ok.
