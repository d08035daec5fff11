// Shared helpers for the native-layer tests: a poller subscription that routes batches to
// waiting tests, and fd bookkeeping so every test closes what it opened.
import * as p from '../../sockets/prim_socket';

export { p };
export const C = p.constants;

/** Test time limits scale with ERLSOCK_TEST_TIME_SCALE (native/valgrind.sh sets 30). */
export const TIME_SCALE = Number(process.env.ERLSOCK_TEST_TIME_SCALE ?? 1) || 1;
export const scaled = (ms: number): number => ms * TIME_SCALE;

export interface Batch { tokens: number[]; events: number[] }

/** One poller subscription: records batches and wakes waiters by token. */
export class Poll {
  batches: Batch[] = [];
  private waiters = new Map<number, Set<{ bits: number; resolve: (ev: number) => void }>>();
  private seen = new Map<number, number>();
  private nexts: (() => void)[] = [];
  private mine = new Set<number>();
  private readonly handler = (tokens: Uint32Array, events: Uint32Array, count: number): void => {
    // Other layers may poll in the same process (the socket module's tests): keep only
    // this subscription's tokens, and only batches that carry any.
    const b: Batch = { tokens: [], events: [] };
    for (let i = 0; i < count; i++) {
      if (this.mine.has(tokens[i]!)) { b.tokens.push(tokens[i]!); b.events.push(events[i]!); }
    }
    if (b.tokens.length === 0) return;
    this.batches.push(b);
    const next = this.nexts;
    this.nexts = [];
    for (const f of next) f();
    for (let i = 0; i < b.tokens.length; i++) {
      const t = b.tokens[i]!;
      this.seen.set(t, (this.seen.get(t) ?? 0) | b.events[i]!);
      this.wake(t);
    }
  };
  private wake(t: number): void {
    const ev = this.seen.get(t) ?? 0;
    const ws = this.waiters.get(t);
    if (!ws) return;
    for (const w of ws) {
      if ((ev & w.bits) !== 0) {
        ws.delete(w);
        this.seen.set(t, ev & ~w.bits);
        w.resolve(ev);
        return;
      }
    }
  }
  constructor() { p.poll_start(this.handler); }
  stop(): void { p.poll_stop(this.handler); }

  /** Registers fd with a fresh token. */
  add(fd: number): number {
    const t = p.new_token();
    this.mine.add(t);
    const r = p.poll_add(fd, t);
    if (r < 0) throw new Error(`poll_add: ${p.errno_atom(r)}`);
    return t;
  }
  /** Resolves with the accumulated event bits once any of `bits` was seen for `token`
   *  (consuming those bits), or rejects after `ms`. */
  wait(token: number, bits: number, ms = scaled(2000)): Promise<number> {
    return new Promise((resolve, reject) => {
      let ws = this.waiters.get(token);
      if (!ws) this.waiters.set(token, (ws = new Set()));
      const w = {
        bits,
        resolve: (e: number): void => { clearTimeout(timer); resolve(e); },
      };
      const timer = setTimeout(() => { ws!.delete(w); reject(new Error(`no event ${bits} for token ${token}`)); }, ms);
      ws.add(w);
      this.wake(token);
    });
  }
  /** Resolves at the next batch, whatever it holds. */
  next_batch(ms = scaled(2000)): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no batch')), ms);
      this.nexts.push(() => { clearTimeout(timer); resolve(); });
    });
  }
  /** Forgets what was seen so far (for tests that count fresh edges). */
  reset(): void { this.seen.clear(); this.batches = []; }
}

/** Fds opened by a test; `closeAll` in afterEach. */
export class Fds {
  private list: number[] = [];
  track(fd: number): number {
    if (fd < 0) throw new Error(`expected an fd, got ${p.errno_atom(fd)}`);
    this.list.push(fd);
    return fd;
  }
  closeAll(): void {
    for (const fd of this.list) p.close(fd);
    this.list = [];
  }
}

/** Lets the loop turn once (so pending readiness is delivered). */
export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A listening TCP socket on loopback and its port. */
export function listener(fds: Fds, family: 'inet' | 'inet6' = 'inet'): { fd: number; port: number } {
  const fd = fds.track(p.socket(family === 'inet' ? C.AF_INET! : C.AF_INET6!, C.SOCK_STREAM!, 0));
  const r = p.bind(fd, { family, addr: 'loopback', port: 0 } as p.SockAddrIn);
  if (r < 0) throw new Error(`bind: ${p.errno_atom(r)}`);
  p.listen(fd, 128);
  const sa = p.sockname(fd);
  if (typeof sa === 'number' || sa.family !== family) throw new Error('sockname');
  return { fd, port: (sa as { port: number }).port };
}

/** A connected TCP pair over loopback: client c and accepted a. */
export async function tcp_pair(fds: Fds, poll: Poll, family: 'inet' | 'inet6' = 'inet'):
  Promise<{ c: number; a: number; ct: number; at: number }> {
  const l = listener(fds, family);
  const c = fds.track(p.socket(family === 'inet' ? C.AF_INET! : C.AF_INET6!, C.SOCK_STREAM!, 0));
  const ct = poll.add(c);
  const r = p.connect(c, { family, addr: 'loopback', port: l.port } as p.SockAddrIn);
  if (r !== 0 && r !== p.EINPROGRESS) throw new Error(`connect: ${p.errno_atom(r)}`);
  await poll.wait(ct, p.EV_OUT);
  const cr = p.connect_result(c);
  if (cr !== 0) throw new Error(`connect_result: ${p.errno_atom(cr)}`);
  const a = fds.track(p.accept(l.fd));
  const at = poll.add(a);
  return { c, a, ct, at };
}
