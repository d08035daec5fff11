// Option policy for the OS levels (socket, ip, ipv6, tcp, udp): which options OTP 25 offers
// on Linux, which are read-only or write-only, and the OTP value forms that differ from the
// C shape (tos and mtu_discover atoms, 'default' hop counts, linger 'abort'). The numbers
// and C shapes are prim_socket's OPTIONS; the otp level lives in socket.ts (it is the
// socket's own state, not the kernel's).
//
// Results follow OTP 25 (docs/OTP25_BEHAVIOUR.md sections 5 and 2.22): an option OTP 25 lacks, or lacks on Linux, is
// `{invalid, {socket_option, {Level, Opt}}}`; a value of the wrong type is
// `{invalid, {socket_option, {Level, Opt}, Value}}`; what the kernel refuses is its errno.
import * as prim from './prim_socket';
import { is_supported } from './supports';
import { is_int } from './prim/is_int';

export type OptError =
  | ['error', ['invalid', ['socket_option', [unknown, unknown]]]]
  | ['error', ['invalid', ['socket_option', [unknown, unknown], unknown]]];

/** {error, {invalid, {socket_option, {Level, Opt}}}}. */
export function invalid_option(level: unknown, opt: unknown): OptError {
  return ['error', ['invalid', ['socket_option', [level, opt]]]];
}

/** {error, {invalid, {socket_option, {Level, Opt}, Value}}}. */
export function invalid_value(level: unknown, opt: unknown, value: unknown): OptError {
  return ['error', ['invalid', ['socket_option', [level, opt], value]]];
}

/** Answered from the socket's own record (socket.ts), never written. */
export const IDENTITY_OPTIONS: Record<string, true> = { type: true, domain: true, protocol: true };

const GET_ONLY: Record<string, true> = { 'ip:mtu': true, 'ipv6:mtu': true };
const SET_ONLY: Record<string, true> = {
  'ip:add_membership': true, 'ip:drop_membership': true, 'ip:add_source_membership': true,
  'ip:drop_source_membership': true, 'ip:block_source': true, 'ip:unblock_source': true,
  'ipv6:add_membership': true, 'ipv6:drop_membership': true,
};

/** The kernel spec of an OS-level option OTP 25 offers, or undefined. */
export function lookup(level: unknown, opt: unknown): prim.OptSpec | undefined {
  if (typeof level !== 'string' || typeof opt !== 'string') return undefined;
  if (!is_supported('options', level, opt)) return undefined;
  const table = prim.OPTIONS[level];
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, opt) ? table[opt] : undefined;
}

export const readable = (level: string, opt: string): boolean => GET_ONLY[`${level}:${opt}`] === true || SET_ONLY[`${level}:${opt}`] !== true;
export const writable = (level: string, opt: string): boolean => GET_ONLY[`${level}:${opt}`] !== true;

const TOS: Record<string, number> = { lowdelay: 0x10, throughput: 0x08, reliability: 0x04, mincost: 0x02 };
// OTP names a read-back value by its TOS bits alone (IPTOS_TOS: the 0x1E band), and
// answers any other value as the integer: on UDP 2 and 3 read 'mincost', 48 'lowdelay',
// 18 and 184 themselves; TCP clears the two low (ECN) bits first, so 2 reads 0 there
// (test/otp/25_ip_tos.escript).
const TOS_NAMES: Record<number, string> = { 0x10: 'lowdelay', 0x08: 'throughput', 0x04: 'reliability', 0x02: 'mincost' };
const IPTOS_TOS_MASK = 0x1e;
const MTU_DISCOVER = ['dont', 'want', 'do', 'probe'];

/**
 * OTP's value form → the C shape's value form, or undefined when it has the wrong type.
 * (prim's encoder then checks the shape itself.)
 */
export function to_native(level: string, opt: string, v: unknown): unknown {
  const key = `${level}:${opt}`;
  switch (key) {
    case 'ip:tos':
      return typeof v === 'string' ? TOS[v] : v;
    case 'ip:mtu_discover':
    case 'ipv6:mtu_discover': {
      const i = MTU_DISCOVER.indexOf(v as string);
      return i >= 0 ? i : undefined;
    }
    case 'ipv6:unicast_hops':
    case 'ipv6:multicast_hops':
    case 'ip:multicast_ttl':
      return v === 'default' ? -1 : is_int(v) && v >= 0 && v <= 255 ? v : undefined;
    case 'socket:linger':
      return v === 'abort' ? { onoff: true, linger: 0 } : v;
    case 'ip:router_alert':
      return is_int(v) ? v !== 0 : undefined;
    default:
      return v;
  }
}

/** The C shape's decoded value → OTP's form. */
export function from_native(level: string, opt: string, v: unknown): unknown {
  const key = `${level}:${opt}`;
  switch (key) {
    case 'ip:tos':
      return typeof v === 'number' ? TOS_NAMES[v & IPTOS_TOS_MASK] ?? v : v;
    case 'ip:mtu_discover':
    case 'ipv6:mtu_discover':
      return MTU_DISCOVER[v as number] ?? v;
    case 'ip:router_alert':
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    case 'socket:linger': {
      // OTP lists the keys as linger, onoff.
      const l = v as { onoff: boolean; linger: number };
      return { linger: l.linger, onoff: l.onoff };
    }
    default:
      return v;
  }
}
