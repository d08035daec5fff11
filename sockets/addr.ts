// Socket addresses as callers give them (docs/OTP25_BEHAVIOUR.md section 1.2): a map whose `addr` may be a tuple or
// 'any' / 'loopback' / 'broadcast', with `port` defaulting to 0 and `addr` to 'any'; or, for
// bind, the bare atoms 'any' and 'loopback'. `check` says whether a map is one, and if not,
// why, in OTP 25's words; the caller answers as OTP does (an error tuple, or an exception
// for an argument that is not a map at all). The encoder in prim/sockaddr.ts is the one
// place that knows which values fit a struct sockaddr: `check` asks it rather than
// repeating its rules.
import { encode_sockaddr, SOCKADDR_MAX } from './prim_socket';
import type { SockAddrInput } from './types';

/** The keys OTP 25 allows in each family's map; any other is refused by name. */
const KEYS: Readonly<Record<string, readonly string[]>> = {
  inet: ['family', 'addr', 'port'],
  inet6: ['family', 'addr', 'port', 'flowinfo', 'scope_id'],
  local: ['family', 'path'],
  unspec: ['family', 'addr'],
};

export function is_map(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

const scratch = Buffer.alloc(SOCKADDR_MAX);

/** Why OTP 25 refuses a sockaddr: the Reason of its {invalid, Reason}. */
export type Refusal = ['sockaddr', ...unknown[]];

/**
 * `sa` itself when it is a sockaddr map bind, connect and sendto can use; else OTP 25's
 * reason: {sockaddr, SA} (not a map, an unknown family, a value that does not fit),
 * {sockaddr, family, SA} (no family), {sockaddr, path, SA} (local without a path),
 * {sockaddr, {keys, Keys}, SA} (keys the family does not have: a typo such as `adr`
 * must not quietly bind every interface).
 */
export function check(sa: unknown): SockAddrInput | Refusal {
  if (!is_map(sa)) return ['sockaddr', sa];
  if (!('family' in sa)) return ['sockaddr', 'family', sa];
  const family = sa.family;
  const allowed = typeof family === 'string' && Object.prototype.hasOwnProperty.call(KEYS, family) ? KEYS[family] : undefined;
  if (allowed === undefined) return ['sockaddr', sa];
  if (family === 'local' && typeof sa.path !== 'string' && !Buffer.isBuffer(sa.path)) return ['sockaddr', 'path', sa];
  for (const k in sa) {
    if (!allowed.includes(k)) return ['sockaddr', ['keys', extra_keys(sa, allowed)], sa];
  }
  if (encode_sockaddr(sa, scratch) < 0) return ['sockaddr', sa];
  return sa as unknown as SockAddrInput;
}

/** The keys not allowed, listed as OTP 25 lists them: reverse term order. */
function extra_keys(sa: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(sa).filter((k) => !allowed.includes(k)).sort().reverse();
}

/** Whether `check` refused. */
export function refused(r: SockAddrInput | Refusal): r is Refusal {
  return Array.isArray(r);
}

/** bind/2's bare atoms: 'any' or 'loopback' in the socket's own domain (the encoder knows the addresses). */
export function from_atom(atom: 'any' | 'loopback', domain: string): SockAddrInput | undefined {
  if (domain === 'inet' || domain === 'inet6') return { family: domain, addr: atom };
  return undefined;
}

export type { SockAddrInput };
