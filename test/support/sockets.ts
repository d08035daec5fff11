// The shared pieces of the socket and reliability tests: loopback listeners and pairs,
// exceptions as values, message waits, fd and socket counts, a crash-report collector.
import * as fs from 'fs';
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import * as prim from '../../sockets/prim_socket';
import { receive, on, after, _, Proc, spawn, self, send, Pid, set_crash_logger } from '../../runtime';
import type { CrashReport } from '../../runtime';

export type Socket = socket.Socket;
export type SelectInfo = ['select_info', unknown, unknown];

/** The second element of an ['ok', X] result, or a failed assertion naming what came. */
export function ok<T>(r: unknown): T {
  expect(r, 'expected an {ok, _} tuple').to.be.an('array');
  const t = r as unknown[];
  expect(t[0], `expected ok, got ${String(t[0])}: ${String(t[1])}`).to.equal('ok');
  return t[1] as T;
}

/** A TCP listener on 127.0.0.1 (or ::1) with a backlog big enough for bursts, and its address. */
export function listener(domain: 'inet' | 'inet6' = 'inet', backlog = 1024): [Socket, socket.SockAddr] {
  const l = ok<Socket>(socket.open(domain, 'stream'));
  expect(socket.bind(l, 'loopback')).to.equal('ok');
  expect(socket.listen(l, backlog)).to.equal('ok');
  return [l, ok<socket.SockAddr>(socket.sockname(l))];
}

/** A connected pair over l: [client, accepted], both owned by the caller. */
export function* connected(l: Socket, sa: socket.SockAddr, domain: 'inet' | 'inet6' = 'inet'): Proc<[Socket, Socket]> {
  const c = ok<Socket>(socket.open(domain, 'stream'));
  expect(yield* socket.connect(c, sa, 2000)).to.equal('ok');
  const a = ok<Socket>(yield* socket.accept(l, 2000));
  return [c, a];
}

/** A connected TCP pair with its listener: [listener, client, accepted]. */
export function* pair(domain: 'inet' | 'inet6' = 'inet'): Proc<[Socket, Socket, Socket]> {
  const [l, sa] = listener(domain);
  const [c, a] = yield* connected(l, sa, domain);
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

export function* sleep(ms: number): Proc<void> {
  yield* receive(after(ms));
}

/** The next message within ms, or 'none'. */
export function* next_msg(ms = 1000): Proc<unknown> {
  return yield* receive(on(_, (m) => m), after(ms, () => 'none'));
}

const NONE = Symbol('none');

/** Every message now in the mailbox, without waiting (Erlang's flush()). */
export function* flush(): Proc<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = yield* receive(on(_, (x) => x), after(0, () => NONE));
    if (m === NONE) return out;
    out.push(m);
  }
}

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

/** The reply tagged `tag` within ms, or 'none'. */
export function* reply(tag: unknown, ms = 3000): Proc<unknown> {
  return yield* receive(on([tag, _], ([, r]) => r), after(ms, () => 'none'));
}

/**
 * Polls cond every few ms (the runtime's closes and the kernel's FINs land a turn or two
 * later) until it holds or ms pass; returns its last value.
 */
export function* eventually(cond: () => boolean, ms = 3000): Proc<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > end) return false;
    yield* sleep(5);
  }
}

/** Open fds of this environment, as the addon counts them. */
export const open_fds = (): number => prim.open_fds();

/** This process's open descriptors, counted by the kernel (not by the addon). */
export function proc_fds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/**
 * Collects crash reports instead of printing them (a test that crashes 300 handlers on
 * purpose would otherwise flood the CI log); stop() restores the previous logger.
 */
export function collect_crashes(): { reports: CrashReport[]; stop(): void } {
  const reports: CrashReport[] = [];
  const old = set_crash_logger((r) => reports.push(r));
  return { reports, stop: () => { set_crash_logger(old); } };
}

/**
 * Counts taken before a test and compared after: a leak of sockets, descriptors or
 * monitors shows as a difference. The kernel may take a turn to drop a closed fd, so the
 * fd check waits briefly.
 */
export function* baseline(): Proc<() => Proc<void>> {
  const n0 = socket.number_of();
  const f0 = proc_fds();
  const m0 = socket.number_of_monitors();
  return function* check() {
    yield* eventually(() => socket.number_of() === n0 && proc_fds() === f0, 2000);
    expect(socket.number_of(), 'number_of() back to its start').to.equal(n0);
    expect(proc_fds(), '/proc/self/fd count back to its start').to.equal(f0);
    expect(socket.number_of_monitors(), 'socket monitors back to their start').to.equal(m0);
  };
}
