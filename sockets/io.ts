// The nowait core of the waiting calls: one attempt of accept, connect, read or write with
// the caller's handle, through the socket's operation queues. Each returns the final
// result, or a select (the caller parked as current, or queued behind another process);
// the blocking forms in socket.ts loop over these with a receive, so both share one path.
//
// Readiness is believed from the poller's edges (core.ts): after a short read or eagain a
// socket is known empty, and a read answers with a select without a syscall; or, once the
// peer's FIN has been seen, with {error, closed}.
// Buffer from node:buffer, not the global: Node defines globalThis.Buffer as a getter, so
// every bare `Buffer.x` in a hot path is a global load plus a getter call (per read here).
import { Buffer } from 'node:buffer';
import * as prim from './prim_socket';
import { Socket } from './socket_term';
import { raise_invalid } from './errors';
import { Sock, Q, make_socket, finish, watch_waiter, signal } from './core';
import { landing, read_into, recv_landing, send_from, take } from './read_slab';
import { tracing, sock_event } from './trace_events';
import {
  Error, Select, SelectWith, CLOSED, posix, EAGAIN, EINPROGRESS, EISCONN, MSG_PEEK, select_info, sys_with_addr,
} from './args';
import { Pid, Ref } from '../runtime/terms';
import { self, make_ref } from '../runtime/send';
import type { SockAddr, SockAddrInput, SelectTag, MsgRecv } from './types';

/**
 * Someone else's operation is current on q: the caller waits its turn and gets a select
 * now; a caller already queued gets OTP's {invalid, state} exception.
 */
function enqueue(sock: Sock, q: Q, pid: Pid, handle: Ref | null, tag: SelectTag): Select {
  const st = sock.state;
  if (q === st.write_queue) st.wselected = true;
  else st.rselected = true;
  const h = handle ?? make_ref();
  const adm = q.admit(pid, h);
  if (adm === 'invalid_state') return raise_invalid('state');
  watch_waiter(sock, q.last());
  return ['select', select_info(tag, h)];
}

/**
 * The caller's read (recv, recvfrom, recvmsg) or accept must wait for readiness: it
 * becomes (or stays) current on q. Returns the handle: the caller's, or a fresh Ref made
 * only now (a call that completes at once never makes one).
 */
function park_read(sock: Sock, q: Q, pid: Pid, handle: Ref | null): Ref {
  sock.state.rselected = true;
  return park(sock, q, pid, handle);
}

/** park_read, answered with the select. */
function read_select(sock: Sock, q: Q, pid: Pid, handle: Ref | null, tag: SelectTag): Select {
  return ['select', select_info(tag, park_read(sock, q, pid, handle))];
}

/** The caller's write must wait for readiness (OTP 25 counts a write_wait); its handle. */
function park_write(sock: Sock, pid: Pid, handle: Ref | null): Ref {
  const st = sock.state;
  st.wselected = true;
  st.write_waits++;
  return park(sock, st.writeq, pid, handle);
}

function park(sock: Sock, q: Q, pid: Pid, handle: Ref | null): Ref {
  const h = handle ?? make_ref();
  watch_waiter(sock, q.park(pid, h));
  return h;
}

export type ReadKind = 'recv' | 'recvfrom';

const INVALID_STATE: ['error', ['invalid', 'state']] = ['error', ['invalid', 'state']];

/**
 * One read attempt (recv, recvfrom) with the caller's handle: the data, a select (with
 * the partial data of a short stream read for Length > 0), or an error. The nowait form.
 */
export function read_now(sock: Sock, len: number, flags: number, handle: Ref | null, kind: ReadKind):
  ['ok', Buffer] | ['ok', [SockAddr, Buffer]] | Select | SelectWith<Buffer> | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  // OTP 25 keeps accept and read waiters in one reader slot: a read while an accept select
  // is pending is refused with this error tuple (not an exception).
  if (st.acc_queue !== null && st.acc_queue.size > 0) return INVALID_STATE;
  const pid = self();
  const q = st.readq;
  if (q.current !== null && q.current.pid !== pid) return enqueue(sock, q, pid, handle, kind);
  // OTP 25 counts a try only for the current operation, not for a caller it queues.
  st.read_tries++;
  const stream = st.type === 'stream';
  const peek = (flags & MSG_PEEK) !== 0;
  if (!st.readable && !peek && !st.listening) {
    // Known empty since the last short read or eagain: the next edge brings the select;
    // or, after the peer's FIN, nothing more will come: EOF, without a syscall.
    // (A listener's readability is about connections: its recv goes to the kernel.)
    if (st.hup && stream) return eof(sock, q, pid);
    return read_select(sock, q, pid, handle, kind);
  }
  const want = len === 0 ? st.read_chunk() : len;
  read_into(want);
  const n = kind === 'recv' ? recv_landing(st.fd, want, flags) : prim.recvfrom(st.fd, landing.buf, landing.at, want, flags);
  if (n > 0 || (n === 0 && !stream)) {
    const got = n > want ? want : n;
    const from = kind === 'recvfrom' ? (stream ? unspec() : (prim.last_addr() as SockAddr)) : null;
    const data = take(got);
    // A short stream read emptied the socket (a pending error is the kernel's to report).
    if (stream && got < want && !peek && !st.erred) st.readable = false;
    st.read_byte += got;
    if (stream && len > 0 && got < len && !peek && kind === 'recv') {
      // A short read for an exact length: hand back what came, wait for the rest. (OTP 25's
      // recvfrom returns a short stream read as it is.) When the peer's FIN came with the
      // data no edge will follow it: the select goes out now, and the next read sees EOF.
      const h = park_read(sock, q, pid, handle);
      if (st.hup) signal(sock, q);
      return ['select', [select_info(kind, h), data]];
    }
    st.read_pkg++;
    // Only recv sets read_pkg_max in OTP 25; recvfrom and recvmsg leave it.
    if (got > st.read_pkg_max && kind === 'recv') st.read_pkg_max = got;
    finish(sock, q, pid);
    return kind === 'recv' ? ['ok', data] : ['ok', [from!, data]];
  }
  if (n === 0) return eof(sock, q, pid);
  if (n === EAGAIN) {
    st.readable = false;
    return read_select(sock, q, pid, handle, kind);
  }
  st.read_fails++;
  finish(sock, q, pid);
  return posix(n);
}

/** The peer closed and everything it sent has been read: {error, closed}. */
function eof(sock: Sock, q: Q, pid: Pid): Error {
  finish(sock, q, pid);
  return CLOSED;
}

export const unspec = (): SockAddr => ({ family: 'unspec', addr: Buffer.alloc(0) });

/** One write attempt with the caller's handle: 'ok', a select (with the unsent rest), or an error. */
export function write_now(sock: Sock, data: Buffer, flags: number, handle: Ref | null, tag: SelectTag,
  dest: SockAddrInput | undefined, ctrl?: prim.Cmsg[]): 'ok' | Select | SelectWith<Buffer> | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const pid = self();
  // No write queue until a write first waits: then nobody is current and there is none to finish.
  const q = st.write_queue;
  if (q !== null && q.current !== null && q.current.pid !== pid) return enqueue(sock, q, pid, handle, tag);
  st.write_tries++;
  if (!st.writable) return ['select', select_info(tag, park_write(sock, pid, handle))];
  const len = data.length;
  const n = ctrl !== undefined ? sys_with_addr(() => prim.sendmsg(st.fd, [data], dest, ctrl, flags))
    : dest === undefined ? send_from(st.fd, data, 0, len, flags) : sys_with_addr(() => prim.sendto(st.fd, data, 0, len, flags, dest));
  if (n === len) {
    st.write_byte += n;
    st.write_pkg++;
    if (n > st.write_pkg_max) st.write_pkg_max = n;
    if (q !== null) finish(sock, q, pid);
    return 'ok';
  }
  if (n >= 0 || n === EAGAIN) {
    st.writable = false;
    const h = park_write(sock, pid, handle);
    if (n <= 0) return ['select', select_info(tag, h)];
    st.write_byte += n;
    return ['select', [select_info(tag, h), data.subarray(n)]];
  }
  st.write_fails++;
  if (q !== null) finish(sock, q, pid);
  return posix(n);
}

/** One accept attempt with the caller's handle. */
export function accept_now(sock: Sock, handle: Ref | null): ['ok', Socket] | Select | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const pid = self();
  const q = st.accq;
  const c = st.acc_counters();
  if (q.current !== null && q.current.pid !== pid) return enqueue(sock, q, pid, handle, 'accept');
  c.acc_tries++;
  if (!st.readable && st.listening) return read_select(sock, q, pid, handle, 'accept');
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
    if (tracing) sock_event(pid, ['socket_accept', sock, a]);
    st.connected = true; // OTP 25 marks the listener so (wstates [connected]).
    finish(sock, q, pid);
    return ['ok', a];
  }
  if (fd === EAGAIN) {
    st.readable = false;
    // OTP 25 leaves acc_waits (like read_waits) at 0; only write_waits counts.
    return read_select(sock, q, pid, handle, 'accept');
  }
  c.acc_fails++;
  finish(sock, q, pid);
  return posix(fd);
}


export function connect_now(sock: Sock, sa: SockAddrInput, handle: Ref | null): 'ok' | Select | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const r = sys_with_addr(() => prim.connect(st.fd, sa));
  if (r === 0) {
    st.connected = true;
    if (tracing) sock_event(self(), ['socket_connect', sock]);
    return 'ok';
  }
  if (r === EINPROGRESS) {
    st.connecting = true;
    st.wselected = true;
    const h = park(sock, st.connq, self(), handle);
    return ['select', select_info('connect', h)];
  }
  if (r === EISCONN && st.connected && !st.listening) return 'ok';
  return posix(r);
}

/** connect/1: completes a nowait connect after its select message. */
export function connect_finish(sock: Sock): 'ok' | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  const pid = self();
  const w = st.conn_queue === null ? null : st.conn_queue.current;
  if (w === null || w.pid !== pid) return raise_invalid('state');
  const r = prim.connect_result(st.fd);
  const q = st.connq;
  q.done(pid);
  if (q.size === 0) st.conn_queue = null; // a connected socket needs it no more
  st.connecting = false;
  if (r < 0) return posix(r);
  st.connected = true;
  st.writable = true;
  if (tracing) sock_event(pid, ['socket_connect', sock]);
  return 'ok';
}


/**
 * sendmsg's ctrl list → control messages: the ones OTP encodes by value, ip tos and ttl and
 * ipv6 tclass and hoplimit (integers); undefined for anything else.
 */
export function encode_ctrl(list: unknown): prim.Cmsg[] | undefined {
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


const MSG_TRUNC = prim.constants.MSG_TRUNC ?? 0x20;
const RESULT_FLAGS = ['eor', 'trunc', 'ctrunc', 'oob', 'errqueue'];

/** One recvmsg attempt with the caller's handle. */
export function recvmsg_now(sock: Sock, bufsz: number, ctrlsz: number, flags: number, handle: Ref | null): ['ok', MsgRecv] | Select | Error {
  const st = sock.state;
  if (st.closed) return CLOSED;
  // OTP 25 keeps accept and read waiters in one reader slot: a read while an accept select
  // is pending is refused with this error tuple (not an exception).
  if (st.acc_queue !== null && st.acc_queue.size > 0) return INVALID_STATE;
  const pid = self();
  const q = st.readq;
  if (q.current !== null && q.current.pid !== pid) return enqueue(sock, q, pid, handle, 'recvmsg');
  st.read_tries++;
  const stream = st.type === 'stream';
  const want = bufsz === 0 ? st.read_chunk() : bufsz;
  const peek = (flags & MSG_PEEK) !== 0;
  if (!st.readable && !peek && !st.listening && st.hup && stream) return eof(sock, q, pid);
  const r = st.readable || peek || st.listening
    ? prim.recvmsg(st.fd, want, ctrlsz === 0 ? st.rcvctrlbuf : ctrlsz, flags)
    : EAGAIN;
  if (typeof r === 'number') {
    if (r === EAGAIN) {
      st.readable = false;
      return read_select(sock, q, pid, handle, 'recvmsg');
    }
    st.read_fails++;
    finish(sock, q, pid);
    return posix(r);
  }
  if (stream && r.n === 0) return eof(sock, q, pid);
  if (stream && r.data.length < want && !peek && !st.erred) st.readable = false;
  st.read_byte += r.data.length;
  st.read_pkg++;
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

