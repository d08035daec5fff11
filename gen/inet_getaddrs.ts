// inet:getaddr/getaddrs: a host name to IP tuples without blocking the event loop. The
// lookup runs on libuv's threadpool (Node's dns.lookup, the system resolver as OTP's native
// one uses it: /etc/hosts, then DNS); its answer comes back to the calling process as a
// message, so the process waits in its mailbox (a timeout or a kill ends the wait; a late
// answer is dropped) and every other process runs meanwhile. As OTP 25 (test/otp/
// 42_host_names.escript):
//   - an IP tuple is its own answer (of the other family: eafnosupport);
//   - a name must be a non-empty string of visible ASCII (33..126), else einval (gen_tcp:connect
//     turns it into exit badarg);
//   - a name that does not resolve in the family asked is nxdomain: "." and names under
//     ".invalid" (RFC 6761: they never resolve) at once, without asking the resolver;
//   - an address literal ("127.0.0.1", "::1") is itself, in its own family only.
import * as dns from 'dns';
import { isIP } from 'net';
import { self, send, receive, on, after, make_ref, _ } from '../runtime';
import type { Proc } from '../runtime';
import { done } from '../runtime/done';

export type IpTuple = number[];
export type Family = 'inet' | 'inet6';
type Answer = ['ok', IpTuple[]] | ['error', string];

/** A name inet:getaddrs accepts: visible ASCII, at least one character. */
export function is_host_name(h: unknown): h is string {
  if (typeof h !== 'string' || h.length === 0) return false;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function is_tuple(a: unknown, n: number, max: number): a is number[] {
  return Array.isArray(a) && a.length === n && a.every((x) => Number.isInteger(x) && x >= 0 && x <= max);
}

/** The name resolves to nothing, by definition (RFC 6761 section 6.4), or is the root alone. */
function never_resolves(h: string): boolean {
  const n = h.toLowerCase().replace(/\.$/, '');
  return n === '' || n === 'invalid' || n.endsWith('.invalid');
}

function to_tuple(address: string, family: 4 | 6): IpTuple {
  if (family === 4) return address.split('.').map(Number);
  // Expand "::" and read the eight 16-bit groups (an embedded IPv4 tail as two of them).
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const hs = head === '' ? [] : head.split(':');
  const ts = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - hs.length - ts.length).fill('0');
  return [...hs, ...zeros, ...ts].map((g) => parseInt(g, 16));
}

/**
 * The answer at once when there is one without a lookup: an IP tuple, a bad name, a literal,
 * a name that never resolves. Null: ask the resolver.
 */
function immediate(host: unknown, family: Family): Answer | null {
  if (is_tuple(host, 4, 255)) return family === 'inet' ? ['ok', [host]] : ['error', 'eafnosupport'];
  if (is_tuple(host, 8, 65535)) return family === 'inet6' ? ['ok', [host]] : ['error', 'eafnosupport'];
  if (!is_host_name(host)) return ['error', 'einval'];
  const literal = isIP(host);
  if (literal !== 0) return literal === (family === 'inet' ? 4 : 6) ? ['ok', [to_tuple(host, literal)]] : ['error', 'nxdomain'];
  if (never_resolves(host)) return ['error', 'nxdomain'];
  return null;
}

/**
 * inet:getaddrs(Host, Family[, Timeout]) → ['ok', [IP, ...]] | ['error', nxdomain | einval |
 * eafnosupport | timeout]. A Proc: call it with yield*.
 */
export function getaddrs(host: unknown, family: Family = 'inet', timeout: number | 'infinity' = 'infinity'): Proc<Answer> {
  const now = immediate(host, family);
  if (now !== null) return done(now);
  return lookup(host as string, family, timeout);
}

function* lookup(host: string, family: Family, timeout: number | 'infinity'): Proc<Answer> {
  const me = self();
  const ref = make_ref();
  const fam = family === 'inet' ? 4 : 6;
  const wait = { on: true };
  dns.lookup(host, { family: fam, all: true }, (err, addrs) => {
    // The answer as a message; none once the wait timed out (no stray message left behind).
    // A process that died meanwhile gets nothing: a send to it is dropped.
    if (!wait.on) return;
    const answer: Answer = err !== null || addrs.length === 0
      ? ['error', lookup_error(err)]
      : ['ok', addrs.filter((a) => a.family === fam).map((a) => to_tuple(a.address, fam))];
    send(me, [ref, answer]);
  });
  const r = (yield* receive(
    on([ref, _], (m) => m[1] as Answer),
    after(timeout, (): Answer => ['error', 'timeout']),
  )) as Answer;
  wait.on = false;
  if (r[0] === 'ok' && r[1].length === 0) return ['error', 'nxdomain'];
  return r;
}

/**
 * A failed lookup's reason: out of file descriptors or memory as the posix error (the
 * resolver could not run: OTP's resolver, a process of its own, would have answered), any
 * other failure nxdomain.
 */
function lookup_error(err: NodeJS.ErrnoException | null): string {
  const code = err?.code;
  return code === 'EMFILE' || code === 'ENFILE' || code === 'ENOMEM' ? code.toLowerCase() : 'nxdomain';
}

/** inet:getaddr(Host, Family[, Timeout]) → ['ok', IP] (the first address) | ['error', Reason]. */
export function* getaddr(host: unknown, family: Family = 'inet', timeout: number | 'infinity' = 'infinity'): Proc<['ok', IpTuple] | ['error', string]> {
  const r = yield* getaddrs(host, family, timeout);
  return r[0] === 'ok' ? ['ok', r[1][0]!] : r;
}
