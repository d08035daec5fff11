%% The echo server and client of OTP's Socket Usage guide ("Echo server (and client)"),
%% written again here for erlsock's interop tests and echo benchmarks. It keeps the guide's
%% structure on purpose, including what does not work on OTP 25: socket:setopt(Sock, otp,
%% owner, Pid) returns {error, {invalid, {socket_option, {otp, owner}}}}, the result is
%% ignored, so ownership never moves and every accepted socket stays owned by the acceptor
%% (an fd per closed connection stays open). Only the Windows 'completion' branches are left
%% out: this runs on Linux.
%%
%% Additions, none of which change the structure:
%%   - a quiet mode (no per-echo print), kept in a persistent_term;
%%   - a nodelay mode, set on the listening socket, which accepted sockets inherit on Linux;
%%   - main/1, a command line for `erl -noshell -s echo_guide main -extra ...` (after
%%     -extra, because erl would take `--addr` for one of its own flags):
%%       server [--addr A] [--port P] [--quiet] [--nodelay]
%%           prints "listening <addr> <port>", echoes until the VM is stopped (SIGTERM)
%%       client --addr A --port P MSG
%%           exchanges MSG, halts with status 0 when the echo matched, 1 otherwise
-module(echo_guide).

-export([client/2, client/3]).
-export([server/0, server/1, server/2]).
-export([main/0, main/1]).

%% ======================================================================
%% Client

client(#{family := Family} = ServerSockAddr, Msg)
  when is_list(Msg) orelse is_binary(Msg) ->
    {ok, Sock} = socket:open(Family, stream, default),
    ok         = socket:connect(Sock, ServerSockAddr),
    client_exchange(Sock, Msg);
client(ServerPort, Msg)
  when is_integer(ServerPort) andalso (ServerPort > 0) ->
    Family = inet,
    Addr   = get_local_addr(Family),
    client(#{family => Family, addr => Addr, port => ServerPort}, Msg).

client(ServerPort, ServerAddr, Msg)
  when is_integer(ServerPort) andalso (ServerPort > 0) andalso is_tuple(ServerAddr) ->
    Family = which_family(ServerAddr),
    client(#{family => Family, addr => ServerAddr, port => ServerPort}, Msg).

%% Sends the message and waits for all of it to come back.
client_exchange(Sock, Msg) when is_list(Msg) ->
    client_exchange(Sock, list_to_binary(Msg));
client_exchange(Sock, Msg) when is_binary(Msg) ->
    ok        = socket:send(Sock, Msg, infinity),
    {ok, Msg} = socket:recv(Sock, byte_size(Msg), infinity),
    ok        = socket:close(Sock),
    ok.

%% ======================================================================
%% Server

server() ->
    server(0).

%% Returns the port and address in use, since server/0 and server/1 let the system pick.
server(#{family := Family, addr := Addr, port := _} = SockAddr) ->
    {ok, Sock} = socket:open(Family, stream, tcp),
    ok         = maybe_nodelay(Sock),
    ok         = socket:bind(Sock, SockAddr),
    ok         = socket:listen(Sock),
    {ok, #{port := Port}} = socket:sockname(Sock),
    Acceptor = start_acceptor(Sock),
    {ok, {Port, Addr, Acceptor}};
server(Port) when is_integer(Port) ->
    Family = inet,
    Addr   = get_local_addr(Family),
    server(#{family => Family, addr => Addr, port => Port}).

server(Port, Addr)
  when is_integer(Port) andalso (Port >= 0) andalso is_tuple(Addr) ->
    Family = which_family(Addr),
    server(#{family => Family, addr => Addr, port => Port}).

%% --- Acceptor ---

start_acceptor(LSock) ->
    Self = self(),
    {Pid, MRef} = spawn_monitor(fun() -> acceptor_init(Self, LSock) end),
    receive
        {'DOWN', MRef, process, Pid, Info} ->
            erlang:error({failed_starting_acceptor, Info});
        {Pid, started} ->
            %% Meant to hand the listening socket over; on OTP it fails and is ignored.
            socket:setopt(LSock, otp, owner, Pid),
            Pid ! {self(), continue},
            erlang:demonitor(MRef),
            Pid
    end.

acceptor_init(Parent, LSock) ->
    Parent ! {self(), started},
    receive {Parent, continue} -> ok end,
    acceptor_loop(LSock, undefined).

acceptor_loop(LSock, undefined = Info) ->
    case socket:accept(LSock, nowait) of
        {ok, ASock} ->
            start_handler(ASock),
            acceptor_loop(LSock, Info);
        {select, SelectInfo} ->
            acceptor_loop(LSock, SelectInfo);
        {error, Reason} ->
            erlang:error({accept_failed, Reason})
    end;
acceptor_loop(LSock, {select_info, accept, SelectHandle}) ->
    receive
        {'$socket', LSock, select, SelectHandle} ->
            case socket:accept(LSock, SelectHandle) of
                {ok, ASock} ->
                    start_handler(ASock),
                    acceptor_loop(LSock, undefined);
                {select, NewSelectInfo} ->
                    acceptor_loop(LSock, NewSelectInfo);
                {error, closed} ->
                    exit(normal);
                {error, Reason} ->
                    erlang:error({select, accept, Reason})
            end;
        {'$socket', LSock, abort, {SelectHandle, closed}} ->
            exit(normal);
        {'$socket', LSock, abort, {SelectHandle, Reason}} ->
            erlang:error({select, abort, Reason})
    end.

%% --- Handler ---

start_handler(Sock) ->
    Self = self(),
    {Pid, MRef} = spawn_monitor(fun() -> handler_init(Self, Sock) end),
    receive
        {'DOWN', MRef, process, Pid, Info} ->
            erlang:error({failed_starting_handler, Info});
        {Pid, started} ->
            %% As above: fails on OTP, so the acceptor keeps owning Sock.
            socket:setopt(Sock, otp, owner, Pid),
            Pid ! {self(), continue},
            erlang:demonitor(MRef),
            Pid
    end.

handler_init(Parent, Sock) ->
    Parent ! {self(), started},
    receive {Parent, continue} -> ok end,
    handler_loop(Sock, undefined).

%% No read in progress. nowait is more than an echo needs; the guide uses it to show how.
handler_loop(Sock, undefined) ->
    case socket:recv(Sock, 0, nowait) of
        {ok, Data} ->
            echo(Sock, Data),
            handler_loop(Sock, undefined);
        {select, SelectInfo} ->
            handler_loop(Sock, SelectInfo);
        {error, Reason} ->
            say("handle_loop(undef) -> error: ~n   Reason: ~p~n", [Reason]),
            case Reason of
                closed -> exit(normal);
                _      -> erlang:error({recv_failed, Reason})
            end
    end;
%% A read is pending: wait for the select message, then read again.
handler_loop(Sock, {select_info, recv, SelectHandle}) ->
    receive
        {'$socket', Sock, select, SelectHandle} ->
            case socket:recv(Sock, 0, nowait) of
                {ok, Data} ->
                    echo(Sock, Data),
                    handler_loop(Sock, undefined);
                {select, NewSelectInfo} ->
                    handler_loop(Sock, NewSelectInfo);
                {error, closed} ->
                    exit(normal);
                {error, Reason} ->
                    erlang:error({select, recv, Reason})
            end;
        {'$socket', Sock, abort, {SelectHandle, closed}} ->
            exit(normal);
        {'$socket', Sock, abort, {SelectHandle, Reason}} ->
            erlang:error({abort, Reason})
    end.

echo(Sock, Data) when is_binary(Data) ->
    ok = socket:send(Sock, Data, infinity),
    say("** ECHO **~n~s~n", [binary_to_list(Data)]).

%% ======================================================================
%% Utilities

%% A local address usable from another host too: up, running, not loopback.
get_local_addr(Family) ->
    Filter =
        fun(#{addr := #{family := Fam}, flags := Flags}) ->
                (Fam =:= Family) andalso
                    lists:member(up, Flags) andalso
                    lists:member(running, Flags) andalso
                    (not lists:member(loopback, Flags));
           (_) ->
                false
        end,
    {ok, [#{addr := #{addr := Addr}} | _]} = net:getifaddrs(Filter),
    Addr.

which_family(Addr) when is_tuple(Addr) andalso (tuple_size(Addr) =:= 4) -> inet;
which_family(Addr) when is_tuple(Addr) andalso (tuple_size(Addr) =:= 8) -> inet6.

say(Format, Args) ->
    case persistent_term:get({?MODULE, quiet}, false) of
        true  -> ok;
        false -> io:format(Format, Args)
    end.

maybe_nodelay(Sock) ->
    case persistent_term:get({?MODULE, nodelay}, false) of
        true  -> socket:setopt(Sock, tcp, nodelay, true);
        false -> ok
    end.

%% ======================================================================
%% Command line

main() ->
    main(init:get_plain_arguments()).

main(["server" | Args]) ->
    Opts = parse(Args, #{addr => "127.0.0.1", port => "0"}),
    persistent_term:put({?MODULE, quiet}, maps:is_key(quiet, Opts)),
    persistent_term:put({?MODULE, nodelay}, maps:is_key(nodelay, Opts)),
    {ok, Addr} = inet:parse_address(maps:get(addr, Opts)),
    {ok, {Port, _, _Acceptor}} = server(list_to_integer(maps:get(port, Opts)), Addr),
    io:format("listening ~s ~w~n", [maps:get(addr, Opts), Port]),
    %% This process opened the listening socket and, on OTP, still owns it: it must live.
    receive stop -> ok end;
main(["client" | Args]) ->
    Opts = parse(Args, #{}),
    Status =
        try
            {ok, Addr} = inet:parse_address(maps:get(addr, Opts)),
            ok = client(list_to_integer(maps:get(port, Opts)), Addr, maps:get(msg, Opts)),
            0
        catch C:R ->
            io:format(standard_error, "client failed: ~p:~p~n", [C, R]),
            1
        end,
    erlang:halt(Status);
main(_) ->
    io:format(standard_error,
              "usage: server [--addr A] [--port P] [--quiet] [--nodelay] | "
              "client --addr A --port P MSG~n", []),
    erlang:halt(2).

parse([], Acc)                     -> Acc;
parse(["--addr", A | T], Acc)      -> parse(T, Acc#{addr => A});
parse(["--port", P | T], Acc)      -> parse(T, Acc#{port => P});
parse(["--quiet" | T], Acc)        -> parse(T, Acc#{quiet => true});
parse(["--nodelay" | T], Acc)      -> parse(T, Acc#{nodelay => true});
parse([Msg | T], Acc)              -> parse(T, Acc#{msg => Msg}).
