#!/usr/bin/env escript
%% OTP 25's sys and proc_lib values that test/actors/sys.test.ts and proc_lib.test.ts rely on
%% (run: escript 33_sys.escript): trace lines, get_status's layout, the dictionary of a
%% gen_server ('$ancestors' and '$initial_call'), get_state of a missing server. The dictionary
%% prints sorted: its order is the hash table's, and was seen to differ between runs.
-mode(compile).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

init(N) -> {ok, N}.
handle_call(get, _From, N) -> {reply, N, N}.
handle_cast({set, M}, _N) -> {noreply, M}.
handle_info(_, N) -> {noreply, N}.

main(_) ->
    {ok, P} = gen_server:start_link({local, cell_status}, ?MODULE, 5, []),
    {status, P, Mod, [Dict | Items]} = sys:get_status(P),
    io:format("get_status: ~p~n", [{status, P, Mod, [lists:sort(Dict) | Items]}]),
    io:format("dictionary: ~p~n", [lists:sort(element(2, process_info(P, dictionary)))]),
    ok = sys:trace(P, true),
    gen_server:cast(P, {set, 2}),
    2 = gen_server:call(P, get),
    P ! hello,
    timer:sleep(10),
    ok = sys:trace(P, false),
    ok = sys:suspend(P),
    {status, _, _, [_, suspended | _]} = sys:get_status(P),
    ok = sys:resume(P),
    io:format("replace_state: ~p~n", [sys:replace_state(P, fun(S) -> S + 10 end)]),
    io:format("missing: ~p~n", [catch sys:get_state(no_such_server)]).
