// Reads for layers that deliver data themselves, without a process waiting on the socket:
// gen_tcp and gen_udp in active mode read when the poller says the socket is readable and
// send {tcp, S, Data} straight to the owner. One call reads now if the socket may have
// data, and otherwise parks a callback handle (ReadyRef) as the read queue's current
// operation: the next readable edge calls it once, outside any process, where a process's
// handle would have been sent the select message. The socket's op queue, readiness belief
// and counters are the same ones socket:recv uses, so socket:i() and info/1 stay truthful.
import type { Buffer } from 'node:buffer';
import * as prim from './prim_socket';
import { Socket } from './socket_term';
import { ReadyRef } from './ready_ref';
import { Sock, State, promoted } from './core';
import { landing, read_into, recv_landing, take } from './read_slab';
import { unspec } from './io';
import { CLOSED, EAGAIN, posix, sock_of } from './args';
import { fast_exports } from '../runtime/fast_exports';
import type { Error } from './args';
import type { SockAddr } from './types';

export { ReadyRef };

// Any callback handle, whatever its argument's type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyReadyRef = ReadyRef<any>;

export type ArmResult<T> = ['ok', T] | Error | 'wait';


/**
 * Parks ref on s's read queue for the owner (behind another process's pending read, if
 * any). Already parked: nothing changes. The edge then calls ref.fire() once.
 */
function park(sock: Sock, ref: AnyReadyRef): void {
  const st = sock.state;
  const q = st.readq;
  if (q.current !== null && q.current.handle === ref) return;
  for (const w of q.waiters) if (w.handle === ref) return;
  const pid = st.owner!;
  if (q.current === null) q.park(pid, ref);
  else if (q.admit(pid, ref) === 'queued') return;
  else q.park(pid, ref);
}

/**
 * Whether a read must wait: nothing readable now, or another process's read is current (this
 * one takes the turn after it). Then ref is parked.
 */
function not_my_turn(sock: Sock, ref: AnyReadyRef): boolean {
  const st = sock.state;
  const q = st.readq;
  if (st.readable && (q.current === null || q.current.handle === ref)) return false;
  park(sock, ref);
  return true;
}

/** The read found nothing (EAGAIN): s is not readable until its next edge, which fires ref. */
function drained(sock: Sock, ref: AnyReadyRef): 'wait' {
  sock.state.readable = false;
  park(sock, ref);
  return 'wait';
}

/** One packet of n bytes read, in getstat's counters. */
function count_read(c: State, n: number): void {
  c.read_byte += n;
  c.read_pkg++;
  if (n > c.read_pkg_max) c.read_pkg_max = n;
}

function read_or_arm(s: Socket, len: number, ref: AnyReadyRef, from: boolean): ArmResult<Buffer | [SockAddr, Buffer]> {
  const sock = sock_of(s);
  const st = sock.state;
  if (st.closed) return CLOSED;
  if (not_my_turn(sock, ref)) return 'wait';
  const stream = st.type === 'stream';
  const want = len === 0 ? st.read_chunk() : len;
  read_into(want);
  st.read_tries++;
  const n = from ? prim.recvfrom(st.fd, landing.buf, landing.at, want, 0) : recv_landing(st.fd, want, 0);
  if (n > 0 || (n === 0 && !stream)) {
    const got = n > want ? want : n;
    const data = take(got);
    if (stream && got < want && !st.hup) st.readable = false;
    count_read(st, got);
    return from ? ['ok', [stream ? unspec() : (prim.last_addr() as SockAddr), data]] : ['ok', data];
  }
  if (n === 0) return CLOSED;
  if (n === EAGAIN) return drained(sock, ref);
  st.read_fails++;
  return posix(n);
}


/**
 * recv(S, Len) without a process: ['ok', Data], ['error', 'closed'] at EOF or after close,
 * ['error', Posix], or 'wait': nothing to read now, ref is parked and fires on the next
 * readable edge. Len 0 reads up to {otp, rcvbuf} bytes.
 */
export function recv_or_arm(s: Socket, len: number, ref: AnyReadyRef): ArmResult<Buffer> {
  return read_or_arm(s, len, ref, false) as ArmResult<Buffer>;
}

/** recvfrom(S, Len) without a process; as recv_or_arm. */
export function recvfrom_or_arm(s: Socket, len: number, ref: AnyReadyRef): ArmResult<[SockAddr, Buffer]> {
  return read_or_arm(s, len, ref, true) as ArmResult<[SockAddr, Buffer]>;
}

/**
 * The re-arm of an {active, once} loop: parks ref when s is believed unreadable (the last
 * read drained it), without a read: what recv_or_arm would do then, minus its work. False
 * when a read may find data or s is closed: the caller takes recv_or_arm's path.
 */
export function park_if_drained(s: Socket, ref: AnyReadyRef): boolean {
  const sock = sock_of(s);
  const st = sock.state;
  if (st.closed || st.readable) return false;
  park(sock, ref);
  return true;
}

/** Parks ref without reading: it fires on the next readable edge, or now if s may be readable. */
export function arm(s: Socket, ref: AnyReadyRef): 'ok' | Error {
  const sock = sock_of(s);
  const st = sock.state;
  if (st.closed) return CLOSED;
  park(sock, ref);
  if (st.readable && st.readq.current !== null && st.readq.current.handle === ref) promoted(sock, st.readq, st.readq.current);
  return 'ok';
}

/** Takes ref off s's read queue (a no-op if it is not there): no callback comes after this. */
export function disarm(s: Socket, ref: AnyReadyRef): void {
  const sock = sock_of(s);
  const st = sock.state;
  if (st.closed) return;
  const q = st.readq;
  let pid = null;
  if (q.current !== null && q.current.handle === ref) pid = q.current.pid;
  else for (const w of q.waiters) if (w.handle === ref) pid = w.pid;
  if (pid === null) return;
  const r = q.cancel(pid, ref);
  if (r !== null) promoted(sock, q, r.promoted);
}

/** Whether ref is parked on s's read queue. */
export function is_armed(s: Socket, ref: AnyReadyRef): boolean {
  const q = sock_of(s).state.readq;
  if (q.current !== null && q.current.handle === ref) return true;
  return q.waiters.some((w) => w.handle === ref);
}

/** A datagram with its source and its ip tos/ttl and ipv6 tclass control messages (name, value). */
export interface Datagram {
  addr: SockAddr;
  data: Buffer;
  ctrl: [string, number][];
}

/**
 * recvmsg(S) on a datagram socket without a process, for gen_udp's recvtos/recvttl/
 * recvtclass: the datagram, its source and its tos/ttl/tclass values; as recv_or_arm.
 */
export function recvmsg_or_arm(s: Socket, len: number, ref: AnyReadyRef): ArmResult<Datagram> {
  const sock = sock_of(s);
  const st = sock.state;
  if (st.closed) return CLOSED;
  if (not_my_turn(sock, ref)) return 'wait';
  st.read_tries++;
  const r = prim.recvmsg(st.fd, len === 0 ? st.read_chunk() : len, st.rcvctrlbuf, 0);
  if (typeof r === 'number') {
    if (r === EAGAIN) return drained(sock, ref);
    st.read_fails++;
    return posix(r);
  }
  count_read(st, r.data.length);
  return ['ok', { addr: r.addr as SockAddr, data: r.data, ctrl: r.ctrl.map(cmsg_value).filter((x): x is [string, number] => x !== null) }];
}

function cmsg_value(m: prim.Cmsg): [string, number] | null {
  const K = prim.constants;
  if (m.level === K.IPPROTO_IP && m.type === K.IP_TOS) return ['tos', m.data[0]!];
  if (m.level === K.IPPROTO_IP && m.type === K.IP_TTL) return ['ttl', m.data.readInt32LE(0)];
  if (m.level === K.IPPROTO_IPV6 && m.type === K.IPV6_TCLASS) return ['tclass', m.data.readInt32LE(0)];
  return null;
}

// The ReadyRef re-export leaves this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
