// OTP's `net` module: the host's interfaces, name and addresses, with OTP 25's result shapes
// (docs/OTP25_BEHAVIOUR.md section 7; test/otp/09_net.escript). Plain functions, nothing here waits. Every syscall goes
// through prim_socket; this file only turns its answers into Erlang terms and filters them.
//
//   getifaddrs()            → ['ok', [IfAddr]]   inet and inet6 entries (the `default` filter)
//   getifaddrs(Filter)      → Filter: 'default' | 'inet' | 'inet6' | 'packet' | 'all',
//                             {family?, flags?: 'any' | [flag]}, or (IfAddr) => boolean
//   gethostname()           → ['ok', "name"]
//   if_names()              → ['ok', [[1, "lo"], ...]]
//   if_name2index(Name)     → ['ok', 1] | ['error', 'enodev']
//   if_index2name(Index)    → ['ok', "lo"] | ['error', 'enxio']
//   getaddrinfo(Host[, Service]) → ['ok', [{family, type, protocol, addr}]] | ['error', Reason]
//
// Erlang strings (interface and host names) are JS strings here. Arguments of the wrong
// type raise as OTP does: function_clause for the filter and names, badarg elsewhere.
import { raise } from './errors';
import * as prim from './prim_socket';

export type IfFlag =
  | 'up' | 'broadcast' | 'debug' | 'loopback' | 'pointopoint' | 'notrailers' | 'running'
  | 'noarp' | 'promisc' | 'allmulti' | 'master' | 'slave' | 'multicast' | 'portsel'
  | 'automedia' | 'dynamic';

export interface IfSockAddrIn { family: 'inet'; addr: [number, number, number, number]; port: number }
export interface IfSockAddrIn6 {
  family: 'inet6';
  addr: [number, number, number, number, number, number, number, number];
  port: number;
  flowinfo: number;
  scope_id: number;
}
/** A link-layer address: `hatype` and `pkttype` are atoms where OTP names them, else numbers. */
export interface IfSockAddrPacket {
  family: 'packet';
  addr: Buffer;
  hatype: string | number;
  ifindex: number;
  pkttype: string | number;
  protocol: number;
}
export type IfSockAddr = IfSockAddrIn | IfSockAddrIn6 | IfSockAddrPacket;

/** One (interface, address) pair, as net:getifaddrs returns it. */
export interface IfAddr {
  name: string;
  flags: IfFlag[];
  addr?: IfSockAddr;
  netmask?: IfSockAddr;
  broadaddr?: IfSockAddr;
  dstaddr?: IfSockAddr;
}

export type IfAddrFamily = 'default' | 'inet' | 'inet6' | 'packet' | 'all';
export interface IfAddrMapFilter {
  family?: IfAddrFamily;
  flags?: 'any' | IfFlag[];
}
export type IfAddrFilter = IfAddrFamily | IfAddrMapFilter | ((ifaddr: IfAddr) => boolean);

export interface AddrInfo {
  family: 'inet' | 'inet6';
  type: 'stream' | 'dgram' | 'raw' | number;
  protocol: 'tcp' | 'udp' | 'ip' | number;
  addr: IfSockAddrIn | IfSockAddrIn6;
}

type Result<T> = ['ok', T] | ['error', string];

// --- link-layer names ------------------------------------------------------------------

/** ARPHRD_* values (linux/if_arp.h) and the atoms OTP gives them. */
const HATYPES = new Map<number, string>([
  [0, 'netrom'], [1, 'ether'], [2, 'eether'], [3, 'ax25'], [4, 'pronet'], [5, 'chaos'],
  [6, 'ieee802'], [7, 'arcnet'], [8, 'appletlk'], [15, 'dlci'], [19, 'atm'], [23, 'metricom'],
  [24, 'ieee1394'], [27, 'eui64'], [32, 'infiniband'], [768, 'tunnel'], [769, 'tunnel6'],
  [772, 'loopback'], [773, 'localtlk'], [0xfffe, 'none'], [0xffff, 'void'],
]);
/** PACKET_* packet types (linux/if_packet.h). */
const PKTTYPES = new Map<number, string>([
  [0, 'host'], [1, 'broadcast'], [2, 'multicast'], [3, 'otherhost'], [4, 'outgoing'],
  [5, 'loopback'], [6, 'user'], [7, 'kernel'],
]);

function if_sockaddr(sa: prim.SockAddr | undefined): IfSockAddr | undefined {
  if (!sa) return undefined;
  switch (sa.family) {
    case 'inet':
      if (!Array.isArray(sa.addr)) return undefined; // the decoder always gives tuples
      return { family: 'inet', addr: sa.addr, port: sa.port };
    case 'inet6':
      if (!Array.isArray(sa.addr)) return undefined;
      return { family: 'inet6', addr: sa.addr, port: sa.port, flowinfo: sa.flowinfo, scope_id: sa.scope_id };
    case 'packet':
      return {
        family: 'packet',
        addr: sa.addr,
        hatype: HATYPES.get(sa.hatype) ?? sa.hatype,
        ifindex: sa.ifindex,
        pkttype: PKTTYPES.get(sa.pkttype) ?? sa.pkttype,
        protocol: sa.protocol,
      };
    default:
      return undefined; // families OTP does not report (AF_UNSPEC placeholders, ...)
  }
}

// --- getifaddrs --------------------------------------------------------------------------

/** Every (interface, address) pair the kernel reports, in its order, as OTP maps. */
function all_ifaddrs(): Result<IfAddr[]> {
  const r = prim.getifaddrs();
  if (typeof r === 'number') return ['error', prim.errno_atom(r)];
  const out: IfAddr[] = [];
  for (const e of r) {
    // prim_socket names the flags in the order of their bits, which is the order OTP lists.
    const m: IfAddr = { name: e.name, flags: e.flags as IfFlag[] };
    const addr = if_sockaddr(e.addr);
    if (addr) m.addr = addr;
    const netmask = if_sockaddr(e.netmask);
    // OTP reports the netmask of inet/inet6 entries only; a packet entry has none.
    if (netmask && addr && addr.family !== 'packet') m.netmask = netmask;
    const other = if_sockaddr(e.broadaddr);
    if (other) {
      // ifa_broadaddr and ifa_dstaddr share one field; the flags say which it is.
      if (e.flags.includes('pointopoint')) m.dstaddr = other;
      else if (e.flags.includes('broadcast')) m.broadaddr = other;
    }
    out.push(m);
  }
  return ['ok', out];
}

const FAMILIES: Record<IfAddrFamily, (f: string | undefined) => boolean> = {
  default: (f) => f === 'inet' || f === 'inet6',
  inet: (f) => f === 'inet',
  inet6: (f) => f === 'inet6',
  packet: (f) => f === 'packet',
  all: () => true,
};

function is_family(v: unknown): v is IfAddrFamily {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(FAMILIES, v);
}

function filter_fun(filter: unknown): (m: IfAddr) => boolean {
  if (typeof filter === 'function') {
    const fn = filter as (m: IfAddr) => unknown;
    // An Erlang filter fun must answer a boolean; anything else is a case_clause there.
    return (m) => {
      const b = fn(m);
      if (b !== true && b !== false) raise(['case_clause', b]);
      return b;
    };
  }
  if (is_family(filter)) {
    const fam = FAMILIES[filter];
    return (m) => fam(m.addr?.family);
  }
  if (filter !== null && typeof filter === 'object' && !Array.isArray(filter)) {
    const { family = 'default', flags = 'any', ...rest } = filter as IfAddrMapFilter;
    if (Object.keys(rest).length > 0 || !is_family(family)) return raise('function_clause');
    if (flags !== 'any' && !(Array.isArray(flags) && flags.every((f) => typeof f === 'string'))) {
      return raise('function_clause');
    }
    const fam = FAMILIES[family];
    return (m) => fam(m.addr?.family) && (flags === 'any' || flags.every((f) => m.flags.includes(f)));
  }
  return raise('function_clause');
}

/** net:getifaddrs/0,1. */
export function getifaddrs(filter: IfAddrFilter = 'default'): Result<IfAddr[]> {
  const keep = filter_fun(filter);
  const r = all_ifaddrs();
  if (r[0] === 'error') return r;
  return ['ok', r[1].filter(keep)];
}

// --- names and indexes -------------------------------------------------------------------

/** net:gethostname/0. */
export function gethostname(): Result<string> {
  const r = prim.gethostname();
  return typeof r === 'number' ? ['error', prim.errno_atom(r)] : ['ok', r];
}

/** net:if_names/0: `[[Index, Name], ...]`. */
export function if_names(): Result<[number, string][]> {
  const r = prim.if_nameindex();
  return typeof r === 'number' ? ['error', prim.errno_atom(r)] : ['ok', r.map(([i, n]) => [i, n] as [number, string])];
}

/** net:if_name2index/1. */
export function if_name2index(name: string): Result<number> {
  if (typeof name !== 'string') return raise('function_clause');
  const r = prim.if_nametoindex(name);
  // if_nametoindex answers 0 and sets ENODEV for a name it does not know.
  if (r === 0) return ['error', 'enodev'];
  return r < 0 ? ['error', prim.errno_atom(r)] : ['ok', r];
}

/** net:if_index2name/1. */
export function if_index2name(index: number): Result<string> {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) return raise('function_clause');
  const r = prim.if_indextoname(index);
  return typeof r === 'number' ? ['error', prim.errno_atom(r)] : ['ok', r];
}

// --- getaddrinfo ---------------------------------------------------------------------------

/** prim_socket's names for EAI_* codes → OTP's (an unknown service is `eservice`). */
const EAI: Record<string, string> = {
  eaddrfamily: 'eaddrfamily', again: 'eagain', badflags: 'ebadflags', fail: 'efail', family: 'efamily',
  memory: 'emem', nodata: 'enodata', noname: 'enoname', service: 'eservice', socktype: 'esocktype',
  overflow: 'eoverflow',
};
const IPPROTO_IP = 0;

/** net:getaddrinfo/1,2: Host or Service may be undefined (not both). */
export function getaddrinfo(host: string | undefined, service?: string): Result<AddrInfo[]> {
  if (host !== undefined && typeof host !== 'string') return raise('function_clause');
  if (service !== undefined && typeof service !== 'string') return raise('function_clause');
  if (host === undefined && service === undefined) return raise('function_clause');
  const r = prim.getaddrinfo(host, service);
  // EAI_SYSTEM comes back as its errno's atom, which OTP reports as it is.
  if (!Array.isArray(r)) return ['error', EAI[r.error] ?? r.error];
  const out: AddrInfo[] = [];
  for (const e of r) {
    const addr = if_sockaddr(e.addr);
    if (!addr || addr.family === 'packet') continue;
    const type = prim.type_name(e.type) as AddrInfo['type'];
    // OTP calls protocol 0 `ip` here (prim_socket's first name for it is `default`).
    const protocol = (e.protocol === IPPROTO_IP ? 'ip' : prim.protocol_name(e.protocol)) as AddrInfo['protocol'];
    out.push({ family: addr.family, type, protocol, addr });
  }
  return ['ok', out];
}
