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
  /** what is queued for the peer, encoded: packets go straight into it, in order */
  out: Writer | null = null;
  /** queued chunks that grew past CHUNK, before `out`, oldest first */
  full: Buffer[] = [];
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

/** Builds a pass-through packet: Len:32, 112, 131 Ctrl [, 131 Msg] (for tests and tools). */
export function packet(ctrl: unknown[], msg?: unknown, has_msg = false): Buffer {
  const w = writer(0);
  put_packet(w, ctrl, msg, has_msg);
  return w.buf.subarray(0, w.pos);
}

function put_packet(w: Writer, ctrl: unknown[], msg: unknown, has_msg: boolean, dist_header = false): void {
  const start = w.pos;
  try {
    if (dist_header) {
      // Once the atom cache is negotiated the BEAM wants a distribution header on every
      // packet: one with no atom cache references, then the terms without version bytes.
      w.room(7);
      w.pos += 4;
      w.buf[w.pos++] = 131;
      w.buf[w.pos++] = 68;
      w.buf[w.pos++] = 0;
      encode_bare_into(w, ctrl);
      if (has_msg) encode_bare_into(w, msg);
    } else {
      w.room(5);
      w.pos += 4;
      w.buf[w.pos++] = 112;
      encode_into(w, ctrl);
      if (has_msg) encode_into(w, msg);
    }
  } catch (e) {
    w.pos = start; // nothing of a term that cannot be encoded is sent
    throw e;
  }
  w.buf.writeUInt32BE(w.pos - start - 4, start);
}

/**
 * Queues a packet for the peer; it goes out in order with everything queued before it. It
 * is encoded straight into the connection's out buffer: no buffer per message, no concat.
 */
export function send_packet(conn: Conn, ctrl: unknown[], msg?: unknown, has_msg = false): void {
  const w = (conn.out ??= writer(0));
  put_packet(w, ctrl, msg, has_msg, (conn.flags & DFLAG.DIST_HDR_ATOM_CACHE) !== 0n);
  // A burst of large messages is queued as chunks: no buffer of the whole burst grown by doubling.
  if (w.pos >= CHUNK) {
    conn.full.push(w.buf.subarray(0, w.pos));
    conn.out = null;
  }
  queued(conn);
}

const CHUNK = 256 * 1024;

function queued(conn: Conn): void {
  conn.wrote = true;
  if (conn.writer_idle && conn.writer !== null) {
    conn.writer_idle = false;
    send(conn.writer, 'flush');
  }
}

function queue_tick(conn: Conn): void {
  const w = (conn.out ??= writer(0));
  w.room(4);
  w.buf.writeUInt32BE(0, w.pos);
  w.pos += 4;
  queued(conn);
}

function* writer_loop(conn: Conn): Proc<void> {
  for (;;) {
    let data: Buffer;
    if (conn.full.length > 0) data = conn.full.shift() as Buffer;
    else {
      const w = conn.out;
      if (w === null || w.pos === 0) {
        conn.writer_idle = true;
        yield* receive(on('flush'));
        continue;
      }
      conn.out = null;
      data = w.buf.subarray(0, w.pos);
    }
    const r = yield* socket.send(conn.sock as Socket, data);
    if (r !== 'ok') exit(['shutdown', 'connection_closed']);
  }
}

/** Runs in the socket's owner once the handshake is done: starts the writer and ticks, then reads. */
export function* run_connection(conn: Conn, ticktime_s: number, dispatch: Dispatch): Proc<void> {
  const s = conn.sock as Socket;
  socket.setopt(s, 'otp', 'rcvbuf', 65536);
  socket.setopt(s, 'tcp', 'nodelay', true);
  conn.writer = spawn_link(writer_loop, conn);
  conn.up = true;
  start_ticker(conn, ticktime_s);
  let pending: Buffer | null = null;
  for (;;) {
    // A packet known to be incomplete is read to its end in one call.
    let want = 0;
    if (pending !== null && pending.length >= 4) want = pending.readUInt32BE(0) + 4 - pending.length;
    const r = yield* socket.recv(s, want > 0 ? want : 0);
    if (r[0] !== 'ok') exit(['shutdown', 'connection_closed']);
    conn.got = true;
    const chunk = r[1] as Buffer;
    const buf: Buffer = pending === null ? chunk : Buffer.concat([pending, chunk]);
    let off = 0;
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
      if (buf.length - off - 4 < n) break;
      handle_packet(conn, buf, off + 4, off + 4 + n, dispatch);
      off += 4 + n;
    }
    pending = off < buf.length ? buf.subarray(off) : null;
  }
}

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
  conn.out = null;
  conn.full = [];
}

export type { Process };
