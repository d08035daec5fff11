#!/usr/bin/env escript
%% -*- erlang -*-
%% Checks: reader queue semantics with several processes using nowait
%% (queued process gets its select message when it becomes current), cancel
%% by the current reader hands over to the next, open/3 with Opts map,
%% sendmsg nowait partial tag, recvmsg nowait tag on TCP, shutdown(read).
-mode(compile).
-define(T(E), t(??E, fun() -> E end)).

t(Label, F) ->
    R = try F() catch C:Rsn -> {'EXCEPTION', C, Rsn} end,
    io:format("~s~n    => ~999p~n", [Label, R]), R.

flush() -> receive M -> [M | flush()] after 100 -> [] end.

pair() ->
    {ok, L} = socket:open(inet, stream, tcp),
    ok = socket:bind(L, #{family => inet, addr => loopback, port => 0}),
    ok = socket:listen(L),
    {ok, #{port := Port}} = socket:sockname(L),
    {ok, C} = socket:open(inet, stream, tcp),
    ok = socket:connect(C, #{family => inet, addr => loopback, port => Port}),
    {ok, A} = socket:accept(L, 1000),
    {L, C, A}.

%% a reader process that does one nowait recv, reports, waits for the select
%% message, then re-calls recv nowait and reports.
reader(Parent, Name, S) ->
    spawn(fun() ->
                  R1 = socket:recv(S, 0, nowait),
                  Parent ! {Name, first, R1},
                  receive
                      {'$socket', S, select, _} = M ->
                          Parent ! {Name, msg, M},
                          Parent ! {Name, second, catch socket:recv(S, 0, nowait)};
                      {'$socket', S, abort, _} = M ->
                          Parent ! {Name, msg, M}
                  after 3000 -> Parent ! {Name, msg, none}
                  end,
                  receive stop -> ok after 3000 -> ok end
          end).

get(Name, Tag) -> receive {Name, Tag, X} -> X after 4000 -> {no, Name, Tag} end.

main(_) ->
    logger:set_primary_config(level, none),   % no crash reports in the transcript
    Self = self(),
    io:format("=== three queued nowait readers, data arrives in 3 chunks ===~n"),
    {_, C, A} = pair(),
    _R1 = reader(Self, r1, A), ?T(get(r1, first)),
    _R2 = reader(Self, r2, A), ?T(get(r2, first)),
    _R3 = reader(Self, r3, A), ?T(get(r3, first)),
    ?T(maps:with([num_readers], socket:info(A))),
    ok = socket:send(C, <<"chunk1">>),
    ?T(get(r1, msg)), ?T(get(r1, second)),
    ok = socket:send(C, <<"chunk2">>),
    ?T(get(r2, msg)), ?T(get(r2, second)),
    ok = socket:send(C, <<"chunk3">>),
    ?T(get(r3, msg)), ?T(get(r3, second)),
    ?T(maps:with([num_readers], socket:info(A))),
    io:format("=== current reader cancels; next queued reader takes over ===~n"),
    {_, C2, A2} = pair(),
    {select, SI} = ?T(socket:recv(A2, 0, nowait)),
    _Q = reader(Self, q1, A2), ?T(get(q1, first)),
    ?T(socket:cancel(A2, SI)),
    ok = socket:send(C2, <<"after-cancel">>),
    ?T(get(q1, msg)), ?T(get(q1, second)),
    ?T(flush()),
    io:format("=== queued reader whose predecessor completes without new data ===~n"),
    {_, C3, A3} = pair(),
    {select, _} = ?T(socket:recv(A3, 0, nowait)),
    _Q2 = reader(Self, q2, A3), ?T(get(q2, first)),
    ok = socket:send(C3, <<"d1">>),
    ?T(receive M = {'$socket', _, select, _} -> M after 1000 -> none end),
    ?T(socket:recv(A3, 0, nowait)),
    timer:sleep(100),
    ok = socket:send(C3, <<"d2">>),
    ?T(get(q2, msg)), ?T(get(q2, second)),
    io:format("=== closing with queued readers: all get abort ===~n"),
    {_, _C4, A4} = pair(),
    _ = reader(Self, z1, A4), ?T(get(z1, first)),
    _ = reader(Self, z2, A4), ?T(get(z2, first)),
    ok = socket:close(A4),
    ?T(get(z1, msg)), ?T(get(z2, msg)),
    io:format("=== open/3 with opts, open/2 fd with opts ===~n"),
    ?T(socket:open(inet, stream, #{debug => false})),
    ?T(socket:open(inet, stream, #{use_registry => false})),
    io:format("=== recvmsg nowait on TCP, sendmsg nowait partial ===~n"),
    {_, C5, A5} = pair(),
    ?T(socket:recvmsg(A5, 0, 0, [], nowait)),
    ok = socket:send(C5, <<"m">>),
    ?T(receive M = {'$socket', _, _, _} -> M after 1000 -> none end),
    ?T(socket:recvmsg(A5, 0, 0, [], nowait)),
    ok = socket:setopt(C5, socket, sndbuf, 4096),
    ok = socket:setopt(A5, socket, rcvbuf, 4096),
    SMR = socket:sendmsg(C5, #{iov => [binary:copy(<<"a">>, 1000000), <<"tail">>]}, nowait),
    ?T(element(1, SMR)),
    {_, {{select_info, SMTag, SMH}, SMRest}} = SMR,
    ?T({element(1, SMTag), is_tuple(element(2, SMTag)), is_reference(SMH)}),
    ?T({is_list(SMRest), iolist_size(SMRest)}),
    ?T({tuple_size(element(2, SMTag)), [if is_map(E) -> {map_with_keys, maps:keys(E)}; true -> E end || E <- tuple_to_list(element(2, SMTag))]}),
    ?T(case socket:sendmsg(C5, #{iov => [binary:copy(<<"a">>, 1000000)]}, 100) of
           {error, {timeout, Rest2}} -> {error, {timeout, {rest_iolist_size, iolist_size(Rest2), is_list(Rest2)}}};
           O2 -> O2 end),
    io:format("=== shutdown(read) then recv ===~n"),
    {_, C6, A6} = pair(),
    ?T(socket:shutdown(A6, read)),
    ?T(socket:recv(A6, 0, 100)),
    ok = socket:send(C6, <<"late">>), timer:sleep(20),
    ?T(socket:recv(A6, 0, 100)),
    ?T(socket:send(A6, <<"still can send">>)),
    ?T(socket:recv(C6, 0, 100)),
    ok.
