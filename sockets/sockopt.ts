// getopt/setopt and their native forms. The otp level is the socket's own record; the OS
// levels go through options.ts (OTP 25's policy) and prim_socket (the syscalls).
import * as prim from './prim_socket';
import * as options from './options';
import { badarg, raise_invalid } from './errors';
import { DEFAULT_CTRLBUF, DEFAULT_RCVBUF } from './state';
import { Sock, transfer } from './core';
import { Error, CLOSED, posix, sock_of } from './args';
import { Pid } from '../runtime/terms';
import { self } from '../runtime/send';
import type { Socket } from './socket_term';

export type OptResult = ['ok', unknown] | Error;

const OTP_GET = ['debug', 'iow', 'controlling_process', 'owner', 'rcvbuf', 'rcvctrlbuf', 'sndctrlbuf', 'fd', 'meta', 'use_registry', 'domain'];

/**
 * getopt(S, Level, Opt) or getopt(S, [Level, Opt]) → ['ok', Value] | ['error', Reason].
 * Levels: otp, socket, ip, ipv6, tcp, udp (see docs/SOCKET.md for the options).
 * ['otp', 'owner'] reads the same as ['otp', 'controlling_process'], as setopt accepts it
 * (erlsock's extension; OTP 25 answers {error, {invalid, {socket_option, {otp, owner}}}}).
 */
export function getopt(s: Socket, level: string, opt: string): OptResult;
export function getopt(s: Socket, levelOpt: [string, string]): OptResult;
export function getopt(s: Socket, a: unknown, b?: unknown): OptResult {
  const sock = sock_of(s);
  const [level, opt] = b === undefined && Array.isArray(a) && a.length === 2 ? [a[0] as unknown, a[1] as unknown] : [a, b];
  const st = sock.state;
  if (level === 'otp') {
    if (typeof opt !== 'string' || !OTP_GET.includes(opt)) return options.invalid_option(level, opt);
    if (st.closed) return CLOSED;
    switch (opt) {
      case 'debug': return ['ok', st.debug];
      case 'iow': return ['ok', st.iow];
      case 'controlling_process':
      case 'owner': return ['ok', st.owner];
      case 'rcvbuf': return ['ok', st.rcvbuf];
      case 'rcvctrlbuf': return ['ok', st.rcvctrlbuf];
      case 'sndctrlbuf': return ['ok', st.sndctrlbuf];
      case 'fd': return ['ok', st.fd];
      case 'meta': return ['ok', st.meta];
      case 'use_registry': return ['ok', st.registered];
      default: return ['ok', st.domain];
    }
  }
  if (level === 'socket' && typeof opt === 'string' && options.IDENTITY_OPTIONS[opt]) {
    if (st.closed) return CLOSED;
    return ['ok', opt === 'type' ? st.type : opt === 'domain' ? st.domain : st.protocol];
  }
  const spec = options.lookup(level, opt);
  if (spec === undefined || !options.readable(level as string, opt as string)) return options.invalid_option(level, opt);
  if (st.closed) return CLOSED;
  const r = prim.getopt(st.fd, spec);
  if (typeof r === 'number' && r < 0) return posix(r);
  return ['ok', options.from_native(level as string, opt as string, r)];
}

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/**
 * setopt(S, Level, Opt, Value) or setopt(S, [Level, Opt], Value) → 'ok' | ['error', Reason].
 *
 * ['otp', 'controlling_process'] moves ownership; only the owner may, others get
 * ['error', ['invalid', 'not_owner']]. erlsock also accepts ['otp', 'owner'] as the same
 * option: the product's one deliberate extension over OTP 25 (which answers
 * {error, {invalid, {socket_option, {otp, owner}}}}), because the OTP Socket Usage guide's
 * echo server calls setopt(Sock, otp, owner, Pid) and relies on it.
 */
export function setopt(s: Socket, level: string, opt: string, value: unknown): 'ok' | Error;
export function setopt(s: Socket, levelOpt: [string, string], value: unknown): 'ok' | Error;
export function setopt(s: Socket, a: unknown, b: unknown, c?: unknown): 'ok' | Error {
  const sock = sock_of(s);
  const tuple = Array.isArray(a) && a.length === 2 && arguments.length === 3;
  const [level, opt, value] = tuple ? [(a as unknown[])[0], (a as unknown[])[1], b] : [a, b, c];
  const st = sock.state;
  if (level === 'otp') return set_otp(sock, opt, value);
  if (level === 'socket' && typeof opt === 'string' && options.IDENTITY_OPTIONS[opt]) return options.invalid_option(level, opt);
  const spec = options.lookup(level, opt);
  if (spec === undefined || !options.writable(level as string, opt as string)) return options.invalid_option(level, opt);
  if (st.closed) return CLOSED;
  const v = options.to_native(level as string, opt as string, value);
  const r = v === undefined ? undefined : prim.setopt_value(st.fd, spec, v);
  if (r === undefined) return options.invalid_value(level, opt, value);
  return r < 0 ? posix(r) : 'ok';
}

function set_otp(sock: Sock, opt: unknown, value: unknown): 'ok' | Error {
  const st = sock.state;
  const bad = (): Error => options.invalid_value('otp', opt, value);
  switch (opt) {
    case 'controlling_process':
    case 'owner': {
      if (st.closed) return CLOSED;
      if (!(value instanceof Pid)) return bad();
      if (st.owner !== self()) return ['error', ['invalid', 'not_owner']];
      transfer(sock, value);
      return 'ok';
    }
    case 'rcvbuf':
      if (st.closed) return CLOSED;
      if (value === 'default') st.rcvbuf = DEFAULT_RCVBUF;
      else if (isPosInt(value)) st.rcvbuf = value;
      else if (Array.isArray(value) && value.length === 2 && isPosInt(value[0]) && isPosInt(value[1])) st.rcvbuf = [value[0], value[1]];
      else return bad();
      return 'ok';
    case 'rcvctrlbuf':
    case 'sndctrlbuf': {
      if (st.closed) return CLOSED;
      const n = value === 'default' ? DEFAULT_CTRLBUF : isPosInt(value) ? value : undefined;
      if (n === undefined) return bad();
      if (opt === 'rcvctrlbuf') st.rcvctrlbuf = n;
      else st.sndctrlbuf = n;
      return 'ok';
    }
    case 'debug':
    case 'iow':
      if (st.closed) return CLOSED;
      if (typeof value !== 'boolean') return bad();
      if (opt === 'debug') st.debug = value;
      else st.iow = value;
      return 'ok';
    case 'meta':
      if (st.closed) return CLOSED;
      st.meta = value;
      return 'ok';
    case 'use_registry':
      if (st.closed) return CLOSED;
      return value === st.registered ? 'ok' : bad();
    case 'fd':
      return raise_invalid(['otp_socket_option', 1008]);
    default:
      return options.invalid_option('otp', opt);
  }
}

/** A native option's level: an OS level name or a number. */
function native_level(level: unknown): number | undefined {
  if (typeof level === 'number' && Number.isInteger(level)) return level;
  return typeof level === 'string' ? prim.level_num(level) : undefined;
}

/**
 * getopt_native(S, [Level, OptNum], ValueSpec) → ['ok', Value]: reads any option by number.
 * ValueSpec: 'integer', 'boolean', or a byte count (the value comes back as a Buffer).
 */
export function getopt_native(s: Socket, opt: [string | number, number], spec: 'integer' | 'boolean' | number): OptResult {
  const st = sock_of(s).state;
  if (!Array.isArray(opt) || opt.length !== 2 || !Number.isInteger(opt[1])) return badarg();
  const level = native_level(opt[0]);
  if (level === undefined) return options.invalid_option(opt[0], opt[1]);
  if (spec !== 'integer' && spec !== 'boolean' && !(typeof spec === 'number' && Number.isInteger(spec) && spec >= 0)) {
    return ['error', ['invalid', ['value_spec', spec]]];
  }
  if (st.closed) return CLOSED;
  if (typeof spec === 'number') {
    const r = prim.getopt_bytes(st.fd, level, opt[1], spec);
    return typeof r === 'number' ? posix(r) : ['ok', r];
  }
  const r = prim.getopt_int(st.fd, level, opt[1]);
  if (typeof r === 'number') return posix(r);
  return ['ok', spec === 'boolean' ? r.int !== 0 : r.int];
}

/** setopt_native(S, [Level, OptNum], Value): Value an integer, a boolean or a Buffer. */
export function setopt_native(s: Socket, opt: [string | number, number], value: number | boolean | Buffer): 'ok' | Error {
  const st = sock_of(s).state;
  if (!Array.isArray(opt) || opt.length !== 2 || !Number.isInteger(opt[1])) return badarg();
  const level = native_level(opt[0]);
  if (level === undefined) return options.invalid_option(opt[0], opt[1]);
  let raw: prim.RawOpt;
  if (typeof value === 'boolean') raw = { int: value ? 1 : 0 };
  else if (typeof value === 'number' && Number.isInteger(value)) raw = { int: value };
  else if (Buffer.isBuffer(value)) raw = { bytes: value };
  else return options.invalid_value(opt[0], opt[1], value);
  if (st.closed) return CLOSED;
  const r = prim.setopt(st.fd, level, opt[1], raw);
  return r < 0 ? posix(r) : 'ok';
}

