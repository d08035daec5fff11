#!/usr/bin/env escript
%% OTP 25's process aliases, as runtime/alias.ts and test/runtime/alias.test.ts rely on them
%% (run: escript 45_alias.escript): alias/0,1, unalias/1, monitor/3 with {alias, Mode}, and
%% what a send through an alias does before and after it is deactivated.
-mode(compile).

flush() -> receive M -> [M | flush()] after 50 -> [] end.
-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).
%% Runs F in a fresh process and prints what it returns.
-define(IN(Name, F), io:format("~s~n    => ~p~n", [Name, in_proc(F)])).

in_proc(F) ->
    Self = self(),
    {P, M} = spawn_monitor(fun() -> Self ! {self(), catch F()} end),
    receive {P, R} -> receive {'DOWN', M, _, _, _} -> R end end.

main(_) ->
    %% A message through an alias is dropped when the alias is inactive as the owner takes the
    %% message in (at its next receive), so each case receives (flush/0) before it unaliases.
    ?IN("alias, send twice, receive, unalias, send", fun() ->
        A = alias(), A ! one, A ! two, F1 = flush(), U1 = unalias(A), A ! three, U2 = unalias(A),
        {is_reference(A), F1, U1, U2, flush()} end),
    ?IN("alias, send, unalias before any receive: the message in flight is dropped", fun() ->
        A = alias(), A ! one, {unalias(A), flush()} end),
    ?IN("alias([reply]): the first message deactivates it", fun() ->
        A = alias([reply]), A ! one, A ! two, F = flush(), {F, unalias(A)} end),
    ?IN("alias([explicit_unalias])", fun() -> A = alias([explicit_unalias]), A ! one, A ! two, F = flush(), {F, unalias(A)} end),
    ?IN("alias([reply, explicit_unalias]): the last option wins", fun() ->
        A = alias([reply, explicit_unalias]), A ! one, A ! two, F = flush(), {F, unalias(A)} end),
    ?IN("alias([explicit_unalias, reply])", fun() ->
        A = alias([explicit_unalias, reply]), A ! one, A ! two, F = flush(), {F, unalias(A)} end),
    ?P(alias([bad])),
    ?P(alias(reply)),
    ?P(alias([reply | explicit_unalias])),
    ?P(unalias(make_ref())),
    ?P(unalias(self())),
    ?P(unalias(foo)),
    ?P(make_ref() ! plain),
    ?P(erlang:send(make_ref(), plain)),
    ?IN("another process's alias: unalias is false, sends still go to the owner", fun() ->
        Self = self(),
        O = spawn(fun() -> A = alias(), Self ! {alias, A}, receive M -> Self ! {owner_got, M} end end),
        A = receive {alias, X} -> X end,
        U = unalias(A), A ! hello,
        R = receive {owner_got, G} -> G after 500 -> none end,
        exit(O, kill), {U, R} end),
    ?IN("an alias of a dead process drops", fun() ->
        Self = self(),
        {_, M} = spawn_monitor(fun() -> Self ! {alias, alias()} end),
        A = receive {alias, X} -> X end,
        receive {'DOWN', M, _, _, _} -> ok end,
        A ! hello, flush() end),
    ?IN("monitor {alias, explicit_unalias}: demonitor keeps the alias", fun() ->
        P = spawn(fun() -> receive stop -> ok end end),
        M = monitor(process, P, [{alias, explicit_unalias}]),
        M ! one, D = demonitor(M), M ! two, F = flush(), U = unalias(M), M ! three, exit(P, kill),
        {D, F, U, flush()} end),
    ?IN("monitor {alias, demonitor}: demonitor takes the alias", fun() ->
        P = spawn(fun() -> receive stop -> ok end end),
        M = monitor(process, P, [{alias, demonitor}]),
        M ! one, F = flush(), D = demonitor(M), M ! two, U = unalias(M), exit(P, kill),
        {F, D, U, flush()} end),
    ?IN("monitor {alias, demonitor}: the DOWN takes the alias", fun() ->
        P = spawn(fun() -> receive stop -> ok end end),
        M = monitor(process, P, [{alias, demonitor}]),
        P ! stop, receive {'DOWN', M, _, _, R} -> R end,
        M ! after_down, F = flush(), U = unalias(M), {R, F, U} end),
    ?IN("monitor {alias, demonitor} of a dead pid: noproc, alias gone", fun() ->
        P = spawn(fun() -> ok end), timer:sleep(20),
        M = monitor(process, P, [{alias, demonitor}]),
        [{'DOWN', M, process, P, noproc}] = flush(),
        M ! after_down, F = flush(), {F, unalias(M)} end),
    ?IN("monitor {alias, explicit_unalias}: the DOWN keeps the alias", fun() ->
        P = spawn(fun() -> receive stop -> ok end end),
        M = monitor(process, P, [{alias, explicit_unalias}]),
        P ! stop, receive {'DOWN', M, _, _, R} -> R end,
        M ! after_down, F = flush(), {R, F, unalias(M)} end),
    ?IN("monitor {alias, reply_demonitor}: the reply takes alias and monitor", fun() ->
        P = spawn(fun() -> receive stop -> ok end end),
        M = monitor(process, P, [{alias, reply_demonitor}]),
        M ! reply, M ! again, F1 = flush(), U = unalias(M), D = demonitor(M, [info]),
        P ! stop, {F1, U, D, flush()} end),
    ?IN("monitor {alias, reply_demonitor}: demonitor takes the alias", fun() ->
        P = spawn(fun() -> receive stop -> ok end end),
        M = monitor(process, P, [{alias, reply_demonitor}]),
        D = demonitor(M), M ! one, exit(P, kill), {D, flush(), unalias(M)} end),
    ?IN("monitor by name with an alias", fun() ->
        P = spawn(fun() -> receive stop -> ok end end), register(named_45, P),
        M = monitor(process, named_45, [{alias, demonitor}]),
        M ! one, P ! stop, receive {'DOWN', M, _, _, R} -> R end, M ! two,
        {R, flush()} end),
    ?IN("monitor with [] and with bad options", fun() ->
        P = spawn(fun() -> receive stop -> ok end end),
        R = [catch monitor(process, P, O) || O <- [[], [{alias, bad}], [alias], [{alias}], [{foo, bar}],
                                                   {alias, demonitor}, [{alias, demonitor} | x]]],
        exit(P, kill), [if is_reference(X) -> ref; true -> element(1, element(2, X)) end || X <- R] end),
    ok.
