// Active mode without a process per socket: when the socket is readable, read, decode
// packets with the decoder state kept on the GenSocket, and send each message straight to
// the owner: {tcp, S, Data} (or {http, S, Packet}, or {S, {data, Data}} with deliver port),
// {tcp_passive, S} when {active, N} runs out, {tcp_closed, S} / {tcp_error, S, R} at the end.
// Runs from the poller's readiness callback (outside any process) or from the owner's
// setopts, whichever finds data.
import * as socket from '../sockets/socket';
import { fast_exports } from '../runtime/fast_exports';
import { recv_or_arm, disarm, ReadyRef } from '../sockets/readiness';
import { send } from '../runtime';
import { GenSocket, ACT_FALSE, ACT_ONCE, ACT_TRUE } from './gen_socket';
import { decode, PacketType } from './packet';
import { append } from './pending';
import { fire_down } from './monitor';

/** The decoder's type now: http(_bin) reads headers between a request line and http_eoh. */
export function packet_now(g: GenSocket): PacketType {
  const p = g.packet;
  if (g.httph) {
    if (p === 'http_bin') return 'httph_bin';
    if (p === 'http') return 'httph';
  }
  return p;
}

const is_raw = (p: PacketType): boolean => p === 0 || p === 'raw';

/** The payload as the owner sees it: mode list → byte list; {header, N} → N bytes as a list, then the rest. */
export function data_term(g: GenSocket, b: Buffer): unknown {
  if (g.list_mode) return Array.from(b);
  if (g.header > 0) {
    if (b.length <= g.header) return Array.from(b);
    return [...b.subarray(0, g.header), b.subarray(g.header)];
  }
  return b;
}

/** After a packet went out (active or recv): http's request/response line switches to headers, http_eoh back. */
export function next_http_state(g: GenSocket, term: unknown): void {
  if (term === 'http_eoh') g.httph = false;
  else if (Array.isArray(term) && (term[0] === 'http_request' || term[0] === 'http_response')) g.httph = true;
}

function deliver(g: GenSocket, payload: unknown): void {
  const p = g.packet;
  let msg: unknown;
  if (typeof p === 'string' && p.startsWith('http')) {
    msg = ['http', g, payload];
    next_http_state(g, payload);
  } else {
    const d = data_term(g, payload as Buffer);
    msg = g.deliver_port ? [g, ['data', d]] : ['tcp', g, d];
  }
  send(g.owner, msg);
  const a = g.active;
  if (a === ACT_ONCE) g.active = ACT_FALSE;
  else if (a > 0) {
    g.active = a - 1;
    if (a === 1) send(g.owner, ['tcp_passive', g]);
  }
}

/**
 * Delivers the complete packets in g.pending while active. False: an oversized packet
 * ended it. scan_from: where the first packet's delimiter search may begin.
 */
function deliver_pending(g: GenSocket, scan_from = 0): boolean {
  const buf = g.pending!;
  let start = 0;
  while (g.active !== ACT_FALSE) {
    const d = decode(packet_now(g), buf, start, g, start === 0 ? scan_from : start);
    if (d === 'more') break;
    if (d[0] === 'error') {
      g.pending = null;
      active_end(g, d[1]);
      return false;
    }
    start = d[2];
    deliver(g, d[1]);
  }
  g.pending = start >= buf.length ? null : start === 0 ? buf : buf.subarray(start);
  return true;
}

/** How much to ask the socket for: a 1/2/4 packet whose header is in asks for its rest at once. */
function read_size(g: GenSocket): number {
  const p = g.packet;
  const b = g.pending;
  if (b !== null && (p === 1 || p === 2 || p === 4) && b.length >= p) {
    const n = p === 1 ? b[0]! : p === 2 ? b.readUInt16BE(0) : b.readUInt32BE(0);
    const rest = p + n - b.length;
    if (rest > g.buffer) return Math.min(rest, 1 << 24);
  }
  return g.buffer;
}

let udp_pump: (g: GenSocket) => void = () => undefined;

/** gen_udp's pump, for setopts and accept to start either kind. */
export function set_udp_pump(fn: (g: GenSocket) => void): void {
  udp_pump = fn;
}

const ANC_BIT: Record<string, number> = { recvtos: 1, recvttl: 2, recvtclass: 4 };

/** Records which of recvtos / recvttl / recvtclass the options just set turn on or off. */
export function note_anc(g: GenSocket, opts: { name: string; value: unknown }[]): void {
  for (const o of opts) {
    const bit = ANC_BIT[o.name];
    if (bit !== undefined) g.anc = o.value === true ? g.anc | bit : g.anc & ~bit;
  }
}

/**
 * Reads and delivers while the socket is active and has data; parks the callback when it
 * runs dry. It runs from the poller's callback, where an exception would reach the event
 * loop: one (a packet too large for memory) ends this socket with {tcp_error, S, enomem}.
 */
export function pump(g: GenSocket): void {
  try {
    if (g.proto === 'udp') udp_pump(g);
    else tcp_pump(g);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    g.pending = null;
    if (!g.closed) active_end(g, 'enomem');
  }
}

function tcp_pump(g: GenSocket): void {
  let scan_from = 0;
  while (g.active !== ACT_FALSE && !g.closed) {
    if (g.pending !== null) {
      if (!deliver_pending(g, scan_from)) return;
      if (g.active === ACT_FALSE) return;
    }
    const ready = (g.ready ??= new ReadyRef(pump, g));
    const r = recv_or_arm(g.sock, read_size(g), ready);
    // typeof, not r === 'wait': r is mostly an array, and a compare that sees arrays and
    // strings at one site is V8's generic StrictEqual call.
    if (typeof r === 'string') return;
    if (r[0] === 'error') {
      active_end(g, r[1] as string);
      return;
    }
    const data = r[1];
    if (g.pending === null && is_raw(g.packet)) deliver(g, data);
    else scan_from = append(g, data);
  }
}

/** Stops active delivery (setopts active false, close, controlling_process). */
export function stop(g: GenSocket): void {
  if (g.ready !== null) disarm(g.sock, g.ready);
}

/**
 * The read side ended while active, with the messages OTP 25's default (inet) backend
 * sends: EOF → {tcp_closed, S}; econnreset → {tcp_closed, S}, or with show_econnreset
 * {tcp_error, S, econnreset} first; emsgsize and other errors → {tcp_error, S, R} then
 * {tcp_closed, S}. With exit_on_close (the default) the socket is then closed, as inet does.
 */
export function active_end(g: GenSocket, reason: string): void {
  const owner = g.owner;
  if (reason === 'closed' || (reason === 'econnreset' && !g.show_econnreset)) send(owner, ['tcp_closed', g]);
  else {
    send(owner, ['tcp_error', g, reason]);
    send(owner, ['tcp_closed', g]);
  }
  g.active = ACT_FALSE;
  end_read(g, reason);
}

/** After EOF or a read error: close (exit_on_close) or remember it for recv. */
export function end_read(g: GenSocket, reason: string): void {
  if (g.exit_on_close || reason === 'emsgsize') {
    g.closed = true;
    g.pending = null;
    socket.close(g.sock);
    fire_down(g, 'normal');
  } else g.read_end = reason === 'econnreset' && !g.show_econnreset ? 'closed' : reason;
}

export { ACT_TRUE };

// A re-export leaves this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
