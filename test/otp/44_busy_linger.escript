#!/usr/bin/env escript
%% gen_tcp_misc_SUITE's linger_zero and busy_send / busy_disconnect groups on OTP 25 (default
%% backend), as test/gen/gen_tcp_busy_linger.test.ts ports them: a close with {linger, {true, 0}}
%% resets (the peer: the bytes that arrived, then econnreset, or closed without show_econnreset),
%% a send blocks while the peer does not read and loses nothing, and a blocked send answers
%% closed (econnreset with show_econnreset) when the peer closes.
main(_) ->
    linger_zero(),
    busy().

linger_zero() ->
    E = fun(Label, F) -> io:format("~s~n    => ~p~n", [Label, catch F()]) end,
    LZ = fun(Show, Active) ->
        {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {recbuf, 4096}, {show_econnreset, Show}]),
        {ok, Port} = inet:port(L),
        {ok, C} = gen_tcp:connect(localhost, Port, [binary, {active, false}, {sndbuf, 4096}]),
        {ok, S} = gen_tcp:accept(L),
        ok = gen_tcp:close(L),
        Payload = binary:copy(<<"0123456789ABCDEF">>, 256 * 1024),
        ok = gen_tcp:send(C, Payload),
        {ok, [{send_pend, Pend}]} = inet:getstat(C, [send_pend]),
        ok = inet:setopts(C, [{linger, {true, 0}}]),
        ok = gen_tcp:close(C),
        timer:sleep(50),
        R = case Active of
            false -> [gen_tcp:recv(S, 1024 * 1024, 1000), gen_tcp:recv(S, 0, 1000)];
            true -> ok = inet:setopts(S, [{active, true}]), msgs(S, 0, [])
        end,
        [Pend > 0, erlang:port_info(C, connected), gen_tcp:send(C, <<"x">>), R]
    end,
    E("linger_zero show_econnreset passive", fun() -> LZ(true, false) end),
    E("linger_zero passive", fun() -> LZ(false, false) end),
    E("linger_zero show_econnreset active", fun() -> LZ(true, true) end),
    E("linger_zero active", fun() -> LZ(false, true) end),
    E("linger_zero nothing pending, passive, show", fun() ->
        {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {show_econnreset, true}]),
        {ok, Port} = inet:port(L),
        {ok, C} = gen_tcp:connect(localhost, Port, [binary, {active, false}, {linger, {true, 0}}]),
        {ok, S} = gen_tcp:accept(L),
        ok = gen_tcp:send(C, <<"abc">>), timer:sleep(20),
        ok = gen_tcp:close(C), timer:sleep(20),
        [gen_tcp:recv(S, 0, 1000), gen_tcp:recv(S, 0, 1000), gen_tcp:send(S, <<"x">>)] end),
    E("getopts linger", fun() -> {ok, L} = gen_tcp:listen(0, [{linger, {true, 0}}]), inet:getopts(L, [linger]) end),
    ok.
msgs(S, N, Acc) ->
    receive {tcp, S, D} -> msgs(S, N + byte_size(D), Acc);
            {tcp_error, S, E} -> msgs(S, N, [{tcp_error, E} | Acc]);
            {tcp_closed, S} -> msgs(S, N, [tcp_closed | Acc])
    after 300 -> {N > 0, lists:reverse(Acc)}
    end.

busy() ->
    E = fun(Label, F) -> io:format("~s~n    => ~p~n", [Label, catch F()]) end,
    Busy = fun(COpts, Then) ->
        {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {recbuf, 4096}]),
        {ok, Port} = inet:port(L),
        Master = self(),
        Msg = binary:copy(<<"x">>, 1000),
        Client = spawn(fun() ->
            {ok, C} = gen_tcp:connect(localhost, Port, [binary, {active, false}, {sndbuf, 4096} | COpts]),
            Master ! {client, C},
            Loop = fun Loop(500) -> Master ! {send_result, 500, done}; Loop(N) -> Master ! {sending, N}, case gen_tcp:send(C, Msg) of ok -> Loop(N + 1); Err -> Master ! {send_result, N, Err} end end,
            Loop(0) end),
        C = receive {client, C0} -> C0 end,
        {ok, S} = gen_tcp:accept(L),
        Blocked = wait_blocked(-1),
        R = Then(S, C),
        exit(Client, kill), gen_tcp:close(L),
        [Blocked > 0, R]
    end,
    E("busy_send: the peer reads it all", fun() -> Busy([], fun(S, _C) ->
        Total = recv_total(S, 0),
        Done = receive {send_result, _, D} -> D after 100 -> none end,
        {Total, Done} end) end),
    E("busy_disconnect_passive: the peer closes", fun() -> Busy([], fun(S, _C) ->
        gen_tcp:close(S),
        receive {send_result, _, Err} -> Err after 2000 -> none end end) end),
    E("busy_disconnect show_econnreset", fun() -> Busy([{show_econnreset, true}], fun(S, _C) ->
        gen_tcp:close(S),
        receive {send_result, _, Err} -> Err after 2000 -> none end end) end),
    E("busy, then send_timeout", fun() -> Busy([{send_timeout, 200}], fun(_S, _C) ->
        receive {send_result, _, Err} -> Err after 3000 -> none end end) end),
    ok.
%% The client's last {sending, N} once no new one came for 300 ms: it is blocked in send N.
wait_blocked(Last) -> receive {sending, N} -> wait_blocked(N) after 300 -> Last end.
recv_total(S, Acc) -> case gen_tcp:recv(S, 0, 300) of {ok, D} -> recv_total(S, Acc + byte_size(D)); _ -> Acc end.
