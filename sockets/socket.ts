// The OTP `socket` module (kernel/src/socket.erl, OTP 25) for erlsock processes.
//
// Results are Erlang terms: 'ok', ['ok', V], ['error', Reason], ['select', SelectInfo],
// ['select', [SelectInfo, Rest]]. Arguments of the wrong shape raise what OTP raises
// (badarg, {invalid, {timeout, T}}, ...) as a SocketError (sockets/errors.ts).
//
// Calls that may wait are generators, called with `yield*` from a process body: accept,
// connect, send, sendto, sendmsg, recv, recvfrom, recvmsg, in every form. With 'nowait' (or
// a caller-made Ref used as the select handle) they return at once, but keep that one
// calling convention. Blocking forms are the nowait form plus a receive of the select or
// abort message, with `after`, and a cancel on timeout: one code path, as in OTP.
//
// The socket term is a frozen object (sockets/socket_term.ts) compared by identity: use it
// directly in receive patterns, e.g. on(['$socket', Sock, 'select', Handle]).
//
// Ownership: the process that opens (or accepts) a socket owns it; only the owner moves it,
// with setopt(S, 'otp', 'controlling_process', Pid). The owner's death closes the socket.
//
// Syscalls go only through sockets/prim_socket.ts.
import * as prim from './prim_socket';
import * as registry from './registry';
import * as options from './options';
import * as addr from './addr';
import { Socket, to_list } from './socket_term';
import { is_select_message } from './messages';
import { badarg, raise, raise_invalid } from './errors';
import { DEFAULT_CTRLBUF, DEFAULT_RCVBUF } from './state';
import {
  Sock, State, Q, make_socket, close_socket, finish, promoted, watch_waiter, transfer,
  add_monitor, remove_monitor, number_of_monitors, monitors_of, monitoring_pids,
} from './core';
import { socket_info, global_info, print_table, InfoKey, INFO_KEYS } from './info';
import { Pid, Ref } from '../runtime/terms';
import { self, make_ref } from '../runtime/send';
import { receive, on, after } from '../runtime/receive';
import type { Proc } from '../runtime/receive';
import { _ } from '../runtime/pattern';
import { mailbox_remove } from '../runtime/hooks';
import type {
  Domain, Type, Protocol, SockAddr, SelectInfo, SelectTag, OpenOpts, MsgRecv, MsgSend, SocketInfo,
} from './types';

export { supports, is_supported } from './supports';
export { SocketError, ErlangError } from './errors';
export { to_list };
export type { Socket } from './socket_term';
export type {
  Domain, Type, Protocol, SockAddr, SelectInfo, SelectTag, OpenOpts, MsgRecv, MsgSend, SocketInfo,
} from './types';

// ---- result shapes -------------------------------------------------------------------

export type Error<E = unknown> = ['error', E];
export type Select = ['select', SelectInfo<Ref>];
export type SelectWith<R> = ['select', [SelectInfo<Ref>, R]];
export type Timeout = 'infinity' | number | 'nowait' | Ref;

const CLOSED: ['error', 'closed'] = ['error', 'closed'];
const posix = (r: number): ['error', string] => ['error', prim.errno_atom(r)];

const EAGAIN = prim.EAGAIN;
const EINPROGRESS = prim.EINPROGRESS;
const EISCONN = -(prim.errno_number('eisconn') ?? 106);

// ---- argument checks (what OTP raises) ----------------------------------------------

function sock_of(s: unknown): Sock {
  if (!(s instanceof Socket)) return badarg();
  return s as Sock;
}

/** 'infinity' | integer >= 0 | 'nowait' | Ref; anything else raises {invalid, {timeout, T}}. */
function check_timeout(t: unknown): Timeout {
  if (t === 'infinity' || t === 'nowait' || t instanceof Ref) return t;
  if (typeof t === 'number' && Number.isInteger(t) && t >= 0) return t;
  return raise_invalid(['timeout', t]);
}

const RECV_FLAGS = ['cmsg_cloexec', 'errqueue', 'oob', 'peek', 'trunc'];
const SEND_FLAGS = ['confirm', 'dontroute', 'eor', 'more', 'nosignal', 'oob'];
const MSG_PEEK = prim.constants.MSG_PEEK ?? 2;

/** Flags → bits, or the OTP error for an unknown flag; a non-list raises badarg. */
function flag_bits(flags: unknown, allowed: string[]): number | ['error', ['invalid', ['msg_flag', unknown]]] {
  if (!Array.isArray(flags)) return badarg();
  for (const f of flags) {
    if (typeof f !== 'string' || !allowed.includes(f)) return ['error', ['invalid', ['msg_flag', f]]];
  }
  const n = prim.msg_flags_num(flags as string[]);
  return typeof n === 'number' ? n : ['error', ['invalid', ['msg_flag', n.invalid]]];
}

/** iodata (Buffer, Uint8Array, string, or nested lists of them and bytes) → one Buffer; else badarg. */
function iodata(d: unknown): Buffer {
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

function select_info(tag: SelectTag, handle: Ref): SelectInfo<Ref> {
  return ['select_info', tag, handle];
}

const EAFNOSUPPORT = -(prim.errno_number('eafnosupport') ?? 97);

/**
 * A syscall taking a sockaddr that addr.ts accepted. prim_socket cannot yet encode the
 * family 'unspec' (connect(U, #{family => unspec}) dissolves a UDP association in OTP); it
 * raises, and the caller gets eafnosupport rather than a crashed process.
 */
function sys_with_addr(call: () => number): number {
  try {
    return call();
  } catch (e) {
    if (e instanceof TypeError) return EAFNOSUPPORT;
    throw e;
  }
}

// ---- open, bind, listen, close, shutdown, names ---------------------------------------

const DOMAINS = ['inet', 'inet6', 'local'];
const TYPES = ['stream', 'dgram', 'seqpacket', 'raw'];

function default_protocol(domain: string, type: string): string {
  if (domain === 'local') return 'default';
  if (type === 'stream') return 'tcp';
  if (type === 'dgram') return 'udp';
  return 'ip';
}

function plain_opts(o: unknown): OpenOpts {
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as OpenOpts) : {};
}

/**
 * open(Domain, Type[, Protocol][, Opts]) → ['ok', Socket] | ['error', Reason]
 * open(FD[, Opts]) wraps an existing socket fd (used as is: erlsock does not dup it, and
 * domain, type and protocol are read from the fd unless Opts names them).
 *
 * Opts: `use_registry` (boolean; default from use_registry/1 and ESOCK_USE_SOCKET_REGISTRY)
 * and `debug` (boolean: recorded as {otp, debug}; erlsock prints no NIF traces).
 * Unknown keys are ignored, as in OTP.
 */
export function open(fd: number, opts?: OpenOpts): ['ok', Socket] | Error;
export function open(domain: Domain, type: Type, protocolOrOpts?: Protocol | OpenOpts, opts?: OpenOpts): ['ok', Socket] | Error;
export function open(a: unknown, b?: unknown, c?: unknown, d?: unknown): ['ok', Socket] | Error {
  const owner = self(); // first: outside a process this throws before any fd exists
  if (typeof a === 'number') return open_fd(a, plain_opts(b), owner);
  const domain = a;
  const type = b;
  let protocol: unknown = 'default';
  let opts: OpenOpts = {};
  if (c !== undefined && c !== null && typeof c === 'object' && !Array.isArray(c)) opts = c as OpenOpts;
  else {
    if (c !== undefined) protocol = c;
    opts = plain_opts(d);
  }
  if (typeof domain !== 'string' || !DOMAINS.includes(domain)) return ['error', ['invalid', ['domain', domain]]];
  if (typeof type !== 'string' || !TYPES.includes(type)) return ['error', ['invalid', ['type', type]]];
  if (typeof protocol !== 'string' || prim.protocol_num(protocol) === undefined) {
    return ['error', ['invalid', ['protocol', protocol]]];
  }
  const proto = protocol === 'default' ? default_protocol(domain, type) : protocol;
  const fd = prim.socket(prim.domain_num(domain)!, prim.type_num(type)!, prim.protocol_num(proto === 'default' ? 0 : proto)!);
  if (fd < 0) return posix(fd);
  return wrap(fd, domain, type, proto, opts, 'normal', owner);
}

function open_fd(fd: number, opts: OpenOpts, owner: Pid): ['ok', Socket] | Error {
  if (!Number.isInteger(fd)) return badarg();
  const read = (opt: string): number | undefined => {
    if (fd < 0) return undefined;
    const r = prim.getopt_int(fd, prim.constants.SOL_SOCKET!, prim.constants[opt]!);
    return typeof r === 'number' ? undefined : r.int;
  };
  const dn = read('SO_DOMAIN');
  const tn = read('SO_TYPE');
  const pn = read('SO_PROTOCOL');
  // What OTP 25 answers when it cannot learn the domain from the fd (e.g. open(-1)).
  if (dn === undefined || tn === undefined || pn === undefined) return ['error', ['invalid', ['options', 'domain', opts]]];
  const domain = typeof opts.domain === 'string' ? opts.domain : String(prim.domain_name(dn));
  const type = typeof opts.type === 'string' ? opts.type : String(prim.type_name(tn));
  const protocol = typeof opts.protocol === 'string' ? opts.protocol : domain === 'local' ? 'default' : String(prim.protocol_name(pn));
  return wrap(fd, domain, type, protocol, opts, ['fromfd', fd], owner);
}

function wrap(fd: number, domain: string, type: string, protocol: string, opts: OpenOpts,
  ctype: 'normal' | ['fromfd', number], owner: Pid): ['ok', Socket] | Error {
  const use_reg = typeof opts.use_registry === 'boolean' ? opts.use_registry : registry.default_on();
  const sock = make_socket(fd, domain, type, protocol, owner, use_reg, ctype);
  if (typeof sock === 'number') {
    if (ctype === 'normal') prim.close(fd); // an fd given to open(FD) stays the caller's
    return posix(sock);
  }
  if (opts.debug === true) sock.state.debug = true;
  return ['ok', sock];
}

/**
 * bind(S, Addr): Addr is a sockaddr map ({family, addr?, port?}; addr may be 'any' or
 * 'loopback') or the bare atom 'any' / 'loopback'.
 */
export function bind(s: Socket, a: unknown): 'ok' | Error {
  const sock = sock_of(s);
  const st = sock.state;
  let sa: SockAddr | undefined;
  if (Array.isArray(a)) return raise_invalid(['sockaddr', a]);
  if (a === 'any' || a === 'loopback') sa = addr.from_atom(a, st.domain);
  else sa = addr.normalize(a);
  if (st.closed) return CLOSED;
  if (sa === undefined) return ['error', ['invalid', ['sockaddr', a]]];
  const r = sys_with_addr(() => prim.bind(st.fd, sa!));
  if (r < 0) return posix(r);
  st.bound = true;
  return 'ok';
}

/** listen(S[, Backlog = 5]). */
export function listen(s: Socket, backlog: number = 5): 'ok' | Error {
  const sock = sock_of(s);
  if (typeof backlog !== 'number' || !Number.isInteger(backlog)) return badarg();
  const st = sock.state;
  if (st.closed) return CLOSED;
  const r = prim.listen(st.fd, backlog);
  if (r < 0) return posix(r);
  st.listening = true;
  return 'ok';
}

/** close(S): any process may close. Waiters get the abort message, monitors fire. */
export function close(s: Socket): 'ok' | Error {
  const sock = sock_of(s);
  if (sock.state.closed) return CLOSED;
  close_socket(sock);
  return 'ok';
}

const HOW: Record<string, number> = { read: prim.SHUT_RD, write: prim.SHUT_WR, read_write: prim.SHUT_RDWR };

/** shutdown(S, read | write | read_write). */
export function shutdown(s: Socket, how: 'read' | 'write' | 'read_write'): 'ok' | Error {
  const sock = sock_of(s);
  const h = typeof how === 'string' && Object.prototype.hasOwnProperty.call(HOW, how) ? HOW[how] : undefined;
  if (h === undefined) return raise_invalid(['how', how]);
  const st = sock.state;
  if (st.closed) return CLOSED;
  const r = prim.shutdown(st.fd, h);
  return r < 0 ? posix(r) : 'ok';
}

export function sockname(s: Socket): ['ok', SockAddr] | Error {
  const st = sock_of(s).state;
  if (st.closed) return CLOSED;
  const r = prim.sockname(st.fd);
  return typeof r === 'number' ? posix(r) : ['ok', r as SockAddr];
}

export function peername(s: Socket): ['ok', SockAddr] | Error {
  const st = sock_of(s).state;
  if (st.closed) return CLOSED;
  const r = prim.peername(st.fd);
  return typeof r === 'number' ? posix(r) : ['ok', r as SockAddr];
}

// ---- the operation queues: the nowait core ---------------------------------------------

/**
 * Someone else's operation is current on q: the caller waits its turn and gets a select
 * now; a caller already queued gets OTP's {invalid, state} exception.
 */
function enqueue(sock: Sock, q: Q, pid: Pid, handle: Ref | null, tag: SelectTag): Select {
  const h = handle ?? make_ref();
  const adm = q.admit(pid, h);
  if (adm === 'invalid_state') return raise_invalid('state');
  watch_waiter(sock, q.last());
  return ['select', select_info(tag, h)];
}

/**
 * The caller's operation must wait for readiness: it becomes (or stays) current. Returns
 * the handle: the caller's, or a fresh Ref made only now (a call that completes at once
 * never makes one).
 */
function park(sock: Sock, q: Q, pid: Pid, handle: Ref | null): Ref {
  const h = handle ?? make_ref();
  watch_waiter(sock, q.park(pid, h));
  return h;
}

// A scratch area for reads: data is copied out at its exact size, so a 64-byte message
// costs a 64-byte Buffer, not an 8 KiB one.
let scratch = Buffer.allocUnsafe(65536);
function scratch_of(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(n);
  return scratch;
}
function take(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  scratch.copy(out, 0, 0, n);
  return out;
}

type ReadKind = 'recv' | 'recvfrom';

/**
 * One read attempt (recv, recvfrom) with the caller's handle: the data, a select (with
 * the partial data of a short stream read for Length > 0), or an error. The nowait form.
 */
function read_now(sock: Sock, len: number, flags: number, handle: Ref | null, kind: ReadKind):
  ['ok', Buffer] | ['ok', [SockAddr, Buffer]] | Select | SelectWith<Buffer> | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const pid = self();
  const q = st.readq;
  st.counters.read_tries++;
  if (q.current !== null && q.current.pid !== pid) {
    st.rselected = true;
    return enqueue(sock, q, pid, handle, kind);
  }
  const stream = st.type === 'stream';
  const peek = (flags & MSG_PEEK) !== 0;
  if (!st.readable && !peek) {
    // Known empty since the last short read or eagain: the next edge brings the select.
    const h = park(sock, q, pid, handle);
    st.rselected = true;
    return ['select', select_info(kind, h)];
  }
  const want = len === 0 ? st.read_chunk() : len;
  const buf = scratch_of(want);
  const n = kind === 'recv' ? prim.recv(st.fd, buf, 0, want, flags) : prim.recvfrom(st.fd, buf, 0, want, flags);
  if (n > 0 || (n === 0 && !stream)) {
    const got = n > want ? want : n;
    const from = kind === 'recvfrom' ? (stream ? unspec() : (prim.last_addr() as SockAddr)) : null;
    const data = take(got);
    if (stream && got < want && !peek) st.readable = false;
    const c = st.counters;
    c.read_byte += got;
    if (stream && len > 0 && got < len && !peek) {
      // A short read for an exact length: hand back what came, wait for the rest.
      const h = park(sock, q, pid, handle);
      st.rselected = true;
      return ['select', [select_info(kind, h), data]];
    }
    c.read_pkg++;
    if (got > c.read_pkg_max) c.read_pkg_max = got;
    finish(sock, q, pid);
    return kind === 'recv' ? ['ok', data] : ['ok', [from!, data]];
  }
  if (n === 0) {
    finish(sock, q, pid);
    return CLOSED; // the peer closed: EOF
  }
  if (n === EAGAIN) {
    st.readable = false;
    const h = park(sock, q, pid, handle);
    st.rselected = true;
    return ['select', select_info(kind, h)];
  }
  st.counters.read_fails++;
  finish(sock, q, pid);
  return posix(n);
}

const unspec = (): SockAddr => ({ family: 'unspec', addr: Buffer.alloc(0) });

/** One write attempt with the caller's handle: 'ok', a select (with the unsent rest), or an error. */
function write_now(sock: Sock, data: Buffer, flags: number, handle: Ref | null, tag: SelectTag,
  dest: SockAddr | undefined, ctrl?: prim.Cmsg[]): 'ok' | Select | SelectWith<Buffer> | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const pid = self();
  const q = st.writeq;
  st.counters.write_tries++;
  if (q.current !== null && q.current.pid !== pid) {
    st.wselected = true;
    return enqueue(sock, q, pid, handle, tag);
  }
  if (!st.writable) {
    const h = park(sock, q, pid, handle);
    st.wselected = true;
    st.counters.write_waits++;
    return ['select', select_info(tag, h)];
  }
  const len = data.length;
  const n = ctrl !== undefined ? sys_with_addr(() => prim.sendmsg(st.fd, [data], dest as prim.SockAddrIn | undefined, ctrl, flags))
    : dest === undefined ? prim.send(st.fd, data, 0, len, flags) : sys_with_addr(() => prim.sendto(st.fd, data, 0, len, flags, dest));
  if (n === len) {
    const c = st.counters;
    c.write_byte += n;
    c.write_pkg++;
    if (n > c.write_pkg_max) c.write_pkg_max = n;
    finish(sock, q, pid);
    return 'ok';
  }
  if (n >= 0 || n === EAGAIN) {
    st.writable = false;
    const h = park(sock, q, pid, handle);
    st.wselected = true;
    st.counters.write_waits++;
    if (n <= 0) return ['select', select_info(tag, h)];
    st.counters.write_byte += n;
    return ['select', [select_info(tag, h), data.subarray(n)]];
  }
  st.counters.write_fails++;
  finish(sock, q, pid);
  return posix(n);
}

/** One accept attempt with the caller's handle. */
function accept_now(sock: Sock, handle: Ref | null): ['ok', Socket] | Select | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const pid = self();
  const q = st.accq;
  const c = st.counters;
  c.acc_tries++;
  if (q.current !== null && q.current.pid !== pid) {
    st.rselected = true;
    return enqueue(sock, q, pid, handle, 'accept');
  }
  if (!st.readable && st.listening) {
    const h = park(sock, q, pid, handle);
    st.rselected = true;
    return ['select', select_info('accept', h)];
  }
  const fd = prim.accept(st.fd);
  if (fd >= 0) {
    const a = make_socket(fd, st.domain, st.type, st.protocol, pid, st.registered);
    if (typeof a === 'number') {
      prim.close(fd);
      c.acc_fails++;
      finish(sock, q, pid);
      return posix(a);
    }
    c.acc_success++;
    st.connected = true; // OTP 25 marks the listener so (wstates [connected]).
    finish(sock, q, pid);
    return ['ok', a];
  }
  if (fd === EAGAIN) {
    st.readable = false;
    const h = park(sock, q, pid, handle);
    st.rselected = true;
    c.acc_waits++;
    return ['select', select_info('accept', h)];
  }
  c.acc_fails++;
  finish(sock, q, pid);
  return posix(fd);
}

// ---- blocking = nowait + receive ----------------------------------------------------------

const SELECTED = 1;
const ABORTED = 2;
const TIMED_OUT = 3;

/** Waits for this handle's select or abort message, or the deadline. */
function* wait_select(sock: Sock, handle: Ref, deadline: number): Proc<number> {
  const ms = deadline === Infinity ? 'infinity' : Math.max(0, deadline - Date.now());
  return yield* receive(
    on(['$socket', sock, 'select', handle], () => SELECTED),
    on(['$socket', sock, 'abort', [handle, _]], () => ABORTED),
    after(ms, () => TIMED_OUT),
  );
}

function deadline_of(t: number | 'infinity'): number {
  return t === 'infinity' ? Infinity : Date.now() + t;
}

/** The handle for a nowait-form call: the caller's Ref, or a fresh one. */
function handle_of(t: Timeout): Ref | null {
  return t instanceof Ref ? t : null;
}

// ---- accept --------------------------------------------------------------------------------

/**
 * accept(L[, Timeout = 'infinity']) → ['ok', Socket] | ['select', SelectInfo] | ['error', R].
 * The caller owns the new socket.
 */
export function* accept(l: Socket, timeout: Timeout = 'infinity'): Proc<['ok', Socket] | Select | Error> {
  const sock = sock_of(l);
  const t = check_timeout(timeout);
  if (t === 'nowait' || t instanceof Ref) return accept_now(sock, handle_of(t));
  const deadline = deadline_of(t);
  for (;;) {
    const r = accept_now(sock, null);
    if (r[0] !== 'select') return r;
    const got = t === 0 ? TIMED_OUT : yield* wait_select(sock, r[1][2], deadline);
    if (got === ABORTED) return CLOSED;
    if (got === TIMED_OUT) {
      cancel(sock, r[1]);
      return ['error', 'timeout'];
    }
  }
}

// ---- connect -------------------------------------------------------------------------------

function connect_now(sock: Sock, sa: SockAddr, handle: Ref | null): 'ok' | Select | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const r = sys_with_addr(() => prim.connect(st.fd, sa));
  if (r === 0) {
    st.connected = true;
    return 'ok';
  }
  if (r === EINPROGRESS) {
    st.connecting = true;
    st.wselected = true;
    st.writable = false;
    const h = park(sock, st.connq, self(), handle);
    return ['select', select_info('connect', h)];
  }
  if (r === EISCONN && st.connected && !st.listening) return 'ok';
  return posix(r);
}

/** connect/1: completes a nowait connect after its select message. */
function connect_finish(sock: Sock): 'ok' | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const pid = self();
  const w = st.connq.current;
  if (w === null || w.pid !== pid) return raise_invalid('state');
  const r = prim.connect_result(st.fd);
  st.connq.done(pid);
  st.connecting = false;
  if (r < 0) return posix(r);
  st.connected = true;
  st.writable = true;
  return 'ok';
}

/**
 * connect(S, SockAddr[, Timeout = 'infinity']) → 'ok' | ['select', SelectInfo] | ['error', R];
 * connect(S) finishes a nowait connect once its select message has arrived.
 */
export function connect(s: Socket): Proc<'ok' | Error>;
export function connect(s: Socket, sa: unknown, timeout?: Timeout): Proc<'ok' | Select | Error>;
export function* connect(s: Socket, sa?: unknown, timeout: Timeout = 'infinity'): Proc<'ok' | Select | Error> {
  const sock = sock_of(s);
  if (sa === undefined) return connect_finish(sock);
  const t = check_timeout(timeout);
  const dest = addr.normalize(sa);
  if (dest === undefined) return raise_invalid(['sockaddr', sa]);
  if (t === 'nowait' || t instanceof Ref) return connect_now(sock, dest, handle_of(t));
  const r = connect_now(sock, dest, null);
  if (r === 'ok' || r[0] !== 'select') return r;
  const got = t === 0 ? TIMED_OUT : yield* wait_select(sock, r[1][2], deadline_of(t));
  if (got === ABORTED) return CLOSED;
  if (got === TIMED_OUT) {
    cancel(sock, r[1]);
    return ['error', 'timeout'];
  }
  return connect_finish(sock);
}

// ---- send, sendto, sendmsg -------------------------------------------------------------------

type SendResult = 'ok' | Select | SelectWith<Buffer> | Error;

/** The blocking loop shared by send and sendto: resend the rest after each select. */
function* write_loop(sock: Sock, data: Buffer, flags: number, t: number | 'infinity', tag: SelectTag,
  dest: SockAddr | undefined, ctrl?: prim.Cmsg[]): Proc<'ok' | Error> {
  const deadline = deadline_of(t);
  let rest = data;
  let sent_some = false;
  for (;;) {
    const r = write_now(sock, rest, flags, null, tag, dest, sent_some ? undefined : ctrl);
    if (r === 'ok') return r;
    if (r[0] === 'error') {
      return r[1] === 'closed' && sent_some ? ['error', ['closed', rest]] : (r as Error);
    }
    let si: SelectInfo<Ref>;
    if (r[1][0] === 'select_info') si = r[1] as SelectInfo<Ref>;
    else {
      const [info, left] = r[1] as [SelectInfo<Ref>, Buffer];
      si = info;
      rest = left;
      sent_some = true;
    }
    const got = t === 0 ? TIMED_OUT : yield* wait_select(sock, si[2], deadline);
    if (got === ABORTED) return sent_some ? ['error', ['closed', rest]] : CLOSED;
    if (got === TIMED_OUT) {
      cancel(sock, si);
      return sent_some ? ['error', ['timeout', rest]] : ['error', 'timeout'];
    }
  }
}

/**
 * send(S, Data[, Flags][, Timeout = 'infinity']) → 'ok' | ['select', SelectInfo] |
 * ['select', [SelectInfo, RestData]] | ['error', Reason] (['error', ['timeout', Rest]] when
 * part was written). Data is iodata. The select tag is ['send', 0], as OTP 25's.
 */
export function send(s: Socket, data: unknown, timeout?: Timeout): Proc<SendResult>;
export function send(s: Socket, data: unknown, flags: string[], timeout?: Timeout): Proc<SendResult>;
export function* send(s: Socket, data: unknown, a?: unknown, b?: unknown): Proc<SendResult> {
  const sock = sock_of(s);
  const buf = iodata(data);
  const has_flags = Array.isArray(a);
  const timeout = check_timeout(has_flags ? (b ?? 'infinity') : (a ?? 'infinity'));
  const bits = has_flags ? flag_bits(a, SEND_FLAGS) : 0;
  if (typeof bits !== 'number') return bits;
  if (timeout === 'nowait' || timeout instanceof Ref) return write_now(sock, buf, bits, handle_of(timeout), SEND_TAG, undefined);
  return yield* write_loop(sock, buf, bits, timeout, SEND_TAG, undefined);
}

const SEND_TAG: SelectTag = ['send', 0];
const SENDTO_TAG: SelectTag = ['sendto', 0];

/** sendto(S, Data, Dest[, Flags][, Timeout = 'infinity']): as send, to Dest. */
export function sendto(s: Socket, data: unknown, dest: unknown, timeout?: Timeout): Proc<SendResult>;
export function sendto(s: Socket, data: unknown, dest: unknown, flags: string[], timeout?: Timeout): Proc<SendResult>;
export function* sendto(s: Socket, data: unknown, dest: unknown, a?: unknown, b?: unknown): Proc<SendResult> {
  const sock = sock_of(s);
  const buf = iodata(data);
  const sa = addr.normalize(dest, true);
  if (sa === undefined) return raise_invalid(['sockaddr', dest]);
  const has_flags = Array.isArray(a);
  const timeout = check_timeout(has_flags ? (b ?? 'infinity') : (a ?? 'infinity'));
  const bits = has_flags ? flag_bits(a, SEND_FLAGS) : 0;
  if (typeof bits !== 'number') return bits;
  if (timeout === 'nowait' || timeout instanceof Ref) return write_now(sock, buf, bits, handle_of(timeout), SENDTO_TAG, sa);
  return yield* write_loop(sock, buf, bits, timeout, SENDTO_TAG, sa);
}

/**
 * sendmsg's ctrl list → control messages: the ones OTP encodes by value, ip tos and ttl and
 * ipv6 tclass and hoplimit (integers); undefined for anything else.
 */
function encode_ctrl(list: unknown): prim.Cmsg[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const K = prim.constants;
  const known: Record<string, [number | undefined, number | undefined]> = {
    'ip:tos': [K.IPPROTO_IP, K.IP_TOS], 'ip:ttl': [K.IPPROTO_IP, K.IP_TTL],
    'ipv6:tclass': [K.IPPROTO_IPV6, K.IPV6_TCLASS], 'ipv6:hoplimit': [K.IPPROTO_IPV6, K.IPV6_HOPLIMIT],
  };
  const out: prim.Cmsg[] = [];
  for (const c of list) {
    if (c === null || typeof c !== 'object') return undefined;
    const m = c as { level?: unknown; type?: unknown; value?: unknown; data?: unknown };
    const k = known[`${String(m.level)}:${String(m.type)}`];
    if (k === undefined || k[0] === undefined || k[1] === undefined) return undefined;
    let data: Buffer;
    if (Buffer.isBuffer(m.data)) data = m.data;
    else if (typeof m.value === 'number' && Number.isInteger(m.value)) {
      data = Buffer.alloc(4);
      data.writeInt32LE(m.value, 0);
    } else return undefined;
    out.push({ level: k[0], type: k[1], data });
  }
  return out;
}

type SendmsgResult = 'ok' | Select | SelectWith<Buffer[]> | Error;

/**
 * sendmsg(S, #{iov, addr?, ctrl?}[, Flags][, Timeout = 'infinity']). The rest of a partial
 * write comes back as a list of binaries, as OTP's does. ctrl entries: ip tos/ttl and
 * ipv6 tclass/hoplimit with an integer value (or raw data); others give
 * ['error', ['invalid', ['ctrl', Ctrl]]].
 */
export function sendmsg(s: Socket, msg: MsgSend, timeout?: Timeout): Proc<SendmsgResult>;
export function sendmsg(s: Socket, msg: MsgSend, flags: string[], timeout?: Timeout): Proc<SendmsgResult>;
export function* sendmsg(s: Socket, msg: MsgSend, a?: unknown, b?: unknown): Proc<SendmsgResult> {
  const sock = sock_of(s);
  if (msg === null || typeof msg !== 'object' || !('iov' in msg)) return badarg();
  const iov: unknown = msg.iov;
  if (!Array.isArray(iov)) return ['error', ['invalid', ['iov', ['improper_list', 0]]]];
  const buf = iodata(iov);
  let dest: SockAddr | undefined;
  if (msg.addr !== undefined) {
    dest = addr.normalize(msg.addr, true);
    if (dest === undefined) return raise_invalid(['sockaddr', msg.addr]);
  }
  let ctrl: prim.Cmsg[] | undefined;
  if (msg.ctrl !== undefined) {
    ctrl = encode_ctrl(msg.ctrl);
    if (ctrl === undefined) return ['error', ['invalid', ['ctrl', msg.ctrl]]];
  }
  const has_flags = Array.isArray(a);
  const timeout = check_timeout(has_flags ? (b ?? 'infinity') : (a ?? 'infinity'));
  const bits = has_flags ? flag_bits(a, SEND_FLAGS) : 0;
  if (typeof bits !== 'number') return bits;
  const tag: SelectTag = ['sendmsg', 0];
  let r: SendResult;
  if (timeout === 'nowait' || timeout instanceof Ref) r = write_now(sock, buf, bits, handle_of(timeout), tag, dest, ctrl);
  else r = yield* write_loop(sock, buf, bits, timeout, tag, dest, ctrl);
  // Rests as iov lists.
  if (r !== 'ok' && r[0] === 'select' && r[1][0] !== 'select_info') {
    const [si, rest] = r[1] as [SelectInfo<Ref>, Buffer];
    return ['select', [si, [rest]]];
  }
  if (r !== 'ok' && r[0] === 'error' && Array.isArray(r[1]) && Buffer.isBuffer(r[1][1])) {
    return ['error', [r[1][0], [r[1][1]]]];
  }
  return r as SendmsgResult;
}

// ---- recv, recvfrom, recvmsg ----------------------------------------------------------------

type RecvResult<T> = ['ok', T] | Select | SelectWith<Buffer> | Error;

/** recv/recvfrom's Length: an integer >= 0, else badarg. */
function read_len(len: unknown): number {
  if (typeof len !== 'number' || !Number.isInteger(len) || len < 0) return badarg();
  return len;
}

/** The blocking loop of recv and recvfrom: accumulate a short stream read until Length. */
function* read_loop(sock: Sock, len: number, flags: number, t: number | 'infinity', kind: ReadKind):
  Proc<['ok', Buffer] | ['ok', [SockAddr, Buffer]] | Error> {
  const deadline = deadline_of(t);
  let acc: Buffer | null = null;
  for (;;) {
    const r = read_now(sock, acc === null ? len : len - acc.length, flags, null, kind);
    if (r[0] === 'ok') {
      if (acc === null) return r;
      if (kind === 'recv') return ['ok', Buffer.concat([acc, r[1] as Buffer])];
      const [from, d] = r[1] as [SockAddr, Buffer];
      return ['ok', [from, Buffer.concat([acc, d])]];
    }
    if (r[0] === 'error') return r[1] === 'closed' && acc !== null ? ['error', ['closed', acc]] : r;
    let si: SelectInfo<Ref>;
    if (r[1][0] === 'select_info') si = r[1] as SelectInfo<Ref>;
    else {
      const [info, part] = r[1] as [SelectInfo<Ref>, Buffer];
      si = info;
      acc = acc === null ? part : Buffer.concat([acc, part]);
    }
    if (t === 0) {
      // A poll: a short read is a result.
      cancel(sock, si);
      if (acc === null) return ['error', 'timeout'];
      return kind === 'recv' ? ['ok', acc] : ['ok', [unspec(), acc]];
    }
    const got = yield* wait_select(sock, si[2], deadline);
    if (got === ABORTED) return acc === null ? CLOSED : ['error', ['closed', acc]];
    if (got === TIMED_OUT) {
      cancel(sock, si);
      return acc === null ? ['error', 'timeout'] : ['error', ['timeout', acc]];
    }
  }
}

/**
 * recv(S[, Length = 0][, Flags][, Timeout = 'infinity']) → ['ok', Data] | select forms |
 * ['error', Reason]. Length 0 on a stream returns what is there, at most {otp, rcvbuf}
 * bytes (8192 by default); Length N waits for exactly N bytes.
 */
export function recv(s: Socket, len?: number, timeout?: Timeout): Proc<RecvResult<Buffer>>;
export function recv(s: Socket, len: number, flags: string[], timeout?: Timeout): Proc<RecvResult<Buffer>>;
export function* recv(s: Socket, len: unknown = 0, a?: unknown, b?: unknown): Proc<RecvResult<Buffer>> {
  const sock = sock_of(s);
  const n = read_len(len);
  const has_flags = Array.isArray(a);
  if (!has_flags && b !== undefined) return badarg();
  const t = check_timeout(has_flags ? (b ?? 'infinity') : (a ?? 'infinity'));
  const bits = has_flags ? flag_bits(a, RECV_FLAGS) : 0;
  if (typeof bits !== 'number') return bits;
  if (t === 'nowait' || t instanceof Ref) return read_now(sock, n, bits, handle_of(t), 'recv') as RecvResult<Buffer>;
  return (yield* read_loop(sock, n, bits, t, 'recv')) as RecvResult<Buffer>;
}

/** recvfrom(S[, Length][, Flags][, Timeout]) → ['ok', [Source, Data]] | ...; TCP's source is unspec. */
export function recvfrom(s: Socket, len?: number, timeout?: Timeout): Proc<RecvResult<[SockAddr, Buffer]>>;
export function recvfrom(s: Socket, len: number, flags: string[], timeout?: Timeout): Proc<RecvResult<[SockAddr, Buffer]>>;
export function* recvfrom(s: Socket, len: unknown = 0, a?: unknown, b?: unknown): Proc<RecvResult<[SockAddr, Buffer]>> {
  const sock = sock_of(s);
  const n = read_len(len);
  const has_flags = Array.isArray(a);
  if (!has_flags && b !== undefined) return badarg();
  const t = check_timeout(has_flags ? (b ?? 'infinity') : (a ?? 'infinity'));
  const bits = has_flags ? flag_bits(a, RECV_FLAGS) : 0;
  if (typeof bits !== 'number') return bits;
  if (t === 'nowait' || t instanceof Ref) return read_now(sock, n, bits, handle_of(t), 'recvfrom') as RecvResult<[SockAddr, Buffer]>;
  return (yield* read_loop(sock, n, bits, t, 'recvfrom')) as RecvResult<[SockAddr, Buffer]>;
}

const MSG_TRUNC = prim.constants.MSG_TRUNC ?? 0x20;
const RESULT_FLAGS = ['eor', 'trunc', 'ctrunc', 'oob', 'errqueue'];

/** One recvmsg attempt with the caller's handle. */
function recvmsg_now(sock: Sock, bufsz: number, ctrlsz: number, flags: number, handle: Ref | null): ['ok', MsgRecv] | Select | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const pid = self();
  const q = st.readq;
  st.counters.read_tries++;
  if (q.current !== null && q.current.pid !== pid) {
    st.rselected = true;
    return enqueue(sock, q, pid, handle, 'recvmsg');
  }
  const stream = st.type === 'stream';
  const want = bufsz === 0 ? st.read_chunk() : bufsz;
  const r = st.readable || (flags & MSG_PEEK) !== 0
    ? prim.recvmsg(st.fd, want, ctrlsz === 0 ? st.rcvctrlbuf : ctrlsz, flags)
    : EAGAIN;
  if (typeof r === 'number') {
    if (r === EAGAIN) {
      st.readable = false;
      const h = park(sock, q, pid, handle);
      st.rselected = true;
      return ['select', select_info('recvmsg', h)];
    }
    st.counters.read_fails++;
    finish(sock, q, pid);
    return posix(r);
  }
  if (stream && r.n === 0) {
    finish(sock, q, pid);
    return CLOSED;
  }
  if (stream && r.data.length < want) st.readable = false;
  const c = st.counters;
  c.read_byte += r.data.length;
  c.read_pkg++;
  if (r.data.length > c.read_pkg_max) c.read_pkg_max = r.data.length;
  finish(sock, q, pid);
  // Only the result flags recvmsg(2) reports; the addon's own MSG_CMSG_CLOEXEC is not one.
  const out_flags = prim.msg_flags_names(r.flags).filter((f) => RESULT_FLAGS.includes(f));
  if ((r.flags & MSG_TRUNC) !== 0 && !out_flags.includes('trunc')) out_flags.push('trunc');
  const out: MsgRecv = { iov: [r.data], ctrl: r.ctrl.map(decode_cmsg), flags: out_flags };
  if (!stream) out.addr = r.addr as SockAddr;
  return ['ok', out];
}

/** A control message as OTP shows it: level, type, raw data, and the decoded value where known. */
function decode_cmsg(c: prim.Cmsg): Record<string, unknown> {
  const level = prim.level_name(c.level);
  const K = prim.constants;
  let type: string | number = c.type;
  let value: unknown;
  if (c.level === K.IPPROTO_IP) {
    if (c.type === K.IP_TTL) { type = 'ttl'; value = c.data.readInt32LE(0); }
    else if (c.type === K.IP_TOS) { type = 'tos'; value = c.data[0]; }
    else if (c.type === K.IP_PKTINFO && c.data.length >= 12) {
      type = 'pktinfo';
      value = { ifindex: c.data.readInt32LE(0), spec_dst: [...c.data.subarray(4, 8)], addr: [...c.data.subarray(8, 12)] };
    }
  } else if (c.level === K.SOL_SOCKET && c.type === K.SO_TIMESTAMP && c.data.length >= 16) {
    type = 'timestamp';
    value = { sec: Number(c.data.readBigInt64LE(0)), usec: Number(c.data.readBigInt64LE(8)) };
  }
  const m: Record<string, unknown> = { level, type, data: c.data };
  if (value !== undefined) m.value = value;
  return m;
}

/**
 * recvmsg(S[, Flags][, Timeout]) / recvmsg(S, BufSz, CtrlSz[, Flags][, Timeout]) →
 * ['ok', {addr?, iov, ctrl, flags}] | select forms | ['error', R]. TCP results have no addr.
 */
export function recvmsg(s: Socket, timeout?: Timeout): Proc<['ok', MsgRecv] | Select | Error>;
export function recvmsg(s: Socket, flags: string[], timeout?: Timeout): Proc<['ok', MsgRecv] | Select | Error>;
export function recvmsg(s: Socket, bufsz: number, ctrlsz: number, timeout?: Timeout): Proc<['ok', MsgRecv] | Select | Error>;
export function recvmsg(s: Socket, bufsz: number, ctrlsz: number, flags: string[], timeout?: Timeout): Proc<['ok', MsgRecv] | Select | Error>;
export function* recvmsg(s: Socket, a?: unknown, b?: unknown, c?: unknown, d?: unknown): Proc<['ok', MsgRecv] | Select | Error> {
  const sock = sock_of(s);
  let bufsz = 0;
  let ctrlsz = 0;
  let flags: unknown = [];
  let tv: unknown = 'infinity';
  if (typeof a === 'number' && typeof b === 'number') {
    if (!Number.isInteger(a) || a < 0 || !Number.isInteger(b) || b < 0) return badarg();
    bufsz = a;
    ctrlsz = b;
    if (Array.isArray(c)) { flags = c; tv = d ?? 'infinity'; } else tv = c ?? 'infinity';
  } else if (Array.isArray(a)) { flags = a; tv = b ?? 'infinity'; } else tv = a ?? 'infinity';
  const t = check_timeout(tv);
  const bits = flag_bits(flags, RECV_FLAGS);
  if (typeof bits !== 'number') return bits;
  if (t === 'nowait' || t instanceof Ref) return recvmsg_now(sock, bufsz, ctrlsz, bits, handle_of(t));
  const deadline = deadline_of(t);
  for (;;) {
    const r = recvmsg_now(sock, bufsz, ctrlsz, bits, null);
    if (r[0] !== 'select') return r;
    const got = t === 0 ? TIMED_OUT : yield* wait_select(sock, r[1][2], deadline);
    if (got === ABORTED) return CLOSED;
    if (got === TIMED_OUT) {
      cancel(sock, r[1]);
      return ['error', 'timeout'];
    }
  }
}

// ---- cancel ----------------------------------------------------------------------------------

function queue_of(st: State, tag: unknown): Q | undefined {
  if (tag === 'accept') return st.accq;
  if (tag === 'recv' || tag === 'recvfrom' || tag === 'recvmsg') return st.readq;
  if (tag === 'connect') return st.connq;
  if (Array.isArray(tag) && (tag[0] === 'send' || tag[0] === 'sendto' || tag[0] === 'sendmsg')) return st.writeq;
  return undefined;
}

/**
 * cancel(S, SelectInfo) → 'ok' | ['error', ['invalid', SelectInfo]] | ['error', 'closed'].
 * After 'ok' no select or abort message for that handle is in the mailbox or will come:
 * one already delivered is removed. The next queued caller, if any, takes over.
 */
export function cancel(s: Socket, si: SelectInfo<unknown>): 'ok' | Error {
  const sock = sock_of(s);
  if (!Array.isArray(si) || si.length !== 3 || si[0] !== 'select_info') return badarg();
  const st = sock.state;
  if (st.closed) return CLOSED;
  const q = queue_of(st, si[1]);
  const pid = self();
  const res = q === undefined ? null : q.cancel(pid, si[2] as Ref);
  if (res === null) return ['error', ['invalid', si]];
  if (res.removed.signalled) mailbox_remove(pid, (m) => is_select_message(m, sock, si[2]));
  if (q === st.connq) st.connecting = false;
  promoted(sock, q!, res.promoted);
  return 'ok';
}

// ---- options ----------------------------------------------------------------------------------

type OptResult = ['ok', unknown] | Error;

const OTP_GET = ['debug', 'iow', 'controlling_process', 'rcvbuf', 'rcvctrlbuf', 'sndctrlbuf', 'fd', 'meta', 'use_registry', 'domain'];

/**
 * getopt(S, Level, Opt) or getopt(S, [Level, Opt]) → ['ok', Value] | ['error', Reason].
 * Levels: otp, socket, ip, ipv6, tcp, udp (see docs/SOCKET.md for the options).
 */
export function getopt(s: Socket, level: string, opt: string): OptResult;
export function getopt(s: Socket, levelOpt: [string, string]): OptResult;
export function getopt(s: Socket, a: unknown, b?: unknown): OptResult {
  const sock = sock_of(s);
  const [level, opt] = b === undefined && Array.isArray(a) && a.length === 2 ? [a[0], a[1]] : [a, b];
  const st = sock.state;
  if (level === 'otp') {
    if (typeof opt !== 'string' || !OTP_GET.includes(opt)) return options.invalid_option(level, opt);
    if (st.closed) return CLOSED;
    switch (opt) {
      case 'debug': return ['ok', st.debug];
      case 'iow': return ['ok', st.iow];
      case 'controlling_process': return ['ok', st.owner];
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

// ---- registry, info, i ---------------------------------------------------------------------------

/** number_of() → how many open sockets are in the registry. */
export function number_of(): number {
  return registry.count();
}

const FILTER_DOMAINS = ['inet', 'inet6', 'local'];
const FILTER_TYPES = ['stream', 'dgram', 'seqpacket', 'raw'];
const FILTER_PROTOCOLS = ['tcp', 'udp', 'sctp', 'ip', 'icmp', 'default'];

type SocketFilter = string | Pid | ((info: SocketInfo<Pid>) => boolean);

/**
 * which_sockets() / which_sockets(Filter): registered sockets, filtered by a domain, type
 * or protocol atom, an owner pid, or a predicate on info(S). An unknown atom raises badarg.
 */
export function which_sockets(filter?: SocketFilter): Socket[] {
  const all = registry.all() as Sock[];
  if (filter === undefined) return all;
  if (filter instanceof Pid) return all.filter((s) => s.state.owner === filter);
  if (typeof filter === 'function') return all.filter((s) => filter(socket_info(s)));
  if (FILTER_DOMAINS.includes(filter as string)) return all.filter((s) => s.state.domain === filter);
  if (FILTER_TYPES.includes(filter as string)) return all.filter((s) => s.state.type === filter);
  if (FILTER_PROTOCOLS.includes(filter as string)) return all.filter((s) => s.state.protocol === filter);
  return badarg();
}

/** use_registry(Bool): the default for sockets opened from now on. */
export function use_registry(on: boolean): 'ok' {
  if (typeof on !== 'boolean') return raise('function_clause');
  registry.set_default(on);
  return 'ok';
}

/** info() → the module's global info map; info(S) → the socket's (works after close too). */
export function info(): ReturnType<typeof global_info>;
export function info(s: Socket): SocketInfo<Pid>;
export function info(s?: Socket): SocketInfo<Pid> | ReturnType<typeof global_info> {
  if (s === undefined) return global_info();
  return socket_info(sock_of(s));
}

/**
 * i() / i(InfoKeys) / i(Filter) / i(Filter, InfoKeys): prints a table of the registered
 * sockets, as OTP's socket:i/0..2 do. Filter is a domain, type or protocol atom.
 */
export function i(a?: unknown, b?: unknown): 'ok' {
  let filter: string | undefined;
  let keys: InfoKey[] | undefined;
  if (Array.isArray(a)) keys = a as InfoKey[];
  else if (a !== undefined) {
    filter = a as string;
    if (Array.isArray(b)) keys = b as InfoKey[];
  }
  if (filter !== undefined && ![...FILTER_DOMAINS, ...FILTER_TYPES, ...FILTER_PROTOCOLS].includes(filter)) {
    return raise('function_clause');
  }
  if (keys !== undefined && !keys.every((k) => INFO_KEYS.includes(k))) return raise('function_clause');
  const socks = (filter === undefined ? registry.all() : which_sockets(filter)) as Sock[];
  process.stdout.write(print_table(socks, keys));
  return 'ok';
}

// ---- monitors ----------------------------------------------------------------------------------------

/**
 * monitor(S) → Ref. The caller gets ['DOWN', Ref, 'socket', S, 'closed'] when S closes
 * (at once if it already has).
 */
export function monitor(s: Socket): Ref {
  const sock = sock_of(s);
  const ref = make_ref();
  add_monitor(sock, ref, self());
  return ref;
}

/** cancel_monitor(Ref) → true if the caller's monitor was active, else false. */
export function cancel_monitor(ref: Ref): boolean {
  if (!(ref instanceof Ref)) return badarg();
  return remove_monitor(ref);
}

export { number_of_monitors };

/** which_monitors(S | Pid): the refs of the socket monitors on S, or held by Pid. */
export function which_monitors(target: Socket | Pid): Ref[] {
  if (target instanceof Pid) return monitors_of(target);
  return monitors_of(sock_of(target));
}

/** monitored_by(S): the pids that monitor S. */
export function monitored_by(s: Socket): Pid[] {
  return monitoring_pids(sock_of(s));
}

/** is_socket(T): whether T is a socket term. */
export function is_socket(t: unknown): t is Socket {
  return t instanceof Socket;
}

/** Whether the socket is open; erlsock's helper for tests and tools. */
export function is_open(s: Socket): boolean {
  return !sock_of(s).state.closed;
}

export type { State };
