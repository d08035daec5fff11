#!/usr/bin/env escript
%% The Erlang side of test/gen/packet_types.test.ts (OTP 25, default gen_tcp):
%%   packet_peer.escript client Port Type good|bad
%%       Builds a stream of packets framed as Type (sunrm, asn1, cdr, fcgi, tpkt), with a bad
%%       header at the end when bad, prints each packet erlang:decode_packet/3 finds in it
%%       ("pkt Hex", then "error" for the bad header), then connects with {packet, raw} and
%%       sends the stream in pieces of 1 to 7 bytes, shuts down its sending side and
%%       waits for the peer to close.
%%   packet_peer.escript stream Type good|bad
%%       Prints that stream in hex.
%%   packet_peer.escript server Type
%%       Listens with {packet, Type}, prints "listening Port", accepts one connection and
%%       prints each packet gen_tcp:recv gives ("pkt Hex"), then the error that ends it.
%%   packet_peer.escript decode
%%       Reads lines "Type PacketSize Hex" (Hex "-": no bytes) from stdin and prints what
%%       decode_packet gives:
%%       "ok PacketHex RestHex", "more" or "error".
main(["client", PortS, TypeS, Kind]) ->
    Type = list_to_atom(TypeS),
    Stream = stream(Type, Kind),
    [io:format("pkt ~s~n", [hex(P)]) || P <- decode_all(Type, Stream)],
    case Kind of "bad" -> io:format("error~n"); "good" -> ok end,
    {ok, S} = gen_tcp:connect({127,0,0,1}, list_to_integer(PortS), [binary, {packet, raw}, {active, false}]),
    send_pieces(S, Stream, 1),
    gen_tcp:shutdown(S, write),
    {error, _} = gen_tcp:recv(S, 0, 10000),
    halt(0);
main(["stream", TypeS, Kind]) ->
    io:format("~s~n", [hex(stream(list_to_atom(TypeS), Kind))]),
    halt(0);
main(["server", TypeS]) ->
    {ok, L} = gen_tcp:listen(0, [binary, {packet, list_to_atom(TypeS)}, {active, false}, {ip, {127,0,0,1}}]),
    {ok, Port} = inet:port(L),
    io:format("listening ~p~n", [Port]),
    {ok, S} = gen_tcp:accept(L, 10000),
    recv_all(S),
    halt(0);
main(["decode"]) ->
    decode_lines(),
    halt(0).

stream(Type, Kind) ->
    iolist_to_binary(packets(Type) ++ case Kind of "bad" -> [bad(Type)]; "good" -> [] end).

decode_lines() ->
    case io:get_line("") of
        eof -> ok;
        Line ->
            [TypeS, SizeS, Hex] = string:lexemes(string:trim(Line), " "),
            R = erlang:decode_packet(list_to_atom(TypeS), unhex(Hex), [{packet_size, list_to_integer(SizeS)}]),
            case R of
                {ok, P, Rest} -> io:format("ok ~s ~s~n", [hex(P), hex(Rest)]);
                {more, _} -> io:format("more~n");
                {error, _} -> io:format("error~n")
            end,
            decode_lines()
    end.

recv_all(S) ->
    case gen_tcp:recv(S, 0, 10000) of
        {ok, P} -> io:format("pkt ~s~n", [hex(P)]), recv_all(S);
        {error, E} -> io:format("~p~n", [E])
    end.

%% Pieces of 1..7 bytes, a pause now and then, so headers arrive split; every fourth piece
%% of a long stretch is 4000 bytes, so the large bodies do not take thousands of sends.
send_pieces(_S, <<>>, _N) -> ok;
send_pieces(S, Bin, N) ->
    K = case byte_size(Bin) > 5000 andalso N rem 4 =:= 0 of
            true -> 4000;
            false -> min(byte_size(Bin), 1 + N rem 7)
        end,
    <<Piece:K/binary, Rest/binary>> = Bin,
    ok = gen_tcp:send(S, Piece),
    case N rem 16 of 0 -> timer:sleep(1); _ -> ok end,
    send_pieces(S, Rest, N + 1).

decode_all(_Type, <<>>) -> [];
decode_all(Type, Bin) ->
    case erlang:decode_packet(Type, Bin, []) of
        {ok, P, Rest} -> [P | decode_all(Type, Rest)];
        _ -> []
    end.

body(N) -> << <<(I rem 251)>> || I <- lists:seq(1, N) >>.

packets(sunrm) ->
    [<<(Last bsl 31 bor N):32, (body(N))/binary>> || {Last, N} <- [{1, 5}, {0, 0}, {0, 300}, {1, 70000}, {1, 1}]];
packets(asn1) ->
    [<<48, 5, (body(5))/binary>>, <<4, 0>>, <<48, 16#81, 200, (body(200))/binary>>,
     <<48, 16#82, 3000:16, (body(3000))/binary>>, <<48, 16#83, 70000:24, (body(70000))/binary>>,
     <<48, 16#84, 9:32, (body(9))/binary>>, <<31, 16#81, 16#82, 1, 3, 7, 8, 9>>, <<48, 16#80>>];
packets(cdr) ->
    [<<"GIOP", 1, 2, 0, 0, 7:32/big, (body(7))/binary>>, <<"GIOP", 1, 2, 1, 0, 300:32/little, (body(300))/binary>>,
     <<"GIOP", 1, 0, 0, 1, 0:32>>, <<"GIOP", 1, 2, 3, 0, 70000:32/little, (body(70000))/binary>>];
packets(fcgi) ->
    [<<1, T, 1:16, N:16, Pad, 0, (body(N))/binary, (binary:copy(<<0>>, Pad))/binary>>
     || {T, N, Pad} <- [{1, 8, 0}, {4, 0, 0}, {5, 300, 4}, {5, 65535, 255}, {6, 3, 5}]];
packets(tpkt) ->
    [<<3, 0, (N + 4):16, (body(N))/binary>> || N <- [3, 0, 1000, 65531, 1]].

bad(sunrm) -> <<255, 255, 255, 255, 1, 2>>;
bad(asn1) -> <<48, 16#85, 0, 0, 0, 0, 1>>;
bad(cdr) -> <<"GIOX", 1, 2, 0, 0, 0:32>>;
bad(fcgi) -> <<2, 1, 0, 1, 0, 0, 0, 0>>;
bad(tpkt) -> <<3, 0, 0, 3, 1>>.

hex(B) -> [io_lib:format("~2.16.0b", [X]) || <<X>> <= B] ++ "".
unhex("-") -> <<>>;
unhex(H) -> << <<(list_to_integer([A, B], 16))>> || <<A, B>> <= list_to_binary(H) >>.
