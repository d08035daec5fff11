// Argument checks and result shapes shared by the socket module's files: what OTP raises
// for arguments of the wrong shape, and the error tuples every call builds.
// Buffer from node:buffer, not the global: Node defines globalThis.Buffer as a getter, so
// every bare `Buffer.x` in a hot path is a global load plus a getter call.
import { Buffer } from 'node:buffer';
import * as prim from './prim_socket';
import { Socket } from './socket_term';
import { badarg, raise_invalid } from './errors';
import { is_int } from './prim/is_int';
import type { Sock } from './core';
import { Ref } from '../runtime/terms';
import type { SelectInfo, SelectTag } from './types';
import { fast_exports } from '../runtime/fast_exports';

export { is_int };

export type Error<E = unknown> = ['error', E];
export type Select = ['select', SelectInfo<Ref>];
export type SelectWith<R> = ['select', [SelectInfo<Ref>, R]];
export type Timeout = 'infinity' | number | 'nowait' | Ref;

export const CLOSED: ['error', 'closed'] = ['error', 'closed'];
export const posix = (r: number): ['error', string] => ['error', prim.errno_atom(r)];

export const EAGAIN = prim.EAGAIN;
export const EINPROGRESS = prim.EINPROGRESS;
export const EISCONN = -(prim.errno_number('eisconn') ?? 106);

export function sock_of(s: unknown): Sock {
  if (!(s instanceof Socket)) return badarg();
  return s as Sock;
}

/** 'infinity' | integer >= 0 | 'nowait' | Ref; anything else raises {invalid, {timeout, T}}. */
export function check_timeout(t: unknown): Timeout {
  if (t === 'infinity' || t === 'nowait' || t instanceof Ref) return t;
  if (is_int(t, 0)) return t;
  return raise_invalid(['timeout', t]);
}

/**
 * The Timeout of a call whose last arguments are ([Flags,] [Timeout]), checked in OTP 25's
 * order: with both given, Flags not a list raises badarg; then a bad Timeout raises
 * {invalid, {timeout, T}}. One argument is Flags if it is a list, else the Timeout.
 * (test/otp/22_flags_timeout.escript)
 */
export function timeout_arg(a: unknown, b: unknown): Timeout {
  if (b !== undefined) {
    if (!Array.isArray(a)) return badarg();
    return check_timeout(b);
  }
  if (a === undefined || Array.isArray(a)) return 'infinity';
  return check_timeout(a);
}

/**
 * The flag bits of the same call (0 without Flags), or {error, {invalid, {msg_flag, F}}}
 * for a flag OTP 25 does not take: after timeout_arg, as OTP checks the flags last.
 */
export function flags_arg(a: unknown, allowed: string[]): number | ['error', ['invalid', ['msg_flag', unknown]]] {
  return Array.isArray(a) ? flag_bits(a, allowed) : 0;
}

export const RECV_FLAGS = ['cmsg_cloexec', 'errqueue', 'oob', 'peek', 'trunc'];
export const SEND_FLAGS = ['confirm', 'dontroute', 'eor', 'more', 'nosignal', 'oob'];
export const MSG_PEEK = prim.constants.MSG_PEEK ?? 2;

/** Flags → bits, or the OTP error for an unknown flag; a non-list raises badarg. */
export function flag_bits(flags: unknown, allowed: string[]): number | ['error', ['invalid', ['msg_flag', unknown]]] {
  if (!Array.isArray(flags)) return badarg();
  for (const f of flags) {
    if (typeof f !== 'string' || !allowed.includes(f)) return ['error', ['invalid', ['msg_flag', f]]];
  }
  const n = prim.msg_flags_num(flags as string[]);
  return typeof n === 'number' ? n : ['error', ['invalid', ['msg_flag', n.invalid]]];
}

/** iodata (Buffer, Uint8Array, string, or nested lists of them and bytes) → one Buffer; else badarg. */
export function iodata(d: unknown): Buffer {
  if (Buffer.isBuffer(d)) return d;
  if (d instanceof Uint8Array) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  if (typeof d === 'string') return Buffer.from(d, 'latin1');
  if (Array.isArray(d)) {
    const parts: Buffer[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) for (const e of x) walk(e);
      else if (is_int(x, 0, 255)) parts.push(Buffer.from([x]));
      else parts.push(iodata_leaf(x));
    };
    walk(d);
    return Buffer.concat(parts);
  }
  return badarg();
}

function iodata_leaf(x: unknown): Buffer {
  if (Array.isArray(x)) return badarg();
  return iodata(x);
}

export function select_info(tag: SelectTag, handle: Ref): SelectInfo<Ref> {
  return ['select_info', tag, handle];
}

export const EAFNOSUPPORT = -(prim.errno_number('eafnosupport') ?? 97);

/**
 * A syscall taking a sockaddr that addr.ts accepted (after asking the same encoder). Should
 * prim_socket still find it unencodable, it raises, and the caller gets eafnosupport
 * rather than a crashed process.
 */
export function sys_with_addr(call: () => number): number {
  try {
    return call();
  } catch (e) {
    if (e instanceof TypeError) return EAFNOSUPPORT;
    throw e;
  }
}


// Re-exported names leave this module's exports in dictionary mode: see fast_exports.
fast_exports(module.exports as object);
