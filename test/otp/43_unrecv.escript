#!/usr/bin/env escript
%% gen_tcp:unrecv/2 on OTP 25 (default backend; gen/unrecv.ts): the pushed bytes come first,
%% framed with what follows; einval for non-iodata, enotconn on a listener, closed after
%% close, enotsup with {inet_backend, socket}. Two quirks erlsock does not copy: an empty
%% push makes the next recv answer emsgsize, and on an active socket the pushed bytes wait
%% for the next bytes from the peer ("unrecv while active true" gets the earlier push only).
%% A pushed part of a line comes out alone (inet's line buffer is the pushed size): erlsock
%% delivers lines whole, as for lines longer than buffer.
main(_) ->
    E = fun(Label, F) -> io:format("~s~n    => ~p~n", [Label, catch F()]) end,
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}]),
    {ok, P} = inet:port(L),
    Pair = fun(Opts) -> {ok, C} = gen_tcp:connect({127,0,0,1}, P, [binary, {active, false}]), {ok, S} = gen_tcp:accept(L), ok = inet:setopts(S, Opts), {C, S} end,
    {C1, S1} = Pair([]),
    ok = gen_tcp:send(C1, <<"world">>), timer:sleep(50),
    E("unrecv raw then recv 0", fun() -> [gen_tcp:unrecv(S1, <<"hello ">>), gen_tcp:recv(S1, 0, 100)] end),
    E("unrecv then recv 3 twice", fun() -> [gen_tcp:unrecv(S1, <<"abcdef">>), gen_tcp:recv(S1, 3, 100), gen_tcp:recv(S1, 0, 100)] end),
    E("unrecv iolist", fun() -> [gen_tcp:unrecv(S1, ["ab", <<"cd">>, $e]), gen_tcp:recv(S1, 0, 100)] end),
    E("unrecv twice order", fun() -> [gen_tcp:unrecv(S1, <<"2">>), gen_tcp:unrecv(S1, <<"1">>), gen_tcp:recv(S1, 0, 100)] end),
    E("unrecv empty", fun() -> [gen_tcp:unrecv(S1, <<>>), gen_tcp:recv(S1, 0, 100)] end),
    E("unrecv bad", fun() -> gen_tcp:unrecv(S1, foo) end),
    E("unrecv bad int", fun() -> gen_tcp:unrecv(S1, [256]) end),
    E("unrecv on listener", fun() -> gen_tcp:unrecv(L, <<"x">>) end),
    E("unrecv not a socket", fun() -> element(1, element(2, catch gen_tcp:unrecv(foo, <<"x">>))) end),
    {C2, S2} = Pair([{packet, 4}]),
    ok = gen_tcp:send(C2, <<0,0,0,3,"xyz">>), timer:sleep(50),
    E("packet 4 unrecv a whole packet", fun() -> [gen_tcp:unrecv(S2, <<0,0,0,2,"ab">>), gen_tcp:recv(S2, 0, 100), gen_tcp:recv(S2, 0, 100)] end),
    ok = gen_tcp:send(C2, <<"rest">>), timer:sleep(50),
    E("packet 4 unrecv a header", fun() -> [gen_tcp:unrecv(S2, <<0,0,0,4>>), gen_tcp:recv(S2, 0, 100)] end),
    {C3, S3} = Pair([{packet, line}]),
    ok = gen_tcp:send(C3, <<"b\n">>), timer:sleep(50),
    E("line unrecv part of a line", fun() -> [gen_tcp:unrecv(S3, <<"a">>), gen_tcp:recv(S3, 0, 100)] end),
    {_C4, S4} = Pair([{active, false}]),
    E("active once after unrecv", fun() -> R = gen_tcp:unrecv(S4, <<"pushed">>), ok = inet:setopts(S4, [{active, once}]), [R, receive M -> M after 200 -> none end] end),
    E("unrecv while active once", fun() -> R = gen_tcp:unrecv(S4, <<"x">>), [R, receive M -> M after 200 -> none end] end),
    ok = inet:setopts(S4, [{active, true}]),
    E("unrecv while active true", fun() -> R = gen_tcp:unrecv(S4, <<"y">>), [R, receive M -> M after 200 -> none end] end),
    {_C5, S5} = Pair([list]),
    E("list mode", fun() -> [gen_tcp:unrecv(S5, <<"ab">>), gen_tcp:recv(S5, 0, 100)] end),
    {C6, S6} = Pair([]),
    gen_tcp:close(C6), timer:sleep(50),
    E("after peer close, passive", fun() -> [gen_tcp:unrecv(S6, <<"z">>), gen_tcp:recv(S6, 0, 100), gen_tcp:recv(S6, 0, 100)] end),
    E("after close", fun() -> gen_tcp:close(S6), gen_tcp:unrecv(S6, <<"z">>) end),
    {_C7, S7} = Pair([]),
    E("socket backend", fun() -> {ok, Ls} = gen_tcp:listen(0, [{inet_backend, socket}]), gen_tcp:unrecv(Ls, <<"a">>) end),
    E("getstat after unrecv", fun() -> ok = gen_tcp:unrecv(S7, <<"abc">>), {ok, D} = gen_tcp:recv(S7, 0, 100), [D, inet:getstat(S7, [recv_oct, recv_cnt])] end),
    ok.
