#!/usr/bin/env escript
%% OTP 25's error report of a terminating gen_server (gen_server:error_info, format_log), as
%% test/actors/gen_server_report.test.ts relies on it (run: escript 52_gen_server_report.escript).
%% Each report is caught by a logger handler and formatted by gen_server:format_log/2 with
%% unlimited depth; a pid prints as 'pid', and the client's stack trace is left out.
-mode(compile).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, log/2]).

init(S) -> {ok, S}.
handle_call({stop, R}, _From, S) -> {stop, R, ok, S};
handle_call({stop_noreply, R}, _From, S) -> {stop, R, S}.
handle_cast({stop, R}, S) -> {stop, R, S}.
handle_info({stop, R}, S) -> {stop, R, S}.

%% The logger handler: hands each gen_server report to the escript's process.
log(#{msg := {report, #{label := {gen_server, terminate}} = R}}, #{config := #{to := To}}) -> To ! {report, R};
log(_, _) -> ok.

show(none) -> io:format("no report~n");
show(R) ->
    Text = lists:flatten(gen_server:format_log(R, #{depth => unlimited, single_line => false})),
    Clean = re:replace(Text, "<[0-9]+\\.[0-9]+\\.[0-9]+>", "pid", [global, {return, list}]),
    [io:format("~s~n", [L]) || L <- string:split(Clean, "\n", all), keep(L)].

%% The client's stack trace (its own lines, indented) names the escript's frames: left out.
keep("") -> false;
keep("** [{" ++ _) -> false;
keep(" " ++ _) -> false;
keep(_) -> true.

next() -> receive {report, R} -> R after 200 -> none end.

main(_) ->
    logger:remove_handler(default),
    ok = logger:add_handler(cap, ?MODULE, #{config => #{to => self()}}),
    register(caller, self()),
    io:format("== a call answered with {stop, bad_thing, ok, S}, server registered as srv~n"),
    {ok, _} = gen_server:start({local, srv}, ?MODULE, state1, []),
    ok = gen_server:call(srv, {stop, bad_thing}),
    show(next()),
    io:format("== a cast answered with {stop, {bad, 1}, S}, server unnamed~n"),
    {ok, P2} = gen_server:start(?MODULE, {1, 2}, []),
    gen_server:cast(P2, {stop, {bad, 1}}),
    show(next()),
    io:format("== a message answered with {stop, gone, S}~n"),
    {ok, P3} = gen_server:start(?MODULE, #{k => v}, []),
    P3 ! {stop, gone},
    show(next()),
    [begin
         io:format("== a call answered with {stop, ~p, S}~n", [R]),
         {ok, P} = gen_server:start(?MODULE, s, []),
         catch gen_server:call(P, {stop_noreply, R}),
         show(next())
     end || R <- [normal, shutdown, {shutdown, x}]],
    ok.
