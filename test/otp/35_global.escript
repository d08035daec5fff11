#!/usr/bin/env escript
%% OTP 25's global registry on one node, and {global, Name} names for gen_server, gen_statem
%% and supervisor, as test/actors/global.test.ts relies on them (run: escript 35_global.escript).
-mode(compile).
-export([init/1, handle_call/3, handle_cast/2, callback_mode/0, handle_event/4]).

init(sup) -> {ok, {#{}, []}};
init({statem, N}) -> {ok, s, N};
init(N) -> {ok, N}.
handle_call(get, _From, N) -> {reply, N, N}.
handle_cast({set, M}, _N) -> {noreply, M}.
callback_mode() -> handle_event_function.
handle_event({call, From}, get, S, N) -> {keep_state_and_data, [{reply, From, {S, N}}]}.

-define(P(E), io:format("~s~n    => ~p~n", [??E, catch E])).

idle() -> receive stop -> ok; hello -> idle() end.

main(_) ->
    logger:set_primary_config(level, none),
    A = spawn(fun idle/0),
    B = spawn(fun idle/0),
    ?P(global:register_name(ga, A)),
    ?P(global:register_name(ga, B)),
    ?P(global:register_name(gb, A)),
    ?P(global:register_name({any, "term"}, B)),
    ?P(global:whereis_name(ga) =:= A),
    ?P(global:whereis_name({any, "term"}) =:= B),
    ?P(global:whereis_name(nobody)),
    ?P(global:send(ga, hello) =:= A),
    ?P(global:send(nobody, hello)),
    ?P(lists:sort(global:registered_names())),
    ?P(global:unregister_name(ga)),
    ?P(global:unregister_name(ga)),
    ?P(global:whereis_name(ga)),
    ?P(global:register_name(ga, B)),
    ?P(global:re_register_name(ga, A)),
    ?P(global:whereis_name(ga) =:= A),
    A ! stop,
    timer:sleep(50),
    ?P(global:whereis_name(ga)),
    Dead = A,
    ?P(global:register_name(gdead, Dead)),
    timer:sleep(50),
    ?P(global:whereis_name(gdead)),
    B ! stop, timer:sleep(50),
    ?P(global:registered_names()),
    %% gen_server
    {ok, S} = gen_server:start({global, cell}, ?MODULE, 5, []),
    ?P(gen_server:start({global, cell}, ?MODULE, 6, []) =:= {error, {already_started, S}}),
    ?P(gen_server:call({global, cell}, get)),
    ?P(gen_server:cast({global, cell}, {set, 7})),
    ?P(gen_server:call({global, cell}, get)),
    ?P(gen_server:call({global, nocell}, get)),
    ?P(gen_server:cast({global, nocell}, {set, 1})),
    ?P(sys:get_state({global, cell})),
    ?P(element(2, hd(lists:last(element(4, sys:get_status({global, cell})))))),
    ?P(sys:get_state({global, nocell})),
    ?P(gen_server:stop({global, cell})),
    ?P(global:whereis_name(cell)),
    ?P(gen_server:stop({global, cell})),
    %% gen_statem
    {ok, M} = gen_statem:start({global, machine}, ?MODULE, {statem, 1}, []),
    ?P(gen_statem:start({global, machine}, ?MODULE, {statem, 1}, []) =:= {error, {already_started, M}}),
    ?P(gen_statem:call({global, machine}, get)),
    ?P(gen_statem:call({global, nomachine}, get)),
    ?P(gen_statem:stop({global, machine})),
    %% supervisor
    process_flag(trap_exit, true),
    {ok, Sup} = supervisor:start_link({global, sup}, ?MODULE, sup),
    ?P(supervisor:start_link({global, sup}, ?MODULE, sup) =:= {error, {already_started, Sup}}),
    ?P(supervisor:which_children({global, sup})),
    ?P(supervisor:count_children({global, sup})),
    ?P(supervisor:which_children({global, nosup})),
    exit(Sup, shutdown),
    receive {'EXIT', Sup, R} -> io:format("sup exit ~p~n", [R]) end,
    timer:sleep(50),
    ?P(global:whereis_name(sup)).
