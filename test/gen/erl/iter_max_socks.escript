#!/usr/bin/env escript
%% gen_tcp_misc_SUITE's iter_max_socks on OTP 25, bounded: run under `ulimit -n 100`
%% (test/gen/gen_tcp_max_socks.test.ts runs it so), it opens a listener and connected pairs
%% until the fds run out, three times, the second with one fd taken first so that accept
%% rather than connect runs out: {error, emfile} from either, the same count each time.
main(_) ->
    R = [begin
        Extra = case I of 2 -> {ok, F} = file:open("/dev/null", [read]), F; _ -> none end,
        {ok, L} = gen_tcp:listen(0, []), {ok, P} = inet:port(L),
        {Socks, Err} = loop(L, P, [L]),
        [gen_tcp:close(S) || S <- Socks],
        case Extra of none -> ok; _ -> file:close(Extra) end,
        {length(Socks), Err}
     end || I <- [1, 2, 3]],
    io:format("~p~n", [R]).
loop(L, P, Acc) ->
    case gen_tcp:connect(localhost, P, []) of
        {ok, C} -> case gen_tcp:accept(L, 2000) of
                       {ok, A} -> loop(L, P, [A, C | Acc]);
                       E -> {[C | Acc], {accept, E}}
                   end;
        E -> {Acc, {connect, E}}
    end.
