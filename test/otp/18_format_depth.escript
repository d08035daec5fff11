#!/usr/bin/env escript
%% What OTP 25 prints with ~P and a depth: the values test/runtime/format.test.ts expects of
%% format_term(T, {depth}). Tuples are JS arrays there; maps are plain objects.
%% Run: escript test/otp/18_format_depth.escript
main(_) ->
  Cases = [
    {{a, {1,2,3,4,5,6}, b}, 5},
    {{a, b, c, d, e, f}, 3},
    {{1, {2, {3, {4, {5}}}}}, 3},
    {#{a => 1, b => 2, c => 3, d => 4}, 3},
    {{1, #{a => {1,2,3}, b => 2}}, 4},
    {<<"abcdefghijklmnopqrstuvwxyz">>, 5},
    {<<1,2,3,4,5,6,7,8,9,10>>, 4},
    {{<<1,2,3>>, <<"abcdefgh">>}, 2},
    {{}, 1},
    {{a}, 1},
    {{a}, 2}
  ],
  [io:format("~P~n", [T, D]) || {T, D} <- Cases],
  ok.
%% Output (OTP 25):
%% {a,{1,2,...},b}
%% {a,b,...}
%% {1,{...}}
%% #{a => 1,b => 2,...}
%% {1,#{a => {...},...}}
%% <<"abcdefghijklmnop"...>>
%% <<1,2,3,...>>
%% {<<...>>,...}
%% {}
%% {...}
%% {a}
