#!/usr/bin/env escript
%% The tcp keepalive options on OTP 25 (test/sockets/options.test.ts relies on it).
%% Run: escript test/otp/24_tcp_keepalive.escript
%% OTP 25 lists keepcnt, keepidle and keepintvl in supports(options, tcp) as false and
%% answers getopt/setopt with {error,{invalid,{socket_option,{tcp,Opt}}}}; OTP 26 documents
%% them (Value = integer()). erlsock offers them with that integer shape. The values the
%% kernel holds, read here by number (Linux TCP_KEEPIDLE 4, TCP_KEEPINTVL 5, TCP_KEEPCNT 6),
%% are the sysctl defaults net.ipv4.tcp_keepalive_time/_intvl/_probes (7200, 75, 9 unless
%% changed); set then read they round-trip, and 0 is refused with einval.
%% Observed on OTP 25 (Linux):
%%   supports [{keepcnt,false},{keepintvl,false},{keepidle,false}]
%%   keepcnt get {error,{invalid,{socket_option,{tcp,keepcnt}}}} set {error,{invalid,{socket_option,{tcp,keepcnt}}}}
%%   (the same for keepidle and keepintvl)
%%   native keepidle, keepintvl, keepcnt => [{ok,7200},{ok,75},{ok,9}]
%%   native set keepidle 30 ok -> {ok,30}; keepcnt 0 {error,einval}
main(_) ->
    {ok, T} = socket:open(inet, stream, tcp),
    io:format("supports ~p~n", [[X || {K, _} = X <- socket:supports(options, tcp),
                                      lists:member(K, [keepcnt, keepidle, keepintvl])]]),
    [io:format("~p get ~p set ~p~n", [O, socket:getopt(T, tcp, O), socket:setopt(T, tcp, O, 5)])
     || O <- [keepcnt, keepidle, keepintvl]],
    %% The host's sysctl values: compared by expression only (a `~ ` line in the transcript).
    io:format("native keepidle, keepintvl, keepcnt~n    => ~p~n",
              [[socket:getopt_native(T, {tcp, 4}, integer), socket:getopt_native(T, {tcp, 5}, integer),
                socket:getopt_native(T, {tcp, 6}, integer)]]),
    io:format("native set keepidle 30 ~p -> ~p; keepcnt 0 ~p~n",
              [socket:setopt_native(T, {tcp, 4}, 30), socket:getopt_native(T, {tcp, 4}, integer),
               socket:setopt_native(T, {tcp, 6}, 0)]),
    socket:close(T).
