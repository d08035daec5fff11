// The named option table: OTP's level and option names → the kernel's (level, optname)
// numbers and the C shape of the value, plus the codecs for each shape. No policy: which
// options OTP 25 supports, and which values it accepts, is decided in sockets/options.ts.
import { K } from './native';
import type { InetAddr, Inet6Addr } from './sockaddr';
import { is_int } from './is_int';

/** The C type setsockopt/getsockopt carries for an option. */
export type OptShape =
  | 'int' | 'bool' | 'linger' | 'timeval' | 'string' | 'in_addr'
  | 'ip_mreq' | 'ip_mreqn' | 'ip_mreq_source' | 'ipv6_mreq' | 'bytes';

export interface OptSpec { level: number; opt: number; shape: OptShape }

/** What goes through the syscall: an int, or raw bytes (as sockets/options.ts's Native). */
export type RawOpt = { int: number } | { bytes: Buffer };

// [OTP name, C constant name, shape]; an option the headers lack is left out of the table.
const SOCKET: [string, string, OptShape][] = [
  ['acceptconn', 'SO_ACCEPTCONN', 'bool'], ['bindtodevice', 'SO_BINDTODEVICE', 'string'],
  ['broadcast', 'SO_BROADCAST', 'bool'], ['busy_poll', 'SO_BUSY_POLL', 'int'],
  ['debug', 'SO_DEBUG', 'int'], ['domain', 'SO_DOMAIN', 'int'], ['dontroute', 'SO_DONTROUTE', 'bool'],
  ['error', 'SO_ERROR', 'int'], ['keepalive', 'SO_KEEPALIVE', 'bool'], ['linger', 'SO_LINGER', 'linger'],
  ['mark', 'SO_MARK', 'int'], ['oobinline', 'SO_OOBINLINE', 'bool'], ['passcred', 'SO_PASSCRED', 'bool'],
  ['peek_off', 'SO_PEEK_OFF', 'int'], ['peercred', 'SO_PEERCRED', 'bytes'], ['priority', 'SO_PRIORITY', 'int'],
  ['protocol', 'SO_PROTOCOL', 'int'], ['rcvbuf', 'SO_RCVBUF', 'int'], ['rcvbufforce', 'SO_RCVBUFFORCE', 'int'],
  ['rcvlowat', 'SO_RCVLOWAT', 'int'], ['rcvtimeo', 'SO_RCVTIMEO', 'timeval'], ['reuseaddr', 'SO_REUSEADDR', 'bool'],
  ['reuseport', 'SO_REUSEPORT', 'bool'], ['rxq_ovfl', 'SO_RXQ_OVFL', 'bool'], ['sndbuf', 'SO_SNDBUF', 'int'],
  ['sndbufforce', 'SO_SNDBUFFORCE', 'int'], ['sndlowat', 'SO_SNDLOWAT', 'int'], ['sndtimeo', 'SO_SNDTIMEO', 'timeval'],
  ['timestamp', 'SO_TIMESTAMP', 'bool'], ['type', 'SO_TYPE', 'int'],
];
const IP: [string, string, OptShape][] = [
  ['add_membership', 'IP_ADD_MEMBERSHIP', 'ip_mreq'], ['add_source_membership', 'IP_ADD_SOURCE_MEMBERSHIP', 'ip_mreq_source'],
  ['block_source', 'IP_BLOCK_SOURCE', 'ip_mreq_source'], ['drop_membership', 'IP_DROP_MEMBERSHIP', 'ip_mreq'],
  ['drop_source_membership', 'IP_DROP_SOURCE_MEMBERSHIP', 'ip_mreq_source'], ['freebind', 'IP_FREEBIND', 'bool'],
  ['hdrincl', 'IP_HDRINCL', 'bool'], ['minttl', 'IP_MINTTL', 'int'], ['msfilter', 'IP_MSFILTER', 'bytes'],
  ['mtu', 'IP_MTU', 'int'], ['mtu_discover', 'IP_MTU_DISCOVER', 'int'], ['multicast_all', 'IP_MULTICAST_ALL', 'bool'],
  ['multicast_if', 'IP_MULTICAST_IF', 'in_addr'], ['multicast_loop', 'IP_MULTICAST_LOOP', 'bool'],
  ['multicast_ttl', 'IP_MULTICAST_TTL', 'int'], ['nodefrag', 'IP_NODEFRAG', 'bool'], ['options', 'IP_OPTIONS', 'bytes'],
  ['pktinfo', 'IP_PKTINFO', 'bool'], ['pktoptions', 'IP_PKTOPTIONS', 'bytes'], ['recverr', 'IP_RECVERR', 'bool'],
  ['recvopts', 'IP_RECVOPTS', 'bool'], ['recvorigdstaddr', 'IP_RECVORIGDSTADDR', 'bool'], ['recvtos', 'IP_RECVTOS', 'bool'],
  ['recvttl', 'IP_RECVTTL', 'bool'], ['retopts', 'IP_RETOPTS', 'bool'], ['router_alert', 'IP_ROUTER_ALERT', 'bool'],
  ['tos', 'IP_TOS', 'int'], ['transparent', 'IP_TRANSPARENT', 'bool'], ['ttl', 'IP_TTL', 'int'],
  ['unblock_source', 'IP_UNBLOCK_SOURCE', 'ip_mreq_source'],
];
const IPV6: [string, string, OptShape][] = [
  ['add_membership', 'IPV6_ADD_MEMBERSHIP', 'ipv6_mreq'], ['addrform', 'IPV6_ADDRFORM', 'int'],
  ['authhdr', 'IPV6_AUTHHDR', 'bool'], ['drop_membership', 'IPV6_DROP_MEMBERSHIP', 'ipv6_mreq'],
  ['dstopts', 'IPV6_RECVDSTOPTS', 'bool'], ['flowinfo', 'IPV6_FLOWINFO', 'bool'], ['hoplimit', 'IPV6_HOPLIMIT', 'bool'],
  ['hopopts', 'IPV6_RECVHOPOPTS', 'bool'], ['mtu', 'IPV6_MTU', 'int'], ['mtu_discover', 'IPV6_MTU_DISCOVER', 'int'],
  ['multicast_hops', 'IPV6_MULTICAST_HOPS', 'int'], ['multicast_if', 'IPV6_MULTICAST_IF', 'int'],
  ['multicast_loop', 'IPV6_MULTICAST_LOOP', 'bool'], ['recverr', 'IPV6_RECVERR', 'bool'],
  ['recvhoplimit', 'IPV6_RECVHOPLIMIT', 'bool'], ['recvpktinfo', 'IPV6_RECVPKTINFO', 'bool'],
  ['recvtclass', 'IPV6_RECVTCLASS', 'bool'], ['router_alert', 'IPV6_ROUTER_ALERT', 'int'],
  ['rthdr', 'IPV6_RECVRTHDR', 'bool'], ['tclass', 'IPV6_TCLASS', 'int'], ['unicast_hops', 'IPV6_UNICAST_HOPS', 'int'],
  ['v6only', 'IPV6_V6ONLY', 'bool'],
];
const TCP: [string, string, OptShape][] = [
  ['congestion', 'TCP_CONGESTION', 'string'], ['cork', 'TCP_CORK', 'bool'], ['info', 'TCP_INFO', 'bytes'],
  ['keepcnt', 'TCP_KEEPCNT', 'int'], ['keepidle', 'TCP_KEEPIDLE', 'int'], ['keepintvl', 'TCP_KEEPINTVL', 'int'],
  ['maxseg', 'TCP_MAXSEG', 'int'], ['md5sig', 'TCP_MD5SIG', 'bytes'], ['nodelay', 'TCP_NODELAY', 'bool'],
  ['syncnt', 'TCP_SYNCNT', 'int'], ['user_timeout', 'TCP_USER_TIMEOUT', 'int'],
];
const UDP: [string, string, OptShape][] = [['cork', 'UDP_CORK', 'bool']];

function level(levelConst: string, rows: [string, string, OptShape][]): Record<string, OptSpec> {
  const out: Record<string, OptSpec> = {};
  const lv = K[levelConst];
  if (lv === undefined) return out;
  for (const [name, c, shape] of rows) {
    const opt = K[c];
    if (opt !== undefined) out[name] = { level: lv, opt, shape };
  }
  return out;
}

/** level name → option name → {level, opt, shape}. */
export const OPTIONS: Readonly<Record<string, Readonly<Record<string, OptSpec>>>> = {
  socket: level('SOL_SOCKET', SOCKET),
  ip: level('IPPROTO_IP', IP),
  ipv6: level('IPPROTO_IPV6', IPV6),
  tcp: level('IPPROTO_TCP', TCP),
  udp: level('IPPROTO_UDP', UDP),
};

/** How many bytes getsockopt needs for a shape (0: an int, read with getopt_int). */
export function shape_size(shape: OptShape): number {
  switch (shape) {
    case 'int': case 'bool': return 0;
    case 'linger': return 8;
    case 'timeval': return 16;
    case 'string': return 64;
    case 'in_addr': return 4;
    case 'ip_mreq': return 8;
    case 'ip_mreqn': case 'ip_mreq_source': return 12;
    case 'ipv6_mreq': return 20;
    case 'bytes': return 256;
  }
}

export interface Linger { onoff: boolean; linger: number }
export interface Timeval { sec: number; usec: number }
export interface IpMreq { multiaddr: InetAddr; interface: InetAddr | 'any' }
export interface IpMreqn { multiaddr: InetAddr; address: InetAddr | 'any'; ifindex: number }
export interface IpMreqSource { multiaddr: InetAddr; interface: InetAddr | 'any'; sourceaddr: InetAddr }
export interface Ipv6Mreq { multiaddr: Inet6Addr; interface: number }
export type OptValue = number | boolean | string | Buffer | InetAddr | Linger | Timeval | IpMreq | IpMreqn | IpMreqSource | Ipv6Mreq;

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) ? (v as Record<string, unknown>) : undefined;

function in_addr(v: unknown, b: Buffer, off: number): boolean {
  if (v === 'any') { b.fill(0, off, off + 4); return true; }
  if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => is_int(x, 0, 255))) return false;
  for (let i = 0; i < 4; i++) b[off + i] = v[i] as number;
  return true;
}
const read_in_addr = (b: Buffer, off: number): InetAddr => [b[off]!, b[off + 1]!, b[off + 2]!, b[off + 3]!];

/** A value of `shape` → what setsockopt takes, or undefined when the value does not fit. */
export function encode_opt(shape: OptShape, v: unknown): RawOpt | undefined {
  switch (shape) {
    case 'int': return is_int(v, -0x80000000, 0x7fffffff) ? { int: v } : undefined;
    case 'bool': return typeof v === 'boolean' ? { int: v ? 1 : 0 } : undefined;
    case 'linger': {
      const m = obj(v);
      if (!m || typeof m.onoff !== 'boolean' || !is_int(m.linger, 0, 0x7fffffff)) return undefined;
      const b = Buffer.alloc(8);
      b.writeInt32LE(m.onoff ? 1 : 0, 0);
      b.writeInt32LE(m.linger, 4);
      return { bytes: b };
    }
    case 'timeval': {
      const m = obj(v);
      if (!m || !is_int(m.sec, 0, Number.MAX_SAFE_INTEGER) || !is_int(m.usec, 0, 999999)) return undefined;
      const b = Buffer.alloc(16);
      b.writeBigInt64LE(BigInt(m.sec), 0);
      b.writeBigInt64LE(BigInt(m.usec), 8);
      return { bytes: b };
    }
    case 'string': {
      if (typeof v !== 'string' || v.includes('\0')) return undefined;
      return { bytes: Buffer.from(v, 'utf8') };
    }
    case 'in_addr': {
      const b = Buffer.alloc(4);
      return in_addr(v, b, 0) ? { bytes: b } : undefined;
    }
    case 'ip_mreq': {
      const m = obj(v);
      const b = Buffer.alloc(8);
      return m && in_addr(m.multiaddr, b, 0) && in_addr(m.interface, b, 4) ? { bytes: b } : undefined;
    }
    case 'ip_mreqn': {
      const m = obj(v);
      const b = Buffer.alloc(12);
      if (!m || !in_addr(m.multiaddr, b, 0) || !in_addr(m.address, b, 4) || !is_int(m.ifindex, 0, 0x7fffffff)) return undefined;
      b.writeInt32LE(m.ifindex, 8);
      return { bytes: b };
    }
    case 'ip_mreq_source': {
      const m = obj(v);
      const b = Buffer.alloc(12);
      return m && in_addr(m.multiaddr, b, 0) && in_addr(m.interface, b, 4) && in_addr(m.sourceaddr, b, 8)
        ? { bytes: b } : undefined;
    }
    case 'ipv6_mreq': {
      const m = obj(v);
      if (!m || !Array.isArray(m.multiaddr) || m.multiaddr.length !== 8 || !m.multiaddr.every((x) => is_int(x, 0, 0xffff))
        || !is_int(m.interface, 0, 0xffffffff)) return undefined;
      const b = Buffer.alloc(20);
      for (let i = 0; i < 8; i++) b.writeUInt16BE(m.multiaddr[i] as number, 2 * i);
      b.writeUInt32LE(m.interface, 16);
      return { bytes: b };
    }
    case 'bytes': return Buffer.isBuffer(v) ? { bytes: v } : undefined;
  }
}

/** What getsockopt returned (an int, or the bytes it wrote) → a value of `shape`. */
export function decode_opt(shape: OptShape, raw: number | Buffer): OptValue {
  if (typeof raw === 'number') return shape === 'bool' ? raw !== 0 : raw;
  switch (shape) {
    case 'linger': return { onoff: raw.readInt32LE(0) !== 0, linger: raw.readInt32LE(4) };
    case 'timeval': return { sec: Number(raw.readBigInt64LE(0)), usec: Number(raw.readBigInt64LE(8)) };
    case 'string': { const nul = raw.indexOf(0); return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8'); }
    case 'in_addr': return read_in_addr(raw, 0);
    case 'ip_mreq': return { multiaddr: read_in_addr(raw, 0), interface: read_in_addr(raw, 4) };
    case 'ip_mreqn': return { multiaddr: read_in_addr(raw, 0), address: read_in_addr(raw, 4), ifindex: raw.readInt32LE(8) };
    case 'ip_mreq_source':
      return { multiaddr: read_in_addr(raw, 0), interface: read_in_addr(raw, 4), sourceaddr: read_in_addr(raw, 8) };
    case 'ipv6_mreq': {
      const w: number[] = [];
      for (let i = 0; i < 8; i++) w.push(raw.readUInt16BE(2 * i));
      return { multiaddr: w as Inet6Addr, interface: raw.readUInt32LE(16) };
    }
    default: return raw;
  }
}
