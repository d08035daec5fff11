#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks: nowait / Handle variants of accept, connect, recv, recvfrom, send;
%% select message shapes; select_info shapes; partial send; concurrent
%% readers; cancel/2; abort message on close; blocked recv closed by other.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~p~n", [Label, R]), R.

flush() -> receive M -> [M | flush()] after 100 -> [] end.

listener() ->
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L),
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
    io:format("=== accept nowait ===~n"),
    {L, Port} = listener(),
    {select, {select_info, accept, H1}} = ?T(socket:accept(L, nowait)),
    ?T(is_reference(H1)),
    ?T(socket:info(L)),
    ?T(socket:accept(L, nowait)),          % second nowait from same proc
    ?T(flush()),
    {ok, C} = socket:open(inet, stream, tcp),
    ok = socket:connect(C, #{family => inet, addr => loopback, port => Port}),
    ?T(receive M1 -> M1 after 1000 -> none end),
    ?T(flush()),
    {ok, A} = ?T(socket:accept(L, nowait)),
    ?T(socket:accept(L, nowait)),
    ?T(flush()),
    io:format("=== accept with user handle ===~n"),
    MyRef = make_ref(),
    ?T(socket:accept(L, MyRef)),
    ?T(MyRef),
    {ok, C2} = socket:open(inet, stream, tcp),
    ok = socket:connect(C2, #{family => inet, addr => loopback, port => Port}),
    ?T(receive M2 -> M2 after 1000 -> none end),
    {ok, A2} = ?T(socket:accept(L, 0)),
    ?T(socket:accept(L, foo)),
    io:format("=== cancel accept ===~n"),
    {select, SI3} = ?T(socket:accept(L, nowait)),
    ?T(socket:cancel(L, SI3)),
    ?T(socket:cancel(L, SI3)),
    ?T(flush()),
    ?T(socket:info(L)),
    ?T(socket:cancel(L, {select_info, recv, make_ref()})),
    ?T(socket:cancel(L, foo)),
    io:format("=== recv nowait ===~n"),
    {select, {select_info, recv, RH} = RSI} = ?T(socket:recv(A, 0, nowait)),
    ?T(socket:info(A)),
    ?T(socket:send(C, <<"data1">>)),
    ?T(receive M3 -> M3 after 1000 -> none end),
    ?T(socket:recv(A, 0, nowait)),
    ?T(socket:recv(A, 0, nowait)),
    ?T(flush()),
    io:format("--- recv(N) nowait with partial data ---~n"),
    ?T(socket:send(C, <<"abc">>)), timer:sleep(20),
    ?T(socket:recv(A, 10, nowait)),
    ?T(flush()),
    ?T(socket:send(C, <<"defghijklmn">>)), timer:sleep(20),
    ?T(flush()),
    ?T(socket:recv(A, 10, nowait)),
    ?T(socket:recv(A, 10, nowait)),
    ?T(flush()),
    ?T(socket:recv(A, 0, nowait)),
    ?T(socket:recv(A, 0, [], nowait)),
    ?T(flush()),
    ?T(socket:recv(A, 0, [], 100)),        % while a select is pending (same proc)
    ?T(flush()),
    io:format("--- second process recv nowait while first pending ---~n"),
    Self = self(),
    {select, SIa} = ?T(socket:recv(A, 0, nowait)),
    P2 = spawn(fun() ->
                  R1 = socket:recv(A, 0, nowait),
                  Self ! {p2, nowait_result, R1},
                  R2 = receive Msg -> {got, Msg} after 2000 -> no_msg end,
                  Self ! {p2, msg, R2},
                  R3 = socket:recv(A, 0, nowait),
                  Self ! {p2, after_msg_recv, R3},
                  timer:sleep(200)
          end),
    ?T(receive {p2, nowait_result, X} -> X after 1000 -> none end),
    ?T(socket:info(A)),
    ?T(socket:send(C, <<"for-first">>)),
    ?T(receive M4 = {'$socket', _, _, _} -> M4 after 1000 -> none end),
    ?T(receive {p2, msg, X} -> X after 3000 -> none end),
    ?T(socket:recv(A, 0, nowait)),
    ?T(receive {p2, after_msg_recv, X} -> X after 1000 -> none end),
    ?T(flush()),
    ?T(socket:cancel(A, SIa)),
    io:format("--- second process recv with timeout while first pending ---~n"),
    {select, SIb} = ?T(socket:recv(A, 0, nowait)),
    spawn(fun() -> Self ! {p3, socket:recv(A, 0, 2000)} end),
    timer:sleep(50),
    ?T(socket:info(A)),
    ?T(socket:send(C, <<"one">>)),
    ?T(receive M5 = {'$socket', _, _, _} -> M5 after 1000 -> none end),
    ?T(receive {p3, X} -> X after 100 -> none_yet end),
    ?T(socket:recv(A, 0, nowait)),
    ?T(socket:send(C, <<"two">>)),
    ?T(receive {p3, X} -> X after 3000 -> none end),
    ?T(flush()),
    ?T(socket:cancel(A, SIb)),
    io:format("--- owner never re-calls recv ---~n"),
    {select, SIc} = ?T(socket:recv(A, 0, nowait)),
    ?T(socket:send(C, <<"x1">>)),
    ?T(receive M6 = {'$socket', _, _, _} -> M6 after 1000 -> none end),
    ?T(socket:send(C, <<"x2">>)),
    ?T(flush()),
    ?T(socket:info(A)),
    ?T(socket:cancel(A, SIc)),
    ?T(socket:recv(A, 0, 100)),
    io:format("--- cancel recv select ---~n"),
    {select, SId} = ?T(socket:recv(A, 0, nowait)),
    ?T(socket:cancel(A, SId)),
    ?T(socket:cancel(A, SId)),
    ?T(socket:send(C, <<"after-cancel">>)),
    ?T(flush()),
    ?T(socket:recv(A, 0, 100)),
    io:format("--- abort on close by another process ---~n"),
    {select, {select_info, recv, HE}} = ?T(socket:recv(A, 0, nowait)),
    spawn(fun() -> Self ! {closer, socket:close(A)} end),
    ?T(receive {closer, X} -> X after 1000 -> none end),
    ?T(receive M7 = {'$socket', _, _, _} -> M7 after 1000 -> none end),
    ?T(HE),
    ?T(flush()),
    ?T(socket:recv(A, 0, nowait)),
    io:format("--- blocked recv infinity closed by another process ---~n"),
    {_, C8, A8} = pair(),
    spawn(fun() -> Self ! {blocked, socket:recv(A8, 0, infinity)} end),
    timer:sleep(50),
    ?T(socket:info(A8)),
    ?T(socket:close(A8)),
    ?T(receive {blocked, X} -> X after 1000 -> none end),
    io:format("--- blocked recv(N) infinity with partial data closed by other ---~n"),
    {_, C9, A9} = pair(),
    spawn(fun() -> Self ! {blocked, socket:recv(A9, 10, infinity)} end),
    socket:send(C9, <<"part">>),
    timer:sleep(50),
    ?T(socket:close(A9)),
    ?T(receive {blocked, X} -> X after 1000 -> none end),
    io:format("--- connect nowait dance ---~n"),
    {ok, CN} = socket:open(inet, stream, tcp),
    CR = ?T(socket:connect(CN, #{family => inet, addr => loopback, port => Port}, nowait)),
    case CR of
        {select, _} ->
            ?T(socket:info(CN)),
            ?T(receive M8 -> M8 after 1000 -> none end),
            ?T(socket:connect(CN)),
            ?T(socket:connect(CN));
        _ -> ok
    end,
    ?T(socket:peername(CN)),
    {ok, #{port := DeadPort}} = begin
        {ok, Tmp} = socket:open(inet, stream, tcp),
        ok = socket:bind(Tmp, #{family => inet, addr => loopback, port => 0}),
        R9 = socket:sockname(Tmp), socket:close(Tmp), R9 end,
    {ok, CN2} = socket:open(inet, stream, tcp),
    CR2 = ?T(socket:connect(CN2, #{family => inet, addr => loopback, port => DeadPort}, nowait)),
    case CR2 of
        {select, _} ->
            ?T(receive M9 -> M9 after 1000 -> none end),
            ?T(socket:connect(CN2));
        _ -> ok
    end,
    {ok, CN3} = socket:open(inet, stream, tcp),
    {select, CSI3} = ?T(socket:connect(CN3, #{family => inet, addr => loopback, port => Port}, nowait)),
    ?T(socket:cancel(CN3, CSI3)),
    ?T(flush()),
    ?T(socket:info(CN3)),
    ?T(socket:connect(CN3)),
    ?T(socket:connect(CN3, #{family => inet, addr => loopback, port => Port}, 100)),
    %% connect nowait twice
    {ok, CN4} = socket:open(inet, stream, tcp),
    ?T(socket:connect(CN4, #{family => inet, addr => loopback, port => Port}, nowait)),
    ?T(socket:connect(CN4, #{family => inet, addr => loopback, port => Port}, nowait)),
    ?T(flush()),
    io:format("--- send nowait / partial write ---~n"),
    {_, CS, AS} = pair(),
    ok = socket:setopt(CS, socket, sndbuf, 4096),
    ok = socket:setopt(AS, socket, rcvbuf, 4096),
    Big = binary:copy(<<"B">>, 4000000),
    SR = ?T(element(1, socket:send(CS, Big, nowait))),
    SR2 = socket:send(CS, Big, nowait),
    ?T(case SR2 of
           {select, {SInfo, Rest}} when is_binary(Rest) -> {select, {SInfo, {rest_size, byte_size(Rest)}}};
           {ok, {Rest, SInfo}} when is_binary(Rest) -> {ok, {{rest_size, byte_size(Rest)}, SInfo}};
           Other -> Other
       end),
    ?T(socket:info(CS)),
    ?T(socket:send(CS, <<"more">>, nowait)),
    _ = spawn(fun() -> drain(AS, 0) end),
    ?T(receive M10 = {'$socket', _, _, _} -> M10 after 3000 -> none end),
    io:format("--- send with timeout, partial ---~n"),
    {_, CT, AT} = pair(),
    ok = socket:setopt(CT, socket, sndbuf, 4096),
    ok = socket:setopt(AT, socket, rcvbuf, 4096),
    ?T(case socket:send(CT, Big, 200) of
           {error, {timeout, Rest2}} -> {error, {timeout, {rest_size, byte_size(Rest2)}}};
           O2 -> O2 end),
    ?T(case socket:send(CT, Big, 0) of
           {error, {timeout, Rest3}} -> {error, {timeout, {rest_size, byte_size(Rest3)}}};
           O3 -> O3 end),
    ?T(case socket:send(CT, [Big, Big], 100) of
           {error, {timeout, Rest4}} -> {error, {timeout, {rest_size, iolist_size(Rest4), is_binary(Rest4)}}};
           O4 -> O4 end),
    ?T(flush()),
    io:format("--- blocked send closed by other ---~n"),
    spawn(fun() -> Self ! {bsend, catch socket:send(CT, Big, infinity)} end),
    timer:sleep(100),
    ?T(socket:info(CT)),
    ?T(socket:close(CT)),
    ?T(receive {bsend, X} -> case X of {error,{E1,R1}} when is_binary(R1) -> {error,{E1,{rest,byte_size(R1)}}}; _ -> X end after 1000 -> none end),
    io:format("--- send nowait pending + close -> abort ---~n"),
    {_, CU, AU} = pair(),
    ok = socket:setopt(CU, socket, sndbuf, 4096),
    ok = socket:setopt(AU, socket, rcvbuf, 4096),
    _ = socket:send(CU, Big, 0),
    SRU = socket:send(CU, <<"tail">>, nowait),
    ?T(case SRU of {select, {SI_, R_}} -> {select, {SI_, byte_size(R_)}}; {select, SI_} -> {select, SI_}; _ -> SRU end),
    %% The close is done before looking: a select for CU can come until then (the tail may
    %% have gone out at once, and CU turns writable at any time), never after.
    spawn(fun() -> Self ! {cu_closed, socket:close(CU)} end),
    receive {cu_closed, _} -> ok after 5000 -> ok end,
    ?T(receive M11 = {'$socket', _, _, _} -> M11 after 1000 -> none end),
    io:format("--- owner exits while select pending ---~n"),
    {LO, CO, AO} = pair(),
    Owner = spawn(fun() ->
                      {select, _} = socket:recv(AO, 0, nowait),
                      Self ! started,
                      receive stop -> ok end
                  end),
    ok = socket:setopt(AO, otp, controlling_process, Owner),
    receive started -> ok end,
    ?T(socket:info(AO)),
    exit(Owner, kill),
    timer:sleep(100),
    ?T(socket:info(AO)),
    ?T(socket:recv(CO, 0, 200)),
    ?T(flush()),
    _ = LO,
    io:format("--- recv nowait by non-owner: who gets select msg ---~n"),
    {_, CV, AV} = pair(),
    spawn(fun() ->
              R = socket:recv(AV, 0, nowait),
              Self ! {nonowner_nowait, R},
              Self ! {nonowner_msg, receive Msg -> Msg after 1000 -> none end},
              Self ! {nonowner_recv, socket:recv(AV, 0, nowait)}
          end),
    ?T(receive {nonowner_nowait, X} -> X after 1000 -> none end),
    socket:send(CV, <<"hi">>),
    ?T(receive {nonowner_msg, X} -> X after 2000 -> none end),
    ?T(receive {nonowner_recv, X} -> X after 2000 -> none end),
    ?T(flush()),
    io:format("--- non-owner exits while its select pending ---~n"),
    Pid = spawn(fun() -> _ = socket:recv(AV, 0, nowait), Self ! ready, receive stop -> ok end end),
    receive ready -> ok end,
    ?T(socket:info(AV)),
    exit(Pid, kill), timer:sleep(50),
    ?T(socket:info(AV)),
    ?T(socket:recv(AV, 0, nowait)),
    socket:send(CV, <<"zz">>),
    ?T(receive M12 = {'$socket', _, _, _} -> M12 after 1000 -> none end),
    ?T(socket:recv(AV, 0, nowait)),
    _ = [C2, A2, C8, RH, RSI],
    ok.

drain(S, N) ->
    case socket:recv(S, 0, 2000) of
        {ok, B} -> drain(S, N + byte_size(B));
        _ -> N
    end.
