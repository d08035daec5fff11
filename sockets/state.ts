// The per-socket record behind a Socket term: the fd, identity, owner, the four operation
// queues, believed readiness, the otp-level options, counters and info/1 states.
import { OpQueue } from './op_queue';
import type { SocketCounters, CType } from './types';

export type Hook = { cancel(): void };

/** otp rcvbuf: one read of N bytes, or {N, Size}: N reads of Size bytes (recv(S, 0) cap N*Size). */
export type OtpRcvbuf = number | [number, number];

export const DEFAULT_RCVBUF = 8192;
export const DEFAULT_CTRLBUF = 1024;

export function new_counters(): SocketCounters {
  return {
    acc_fails: 0, acc_success: 0, acc_tries: 0, acc_waits: 0,
    read_byte: 0, read_fails: 0, read_pkg: 0, read_pkg_max: 0, read_tries: 0, read_waits: 0,
    write_byte: 0, write_fails: 0, write_pkg: 0, write_pkg_max: 0, write_tries: 0, write_waits: 0,
  };
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

export class SockState<P, H> {
  fd: number;
  /** The poller token; never reused, so a late event cannot reach a newer socket. */
  token = 0;
  /** The flags below, one bit each: an idle connection carries one field, not thirteen. */
  private bits = READABLE | WRITABLE;
  readonly domain: string;
  readonly type: string;
  readonly protocol: string;
  readonly ctype: CType;

  owner: P | null;
  owner_hook: Hook | null = null;


  readonly readq = new OpQueue<P, H>();
  readonly writeq = new OpQueue<P, H>();
  // Only listeners accept and only clients connect: those two queues are made on first use,
  // so an idle connection carries two queues, not four.
  acc_queue: OpQueue<P, H> | null = null;
  conn_queue: OpQueue<P, H> | null = null;

  get accq(): OpQueue<P, H> {
    return (this.acc_queue ??= new OpQueue<P, H>());
  }

  get connq(): OpQueue<P, H> {
    return (this.conn_queue ??= new OpQueue<P, H>());
  }

  /** The queues that exist, for the close path and waiter bookkeeping. */
  queues(): OpQueue<P, H>[] {
    const qs = [this.readq, this.writeq];
    if (this.acc_queue !== null) qs.push(this.acc_queue);
    if (this.conn_queue !== null) qs.push(this.conn_queue);
    return qs;
  }


  readonly counters: SocketCounters = new_counters();

  // otp level
  rcvbuf: OtpRcvbuf = DEFAULT_RCVBUF;
  rcvctrlbuf = DEFAULT_CTRLBUF;
  sndctrlbuf = DEFAULT_CTRLBUF;
  meta: unknown = 'undefined';

  /** socket:monitor/1 refs → watching pid and the hook removing the monitor at its death. */
  monitors: Map<H, { pid: P; hook: Hook }> | null = null;

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
    this.domain = domain;
    this.type = type;
    this.protocol = protocol;
    this.owner = owner;
    if (registered) this.bits |= REGISTERED;
    this.ctype = ctype;
  }

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
    const b = this.rcvbuf;
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
