#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks the socket-usage guide's echo-server pattern on OTP 25:
%% setopt(S, otp, owner, Pid) result (ignored by the guide), who really owns
%% the listening and accepted sockets, re-calling accept/recv with the select
%% handle from the message as the Timeout|Handle argument, abort on close.
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    Self = self(),
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L),
    {ok, #{port := Port}} = socket:sockname(L),
    Acceptor = spawn(fun() -> receive go -> acceptor(Self, L, undefined) end end),
    ?T(socket:setopt(L, otp, owner, Acceptor)),
    ?T(socket:getopt(L, otp, controlling_process) =:= {ok, Self}),
    Acceptor ! go,
    {ok, C} = socket:open(inet, stream, tcp),
    ok = socket:connect(C, #{family => inet, addr => loopback, port => Port}),
    ?T(receive {accepted, Info} -> Info after 2000 -> none end),
    ok = socket:send(C, <<"hello">>),
    ?T(socket:recv(C, 5, 2000)),
    ok = socket:send(C, <<"again">>),
    ?T(socket:recv(C, 5, 2000)),
    socket:close(L),
    ?T(receive {acceptor_exit, R} -> R after 2000 -> none end),
    ok.

acceptor(Parent, L, undefined) ->
    case socket:accept(L, nowait) of
        {ok, A} -> handler_start(Parent, A), acceptor(Parent, L, undefined);
        {select, SI} -> acceptor(Parent, L, SI)
    end;
acceptor(Parent, L, {select_info, accept, H}) ->
    receive
        {'$socket', L, select, H} ->
            case socket:accept(L, H) of          % re-call with the same handle, as the guide does
                {ok, A} -> handler_start(Parent, A), acceptor(Parent, L, undefined);
                {select, SI} -> acceptor(Parent, L, SI);
                {error, R} -> Parent ! {acceptor_exit, {accept_error, R}}
            end;
        {'$socket', L, abort, {H, Reason}} ->
            Parent ! {acceptor_exit, {abort, Reason}}
    end.

handler_start(Parent, A) ->
    Acc = self(),
    H = spawn(fun() -> receive go -> handler(A, undefined) end end),
    SetRes = socket:setopt(A, otp, owner, H),
    {ok, Owner} = socket:getopt(A, otp, controlling_process),
    Parent ! {accepted, #{setopt_owner_result => SetRes,
                          accepted_owner_is_acceptor => (Owner =:= Acc),
                          accepted_owner_is_handler => (Owner =:= H)}},
    H ! go.

handler(S, undefined) ->
    case socket:recv(S, 0, nowait) of
        {ok, D} -> ok = socket:send(S, D), handler(S, undefined);
        {select, SI} -> handler(S, SI);
        {error, _} -> ok
    end;
handler(S, {select_info, recv, H}) ->
    receive
        {'$socket', S, select, H} ->
            case socket:recv(S, 0, H) of         % handle re-used
                {ok, D} -> ok = socket:send(S, D), handler(S, undefined);
                {select, SI} -> handler(S, SI);
                {error, _} -> ok
            end;
        {'$socket', S, abort, _} -> ok
    end.
