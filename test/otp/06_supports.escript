#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks: supports/0,1,2 and is_supported/1,2,3 shapes and Linux values.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~p~n", [Label, R]), R.

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    All = socket:supports(),
    io:format("supports() keys: ~p~n", [[element(1, E) || E <- All]]),
    [io:format("supports() ~p => ~p~n", [K, V]) || {K, V} <- All, not is_list(V)],
    ?T(socket:supports(msg_flags)),
    ?T(socket:supports(protocols)),
    ?T(socket:supports(ioctl_requests)),
    ?T(socket:supports(ioctl_flags)),
    Opts = socket:supports(options),
    io:format("supports(options) element shape: ~p~n", [hd(Opts)]),
    %% print per level: supported / unsupported
    Levels = lists:usort([L || {{L, _}, _} <- Opts]),
    [begin
         Sup = [O || {{L2, O}, true} <- Opts, L2 =:= L],
         Uns = [O || {{L2, O}, false} <- Opts, L2 =:= L],
         io:format("LEVEL ~p~n  supported:   ~p~n  unsupported: ~p~n", [L, Sup, Uns])
     end || L <- Levels],
    ?T(socket:supports(options, socket)),
    ?T(socket:supports(options, tcp)),
    ?T(socket:supports(options, bogus)),
    ?T(socket:supports(bogus)),
    ?T(socket:is_supported(ipv6)),
    ?T(socket:is_supported(local)),
    ?T(socket:is_supported(sctp)),
    ?T(socket:is_supported(netns)),
    ?T(socket:is_supported(sendfile)),
    ?T(socket:is_supported(options, socket, reuseport)),
    ?T(socket:is_supported(options, tcp, congestion)),
    ?T(socket:is_supported(options, otp, rcvbuf)),
    ?T(socket:is_supported(options, socket, bogus)),
    ?T(socket:is_supported(msg_flags, peek)),
    ?T(socket:is_supported(protocols, tcp)),
    ?T(socket:is_supported(bogus)),
    ?T(socket:is_supported(options)),
    ok.
