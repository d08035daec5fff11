// Shared pieces of the socket tests: loopback pairs, exceptions as values, message waits.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import * as prim from '../../sockets/prim_socket';
import { receive, on, after, _, Proc, spawn, self, send, Pid } from '../../runtime';

export type Socket = socket.Socket;

export function ok<T>(r: ['ok', T] | unknown): T {
  expect(r).to.be.an('array');
  const t = r as unknown[];
  expect(t[0], `expected ok, got ${String(t[0])}: ${String(t[1])}`).to.equal('ok');
  return t[1] as T;
}

/** A listener on 127.0.0.1 (or ::1) and its address. */
export function listener(domain: 'inet' | 'inet6' = 'inet'): [Socket, socket.SockAddr] {
  const l = ok<Socket>(socket.open(domain, 'stream'));
  expect(socket.bind(l, 'loopback')).to.equal('ok');
  expect(socket.listen(l)).to.equal('ok');
  return [l, ok<socket.SockAddr>(socket.sockname(l))];
}

/** A connected TCP pair: [listener, client, accepted]. */
export function* pair(domain: 'inet' | 'inet6' = 'inet'): Proc<[Socket, Socket, Socket]> {
  const [l, sa] = listener(domain);
  const c = ok<Socket>(socket.open(domain, 'stream'));
  expect(yield* socket.connect(c, sa)).to.equal('ok');
  const a = ok<Socket>(yield* socket.accept(l, 2000));
  return [l, c, a];
}

export function close_all(...ss: Socket[]): void {
  for (const s of ss) socket.close(s);
}

/** What a call raised (its Erlang reason), or ['returned', value]. */
export function raised(fn: () => unknown): unknown {
  try {
    return ['returned', fn()];
  } catch (e) {
    return (e as { reason?: unknown }).reason ?? e;
  }
}

export function* raised_p(fn: () => Proc<unknown>): Proc<unknown> {
  try {
    return ['returned', yield* fn()];
  } catch (e) {
    return (e as { reason?: unknown }).reason ?? e;
  }
}

/** The next message within ms, or 'none'. */
export function* next_msg(ms = 1000): Proc<unknown> {
  return yield* receive(on(_, (m) => m), after(ms, () => 'none'));
}

/** Every message now in the mailbox (Erlang's flush()), without waiting. */
export function* flush(): Proc<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = yield* receive(on(_, (x) => x), after(0, () => NONE));
    if (m === NONE) return out;
    out.push(m);
  }
}
const NONE = Symbol('none');

/** Runs body in a new process and sends its result (or raised reason) to the caller as [tag, result]. */
export function in_other(tag: string, body: () => Proc<unknown>): Pid {
  const parent = self();
  return spawn(function* () {
    let r: unknown;
    try {
      r = yield* body();
    } catch (e) {
      r = ['raised', (e as { reason?: unknown }).reason ?? e];
    }
    send(parent, [tag, r]);
  });
}

export function* reply(tag: string, ms = 2000): Proc<unknown> {
  return yield* receive(on([tag, _], ([, r]) => r), after(ms, () => 'none'));
}

/** Open fds of this environment, to check nothing leaks. */
export const open_fds = (): number => prim.open_fds();

export function* sleep(ms: number): Proc<void> {
  yield* receive(after(ms));
}
