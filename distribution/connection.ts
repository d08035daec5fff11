// One connection to another node: the reader process (owns the socket, reads Len:32 packets,
// hands each to the dispatcher), the writer process (writes what senders queued, in order,
// batched), and the tick timer (writes a tick when nothing else went out, and declares the
// node down after net_ticktime of silence).
import { Pid, Proc, exit, on, receive, send, spawn_link } from '../runtime';
import type { Process } from '../runtime/process';
import * as socket from '../sockets/socket';
import type { Socket } from '../sockets/socket_term';
import { decode_at, decode_dist_header, decode_dist_term, encode_into, encode_bare_into, writer, EtfError, Writer } from './etf';
import { DFLAG } from './flags';
import { log } from './log';

/** Largest packet accepted from a peer (OTP has no limit; a cap keeps garbage from eating memory). */
export const MAX_PACKET = 256 * 1024 * 1024;

export type Dispatch = (conn: Conn, ctrl: unknown, msg: unknown, has_msg: boolean) => void;

export class Conn {
  flags = 0n;
  creation = 0;
  sock: Socket | null = null;
  /** the process that owns the socket (the connector or acceptor's handler, then the reader) */
  reader: Pid | null = null;
  writer: Pid | null = null;
  up = false;
  /**
   * What is queued for the peer: packets are encoded straight into it, in order; its segs
   * are what is ready to go out (pieces of its buffer and large binaries, not copied).
   */
  out: Writer = out_writer();
  /**
   * Packets sent before the handshake ended, as terms: how they are framed depends on the
   * flags the handshake settles (with DIST_HDR_ATOM_CACHE the BEAM refuses a pass-through
   * packet as coming from an "incompatible erlang"). null once the connection is up.
   */
  early: Array<[unknown[], unknown, boolean]> | null = [];
  /** A buffer whose bytes went out, for the writer's next turn (no fresh memory per flush). */
  spare: Buffer | null = null;
  writer_idle = false;
  wrote = false;
  got = false;
  silent = 0;
  ticker: NodeJS.Timeout | null = null;
  /** the peer's atom cache (DIST_HDR_ATOM_CACHE): 8 segments of 256 */
  readonly atom_cache: Array<string | undefined> = new Array<string | undefined>(2048);
  /** per-connection signal state, owned by signals.ts */
  readonly state = new Map<string, unknown>();

  constructor(readonly node: string) {}
}

function out_writer(): Writer {
  const w = writer(0);
  w.segs = [];
  return w;
}

/** Builds a pass-through packet: Len:32, 112, 131 Ctrl [, 131 Msg] (for tests and tools). */
export function packet(ctrl: unknown[], msg?: unknown, has_msg = false): Buffer {
  const w = writer(0);
  put_packet(w, ctrl, msg, has_msg);
  return w.buf.subarray(0, w.pos);
}

function put_packet(w: Writer, ctrl: unknown[], msg: unknown, has_msg: boolean, dist_header = false): void {
  w.room(7);
  // What to go back to if the term cannot be encoded: nothing of it is sent.
  const buf0 = w.buf;
  const pos0 = w.pos;
  const seal0 = w.seal_start;
  const sealed0 = w.sealed;
  const segs0 = w.segs === null ? 0 : w.segs.length;
  // The length goes in last; the writer keeps track of where it is if the buffer grows.
  w.mark_buf = w.buf;
  w.mark_at = w.pos;
  const total0 = w.total();
  try {
    if (dist_header) {
      // Once the atom cache is negotiated the BEAM wants a distribution header on every
      // packet: one with no atom cache references, then the terms without version bytes.
      w.pos += 4;
      w.buf[w.pos++] = 131;
      w.buf[w.pos++] = 68;
      w.buf[w.pos++] = 0;
      encode_bare_into(w, ctrl);
      if (has_msg) encode_bare_into(w, msg);
    } else {
      w.pos += 4;
      w.buf[w.pos++] = 112;
      encode_into(w, ctrl);
      if (has_msg) encode_into(w, msg);
    }
  } catch (e) {
    w.buf = buf0;
    w.pos = pos0;
    w.seal_start = seal0;
    w.sealed = sealed0;
    if (w.segs !== null) w.segs.length = segs0;
    w.mark_buf = null;
    throw e;
  }
  (w.mark_buf as Buffer).writeUInt32BE(w.total() - total0 - 4, w.mark_at);
  w.mark_buf = null;
}

/**
 * Queues a packet for the peer; it goes out in order with everything queued before it. It
 * is encoded straight into the connection's out buffer: no buffer per message, no concat.
 */
export function send_packet(conn: Conn, ctrl: unknown[], msg?: unknown, has_msg = false): void {
  if (conn.early !== null) {
    // Encoded once now so that a term that cannot be encoded raises here, as it would later.
    trial.pos = 0;
    put_packet(trial, ctrl, msg, has_msg);
    conn.early.push([ctrl, msg, has_msg]);
    conn.wrote = true;
    return;
  }
  const w = conn.out;
  put_packet(w, ctrl, msg, has_msg, (conn.flags & DFLAG.DIST_HDR_ATOM_CACHE) !== 0n);
  // A burst is queued as pieces of CHUNK bytes: no buffer of the whole burst grown by doubling.
  if (w.pos - w.seal_start >= CHUNK) w.seal();
  queued(conn);
}

const trial = writer(0);
const CHUNK = 256 * 1024;
/** The largest buffer kept for reuse once written. */
const KEEP_MAX = 1024 * 1024;
const MORE = ['more'];
const LAST: string[] = [];

function queued(conn: Conn): void {
  conn.wrote = true;
  if (conn.writer_idle && conn.writer !== null) {
    conn.writer_idle = false;
    send(conn.writer, 'flush');
  }
}

function queue_tick(conn: Conn): void {
  const w = conn.out;
  w.room(4);
  w.buf.writeUInt32BE(0, w.pos);
  w.pos += 4;
  queued(conn);
}

function* writer_loop(conn: Conn): Proc<void> {
  const s = conn.sock as Socket;
  for (;;) {
    const w = conn.out;
    w.seal();
    const batch = w.segs as Buffer[];
    if (batch.length === 0) {
      conn.writer_idle = true;
      yield* receive(on('flush'));
      continue;
    }
    // Take everything queued; senders go on in another buffer while this one is written.
    w.segs = [];
    w.sealed = 0;
    const used = w.buf;
    w.buf = conn.spare ?? (used.length >= 4096 ? Buffer.allocUnsafeSlow(used.length) : Buffer.allocUnsafe(used.length));
    conn.spare = null;
    w.pos = 0;
    w.seal_start = 0;
    // Pieces but the last go with MSG_MORE: the kernel packs them into full segments.
    const last = batch.length - 1;
    for (let i = 0; i <= last; i++) {
      const r = yield* socket.send(s, batch[i], i < last ? MORE : LAST);
      if (r !== 'ok') exit(['shutdown', 'connection_closed']);
    }
    if (used.length <= KEEP_MAX) conn.spare = used;
  }
}

/** Runs in the socket's owner once the handshake is done: starts the writer and ticks, then reads. */
export function* run_connection(conn: Conn, ticktime_s: number, dispatch: Dispatch): Proc<void> {
  const s = conn.sock as Socket;
  // recv(S, 0) returns what is there up to this much: a burst or a large packet in one call.
  socket.setopt(s, 'otp', 'rcvbuf', READ_MAX);
  socket.setopt(s, 'tcp', 'nodelay', true);
  conn.writer = spawn_link(writer_loop, conn);
  const early = conn.early ?? [];
  conn.early = null;
  for (const [ctrl, msg, has_msg] of early) {
    try {
      send_packet(conn, ctrl, msg, has_msg);
    } catch (e) {
      // Only a term changed since it was sent can fail now; it alone is dropped.
      log(`dropped a message to ${conn.node}: ${(e as Error).message}`);
    }
  }
  conn.up = true;
  start_ticker(conn, ticktime_s);
  // The start of a packet that has not all come: its pieces, joined once it has (one copy).
  let parts: Buffer[] = [];
  let have = 0;
  let need = 0;
  for (;;) {
    const r = yield* socket.recv(s, 0);
    if (r[0] !== 'ok') exit(['shutdown', 'connection_closed']);
    conn.got = true;
    const chunk = r[1] as Buffer;
    let buf: Buffer;
    if (have === 0) buf = chunk;
    else {
      parts.push(chunk);
      have += chunk.length;
      if (have < need) continue;
      buf = Buffer.concat(parts, have);
      parts = [];
    }
    let off = 0;
    need = 4;
    while (buf.length - off >= 4) {
      const n = buf.readUInt32BE(off);
      if (n === 0) {
        off += 4; // a tick
        continue;
      }
      if (n > MAX_PACKET) {
        log(`closing the connection to ${conn.node}: a ${n}-byte packet`);
        exit(['shutdown', 'bad_packet']);
      }
      if (buf.length - off - 4 < n) {
        need = n + 4;
        break;
      }
      handle_packet(conn, buf, off + 4, off + 4 + n, dispatch);
      off += 4 + n;
    }
    if (off < buf.length) {
      parts.push(off === 0 ? buf : buf.subarray(off));
      have = buf.length - off;
    } else have = 0;
  }
}

const READ_MAX = 256 * 1024;

function handle_packet(conn: Conn, buf: Buffer, start: number, end: number, dispatch: Dispatch): void {
  let ctrl: unknown;
  let msg: unknown;
  let has_msg = false;
  try {
    if (buf[start] === 131 && buf[start + 1] === 68) {
      // A distribution header with atom cache references; the terms after it have no version byte.
      const [refs, hend] = decode_dist_header(buf, start + 2, end, conn.atom_cache);
      const [c, pos] = decode_dist_term(buf, hend, end, refs);
      ctrl = c;
      if (pos < end) {
        const [m, mend] = decode_dist_term(buf, pos, end, refs);
        if (mend !== end) throw new EtfError('trailing bytes in a packet');
        msg = m;
        has_msg = true;
      }
    } else {
      if (buf[start] !== 112) throw new EtfError(`packet type ${buf[start]} (pass-through 112 or a distribution header expected)`);
      const [c, pos] = decode_at(buf, start + 1, end);
      ctrl = c;
      if (pos < end) {
        const [m, mend] = decode_at(buf, pos, end);
        if (mend !== end) throw new EtfError('trailing bytes in a packet');
        msg = m;
        has_msg = true;
      }
    }
  } catch (e) {
    log(`closing the connection to ${conn.node}: ${(e as Error).message}`);
    exit(['shutdown', 'bad_packet']);
  }
  dispatch(conn, ctrl, msg, has_msg);
}

function start_ticker(conn: Conn, ticktime_s: number): void {
  const every = Math.max(250, (ticktime_s * 1000) / 4);
  conn.ticker = setInterval(() => {
    if (!conn.wrote) queue_tick(conn);
    conn.wrote = false;
    if (conn.got) conn.silent = 0;
    else if (++conn.silent >= 4) {
      log(`node ${conn.node} not responding: removing the connection`);
      if (conn.reader !== null) exit(conn.reader, ['shutdown', 'net_tick_timeout']);
    }
    conn.got = false;
  }, every);
  conn.ticker.unref();
}

/** Stops ticks and the writer; the socket closes with its owner. */
export function stop_connection(conn: Conn): void {
  conn.up = false;
  if (conn.ticker !== null) clearInterval(conn.ticker);
  conn.ticker = null;
  if (conn.writer !== null) exit(conn.writer, 'kill');
  conn.out = out_writer();
  conn.spare = null;
}

export type { Process };
