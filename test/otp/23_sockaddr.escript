#!/usr/bin/env escript
%% -*- erlang -*-
%% What OTP 25 answers to sockaddrs it refuses, in bind, connect, sendto and sendmsg
%% (test/sockets/sockaddr.test.ts): a key the family does not have (a typo such as `adr`),
%% a missing family or path, a value that does not fit, and an argument that is not a map.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

main(_) ->
    {ok, U} = socket:open(inet, dgram, udp),
    {ok, T} = socket:open(inet, stream, tcp),
    io:format("=== each address in bind, connect(_, _, 0), sendto, sendmsg ===~n"),
    [begin
         ?T(socket:bind(T, A)),
         ?T(socket:connect(U, A, 0)),
         ?T(socket:sendto(U, <<"x">>, A)),
         ?T(socket:sendmsg(U, #{iov => [<<"x">>], addr => A}))
     end
     || A <- [#{family => inet, adr => {127,0,0,1}, port => 7777},
              #{family => inet, addr => any, port => 1, adr => 1, zz => 2, aa => 3},
              #{family => inet, addr => {1,2,3}, adr => 1},
              #{},
              #{family => bogus, extra => 1},
              #{family => inet, addr => {1,2,3}},
              #{family => inet6, addr => {1,2,3}, port => 1},
              foo]],
    io:format("=== inet6 and local ===~n"),
    {ok, S6} = socket:open(inet6, stream, tcp),
    ?T(socket:bind(S6, #{family => inet6, adr => {0,0,0,0,0,0,0,1}, port => 0})),
    ?T(socket:bind(S6, #{family => inet6, port => 0, flowinfo => 0, scope_id => 0, extra => 1})),
    {ok, SL} = socket:open(local, dgram, default),
    ?T(socket:bind(SL, #{family => local})),
    ?T(socket:bind(SL, #{family => local, path => 1})),
    ?T(socket:bind(SL, #{family => local, extra => 1})),
    ?T(socket:bind(SL, #{family => local, path => <<"/tmp/erlsock_sockaddr_oracle">>, port => 1})),
    ?T(socket:bind(SL, #{family => local, path => binary:copy(<<"a">>, 200)})),
    io:format("=== not a map: connect raises whatever the timeout; bind answers ===~n"),
    ?T(socket:connect(U, foo)),
    ?T(socket:connect(U, foo, nowait)),
    ?T(socket:bind(U, {127,0,0,1})),
    io:format("=== the typo does not bind: the socket stays unbound ===~n"),
    {ok, S} = socket:open(inet, stream, tcp),
    ?T(socket:bind(S, #{family => inet, adr => {127,0,0,1}, port => 0})),
    ?T(socket:sockname(S)),
    [socket:close(X) || X <- [U, T, S6, SL, S]],
    ok.
