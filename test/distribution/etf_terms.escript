#!/usr/bin/env escript
%% The terms the codec test round-trips. `gen`: prints term_to_binary of each, as hex, one a
%% line.
%% `check`: reads lines "OriginalHex ErlsockHex" and prints, for each, "ok" if the two decode
%% to exactly (=:=) the same term, else "mismatch".
main(["gen"]) ->
    [io:format("~s~n", [binary:encode_hex(term_to_binary(T))]) || T <- terms()],
    ok;
main(["check"]) ->
    check(io:get_line("")).

check(eof) -> ok;
check(Line) ->
    [Orig, Back] = [binary_to_term(binary:decode_hex(H)) || H <- binary:split(string:trim(list_to_binary(Line)), <<" ">>)],
    io:format("~s~n", [case Back =:= Orig of true -> "ok"; false -> "mismatch" end]),
    check(io:get_line("")).

terms() ->
    [atom, 'héllo', 'ünïcødé_λ', list_to_atom(lists:duplicate(255, $x)),
     list_to_atom(lists:duplicate(255, 955)), '', true, false, undefined,
     0, 255, 256, -1, 2147483647, -2147483648, 2147483648, -2147483649,
     1 bsl 53, (1 bsl 53) + 1, -(1 bsl 64), 1 bsl 2100, -(1 bsl 2100),
     1.0, -0.0, 0.0, 3.14, -2.5e-300, 1.0e300, 123456789.0,
     <<>>, <<1,2,3>>, <<1:3>>, <<255,7:5>>, binary:copy(<<7>>, 65536),
     {}, {a,1}, list_to_tuple(lists:seq(1, 300)), {{{{{deep}}}}},
     [], "abc", [1,2|3], [a|b], [1000,2000], "λx", lists:seq(1, 70000),
     [[]], [{}], [[1|2]|3],
     #{}, #{a => 1}, #{1 => 2, "k" => v, {t} => [x]}, #{true => 1}, #{a => #{b => [1.0]}},
     self(), make_ref(), hd(erlang:ports()),
     fun() -> ok end, fun lists:map/2,
     [{a, [b, #{c => [1.5, <<"bin">>, "str"]}]}, {self(), make_ref()}]].
