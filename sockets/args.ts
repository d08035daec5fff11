// Argument checks and result shapes shared by the socket module's files: what OTP raises
// for arguments of the wrong shape, and the error tuples every call builds.
import * as prim from './prim_socket';
import { Socket } from './socket_term';
import { badarg, raise_invalid } from './errors';
import type { Sock } from './core';
import { Ref } from '../runtime/terms';
import type { SelectInfo, SelectTag } from './types';

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
  if (typeof t === 'number' && Number.isInteger(t) && t >= 0) return t;
  return raise_invalid(['timeout', t]);
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
      else if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255) parts.push(Buffer.from([x]));
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

