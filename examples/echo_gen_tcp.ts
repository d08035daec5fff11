// The echo server written on gen_tcp instead of socket (compare examples/echo.ts, the Socket
// Usage guide's): an acceptor process, and one process per connection that owns its socket
// and echoes each read back. `active` picks how the handler reads: 'once' re-arms after each
// {tcp, S, Data}; true takes every message as it comes; false calls gen_tcp:recv.
import * as gen_tcp from '../gen/gen_tcp';
import * as inet from '../gen/inet';
import { spawn, receive, on, _, Pid, Proc } from '../runtime';

type S = gen_tcp.GenSocket;
export type Active = 'once' | true | false;

/** Listens on addr:port (0: a free port); returns the port and the acceptor. */
export function* server(port: number, addr: number[], active: Active, nodelay = false): Proc<['ok', [number, Pid]] | ['error', unknown]> {
  const r = gen_tcp.listen(port, ['binary', ['ip', addr], ['active', false], ['reuseaddr', true], ['backlog', 1024], ['nodelay', nodelay]]);
  if (r[0] !== 'ok') return r;
  const l = r[1];
  const [, p] = inet.port(l) as ['ok', number];
  const acceptor = spawn(acceptor_loop, l, active);
  yield* gen_tcp.controlling_process(l, acceptor);
  return ['ok', [p, acceptor]];
}

function* acceptor_loop(l: S, active: Active): Proc<void> {
  for (;;) {
    const r = yield* gen_tcp.accept(l);
    if (r[0] !== 'ok') return;
    const a = r[1];
    const pid = active === false ? spawn(handler_passive, a) : spawn(handler_messages, a, active === 'once');
    yield* gen_tcp.controlling_process(a, pid);
    // Until it owns the socket the handler must not ask for messages: they would go to the acceptor.
    if (active !== false) inet.setopts(a, [['active', active]]);
  }
}

const is_data = (m: unknown[]): boolean => m[0] === 'tcp';

/** Echoes {tcp, S, Data} messages; with 'once', re-arms the socket after each one. */
function* handler_messages(s: S, once: boolean): Proc<void> {
  // The clauses are made once per connection, not per message.
  const tcp = on(['tcp', s, _], id);
  const closed = on(['tcp_closed', s], id);
  const err = on(['tcp_error', s, _], id);
  for (;;) {
    const m = (yield* receive(tcp, closed, err)) as unknown[];
    if (!is_data(m)) return;
    if ((yield* gen_tcp.send(s, m[2])) !== 'ok') return;
    if (once) inet.setopts(s, [['active', 'once']]);
  }
}

function* handler_passive(s: S): Proc<void> {
  for (;;) {
    const r = yield* gen_tcp.recv(s, 0);
    if (r[0] !== 'ok') return;
    if ((yield* gen_tcp.send(s, r[1])) !== 'ok') return;
  }
}

function id<T>(x: T): T {
  return x;
}
