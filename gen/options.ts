// gen_tcp / gen_udp / inet options: OTP's proplist in erlsock's terms. A bare atom
// ('binary', 'list', 'inet', 'inet6') or a [Name, Value] pair; values checked as OTP's
// inet checks them. Open-time errors exit badarg (gen_tcp:listen/connect do), setopts
// answers ['error', 'einval'].
import { PACKET_TYPES, PacketType } from './packet';

export type Active = boolean | 'once' | number;

/** The options the gen layer keeps itself (the rest go to socket:setopt). */
export interface GenOpts {
  active: Active;
  packet: PacketType;
  packet_size: number;
  header: number;
  mode: 'list' | 'binary';
  deliver: 'term' | 'port';
  line_delimiter: number;
  exit_on_close: boolean;
  send_timeout: number | 'infinity';
  send_timeout_close: boolean;
  show_econnreset: boolean;
  buffer: number;
  delay_send: boolean;
}

/** Socket-level options: [level, name, value] for socket:setopt, and how inet names them. */
export interface SockOpt {
  name: string;
  level: string;
  opt: string;
  value: unknown;
}

export interface OpenOpts {
  gen: Partial<GenOpts>;
  sock: SockOpt[];
  family: 'inet' | 'inet6' | null;
  ip: unknown;
  port: number | null;
  backlog: number;
}

const is_bool = (v: unknown): boolean => v === true || v === false;
const is_uint = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const is_int = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);

/** An ip/ifaddr value: an IPv4 or IPv6 tuple, 'any', 'loopback', or a sockaddr map. */
function valid_ip(v: unknown): boolean {
  if (v === 'any' || v === 'loopback') return true;
  if (Array.isArray(v)) {
    const max = v.length === 4 ? 255 : v.length === 8 ? 65535 : -1;
    return max > 0 && v.every((n) => is_uint(n) && (n as number) <= max);
  }
  return v !== null && typeof v === 'object' && (v as { family?: unknown }).family !== undefined;
}

/** OTP's {active, N} range. */
export const ACTIVE_MIN = -32768;
export const ACTIVE_MAX = 32767;

function valid_active(v: unknown): boolean {
  return v === true || v === false || v === 'once' || (is_int(v) && (v as number) >= ACTIVE_MIN && (v as number) <= ACTIVE_MAX);
}

const GEN_CHECKS: Record<keyof GenOpts, (v: unknown) => boolean> = {
  active: valid_active,
  packet: (v) => PACKET_TYPES.includes(v),
  packet_size: (v) => is_uint(v) && (v as number) <= 0x7fffffff,
  header: is_uint,
  mode: (v) => v === 'list' || v === 'binary',
  deliver: (v) => v === 'term' || v === 'port',
  line_delimiter: (v) => is_uint(v) && (v as number) <= 255,
  exit_on_close: is_bool,
  send_timeout: (v) => v === 'infinity' || is_uint(v),
  send_timeout_close: is_bool,
  show_econnreset: is_bool,
  buffer: (v) => is_uint(v) && (v as number) > 0,
  delay_send: is_bool,
};

/** inet option name → socket:setopt level and name, with its check and value mapping. */
const SOCK_OPTS: Record<string, { level: string; opt: string; check: (v: unknown) => boolean; to?: (v: unknown) => unknown }> = {
  reuseaddr: { level: 'socket', opt: 'reuseaddr', check: is_bool },
  keepalive: { level: 'socket', opt: 'keepalive', check: is_bool },
  nodelay: { level: 'tcp', opt: 'nodelay', check: is_bool },
  linger: {
    level: 'socket', opt: 'linger',
    check: (v) => Array.isArray(v) && v.length === 2 && is_bool(v[0]) && is_uint(v[1]),
    to: (v) => ({ onoff: (v as [boolean, number])[0], linger: (v as [boolean, number])[1] }),
  },
  sndbuf: { level: 'socket', opt: 'sndbuf', check: is_uint },
  recbuf: { level: 'socket', opt: 'rcvbuf', check: is_uint },
  priority: { level: 'socket', opt: 'priority', check: is_int },
  tos: { level: 'ip', opt: 'tos', check: is_uint },
  ttl: { level: 'ip', opt: 'ttl', check: is_uint },
  recvtos: { level: 'ip', opt: 'recvtos', check: is_bool },
  recvttl: { level: 'ip', opt: 'recvttl', check: is_bool },
  tclass: { level: 'ipv6', opt: 'tclass', check: is_uint },
  recvtclass: { level: 'ipv6', opt: 'recvtclass', check: is_bool },
  ipv6_v6only: { level: 'ipv6', opt: 'v6only', check: is_bool },
  broadcast: { level: 'socket', opt: 'broadcast', check: is_bool },
  dontroute: { level: 'socket', opt: 'dontroute', check: is_bool },
  bind_to_device: {
    level: 'socket', opt: 'bindtodevice',
    check: (v) => Buffer.isBuffer(v) || typeof v === 'string',
    to: (v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v),
  },
};

export function sock_opt_spec(name: string): { level: string; opt: string } | undefined {
  return SOCK_OPTS[name];
}

/** Accepted and ignored, as OTP 25's socket backend ignores them. */
const IGNORED = new Set(['high_watermark', 'low_watermark', 'high_msgq_watermark', 'low_msgq_watermark', 'tcp_module', 'udp_module', 'debug', 'read_packets', 'nopush']);

export function is_gen_opt(name: string): name is keyof GenOpts {
  return Object.prototype.hasOwnProperty.call(GEN_CHECKS, name);
}

/**
 * One option for setopts: gen options into `gen`, socket options into `sock`; false for an
 * unknown option or a bad value (inet:setopts → einval).
 */
export function parse_setopt(o: unknown, gen: Partial<GenOpts>, sock: SockOpt[]): boolean {
  if (o === 'binary' || o === 'list') {
    gen.mode = o;
    return true;
  }
  if (!Array.isArray(o) || o.length !== 2 || typeof o[0] !== 'string') return false;
  const [name, v] = o as [string, unknown];
  if (is_gen_opt(name)) {
    if (!GEN_CHECKS[name](v)) return false;
    (gen as Record<string, unknown>)[name] = v;
    return true;
  }
  const spec = SOCK_OPTS[name];
  if (spec !== undefined) {
    if (!spec.check(v)) return false;
    sock.push({ name, level: spec.level, opt: spec.opt, value: spec.to ? spec.to(v) : v });
    return true;
  }
  return IGNORED.has(name);
}

/**
 * The option list of listen/connect/open: null when any is unknown or has a bad value
 * (the caller exits badarg). `{inet_backend, B}` is accepted only as the first option.
 */
export function parse_open(opts: unknown, kind: 'listen' | 'connect' | 'udp'): OpenOpts | null {
  if (!Array.isArray(opts)) return null;
  const r: OpenOpts = { gen: {}, sock: [], family: null, ip: null, port: null, backlog: 5 };
  for (let i = 0; i < opts.length; i++) {
    const o: unknown = opts[i];
    if (o === 'inet' || o === 'inet6') {
      r.family = o;
      continue;
    }
    if (Array.isArray(o) && o.length === 2) {
      const [name, v] = o as [unknown, unknown];
      if (name === 'inet_backend') {
        if (i !== 0 || (v !== 'socket' && v !== 'inet')) return null;
        continue;
      }
      if (name === 'ip' || name === 'ifaddr') {
        if (!valid_ip(v)) return null;
        r.ip = v;
        continue;
      }
      if (name === 'port') {
        if (!is_uint(v) || (v as number) > 65535) return null;
        r.port = v as number;
        continue;
      }
      if (name === 'backlog') {
        if (kind !== 'listen' || !is_int(v)) return null;
        r.backlog = v as number;
        continue;
      }
      if (kind === 'listen' && name === 'line_delimiter') {
        // inet's listen_options list has no line_delimiter: OTP 25 rejects it at listen.
        return null;
      }
    }
    if (!parse_setopt(o, r.gen, r.sock)) return null;
  }
  return r;
}
