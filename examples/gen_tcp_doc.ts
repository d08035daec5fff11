// The examples of OTP's gen_tcp reference manual, ported: client/0 and server/0 with
// do_recv/2 (a client sends "Some Data"; the server reads until the client closes), and the
// send_timeout example's loop/1. The only change is the port: the manual's 5678 is the
// default, and the server reports the port it listens on, so tests can use a free one.
import * as gen_tcp from '../gen/gen_tcp';
import * as inet from '../gen/inet';
import { receive, on, _, send, self, error, Pid, Proc } from '../runtime';

type S = gen_tcp.GenSocket;

function ok<T>(r: ['ok', T] | ['error', unknown]): T {
  if (r[0] !== 'ok') return error(['badmatch', r]);
  return r[1];
}

function match_ok(r: unknown): void {
  if (r !== 'ok') error(['badmatch', r]);
}

// client() ->
//     SomeHostInNet = "localhost", % to make it runnable on one machine
//     {ok, Sock} = gen_tcp:connect(SomeHostInNet, 5678, [binary, {packet, 0}]),
//     ok = gen_tcp:send(Sock, "Some Data"),
//     ok = gen_tcp:close(Sock).
export function* client(port = 5678): Proc<'ok'> {
  const SomeHostInNet = 'localhost'; // to make it runnable on one machine
  const Sock = ok(yield* gen_tcp.connect(SomeHostInNet, port, ['binary', ['packet', 0]]));
  match_ok(yield* gen_tcp.send(Sock, 'Some Data'));
  match_ok(gen_tcp.close(Sock));
  return 'ok';
}

// server() ->
//     {ok, LSock} = gen_tcp:listen(5678, [binary, {packet, 0}, {active, false}]),
//     {ok, Sock} = gen_tcp:accept(LSock),
//     {ok, Bin} = do_recv(Sock, []),
//     ok = gen_tcp:close(Sock),
//     ok = gen_tcp:close(LSock),
//     Bin.
export function* server(port = 5678, listening?: (port: number) => void): Proc<Buffer> {
  const LSock = ok(gen_tcp.listen(port, ['binary', ['packet', 0], ['active', false]]));
  listening?.(ok(inet.port(LSock)));
  const Sock = ok(yield* gen_tcp.accept(LSock));
  const Bin = ok(yield* do_recv(Sock, []));
  match_ok(gen_tcp.close(Sock));
  match_ok(gen_tcp.close(LSock));
  return Bin;
}

// do_recv(Sock, Bs) ->
//     case gen_tcp:recv(Sock, 0) of
//         {ok, B} -> do_recv(Sock, [Bs, B]);
//         {error, closed} -> {ok, list_to_binary(Bs)}
//     end.
export function* do_recv(Sock: S, Bs: Buffer[]): Proc<['ok', Buffer]> {
  for (;;) {
    const r = yield* gen_tcp.recv(Sock, 0);
    if (r[0] === 'ok') Bs = [...Bs, r[1] as Buffer];
    else if (r[1] === 'closed') return ['ok', Buffer.concat(Bs)];
    else return error(['case_clause', r]);
  }
}

// The send_timeout example: a process owning a {packet, 2} connection with
// {send_timeout, 5000} sends what clients ask for, and gives up on a timeout.
//     {ok, Sock} = gen_tcp:connect(HostAddress, Port,
//                                  [{active, false}, {send_timeout, 5000}, {packet, 2}]),
//     loop(Sock).
export function* sender(addr: number[], port: number, send_timeout = 5000): Proc<void> {
  const Sock = ok(yield* gen_tcp.connect(addr, port, [['active', false], ['send_timeout', send_timeout], ['packet', 2]]));
  yield* loop(Sock);
}

// loop(Sock) ->
//     receive
//         {Client, send_data, Binary} ->
//             case gen_tcp:send(Sock, [Binary]) of
//                 {error, timeout} -> ..., Client ! {self(), {error_sending, timeout}}, gen_tcp:close(Sock);
//                 {error, OtherSendError} -> ..., Client ! {self(), {error_sending, OtherSendError}}, gen_tcp:close(Sock);
//                 ok -> Client ! {self(), data_sent}, loop(Sock)
//             end
//     end.
// (erlsock's send returns the unsent rest with the timeout, ['timeout', Rest]: either form
// is a timeout here.)
export function* loop(Sock: S): Proc<void> {
  for (;;) {
    const [Client, Binary] = (yield* receive(on([_, 'send_data', _], (m) => [m[0] as Pid, m[2] as Buffer] as const))) as readonly [Pid, Buffer];
    const r = yield* gen_tcp.send(Sock, [Binary]);
    if (r === 'ok') {
      send(Client, [self(), 'data_sent']);
      continue;
    }
    const reason = r[1];
    const timeout = reason === 'timeout' || (Array.isArray(reason) && reason[0] === 'timeout');
    send(Client, [self(), ['error_sending', timeout ? 'timeout' : reason]]);
    gen_tcp.close(Sock);
    return;
  }
}
