#!/usr/bin/env escript
%% What OTP 25 answers for ip tos on UDP and TCP sockets (test/sockets/options.test.ts relies
%% on it). Run: escript test/otp/25_ip_tos.escript
%% Observed on OTP 25 (Linux); the name comes from the TOS bits (value band 16#1E) alone,
%% any other value reads back as the integer; TCP clears the two low (ECN) bits:
%%   value     udp                  tcp
%%   0         {ok,0}               {ok,0}
%%   mincost   {ok,mincost}         {ok,0}
%%   2         {ok,mincost}         {ok,0}
%%   3         {ok,mincost}         {ok,0}
%%   1         {ok,1}               {ok,0}
%%   lowdelay  {ok,lowdelay}        {ok,lowdelay}
%%   16        {ok,lowdelay}        {ok,lowdelay}
%%   48        {ok,lowdelay}        {ok,lowdelay}
%%   18        {ok,18}              {ok,lowdelay}
%%   8         {ok,throughput}      {ok,throughput}
%%   4         {ok,reliability}     {ok,reliability}
%%   184       {ok,184}             {ok,184}
%%   255       {ok,255}             {ok,252}
main(_) ->
    {ok, U} = socket:open(inet, dgram, udp),
    {ok, T} = socket:open(inet, stream, tcp),
    io:format("initial: udp ~p tcp ~p~n", [socket:getopt(U, ip, tos), socket:getopt(T, ip, tos)]),
    [io:format("~p: udp ~p ~p tcp ~p ~p~n",
               [V, socket:setopt(U, ip, tos, V), socket:getopt(U, ip, tos),
                socket:setopt(T, ip, tos, V), socket:getopt(T, ip, tos)])
     || V <- [0, mincost, 2, 3, 1, lowdelay, 16, 48, 18, 8, 4, 184, 255]],
    socket:close(U),
    socket:close(T).
