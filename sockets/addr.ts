// Socket addresses as callers give them (docs/OTP25_BEHAVIOUR.md section 1.2): a map whose `addr` may be a tuple or
// 'any' / 'loopback' / 'broadcast', with `port` defaulting to 0 and `addr` to 'any'; or, for
// bind, the bare atoms 'any' and 'loopback'. `normalize` turns a valid one into the full
// form prim_socket encodes, or returns undefined so the caller can answer as OTP does
// (an error tuple from bind, an exception from sendto).
import type { SockAddr, SockAddrInput } from './types';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function ip4(a: unknown, allowBroadcast: boolean): [number, number, number, number] | undefined {
  if (a === undefined || a === 'any') return [0, 0, 0, 0];
  if (a === 'loopback') return [127, 0, 0, 1];
  if (a === 'broadcast' && allowBroadcast) return [255, 255, 255, 255];
  if (Array.isArray(a) && a.length === 4 && a.every((x) => isInt(x) && x >= 0 && x <= 255)) {
    return [a[0], a[1], a[2], a[3]];
  }
  return undefined;
}

type Ip6 = [number, number, number, number, number, number, number, number];

function ip6(a: unknown): Ip6 | undefined {
  if (a === undefined || a === 'any') return [0, 0, 0, 0, 0, 0, 0, 0];
  if (a === 'loopback') return [0, 0, 0, 0, 0, 0, 0, 1];
  if (Array.isArray(a) && a.length === 8 && a.every((x) => isInt(x) && x >= 0 && x <= 0xffff)) {
    return a.slice() as Ip6;
  }
  return undefined;
}

/**
 * The full sockaddr for a map input, or undefined when it is malformed.
 * `allowBroadcast` is for sendto's `addr => broadcast`.
 */
export function normalize(sa: unknown, allowBroadcast = false): SockAddr | undefined {
  if (!isPlainObject(sa)) return undefined;
  const port = sa.port === undefined ? 0 : sa.port;
  switch (sa.family) {
    case 'inet': {
      const addr = ip4(sa.addr, allowBroadcast);
      if (addr === undefined || !isInt(port) || port < 0 || port > 65535) return undefined;
      return { family: 'inet', addr, port };
    }
    case 'inet6': {
      const addr = ip6(sa.addr);
      const flowinfo = sa.flowinfo === undefined ? 0 : sa.flowinfo;
      const scope_id = sa.scope_id === undefined ? 0 : sa.scope_id;
      if (addr === undefined || !isInt(port) || port < 0 || port > 65535) return undefined;
      if (!isInt(flowinfo) || !isInt(scope_id) || flowinfo < 0 || scope_id < 0) return undefined;
      return { family: 'inet6', addr, port, flowinfo, scope_id };
    }
    case 'local': {
      const path = sa.path;
      if (typeof path === 'string' || Buffer.isBuffer(path)) return { family: 'local', path };
      return undefined;
    }
    case 'unspec': {
      // OTP 25 takes `family` and an optional `addr` binary (at most 126 bytes, the room
      // left in a sockaddr_storage), and refuses any other key.
      const addr = sa.addr === undefined ? Buffer.alloc(0) : sa.addr;
      if (!Buffer.isBuffer(addr) || addr.length > 126 || unspec_extra_keys(sa).length > 0) return undefined;
      return { family: 'unspec', addr };
    }
    default:
      return undefined;
  }
}

function unspec_extra_keys(sa: Record<string, unknown>): string[] {
  // Listed as OTP 25 lists them ({keys, [port, flowinfo]}): reverse term order.
  return Object.keys(sa).filter((k) => k !== 'family' && k !== 'addr').sort().reverse();
}

/**
 * What OTP 25's connect says of an address `normalize` refused, as {invalid, Reason}:
 * {sockaddr, SA}; {sockaddr, family, SA} for a map without family; and for family unspec
 * with other keys than addr, {sockaddr, {keys, Keys}, SA}.
 */
export function invalid_reason(sa: unknown): unknown[] {
  if (!isPlainObject(sa)) return ['sockaddr', sa];
  if (!('family' in sa)) return ['sockaddr', 'family', sa];
  const extra = sa.family === 'unspec' ? unspec_extra_keys(sa) : [];
  return extra.length > 0 ? ['sockaddr', ['keys', extra], sa] : ['sockaddr', sa];
}

/** bind/2's bare atoms: 'any' or 'loopback' in the socket's own domain. */
export function from_atom(atom: 'any' | 'loopback', domain: string): SockAddr | undefined {
  if (domain === 'inet') return { family: 'inet', addr: atom === 'any' ? [0, 0, 0, 0] : [127, 0, 0, 1], port: 0 };
  if (domain === 'inet6') {
    return { family: 'inet6', addr: atom === 'any' ? [0, 0, 0, 0, 0, 0, 0, 0] : [0, 0, 0, 0, 0, 0, 0, 1], port: 0, flowinfo: 0, scope_id: 0 };
  }
  return undefined;
}

export type { SockAddrInput };
