// The API fuzzer's pieces: a seeded generator, the model of what each socket is, and the
// checks that every result is one of OTP's shapes (docs/OTP25_BEHAVIOUR.md sections 1.3, 2 and 6). The test
// (fuzz.test.ts) draws calls, runs them in worker processes and checks them here.
import * as socket from '../../sockets/socket';
import { Ref } from '../../runtime';
import type { Pid } from '../../runtime';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  chance(p: number): boolean { return this.next() < p; }
}

/**
 * What the model knows of a socket. `state` is exact where the calls made it certain and
 * 'unknown' once a call (a nowait connect, say) left it to the kernel's timing.
 */
export interface Model {
  sock: socket.Socket;
  type: 'stream' | 'dgram';
  domain: 'inet' | 'inet6';
  closed: boolean;
  owner: Pid;
  state: 'fresh' | 'bound' | 'listening' | 'connected' | 'unknown';
  /** Whether accept was ever called on it (see the listener recv note in fuzz.test.ts). */
  accepted?: boolean;
  /** The last calls on it, for the failure message. */
  history: string[];
}

/** What a call did: returned a value or raised an Erlang reason (or something else). */
export type Outcome = { kind: 'ret'; v: unknown } | { kind: 'raise'; reason: unknown; foreign?: string };

const ATOM = /^[a-z][a-z0-9_]*$/;

export const is_atom = (x: unknown): x is string => typeof x === 'string' && ATOM.test(x);

/** {select_info, Tag, Handle} with one of OTP 25's tags. */
export function is_select_info(x: unknown): boolean {
  if (!Array.isArray(x) || x.length !== 3 || x[0] !== 'select_info' || !(x[2] instanceof Ref)) return false;
  const tag: unknown = x[1];
  if (['accept', 'connect', 'recv', 'recvfrom', 'recvmsg'].includes(tag as string)) return true;
  return Array.isArray(tag) && tag.length === 2 && ['send', 'sendto', 'sendmsg'].includes(tag[0] as string);
}

/** An error reason: a posix atom, closed/timeout, {timeout|closed, Rest}, or an {invalid, _}. */
export function is_reason(r: unknown): boolean {
  if (is_atom(r)) return true;
  if (!Array.isArray(r) || r.length !== 2) return false;
  if ((r[0] === 'timeout' || r[0] === 'closed') && (Buffer.isBuffer(r[1]) || Array.isArray(r[1]))) return true;
  return r[0] === 'invalid';
}

/**
 * Every value a socket call may return: ok, {ok, _}, {select, SelectInfo},
 * {select, {SelectInfo, Rest}}, {error, Reason}.
 */
export function is_otp_result(v: unknown): boolean {
  if (v === 'ok') return true;
  if (!Array.isArray(v) || v.length !== 2) return false;
  if (v[0] === 'ok') return true;
  if (v[0] === 'error') return is_reason(v[1]);
  if (v[0] === 'select') {
    if (is_select_info(v[1])) return true;
    const p = v[1] as unknown[];
    return Array.isArray(p) && p.length === 2 && is_select_info(p[0]) && (Buffer.isBuffer(p[1]) || Array.isArray(p[1]));
  }
  return false;
}

/** Exceptions OTP raises for malformed arguments (docs/OTP25_BEHAVIOUR.md section 6); anything else is a bug. */
export function is_otp_raise(r: unknown): boolean {
  if (r === 'badarg' || r === 'function_clause') return true;
  if (!Array.isArray(r) || r.length !== 2 || r[0] !== 'invalid') return false;
  const w: unknown = r[1];
  if (w === 'state') return true;
  return Array.isArray(w) && ['timeout', 'how', 'sockaddr', 'otp_socket_option'].includes(w[0] as string);
}

/** A message the socket module may leave in a worker's mailbox. */
export function is_socket_message(m: unknown, known: Set<socket.Socket>): boolean {
  if (!Array.isArray(m)) return false;
  if (m[0] === '$socket') {
    if (m.length !== 4 || !known.has(m[1] as socket.Socket)) return false;
    if (m[2] === 'select') return m[3] instanceof Ref;
    return m[2] === 'abort' && Array.isArray(m[3]) && m[3][0] instanceof Ref && m[3][1] === 'closed';
  }
  return m[0] === 'DOWN' && m[2] === 'socket' && known.has(m[3] as socket.Socket) && m[4] === 'closed';
}

/** Deep equality on terms (atoms, tuples, Buffers, Refs and Pids by identity). */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return false;
}

export function show(o: Outcome): string {
  const f = (t: unknown): string => (Array.isArray(t) ? `{${t.map(f).join(',')}}`
    : Buffer.isBuffer(t) ? `<<${t.length} bytes>>` : t instanceof Ref ? '#Ref' : String(t));
  return o.kind === 'ret' ? f(o.v) : `raise ${o.foreign ?? f(o.reason)}`;
}
