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
// setopt(S, 'otp', 'owner', Pid) is accepted as the same option: erlsock's one deliberate
// extension over OTP 25, for the Socket Usage guide's echo server (see sockopt.ts).
//
// Syscalls go only through sockets/prim_socket.ts.
import * as prim from './prim_socket';
import * as registry from './registry';
import * as addr from './addr';
import { Socket, to_list } from './socket_term';
import { is_select_message } from './messages';
import { badarg, raise, raise_invalid } from './errors';
import {
  Error, Select, SelectWith, Timeout, CLOSED, posix, sys_with_addr, sock_of, check_timeout, timeout_arg, flags_arg,
  RECV_FLAGS, SEND_FLAGS, iodata, is_int,
} from './args';
import {
  read_now, write_now, accept_now, connect_now, connect_finish, encode_ctrl, recvmsg_now, ReadKind,
} from './io';
import {
  Sock, State, Q, make_socket, close_socket, promoted,
  add_monitor, remove_monitor, number_of_monitors, monitors_of, monitoring_pids,
} from './core';
import { socket_info, global_info, print_table, InfoKey, INFO_KEYS } from './info';
import { Pid, Ref } from '../runtime/terms';
import { self, make_ref } from '../runtime/send';
import { receive, on, after } from '../runtime/receive';
import type { Proc } from '../runtime/receive';
import { done } from '../runtime/done';
import { must_drive } from '../runtime/undriven';
import { mailbox_remove } from '../runtime/hooks';
import type {
  Domain, Type, Protocol, SockAddr, SockAddrInput, SelectInfo, SelectTag, OpenOpts, MsgRecv, MsgSend, SocketInfo, CType,
} from './types';
import { fast_exports } from '../runtime/fast_exports';

export { supports, is_supported } from './supports';
export { SocketError, ErlangError } from './errors';
export { to_list };
export type { Socket } from './socket_term';
export type { Error, Select, SelectWith, Timeout } from './args';
export { getopt, setopt, getopt_native, setopt_native } from './sockopt';
export type { OptResult } from './sockopt';
export type {
  Domain, Type, Protocol, SockAddr, SelectInfo, SelectTag, OpenOpts, MsgRecv, MsgSend, SocketInfo, CType,
} from './types';

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
 * open(FD[, Opts]) wraps an existing socket fd: domain, type and protocol are read from
 * the fd unless Opts names them. As in OTP 25 the socket uses a dup of FD (info ctype
 * ['fromfd', FD]), unless Opts has `dup: false`: then it uses FD itself (ctype 'fromfd').
 * Either way FD stays the caller's: closing the socket closes the dup, or with dup false
 * nothing (OTP 25 leaves FD open). FD is made non-blocking (a flag its dup shares).
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
  if (!is_int(fd)) return badarg();
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
  // OTP 25 dups unless dup is exactly false (#{dup => maybe} dups too).
  if (opts.dup === false) {
    const r = prim.set_nonblock(fd);
    return r < 0 ? posix(r) : wrap(fd, domain, type, protocol, opts, 'fromfd', owner);
  }
  const nfd = prim.dup(fd);
  if (nfd < 0) return posix(nfd);
  return wrap(nfd, domain, type, protocol, opts, ['fromfd', fd], owner);
}

function wrap(fd: number, domain: string, type: string, protocol: string, opts: OpenOpts,
  ctype: CType, owner: Pid): ['ok', Socket] | Error {
  const use_reg = typeof opts.use_registry === 'boolean' ? opts.use_registry : registry.default_on();
  const sock = make_socket(fd, domain, type, protocol, owner, use_reg, ctype);
  if (typeof sock === 'number') {
    if (ctype !== 'fromfd') prim.close(fd); // ours (new or a dup); an fd used as is stays the caller's
    return posix(sock);
  }
  if (opts.debug === true) sock.state.debug = true;
  return ['ok', sock];
}

/**
 * bind(S, Addr): Addr is a sockaddr map ({family, addr?, port?}; addr may be 'any' or
 * 'loopback') or the bare atom 'any' / 'loopback'. A map OTP 25 refuses (a key its family
 * does not have, a value that does not fit) is ['error', ['invalid', Reason]] (addr.ts).
 */
export function bind(s: Socket, a: SockAddrInput | 'any' | 'loopback'): 'ok' | Error {
  const sock = sock_of(s);
  const st = sock.state;
  // A tuple is not an address: OTP 25 raises (a bare atom other than any/loopback, or a
  // bad map, is an error tuple).
  if (Array.isArray(a)) return raise_invalid(['sockaddr', a]);
  const sa = a === 'any' || a === 'loopback' ? addr.from_atom(a, st.domain) ?? (['sockaddr', a] as addr.Refusal) : addr.check(a);
  if (st.closed) return CLOSED;
  if (addr.refused(sa)) return ['error', ['invalid', sa]];
  const r = sys_with_addr(() => prim.bind(st.fd, sa));
  if (r < 0) return posix(r);
  st.bound = true;
  return 'ok';
}

/** listen(S[, Backlog = 5]). */
export function listen(s: Socket, backlog: number = 5): 'ok' | Error {
  const sock = sock_of(s);
  if (!is_int(backlog)) return badarg();
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
  if (r < 0) return posix(r);
  // The calls after a shutdown answer at once (EOF, epipe, einval) and no edge may come to
  // say so: stop believing the socket empty or full.
  st.readable = st.writable = true;
  if (how !== 'write') st.hup = true;
  return 'ok';
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

// ---- blocking = nowait + receive ----------------------------------------------------------

const SELECTED = 1;
const ABORTED = 2;
const TIMED_OUT = 3;

/**
 * Waits for si's select or abort message, or the deadline (a timeout of 0 does not wait).
 * Returns SELECTED, ABORTED (the socket closed), or TIMED_OUT, si then cancelled: every
 * blocking call ends a wait here, and with wait_error.
 */
function* wait_select(sock: Sock, si: SelectInfo<Ref>, t: number | 'infinity', deadline: number): Proc<number> {
  if (t !== 0) {
    const ms = deadline === Infinity ? 'infinity' : Math.max(0, deadline - Date.now());
    const handle = si[2];
    // One clause with a plain predicate rather than two compiled tuple patterns: this runs
    // on every wait of every blocking call.
    const got = yield* receive(
      on((m: unknown) => event_of(m, sock, handle) !== 0, (m: unknown) => event_of(m, sock, handle)),
      after(ms, timed_out),
    );
    if (got !== TIMED_OUT) return got;
  }
  cancel(sock, si);
  return TIMED_OUT;
}

const TIMEOUT: ['error', 'timeout'] = ['error', 'timeout'];

/**
 * How a call ends after a wait that did not select: {error, closed} or {error, timeout},
 * or with what was done so far, {error, {closed | timeout, Rest}}.
 */
function wait_error<R>(got: number, rest: R | null): Error<'closed' | 'timeout' | ['closed' | 'timeout', R]> {
  if (rest === null) return got === ABORTED ? CLOSED : TIMEOUT;
  return ['error', [got === ABORTED ? 'closed' : 'timeout', rest]];
}

const timed_out = (): number => TIMED_OUT;

/** SELECTED for ['$socket', sock, 'select', handle], ABORTED for its abort message, else 0. */
function event_of(m: unknown, sock: Sock, handle: Ref): number {
  if (!Array.isArray(m) || m.length !== 4 || m[0] !== '$socket' || m[1] !== sock) return 0;
  if (m[2] === 'select') return m[3] === handle ? SELECTED : 0;
  if (m[2] === 'abort') {
    const info = m[3] as unknown;
    return Array.isArray(info) && info[0] === handle ? ABORTED : 0;
  }
  return 0;
}

function deadline_of(t: number | 'infinity'): number {
  return t === 'infinity' ? Infinity : Date.now() + t;
}

/**
 * connect's, sendto's and sendmsg's address: what addr.check makes of it. Not a map at all
 * raises {invalid, {sockaddr, SA}}, as OTP 25 does; a map it refuses is the caller's
 * error tuple.
 */
function sockaddr_arg(sa: unknown): SockAddrInput | addr.Refusal {
  if (!addr.is_map(sa)) return raise_invalid(['sockaddr', sa]);
  return addr.check(sa);
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
export function accept(l: Socket, timeout: Timeout = 'infinity'): Proc<['ok', Socket] | Select | Error> {
  const sock = sock_of(l);
  const t = check_timeout(timeout);
  if (t === 'nowait' || t instanceof Ref) return done(accept_now(sock, handle_of(t)));
  const r = accept_now(sock, null);
  if (r[0] !== 'select') return done(r);
  return must_drive(accept_wait(sock, t, r), 'socket:accept');
}

/** A blocking accept after its first attempt returned a select: wait, try again. */
function* accept_wait(sock: Sock, t: number | 'infinity', first: Select): Proc<['ok', Socket] | Select | Error> {
  const deadline = deadline_of(t);
  let r: ['ok', Socket] | Select | Error = first;
  while (r[0] === 'select') {
    const got = yield* wait_select(sock, r[1] as SelectInfo<Ref>, t, deadline);
    if (got !== SELECTED) return wait_error(got, null);
    r = accept_now(sock, null);
  }
  return r;
}

// ---- connect -------------------------------------------------------------------------------

/**
 * connect(S, SockAddr[, Timeout = 'infinity']) → 'ok' | ['select', SelectInfo] | ['error', R];
 * connect(S) finishes a nowait connect once its select message has arrived.
 * SockAddr {family: 'unspec'} is AF_UNSPEC: it dissolves a UDP association (send without
 * an address then gives edestaddrreq, peername enotconn) or disconnects TCP, and is 'ok'.
 * A malformed SockAddr map is ['error', ['invalid', ...]] as in OTP 25; an argument that is
 * not a map raises {invalid, {sockaddr, SA}}.
 */
export function connect(s: Socket): Proc<'ok' | Error>;
export function connect(s: Socket, sa: SockAddrInput, timeout?: Timeout): Proc<'ok' | Select | Error>;
export function connect(s: Socket, sa?: SockAddrInput, timeout: Timeout = 'infinity'): Proc<'ok' | Select | Error> {
  const sock = sock_of(s);
  if (sa === undefined) return done(connect_finish(sock));
  const t = check_timeout(timeout);
  const dest = sockaddr_arg(sa);
  if (addr.refused(dest)) return done(['error', ['invalid', dest]]);
  if (t === 'nowait' || t instanceof Ref) return done(connect_now(sock, dest, handle_of(t)));
  const r = connect_now(sock, dest, null);
  if (r === 'ok' || r[0] !== 'select') return done(r);
  return must_drive(connect_wait(sock, t, r[1] as SelectInfo<Ref>), 'socket:connect');
}

/** A blocking connect in progress: wait for its select, then read how it ended. */
function* connect_wait(sock: Sock, t: number | 'infinity', si: SelectInfo<Ref>): Proc<'ok' | Select | Error> {
  const got = yield* wait_select(sock, si, t, deadline_of(t));
  if (got !== SELECTED) return wait_error(got, null);
  return connect_finish(sock);
}

// ---- send, sendto, sendmsg -------------------------------------------------------------------

type SendResult = 'ok' | Select | SelectWith<Buffer> | Error;

/** The blocking loop shared by send and sendto: resend the rest after each select. */
function* write_loop(sock: Sock, data: Buffer, flags: number, t: number | 'infinity', tag: SelectTag,
  dest: SockAddrInput | undefined, ctrl?: prim.Cmsg[], first?: SendResult): Proc<'ok' | Error> {
  const deadline = deadline_of(t);
  let rest = data;
  let sent_some = false;
  let pending = first; // the caller's first attempt, if it made one
  for (;;) {
    const r = pending ?? write_now(sock, rest, flags, null, tag, dest, sent_some ? undefined : ctrl);
    pending = undefined;
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
    const got = yield* wait_select(sock, si, t, deadline);
    if (got !== SELECTED) return wait_error(got, sent_some ? rest : null);
  }
}

/**
 * send(S, Data[, Flags][, Timeout = 'infinity']) → 'ok' | ['select', SelectInfo] |
 * ['select', [SelectInfo, RestData]] | ['error', Reason] (['error', ['timeout', Rest]] when
 * part was written). Data is iodata. The select tag is ['send', 0], as OTP 25's.
 */
export function send(s: Socket, data: unknown, timeout?: Timeout): Proc<SendResult>;
export function send(s: Socket, data: unknown, flags: string[], timeout?: Timeout): Proc<SendResult>;
export function send(s: Socket, data: unknown, a?: unknown, b?: unknown): Proc<SendResult> {
  const sock = sock_of(s);
  const buf = iodata(data);
  const timeout = timeout_arg(a, b);
  const bits = flags_arg(a, SEND_FLAGS);
  if (typeof bits !== 'number') return done(bits);
  return start_write(sock, buf, bits, timeout, SEND_TAG, undefined);
}

/**
 * send and sendto once their arguments are checked: nowait is one attempt; otherwise the
 * first attempt is made here, and only a write that must wait gets write_loop's generator
 * (a write that goes out whole, the common case, makes none).
 */
function start_write(sock: Sock, buf: Buffer, bits: number, timeout: Timeout, tag: SelectTag,
  dest: SockAddrInput | undefined): Proc<SendResult> {
  const what = tag === SEND_TAG ? 'socket:send' : 'socket:sendto';
  if (timeout === 'nowait' || timeout instanceof Ref) return done(write_now(sock, buf, bits, handle_of(timeout), tag, dest), what);
  const first = write_now(sock, buf, bits, null, tag, dest);
  if (first === 'ok' || first[0] === 'error') return done(first, what);
  return must_drive(write_loop(sock, buf, bits, timeout, tag, dest, undefined, first), what);
}

const SEND_TAG: SelectTag = ['send', 0];
const SENDTO_TAG: SelectTag = ['sendto', 0];

/** sendto(S, Data, Dest[, Flags][, Timeout = 'infinity']): as send, to Dest. */
export function sendto(s: Socket, data: unknown, dest: SockAddrInput, timeout?: Timeout): Proc<SendResult>;
export function sendto(s: Socket, data: unknown, dest: SockAddrInput, flags: string[], timeout?: Timeout): Proc<SendResult>;
export function sendto(s: Socket, data: unknown, dest: SockAddrInput, a?: unknown, b?: unknown): Proc<SendResult> {
  const sock = sock_of(s);
  const buf = iodata(data);
  const sa = sockaddr_arg(dest);
  if (addr.refused(sa)) return done(['error', ['invalid', sa]]);
  const timeout = timeout_arg(a, b);
  const bits = flags_arg(a, SEND_FLAGS);
  if (typeof bits !== 'number') return done(bits);
  return start_write(sock, buf, bits, timeout, SENDTO_TAG, sa);
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
  let dest: SockAddrInput | undefined;
  if (msg.addr !== undefined) {
    const sa = sockaddr_arg(msg.addr);
    if (addr.refused(sa)) {
      // OTP 25 checks keys and family before the NIF; what the NIF then cannot encode it
      // names as the message's addr, in the message as the NIF saw it (without its iov).
      if (sa.length > 2) return ['error', ['invalid', sa]];
      const { iov: _iov, ...seen } = msg;
      return ['error', ['invalid', ['msg', 'addr', seen]]];
    }
    dest = sa;
  }
  let ctrl: prim.Cmsg[] | undefined;
  if (msg.ctrl !== undefined) {
    ctrl = encode_ctrl(msg.ctrl);
    if (ctrl === undefined) return ['error', ['invalid', ['ctrl', msg.ctrl]]];
  }
  const timeout = timeout_arg(a, b);
  const bits = flags_arg(a, SEND_FLAGS);
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
  if (!is_int(len, 0)) return badarg();
  return len;
}

/**
 * The blocking loop of recv and recvfrom. recv's short stream read for a Length is kept
 * until the rest comes (OTP 25's recvfrom returns it as it is, so only recv accumulates).
 */
function* read_loop(sock: Sock, len: number, flags: number, t: number | 'infinity', kind: ReadKind):
  Proc<['ok', Buffer] | ['ok', [SockAddr, Buffer]] | Error> {
  const deadline = deadline_of(t);
  let acc: Buffer | null = null;
  for (;;) {
    const r = read_now(sock, acc === null ? len : len - acc.length, flags, null, kind);
    if (r[0] === 'ok') return acc === null ? r : ['ok', Buffer.concat([acc, r[1] as Buffer])];
    // An error after part of the data came ends the call with that part: {error, {R, Data}}.
    if (r[0] === 'error') return acc !== null ? ['error', [r[1], acc]] : r;
    let si: SelectInfo<Ref>;
    if (r[1][0] === 'select_info') si = r[1] as SelectInfo<Ref>;
    else {
      const [info, part] = r[1] as [SelectInfo<Ref>, Buffer];
      si = info;
      acc = acc === null ? part : Buffer.concat([acc, part]);
    }
    const got = yield* wait_select(sock, si, t, deadline);
    // A poll (timeout 0): a short read is a result.
    if (t === 0 && acc !== null) return ['ok', acc];
    if (got !== SELECTED) return wait_error(got, acc);
  }
}

/**
 * recv(S[, Length = 0][, Flags][, Timeout = 'infinity']) → ['ok', Data] | select forms |
 * ['error', Reason]. Length 0 on a stream returns what is there, at most {otp, rcvbuf}
 * bytes (8192 by default); Length N waits for exactly N bytes.
 */
export function recv(s: Socket, len?: number, timeout?: Timeout): Proc<RecvResult<Buffer>>;
export function recv(s: Socket, len: number, flags: string[], timeout?: Timeout): Proc<RecvResult<Buffer>>;
export function recv(s: Socket, len: unknown = 0, a?: unknown, b?: unknown): Proc<RecvResult<Buffer>> {
  const sock = sock_of(s);
  const n = read_len(len);
  const t = timeout_arg(a, b);
  const bits = flags_arg(a, RECV_FLAGS);
  if (typeof bits !== 'number') return done(bits);
  // The nowait form never waits: no generator is made for it.
  if (t === 'nowait' || t instanceof Ref) return done(read_now(sock, n, bits, handle_of(t), 'recv') as RecvResult<Buffer>);
  return must_drive(read_loop(sock, n, bits, t, 'recv') as Proc<RecvResult<Buffer>>, 'socket:recv');
}

/** recvfrom(S[, Length][, Flags][, Timeout]) → ['ok', [Source, Data]] | ...; TCP's source is unspec. */
export function recvfrom(s: Socket, len?: number, timeout?: Timeout): Proc<RecvResult<[SockAddr, Buffer]>>;
export function recvfrom(s: Socket, len: number, flags: string[], timeout?: Timeout): Proc<RecvResult<[SockAddr, Buffer]>>;
export function recvfrom(s: Socket, len: unknown = 0, a?: unknown, b?: unknown): Proc<RecvResult<[SockAddr, Buffer]>> {
  const sock = sock_of(s);
  const n = read_len(len);
  const t = timeout_arg(a, b);
  const bits = flags_arg(a, RECV_FLAGS);
  if (typeof bits !== 'number') return done(bits);
  if (t === 'nowait' || t instanceof Ref) return done(read_now(sock, n, bits, handle_of(t), 'recvfrom') as RecvResult<[SockAddr, Buffer]>);
  return must_drive(read_loop(sock, n, bits, t, 'recvfrom') as Proc<RecvResult<[SockAddr, Buffer]>>, 'socket:recvfrom');
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
  let tail_a = a; // the ([Flags,] [Timeout]) after the sizes, if any
  let tail_b = b;
  if (typeof a === 'number' && typeof b === 'number') {
    if (!is_int(a, 0) || !is_int(b, 0)) return badarg();
    bufsz = a;
    ctrlsz = b;
    tail_a = c;
    tail_b = d;
  } else if ((b !== undefined && !Array.isArray(a)) || c !== undefined) {
    // recvmsg/3 is (S, Flags, Timeout) or (S, BufSz, CtrlSz): OTP 25 has no clause for the rest.
    return raise('function_clause');
  }
  const t = timeout_arg(tail_a, tail_b);
  const bits = flags_arg(tail_a, RECV_FLAGS);
  if (typeof bits !== 'number') return bits;
  if (t === 'nowait' || t instanceof Ref) return recvmsg_now(sock, bufsz, ctrlsz, bits, handle_of(t));
  const deadline = deadline_of(t);
  for (;;) {
    const r = recvmsg_now(sock, bufsz, ctrlsz, bits, null);
    if (r[0] !== 'select') return r;
    const got = yield* wait_select(sock, r[1], t, deadline);
    if (got !== SELECTED) return wait_error(got, null);
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

// Re-exported names leave this module's exports in dictionary mode: see fast_exports.
fast_exports(module.exports as object);
