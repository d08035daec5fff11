#!/usr/bin/env escript
%% -*- erlang -*-
%% net: gethostname/0, getifaddrs/0,1 (the map shape and the filters: atom, map, fun),
%% if_names/0, if_name2index/1, if_index2name/1, getaddrinfo/1,2, getnameinfo/1.
%% Only host-independent facts are printed: the loopback interface's entries (every Linux
%% host has `lo` at index 1), the shapes of the rest. docs/OTP25_BEHAVIOUR.md section 7.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

lo({ok, L}) -> {ok, [M || M = #{name := "lo"} <- L]};
lo(Other) -> Other.

families({ok, L}) -> lists:usort([F || #{addr := #{family := F}} <- L]);
families(Other) -> Other.

main(_) ->
    logger:set_primary_config(level, none),
    ?T(case net:gethostname() of {ok, H} -> {ok, is_list(H) andalso H =/= ""}; E -> E end),
    ?T(lo(net:getifaddrs())),
    ?T(families(net:getifaddrs())),
    ?T(lo(net:getifaddrs(inet))),
    ?T(families(net:getifaddrs(inet))),
    ?T(lo(net:getifaddrs(inet6))),
    ?T(families(net:getifaddrs(inet6))),
    ?T(families(net:getifaddrs(default)) =:= families(net:getifaddrs())),
    ?T(families(net:getifaddrs(all))),
    ?T(families(net:getifaddrs(packet))),
    ?T(lo(net:getifaddrs(packet))),
    ?T(lo(net:getifaddrs(#{family => inet, flags => any}))),
    ?T(net:getifaddrs(#{family => inet, flags => [loopback]})),
    ?T(net:getifaddrs(fun(#{addr := #{family := inet}, flags := Fl}) -> lists:member(loopback, Fl); (_) -> false end)),
    ?T(net:getifaddrs(bogus)),
    ?T(case net:if_names() of {ok, Ns} -> {ok, lists:keyfind(1, 1, Ns)}; E -> E end),
    ?T(net:if_name2index("lo")),
    ?T(net:if_index2name(1)),
    ?T(net:if_name2index("nonexistent0")),
    ?T(net:getaddrinfo("localhost", "80")),
    ?T(net:getnameinfo(#{family => inet, addr => {127,0,0,1}, port => 80})),
    ?T(lists:sort(net:module_info(exports))),
    ok.
