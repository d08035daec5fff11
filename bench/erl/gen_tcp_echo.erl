%% Peers for `npm run bench -- gen_tcp` and `-- http`: the echo server on gen_tcp ({active,
%% once}, one process per connection, the usual Erlang shape) and a keep-alive HTTP hello
%% server on {packet, http_bin}, either on the default inet backend or {inet_backend, socket}.
%%   erl +S 1:1 -noshell -pa OUT -s gen_tcp_echo main -extra echo|http [--backend socket]
%% Prints "listening 127.0.0.1 <port>" and serves until the VM is stopped.
-module(gen_tcp_echo).
-export([main/0, main/1]).

main() -> main(init:get_plain_arguments()).

main([Kind | Rest]) ->
    Backend = case Rest of ["--backend", "socket" | _] -> [{inet_backend, socket}]; _ -> [] end,
    Opts = Backend ++ [binary, {active, false}, {reuseaddr, true}, {backlog, 1024}, {ip, {127,0,0,1}}]
        ++ case Kind of "http" -> [{packet, http_bin}]; _ -> [] end,
    {ok, L} = gen_tcp:listen(0, Opts),
    {ok, Port} = inet:port(L),
    io:format("listening 127.0.0.1 ~p~n", [Port]),
    Handler = case Kind of "http" -> fun http/1; _ -> fun echo/1 end,
    accept(L, Handler).

accept(L, Handler) ->
    {ok, S} = gen_tcp:accept(L),
    Pid = spawn(fun() -> receive go -> Handler(S) end end),
    ok = gen_tcp:controlling_process(S, Pid),
    Pid ! go,
    accept(L, Handler).

echo(S) ->
    ok = inet:setopts(S, [{active, once}]),
    receive
        {tcp, S, D} -> ok = gen_tcp:send(S, D), echo(S);
        {tcp_closed, S} -> ok;
        {tcp_error, S, _} -> ok
    end.

-define(BODY, <<"Hello from erlsock\n">>).

http(S) ->
    case gen_tcp:recv(S, 0) of
        {ok, {http_request, _Method, Uri, Version}} -> headers(S, Uri, Version =:= {1,1});
        _ -> gen_tcp:close(S)
    end.

headers(S, Uri, Keep) ->
    case gen_tcp:recv(S, 0) of
        {ok, http_eoh} -> respond(S, Uri, Keep);
        {ok, {http_header, _, 'Connection', _, V}} -> headers(S, Uri, string:lowercase(V) =/= <<"close">>);
        {ok, {http_header, _, _, _, _}} -> headers(S, Uri, Keep);
        _ -> gen_tcp:close(S)
    end.

respond(S, Uri, Keep) ->
    Resp = case Uri of
        {abs_path, <<"/">>} ->
            [<<"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\n">>, ?BODY];
        _ ->
            <<"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nNot Found\n">>
    end,
    case gen_tcp:send(S, Resp) of
        ok when Keep -> http(S);
        _ -> gen_tcp:close(S)
    end.
