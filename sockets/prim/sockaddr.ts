// Sockaddr maps ↔ the kernel's struct sockaddr_* bytes (Linux layouts, host-order family).
//
//   sockaddr_in   16 bytes: family u16 | port u16 BE | addr 4 | zero 8
//   sockaddr_in6  28 bytes: family u16 | port u16 BE | flowinfo u32 BE | addr 16 | scope_id u32
//   sockaddr_un  110 bytes: family u16 | sun_path 108   (abstract names start with a NUL)
//   sockaddr (unspec) 2 bytes + addr: family u16 | the caller's addr bytes, if any (up to 126)
//   sockaddr_ll   20 bytes: family u16 | protocol u16 BE | ifindex i32 | hatype u16 |
//                           pkttype u8 | halen u8 | addr 8
// No policy: encoding answers "cannot encode" with -1 and the caller decides what error
// that is; decoding never fails (an unknown family comes back as its number and bytes).
import { k } from './native';
import { is_int } from './is_int';

export type InetAddr = [number, number, number, number];
export type Inet6Addr = [number, number, number, number, number, number, number, number];

export interface SockAddrInet { family: 'inet'; addr: InetAddr | 'any' | 'loopback' | 'broadcast'; port: number }
export interface SockAddrInet6 {
  family: 'inet6'; addr: Inet6Addr | 'any' | 'loopback'; port: number; flowinfo: number; scope_id: number;
}
export interface SockAddrLocal { family: 'local'; path: string | Buffer }
export interface SockAddrPacket {
  family: 'packet'; addr: Buffer; protocol: number; ifindex: number; hatype: number; pkttype: number;
}
export interface SockAddrUnspec { family: 'unspec'; addr: Buffer }
export interface SockAddrOther { family: number; addr: Buffer }

/** What the decoder returns: inet/inet6 addrs are always tuples there. */
export type SockAddr = SockAddrInet | SockAddrInet6 | SockAddrLocal | SockAddrPacket | SockAddrUnspec | SockAddrOther;

/** What the encoder accepts: port, flowinfo, scope_id optional (0), addr optional ('any'). */
export type SockAddrIn =
  | { family: 'inet'; addr?: InetAddr | 'any' | 'loopback' | 'broadcast'; port?: number }
  | { family: 'inet6'; addr?: Inet6Addr | 'any' | 'loopback'; port?: number; flowinfo?: number; scope_id?: number }
  | { family: 'local'; path: string | Buffer }
  | { family: 'unspec'; addr?: Buffer };

const AF_INET = k('AF_INET');
const AF_INET6 = k('AF_INET6');
const AF_UNIX = k('AF_UNIX');
const AF_PACKET = k('AF_PACKET');
const AF_UNSPEC = k('AF_UNSPEC');

/** Room for any sockaddr (sizeof(struct sockaddr_storage)). */
export const SOCKADDR_MAX = 128;
const SUN_PATH_MAX = 108;


function tuple(v: unknown, n: number, max: number): v is number[] {
  return Array.isArray(v) && v.length === n && v.every((x) => is_int(x, 0, max));
}

/**
 * Writes `sa` into `out` (at least SOCKADDR_MAX bytes) and returns its length, or -1 when
 * `sa` is not an encodable sockaddr (wrong family, bad addr, port out of range, path too long).
 */
export function encode_sockaddr(sa: unknown, out: Buffer): number {
  if (sa === null || typeof sa !== 'object') return -1;
  const m = sa as Record<string, unknown>;
  const port = m.port === undefined ? 0 : m.port;
  switch (m.family) {
    case 'inet': {
      if (!is_int(port, 0, 65535)) return -1;
      const a = m.addr === undefined ? 'any' : m.addr;
      let bytes: number[];
      if (a === 'any') bytes = [0, 0, 0, 0];
      else if (a === 'loopback') bytes = [127, 0, 0, 1];
      else if (a === 'broadcast') bytes = [255, 255, 255, 255];
      else if (tuple(a, 4, 255)) bytes = a;
      else return -1;
      out.fill(0, 0, 16);
      out.writeUInt16LE(AF_INET, 0);
      out.writeUInt16BE(port, 2);
      for (let i = 0; i < 4; i++) out[4 + i] = bytes[i]!;
      return 16;
    }
    case 'inet6': {
      if (!is_int(port, 0, 65535)) return -1;
      const flow = m.flowinfo === undefined ? 0 : m.flowinfo;
      const scope = m.scope_id === undefined ? 0 : m.scope_id;
      if (!is_int(flow, 0, 0xffffffff) || !is_int(scope, 0, 0xffffffff)) return -1;
      const a = m.addr === undefined ? 'any' : m.addr;
      let words: number[];
      if (a === 'any') words = [0, 0, 0, 0, 0, 0, 0, 0];
      else if (a === 'loopback') words = [0, 0, 0, 0, 0, 0, 0, 1];
      else if (tuple(a, 8, 0xffff)) words = a;
      else return -1;
      out.fill(0, 0, 28);
      out.writeUInt16LE(AF_INET6, 0);
      out.writeUInt16BE(port, 2);
      out.writeUInt32BE(flow, 4);
      for (let i = 0; i < 8; i++) out.writeUInt16BE(words[i]!, 8 + 2 * i);
      out.writeUInt32LE(scope, 24);
      return 28;
    }
    case 'local': {
      const p = m.path;
      let path: Buffer;
      if (typeof p === 'string') path = Buffer.from(p, 'utf8');
      else if (Buffer.isBuffer(p)) path = p;
      else return -1;
      // An abstract name (leading NUL) is exactly its bytes; a path gets a terminating NUL.
      const abstract = path.length > 0 && path[0] === 0;
      if (!abstract && path.includes(0)) return -1;
      const room = abstract ? SUN_PATH_MAX : SUN_PATH_MAX - 1;
      if (path.length > room) return -1;
      out.fill(0, 0, 2 + SUN_PATH_MAX);
      out.writeUInt16LE(AF_UNIX, 0);
      path.copy(out, 2);
      return abstract ? 2 + path.length : 2 + path.length + 1;
    }
    case 'unspec': {
      // AF_UNSPEC: connect(2) with it dissolves a UDP association or disconnects TCP; the
      // kernel reads only the family (inet_dgram_connect, __inet_stream_connect,
      // unix_dgram_connect). OTP 25 copies an `addr` binary after the family, up to the
      // room of a sockaddr_storage.
      const a = m.addr === undefined ? Buffer.alloc(0) : m.addr;
      if (!Buffer.isBuffer(a) || a.length > SOCKADDR_MAX - 2) return -1;
      out.writeUInt16LE(AF_UNSPEC, 0);
      a.copy(out, 2);
      return 2 + a.length;
    }
    default:
      return -1;
  }
}

/** Decodes `len` bytes of a kernel sockaddr at `buf[off]`. */
export function decode_sockaddr(buf: Buffer, off: number, len: number): SockAddr {
  if (len < 2) return { family: 'unspec', addr: Buffer.alloc(0) };
  const family = buf.readUInt16LE(off);
  if (family === AF_INET && len >= 16) {
    return {
      family: 'inet',
      addr: [buf[off + 4]!, buf[off + 5]!, buf[off + 6]!, buf[off + 7]!],
      port: buf.readUInt16BE(off + 2),
    };
  }
  if (family === AF_INET6 && len >= 28) {
    const w: number[] = [];
    for (let i = 0; i < 8; i++) w.push(buf.readUInt16BE(off + 8 + 2 * i));
    return {
      family: 'inet6',
      addr: w as Inet6Addr,
      port: buf.readUInt16BE(off + 2),
      flowinfo: buf.readUInt32BE(off + 4),
      scope_id: buf.readUInt32LE(off + 24),
    };
  }
  if (family === AF_UNIX) {
    const raw = buf.subarray(off + 2, off + len);
    if (raw.length > 0 && raw[0] === 0) return { family: 'local', path: Buffer.from(raw) };
    const nul = raw.indexOf(0);
    return { family: 'local', path: raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8') };
  }
  if (family === AF_PACKET && len >= 12) {
    const halen = Math.min(buf[off + 11]!, 8, Math.max(0, len - 12));
    return {
      family: 'packet',
      protocol: buf.readUInt16BE(off + 2),
      ifindex: buf.readInt32LE(off + 4),
      hatype: buf.readUInt16LE(off + 8),
      pkttype: buf[off + 10]!,
      addr: Buffer.from(buf.subarray(off + 12, off + 12 + halen)),
    };
  }
  if (family === AF_UNSPEC) return { family: 'unspec', addr: Buffer.from(buf.subarray(off + 2, off + len)) };
  return { family, addr: Buffer.from(buf.subarray(off + 2, off + len)) };
}
