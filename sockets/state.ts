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

export class SockState<P, H> {
  fd: number;
  /** The poller token; never reused, so a late event cannot reach a newer socket. */
  token = 0;
  readonly domain: string;
  readonly type: string;
  readonly protocol: string;
  readonly ctype: CType;

  owner: P | null;
  owner_hook: Hook | null = null;
  closed = false;
  registered: boolean;

  /**
   * Readiness believed from the poller's edges. False after a short read or eagain: the
   * next EPOLLIN edge sets it again and sends the select message, so a recv(S, 0, nowait)
   * on a known-empty socket answers without a syscall.
   */
  readable = true;
  writable = true;
  /**
   * The peer's FIN (or an error) has been seen on an edge. A short read then no longer
   * means empty: the next read returns EOF (or the error) at once, and no further edge
   * will come to say so.
   */
  hup = false;

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

  // info/1 states. `rselected`/`wselected` are sticky, as OTP 25 shows them.
  bound = false;
  listening = false;
  connecting = false;
  connected = false;
  rselected = false;
  wselected = false;

  readonly counters: SocketCounters = new_counters();

  // otp level
  rcvbuf: OtpRcvbuf = DEFAULT_RCVBUF;
  rcvctrlbuf = DEFAULT_CTRLBUF;
  sndctrlbuf = DEFAULT_CTRLBUF;
  debug = false;
  iow = false;
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
    this.registered = registered;
    this.ctype = ctype;
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
