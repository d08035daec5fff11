#!/usr/bin/env escript
%% Host names in gen_tcp on OTP 25 (default backend; gen/inet_getaddrs.ts): connect resolves
%% a name ("localhost", an address literal), an unknown one is nxdomain (at once), a name
%% that is no visible string exits badarg, and listen's / connect's ip and ifaddr options
%% take no names at all (badarg); inet:getaddr(s) the same way.
main(_) ->
    {ok, L} = gen_tcp:listen(0, [{ip, {127,0,0,1}}]),
    {ok, P} = inet:port(L),
    E = fun(Label, F) -> io:format("~s~n    => ~p~n", [Label, catch F()]) end,
    Peer = fun(R) -> case R of {ok, S} -> {ok, {Addr, _}} = inet:peername(S), gen_tcp:close(S), {ok, Addr}; _ -> R end end,
    E("gen_tcp:connect(\"localhost\", P, [])", fun() -> Peer(gen_tcp:connect("localhost", P, [])) end),
    E("gen_tcp:connect(localhost, P, [])", fun() -> Peer(gen_tcp:connect(localhost, P, [])) end),
    E("gen_tcp:connect(\"LocalHost\", P, [])", fun() -> Peer(gen_tcp:connect("LocalHost", P, [])) end),
    E("gen_tcp:connect(\"127.0.0.1\", P, [])", fun() -> Peer(gen_tcp:connect("127.0.0.1", P, [])) end),
    E("gen_tcp:connect(\"127.0.0.1\", P, [inet6])", fun() -> gen_tcp:connect("127.0.0.1", P, [inet6]) end),
    E("gen_tcp:connect(\"::1\", P, [])", fun() -> gen_tcp:connect("::1", P, []) end),
    E("gen_tcp:connect(\"no-such-host.invalid\", P, [])", fun() -> gen_tcp:connect("no-such-host.invalid", P, []) end),
    E("gen_tcp:connect(\"no-such-host.invalid\", P, [], 0)", fun() -> gen_tcp:connect("no-such-host.invalid", P, [], 0) end),
    E("gen_tcp:connect(\".\", P, [])", fun() -> gen_tcp:connect(".", P, []) end),
    E("gen_tcp:connect(\"\", P, [])", fun() -> gen_tcp:connect("", P, []) end),
    E("gen_tcp:connect('', P, [])", fun() -> gen_tcp:connect('', P, []) end),
    E("gen_tcp:connect(\"a b\", P, [])", fun() -> gen_tcp:connect("a b", P, []) end),
    E("gen_tcp:connect(\"localhost\", P, [{ip, \"localhost\"}])", fun() -> gen_tcp:connect("localhost", P, [{ip, "localhost"}]) end),
    E("gen_tcp:connect(\"localhost\", P, [{ifaddr, \"localhost\"}])", fun() -> gen_tcp:connect("localhost", P, [{ifaddr, "localhost"}]) end),
    E("gen_tcp:listen(0, [{ip, \"localhost\"}])", fun() -> gen_tcp:listen(0, [{ip, "localhost"}]) end),
    E("gen_tcp:listen(0, [{ifaddr, \"localhost\"}])", fun() -> gen_tcp:listen(0, [{ifaddr, "localhost"}]) end),
    E("gen_tcp:listen(0, [{ip, \"127.0.0.1\"}])", fun() -> gen_tcp:listen(0, [{ip, "127.0.0.1"}]) end),
    E("gen_tcp:listen(0, [{ip, localhost}])", fun() -> gen_tcp:listen(0, [{ip, localhost}]) end),
    E("inet:getaddr(\"localhost\", inet)", fun() -> inet:getaddr("localhost", inet) end),
    E("inet:getaddrs(\"localhost\", inet)", fun() -> inet:getaddrs("localhost", inet) end),
    E("inet:getaddr(\"no-such-host.invalid\", inet)", fun() -> inet:getaddr("no-such-host.invalid", inet) end),
    E("inet:getaddr(\"\", inet)", fun() -> inet:getaddr("", inet) end),
    E("inet:getaddr(\"::1\", inet6)", fun() -> inet:getaddr("::1", inet6) end),
    E("inet:getaddr({127,0,0,1}, inet6)", fun() -> inet:getaddr({127,0,0,1}, inet6) end),
    E("inet:getaddr({127,0,0,1}, inet)", fun() -> inet:getaddr({127,0,0,1}, inet) end),
    E("inet:getaddr(\"::ffff:1.2.3.4\", inet6)", fun() -> inet:getaddr("::ffff:1.2.3.4", inet6) end),
    E("inet:getaddr(\"fe80::1:2\", inet6)", fun() -> inet:getaddr("fe80::1:2", inet6) end),
    ok.
