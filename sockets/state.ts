// The per-socket record behind a Socket term: the fd, identity, owner, the four operation
// queues, believed readiness, the otp-level options, counters and info/1 states.
import { OpQueue } from './op_queue';
import type { SocketCounters, CType } from './types';

export type Hook = { cancel(): void };

/** otp rcvbuf: one read of N bytes, or {N, Size}: N reads of Size bytes (recv(S, 0) cap N*Size). */
export type OtpRcvbuf = number | [number, number];

export const DEFAULT_RCVBUF = 8192;
export const DEFAULT_CTRLBUF = 1024;

/** The accept counters: only a listener has them (made at its first accept). */
export interface AccCounters {
  acc_fails: number;
  acc_success: number;
  acc_tries: number;
}

/**
 * What a socket was opened as. Shared by every socket opened alike (most of a server's are):
 * one field of the record, not four.
 */
export interface SockKind {
  readonly domain: string;
  readonly type: string;
  readonly protocol: string;
  readonly ctype: CType;
}

let last_kind: SockKind = { domain: '', type: '', protocol: '', ctype: 'normal' };

function kind_of(domain: string, type: string, protocol: string, ctype: CType): SockKind {
  const k = last_kind;
  if (k.domain === domain && k.type === type && k.protocol === protocol && k.ctype === ctype) return k;
  const nk: SockKind = { domain, type, protocol, ctype };
  // A fromfd ctype is a tuple of its own: such a kind is never shared.
  if (typeof ctype === 'string') last_kind = nk;
  return nk;
}

/** The otp-level options, made when one is first set: most sockets keep the defaults. */
interface OtpOpts {
  rcvbuf: OtpRcvbuf;
  rcvctrlbuf: number;
  sndctrlbuf: number;
  meta: unknown;
}

// SockState's flag bits.
const CLOSED = 1 << 0;
const REGISTERED = 1 << 1;
const READABLE = 1 << 2;
const WRITABLE = 1 << 3;
const HUP = 1 << 4;
const BOUND = 1 << 5;
const LISTENING = 1 << 6;
const CONNECTING = 1 << 7;
const CONNECTED = 1 << 8;
const RSELECTED = 1 << 9;
const WSELECTED = 1 << 10;
const DEBUG = 1 << 11;
const IOW = 1 << 12;
const ERRED = 1 << 13;

// The fields are set in the constructor, in one order (one map), with no class-field
// initializers; what few sockets use (the accept and connect queues, monitors, set otp
// options, accept counters, even the write queue of a socket whose writes never waited) is
// made on first use. An idle connection is what most of a server's memory is made of.
export class SockState<P, H> {
  fd: number;
  /** The poller token; never reused, so a late event cannot reach a newer socket. */
  token: number;
  /** The flags below, one bit each: an idle connection carries one field, not thirteen. */
  private bits: number;
  readonly kind: SockKind;

  owner: P | null;
  owner_hook: Hook | null;

  readonly readq: OpQueue<P, H>;
  /** Made when a write first waits (or someone asks for it): see writeq. */
  write_queue: OpQueue<P, H> | null;
  // Only listeners accept and only clients connect: those two queues are made on first use.
  acc_queue: OpQueue<P, H> | null;
  conn_queue: OpQueue<P, H> | null;

  /** socket:monitor/1 refs → watching pid and the hook removing the monitor at its death. */
  monitors: Map<H, { pid: P; hook: Hook }> | null;
  private otp: OtpOpts | null;

  // info/1's counters (OTP 25's names), as fields of the record rather than an object of their
  // own. read_waits and acc_waits are not kept: OTP 25 leaves both at 0.
  acc: AccCounters | null;
  read_byte: number;
  read_fails: number;
  read_pkg: number;
  read_pkg_max: number;
  read_tries: number;
  write_byte: number;
  write_fails: number;
  write_pkg: number;
  write_pkg_max: number;
  write_tries: number;
  write_waits: number;

  constructor(
    fd: number,
    domain: string,
    type: string,
    protocol: string,
    owner: P,
    registered: boolean,
    ctype: CType = 'normal',
  ) {
    this.fd = fd;
    this.token = 0;
    this.bits = registered ? READABLE | WRITABLE | REGISTERED : READABLE | WRITABLE;
    this.kind = kind_of(domain, type, protocol, ctype);
    this.owner = owner;
    this.owner_hook = null;
    this.readq = new OpQueue<P, H>();
    this.write_queue = null;
    this.acc_queue = null;
    this.conn_queue = null;
    this.monitors = null;
    this.otp = null;
    this.acc = null;
    this.read_byte = 0;
    this.read_fails = 0;
    this.read_pkg = 0;
    this.read_pkg_max = 0;
    this.read_tries = 0;
    this.write_byte = 0;
    this.write_fails = 0;
    this.write_pkg = 0;
    this.write_pkg_max = 0;
    this.write_tries = 0;
    this.write_waits = 0;
  }

  get domain(): string { return this.kind.domain; }
  get type(): string { return this.kind.type; }
  get protocol(): string { return this.kind.protocol; }
  get ctype(): CType { return this.kind.ctype; }

  /** The write queue, made now if no write has waited yet. */
  get writeq(): OpQueue<P, H> {
    return (this.write_queue ??= new OpQueue<P, H>());
  }

  get accq(): OpQueue<P, H> {
    return (this.acc_queue ??= new OpQueue<P, H>());
  }

  get connq(): OpQueue<P, H> {
    return (this.conn_queue ??= new OpQueue<P, H>());
  }

  /** The accept counters, made at the first accept. */
  acc_counters(): AccCounters {
    return (this.acc ??= { acc_fails: 0, acc_success: 0, acc_tries: 0 });
  }

  /** The queues that exist, for the close path and waiter bookkeeping. */
  queues(): OpQueue<P, H>[] {
    const qs = [this.readq];
    if (this.write_queue !== null) qs.push(this.write_queue);
    if (this.acc_queue !== null) qs.push(this.acc_queue);
    if (this.conn_queue !== null) qs.push(this.conn_queue);
    return qs;
  }

  /** info/1's counters map, keys in OTP 25's order. */
  counters(): SocketCounters {
    const a = this.acc;
    return {
      acc_fails: a === null ? 0 : a.acc_fails, acc_success: a === null ? 0 : a.acc_success,
      acc_tries: a === null ? 0 : a.acc_tries, acc_waits: 0,
      read_byte: this.read_byte, read_fails: this.read_fails, read_pkg: this.read_pkg,
      read_pkg_max: this.read_pkg_max, read_tries: this.read_tries, read_waits: 0,
      write_byte: this.write_byte, write_fails: this.write_fails, write_pkg: this.write_pkg,
      write_pkg_max: this.write_pkg_max, write_tries: this.write_tries, write_waits: this.write_waits,
    };
  }

  private opts(): OtpOpts {
    return (this.otp ??= { rcvbuf: DEFAULT_RCVBUF, rcvctrlbuf: DEFAULT_CTRLBUF, sndctrlbuf: DEFAULT_CTRLBUF, meta: 'undefined' });
  }

  // otp level
  get rcvbuf(): OtpRcvbuf { return this.otp === null ? DEFAULT_RCVBUF : this.otp.rcvbuf; }
  set rcvbuf(v: OtpRcvbuf) { this.opts().rcvbuf = v; }
  get rcvctrlbuf(): number { return this.otp === null ? DEFAULT_CTRLBUF : this.otp.rcvctrlbuf; }
  set rcvctrlbuf(v: number) { this.opts().rcvctrlbuf = v; }
  get sndctrlbuf(): number { return this.otp === null ? DEFAULT_CTRLBUF : this.otp.sndctrlbuf; }
  set sndctrlbuf(v: number) { this.opts().sndctrlbuf = v; }
  get meta(): unknown { return this.otp === null ? 'undefined' : this.otp.meta; }
  set meta(v: unknown) { this.opts().meta = v; }

  /** close/1 (or the owner's death) has run: every call answers {error, closed}. */
  get closed(): boolean { return (this.bits & CLOSED) !== 0; }
  set closed(v: boolean) { this.set_bit(CLOSED, v); }
  /** Listed by which_sockets (use_registry). */
  get registered(): boolean { return (this.bits & REGISTERED) !== 0; }
  set registered(v: boolean) { this.set_bit(REGISTERED, v); }
  /**
   * Readiness believed from the poller's edges. False after a short read or eagain: the
   * next EPOLLIN edge sets it again and sends the select message, so a recv(S, 0, nowait)
   * on a known-empty socket answers without a syscall.
   */
  get readable(): boolean { return (this.bits & READABLE) !== 0; }
  set readable(v: boolean) { this.set_bit(READABLE, v); }
  get writable(): boolean { return (this.bits & WRITABLE) !== 0; }
  set writable(v: boolean) { this.set_bit(WRITABLE, v); }
  /**
   * The peer's FIN (or an error) has been seen on an edge. A short read then no longer
   * means empty: the next read returns EOF (or the error) at once, and no further edge
   * will come to say so.
   */
  get hup(): boolean { return (this.bits & HUP) !== 0; }
  set hup(v: boolean) { this.set_bit(HUP, v); }
  /**
   * The hang-up came with an error (a reset): the next read must ask the kernel, which
   * reports it. Without one, a socket known empty after the peer's FIN answers closed
   * without a syscall.
   */
  get erred(): boolean { return (this.bits & ERRED) !== 0; }
  set erred(v: boolean) { this.set_bit(ERRED, v); }
  /**
   * A readable edge: readable, plus hup when end is non-zero (the peer's FIN or an error)
   * and erred when err is. One store, and no branch that only a connection's last edge
   * takes: optimized code meeting a path it has never run throws itself away, and the
   * first close would otherwise cost the poller's batch handler its compiled code.
   */
  saw_readable(end: number, err: number): void {
    this.bits |= READABLE | (end !== 0 ? HUP : 0) | (err !== 0 ? ERRED : 0);
  }
  // info/1 states. `rselected`/`wselected` are sticky, as OTP 25 shows them.
  get bound(): boolean { return (this.bits & BOUND) !== 0; }
  set bound(v: boolean) { this.set_bit(BOUND, v); }
  get listening(): boolean { return (this.bits & LISTENING) !== 0; }
  set listening(v: boolean) { this.set_bit(LISTENING, v); }
  get connecting(): boolean { return (this.bits & CONNECTING) !== 0; }
  set connecting(v: boolean) { this.set_bit(CONNECTING, v); }
  get connected(): boolean { return (this.bits & CONNECTED) !== 0; }
  set connected(v: boolean) { this.set_bit(CONNECTED, v); }
  get rselected(): boolean { return (this.bits & RSELECTED) !== 0; }
  set rselected(v: boolean) { this.set_bit(RSELECTED, v); }
  get wselected(): boolean { return (this.bits & WSELECTED) !== 0; }
  set wselected(v: boolean) { this.set_bit(WSELECTED, v); }
  // otp level
  get debug(): boolean { return (this.bits & DEBUG) !== 0; }
  set debug(v: boolean) { this.set_bit(DEBUG, v); }
  get iow(): boolean { return (this.bits & IOW) !== 0; }
  set iow(v: boolean) { this.set_bit(IOW, v); }

  private set_bit(bit: number, v: boolean): void {
    this.bits = v ? this.bits | bit : this.bits & ~bit;
  }

  /** What recv(S, 0) may return at most. */
  read_chunk(): number {
    if (this.otp === null) return DEFAULT_RCVBUF;
    const b = this.otp.rcvbuf;
    return typeof b === 'number' ? b : b[0] * b[1];
  }

  rstates(): string[] {
    const s: string[] = [];
    if (this.bound) s.push('bound');
    if (this.listening) s.push('listening');
    if (this.acc_queue !== null && this.acc_queue.size > 0) s.push('accepting');
    if (this.rselected) s.push('selected');
    if (this.closed) s.push('closing', 'closed');
    return s;
  }

  wstates(): string[] {
    const s: string[] = [];
    if (this.connecting) s.push('connecting');
    if (this.connected) s.push('connected');
    if (this.wselected) s.push('selected');
    if (this.closed) s.push('closing', 'closed');
    return s;
  }
}
