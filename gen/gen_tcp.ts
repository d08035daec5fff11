// OTP 25's gen_tcp on erlsock's socket module. The contract is what a user of OTP 25's
// default gen_tcp sees (the inet backend); where OTP's two backends differ, the choice is
// in docs/GEN_TCP.md's table and pinned by a test.
//
//   const [, L] = gen_tcp.listen(0, ['binary', ['packet', 'line'], ['active', 'once']]);
//   const [, S] = yield* gen_tcp.accept(L);
//   yield* receive(on(['tcp', S, _], ...), on(['tcp_closed', S], ...));
//
// The socket term is a GenSocket; messages carry the very object accept/connect returned.
// No process per socket: send and passive recv run in the caller, active delivery from the
// socket's readiness callback (gen/active.ts).
import { Buffer } from 'node:buffer';
import * as socket from '../sockets/socket';
import { fast_exports } from '../runtime/fast_exports';
import { self, receive, on, after, _, send, exit, error, Pid } from '../runtime';
import type { Proc } from '../runtime';
import { done } from '../runtime/done';
import { GenSocket, ACT_FALSE } from './gen_socket';
import { parse_open, OpenOpts } from './options';
import { apply_gen, apply_sock, to_sockaddr, Addr } from './apply';
import { pump, stop, data_term, next_http_state, packet_now, end_read } from './active';
import { decode, wanted_length } from './packet';
import { track } from './inet';
import { getaddrs, is_host_name } from './inet_getaddrs';
import { append } from './pending';
import { fire_down, moved } from './monitor';
import { change_owner } from './owner';

export type { GenSocket };
export type Result<T> = ['ok', T] | ['error', unknown];

function open_opts(opts: unknown, kind: 'listen' | 'connect'): OpenOpts {
  const o = parse_open(opts, kind);
  if (o === null) return exit('badarg');
  return o;
}

function check_port(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) return exit('badarg');
  return port;
}

/** The family to open: the inet6 option, else the family of the ip option, else inet. */
function family_of(o: OpenOpts, addr?: socket.SockAddr): 'inet' | 'inet6' {
  if (o.family !== null) return o.family;
  if (addr !== undefined && addr.family === 'inet6') return 'inet6';
  if (Array.isArray(o.ip) && o.ip.length === 8) return 'inet6';
  if (o.ip !== null && typeof o.ip === 'object' && (o.ip as { family?: unknown }).family === 'inet6') return 'inet6';
  return 'inet';
}

function new_gen(sock: socket.Socket, o: OpenOpts): GenSocket {
  const g = new GenSocket('tcp', sock, self());
  g.active = -1; // OTP's default: {active, true}
  apply_gen(g, o.gen);
  track(g);
  return g;
}

/**
 * gen_tcp:listen(Port, Options) → ['ok', ListenSocket] | ['error', Posix]. Unknown options
 * and bad values exit badarg, as OTP does.
 */
export function listen(port: number, opts: unknown[] = []): Result<GenSocket> {
  const p = check_port(port);
  const o = open_opts(opts, 'listen');
  const family = family_of(o);
  const r = socket.open(family, 'stream', 'tcp');
  if (r[0] !== 'ok') return r;
  const s = r[1];
  const fail = (e: socket.Error): socket.Error => {
    socket.close(s);
    return e;
  };
  const sr = apply_sock(s, o.sock);
  if (sr !== 'ok') return fail(['error', 'einval']);
  const bind_addr = to_sockaddr(o.ip, family, o.port ?? p);
  if (bind_addr === null) return fail(['error', 'einval']);
  const b = socket.bind(s, bind_addr);
  if (b !== 'ok') return fail(b);
  const l = socket.listen(s, o.backlog);
  if (l !== 'ok') return fail(l);
  const g = new_gen(s, o);
  g.listening = true;
  return ['ok', g];
}

/** gen_tcp:accept(L[, Timeout]) → ['ok', Socket] | ['error', closed | timeout | Posix]. */
export function accept(l: GenSocket, timeout: number | 'infinity' = 'infinity'): Proc<Result<GenSocket>> {
  if (!(l instanceof GenSocket)) return exit('badarg');
  if (timeout !== 'infinity' && !(typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 0)) return exit('badarg');
  if (l.closed) return done(['error', 'closed']);
  if (!l.listening) return done(['error', 'einval']);
  return accept_wait(l, timeout);
}

function* accept_wait(l: GenSocket, timeout: number | 'infinity'): Proc<Result<GenSocket>> {
  const r = yield* socket.accept(l.sock, timeout);
  if (r[0] !== 'ok') return r as ['error', unknown];
  const g = new GenSocket('tcp', r[1], self());
  inherit(g, l);
  track(g);
  if (g.active !== ACT_FALSE) pump(g);
  return ['ok', g];
}

/** An accepted socket starts with the listening socket's gen options, as inet's do. */
function inherit(g: GenSocket, l: GenSocket): void {
  g.active = l.active;
  g.packet = l.packet;
  g.packet_size = l.packet_size;
  g.header = l.header;
  g.list_mode = l.list_mode;
  g.deliver_port = l.deliver_port;
  g.line_delimiter = l.line_delimiter;
  g.exit_on_close = l.exit_on_close;
  g.send_timeout = l.send_timeout;
  g.send_timeout_close = l.send_timeout_close;
  g.show_econnreset = l.show_econnreset;
  g.buffer = l.buffer;
  g.delay_send = l.delay_send;
}

/**
 * gen_tcp:connect(Address, Port, Options[, Timeout]) and connect(SockAddr, Options[,
 * Timeout]) → ['ok', Socket] | ['error', econnrefused | timeout | nxdomain | Posix].
 */
export function connect(sa: socket.SockAddr, opts: unknown[], timeout?: number | 'infinity'): Proc<Result<GenSocket>>;
export function connect(addr: unknown, port: number, opts: unknown[], timeout?: number | 'infinity'): Proc<Result<GenSocket>>;
export function connect(a: unknown, b: unknown, c?: unknown, d?: unknown): Proc<Result<GenSocket>> {
  let dest: socket.SockAddr;
  let opts: unknown;
  let timeout: unknown;
  let o: OpenOpts;
  if (a !== null && typeof a === 'object' && !Array.isArray(a) && !Buffer.isBuffer(a)) {
    dest = a as socket.SockAddr;
    opts = b;
    timeout = c ?? 'infinity';
    o = open_opts(opts, 'connect');
  } else {
    // gen_tcp:connect/3,4 has no clause for a port out of range (listen exits badarg).
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 65535) return error('function_clause');
    const port = b;
    opts = c ?? [];
    timeout = d ?? 'infinity';
    o = open_opts(opts, 'connect');
    if (typeof a === 'string') {
      // A host name: resolved off the event loop (gen/inet_getaddrs.ts), the process waiting.
      if (!is_host_name(a)) return exit('badarg');
      if (!valid_timeout(timeout)) return exit('badarg');
      return connect_host(a, port, o, timeout);
    }
    if (!Array.isArray(a) || (a.length !== 4 && a.length !== 8)) return exit('badarg');
    const nums = a as Addr;
    dest = { family: nums.length === 8 ? 'inet6' : 'inet', addr: nums, port } as socket.SockAddr;
  }
  if (!valid_timeout(timeout)) return exit('badarg');
  return connect_run(dest, o, timeout);
}

function valid_timeout(t: unknown): t is number | 'infinity' {
  return t === 'infinity' || (typeof t === 'number' && Number.isInteger(t) && t >= 0);
}

/**
 * connect to a host name: each of its addresses in turn until one answers, as OTP's
 * try_connect (the last error if none does; einval and timeout stop at once), the
 * lookup and the connects within the one Timeout.
 */
function* connect_host(host: string, port: number, o: OpenOpts, timeout: number | 'infinity'): Proc<Result<GenSocket>> {
  const deadline = timeout === 'infinity' ? Infinity : Date.now() + timeout;
  const left = (): number | 'infinity' => (deadline === Infinity ? 'infinity' : Math.max(0, deadline - Date.now()));
  const r = yield* getaddrs(host, o.family ?? 'inet', left());
  if (r[0] !== 'ok') return r;
  let last: Result<GenSocket> = ['error', 'nxdomain'];
  for (const ip of r[1]) {
    const dest = { family: ip.length === 8 ? 'inet6' : 'inet', addr: ip, port } as socket.SockAddr;
    last = yield* connect_run(dest, o, left());
    if (last[0] === 'ok' || last[1] === 'einval' || last[1] === 'timeout') return last;
  }
  return last;
}

function* connect_run(dest: socket.SockAddr, o: OpenOpts, timeout: number | 'infinity'): Proc<Result<GenSocket>> {
  const family = o.family ?? (dest.family === 'inet6' ? 'inet6' : 'inet');
  const r = socket.open(family, 'stream', 'tcp');
  if (r[0] !== 'ok') return r;
  const s = r[1];
  if (apply_sock(s, o.sock) !== 'ok') {
    socket.close(s);
    return ['error', 'einval'];
  }
  if (o.ip !== null || o.port !== null) {
    const local = to_sockaddr(o.ip, family, o.port ?? 0);
    const b = local === null ? (['error', 'einval'] as socket.Error) : socket.bind(s, local);
    if (b !== 'ok') {
      socket.close(s);
      return b;
    }
  }
  const c = yield* socket.connect(s, dest, timeout);
  if (c !== 'ok') {
    socket.close(s);
    return c as ['error', unknown];
  }
  const g = new_gen(s, o);
  if (g.active !== ACT_FALSE) pump(g);
  return ['ok', g];
}

function check(s: unknown): GenSocket {
  if (!(s instanceof GenSocket)) return exit('badarg');
  return s;
}

/** Frames data for packet 1/2/4: a big-endian length header first. Null when too long for it. */
function frame(g: GenSocket, data: Buffer): Buffer | Buffer[] | null {
  const p = g.packet;
  if (p !== 1 && p !== 2 && p !== 4) return data;
  const n = data.length;
  if ((p === 1 && n > 0xff) || (p === 2 && n > 0xffff)) return null;
  const h = Buffer.allocUnsafe(p);
  if (p === 1) h[0] = n;
  else if (p === 2) h.writeUInt16BE(n, 0);
  else h.writeUInt32BE(n, 0);
  return [h, data];
}

function iodata(d: unknown): Buffer {
  if (Buffer.isBuffer(d)) return d;
  if (typeof d === 'string') return Buffer.from(d, 'latin1');
  if (Array.isArray(d)) {
    const parts: Buffer[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) for (const e of x) walk(e);
      else if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255) parts.push(Buffer.of(x));
      else if (Buffer.isBuffer(x)) parts.push(x);
      else if (typeof x === 'string') parts.push(Buffer.from(x, 'latin1'));
      else exit('badarg');
    };
    walk(d);
    return Buffer.concat(parts);
  }
  if (d instanceof Uint8Array) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return exit('badarg');
}

/**
 * gen_tcp:send(S, Packet) → 'ok' | ['error', closed | timeout | Posix]. The data goes to
 * the kernel before it returns (no port queue): with send_timeout a timed-out send returns
 * ['error', ['timeout', RestBinary]] (the unsent tail), or with send_timeout_close closes
 * the socket and returns ['error', 'timeout'].
 */
export function send_data(s: GenSocket, packet: unknown): Proc<'ok' | ['error', unknown]> {
  const g = check(s);
  const data = iodata(packet);
  if (g.closed) return done(['error', 'closed']);
  if (g.listening) return done(['error', 'enotconn']);
  const framed = frame(g, data);
  if (framed === null) return done(['error', 'einval']);
  const r = socket.send(g.sock, framed, g.send_timeout);
  return map_send(g, r);
}
export { send_data as send };
export { unrecv } from './unrecv';

function map_send(g: GenSocket, p: Proc<unknown>): Proc<'ok' | ['error', unknown]> {
  // socket.send returns a finished Proc when the data went out at once: no generator then.
  // next() drives it (a Proc must be driven: runtime/undriven.ts) and returns its result.
  if ((p as unknown as { done?: boolean }).done === true) return done(send_result(g, p.next().value), 'gen_tcp:send');
  return send_wait(g, p);
}

function* send_wait(g: GenSocket, p: Proc<unknown>): Proc<'ok' | ['error', unknown]> {
  return send_result(g, yield* p);
}

function send_result(g: GenSocket, r: unknown): 'ok' | ['error', unknown] {
  if (r === 'ok') return 'ok';
  const reason = (r as ['error', unknown])[1];
  if (Array.isArray(reason) && reason[0] === 'timeout') {
    if (g.send_timeout_close) {
      do_close(g);
      return ['error', 'timeout'];
    }
    return ['error', ['timeout', reason[1]]];
  }
  if (reason === 'epipe' || reason === 'econnreset') return ['error', g.show_econnreset ? 'econnreset' : 'closed'];
  return ['error', Array.isArray(reason) ? reason[0] : reason];
}

/**
 * gen_tcp:recv(S, Length[, Timeout]) on a passive socket → ['ok', Packet] | ['error',
 * closed | timeout | einval | ealready | emsgsize | Posix]. Length is for raw/0 only (0:
 * whatever is there); with another packet type it must be 0 (einval, as inet).
 */
export function recv(s: GenSocket, length: number, timeout: number | 'infinity' = 'infinity'): Proc<['ok', unknown] | ['error', unknown]> {
  const g = check(s);
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) return exit('badarg');
  if (timeout !== 'infinity' && !(typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 0)) return exit('badarg');
  if (g.closed) return done(['error', 'closed']);
  if (g.listening) return done(['error', 'enotconn']);
  if (g.active !== ACT_FALSE) return done(['error', 'einval']);
  if (length > 0 && g.packet !== 0 && g.packet !== 'raw') return done(['error', 'einval']);
  const rp = g.recv_pid;
  if (rp !== null && rp.proc !== null && rp !== self()) return done(['error', 'ealready']);
  // A whole packet already buffered: no generator.
  const got = take_packet(g, length);
  if (got !== null) return done(got);
  if (g.read_end !== null) return done(['error', g.read_end]);
  return recv_wait(g, length, timeout);
}

/** One packet from g.pending, or null when more bytes are needed. scan_from: as decode's. */
function take_packet(g: GenSocket, length: number, scan_from = 0): ['ok', unknown] | ['error', unknown] | null {
  const buf = g.pending;
  if (buf === null) return null;
  if (length > 0) {
    if (buf.length < length) return null;
    g.pending = buf.length === length ? null : buf.subarray(length);
    return ['ok', data_term(g, buf.subarray(0, length))];
  }
  const d = decode(packet_now(g), buf, 0, g, scan_from);
  if (d === 'more') return null;
  if (d[0] === 'error') {
    g.pending = null;
    end_read(g, 'emsgsize');
    return ['error', 'emsgsize'];
  }
  g.pending = d[2] >= buf.length ? null : buf.subarray(d[2]);
  const p = g.packet;
  if (typeof p === 'string' && p.startsWith('http')) {
    next_http_state(g, d[1]);
    return ['ok', d[1]];
  }
  return ['ok', data_term(g, d[1] as Buffer)];
}

function* recv_wait(g: GenSocket, length: number, timeout: number | 'infinity'): Proc<['ok', unknown] | ['error', unknown]> {
  const deadline = timeout === 'infinity' ? Infinity : Date.now() + timeout;
  g.recv_pid = self();
  try {
    for (;;) {
      const left = deadline === Infinity ? 'infinity' : Math.max(0, deadline - Date.now());
      const have = g.pending === null ? 0 : g.pending.length;
      let want = 0;
      if (length > 0) want = length - have;
      else if (g.pending !== null) {
        const n = wanted_length(g.packet, g.pending, 0);
        if (n > have) want = n - have;
      }
      const r = yield* socket.recv(g.sock, want, left);
      if (g.closed) return ['error', 'closed'];
      if (r[0] === 'ok') {
        const from = append(g, r[1] as Buffer);
        const got = take_packet(g, length, from);
        if (got !== null) return got;
        continue;
      }
      let reason = r[1] as unknown;
      if (Array.isArray(reason)) {
        // Partial data with the error: keep it for the next call.
        const part = reason[1] as Buffer;
        append(g, part);
        reason = reason[0];
      }
      if (reason === 'timeout') return ['error', 'timeout'];
      const why = reason === 'econnreset' && !g.show_econnreset ? 'closed' : (reason as string);
      end_read(g, why);
      return ['error', why];
    }
  } finally {
    g.recv_pid = null;
  }
}

function do_close(g: GenSocket): void {
  if (g.closed) return;
  stop(g);
  g.closed = true;
  g.pending = null;
  g.active = ACT_FALSE;
  socket.close(g.sock);
  fire_down(g, 'normal');
}

/** gen_tcp:close(S) → 'ok' (also on a socket already closed, as OTP). */
export function close(s: GenSocket): 'ok' {
  do_close(check(s));
  return 'ok';
}

/** gen_tcp:shutdown(S, read | write | read_write) → 'ok' | ['error', closed | enotconn | Posix]. */
export function shutdown(s: GenSocket, how: 'read' | 'write' | 'read_write'): 'ok' | ['error', unknown] {
  const g = check(s);
  if (how !== 'read' && how !== 'write' && how !== 'read_write') return exit('badarg');
  if (g.closed) return ['error', 'closed'];
  if (g.listening) return ['error', 'enotconn'];
  const r = socket.shutdown(g.sock, how);
  return r;
}

/**
 * gen_tcp:controlling_process(S, Pid) → 'ok' | ['error', not_owner | closed]. As inet: the
 * {tcp, S, _}, {tcp_closed, S} and {S, {data, _}} messages already in the caller's mailbox
 * move to the new owner, in order; active delivery resumes for the new owner.
 */
export function controlling_process(s: GenSocket, pid: Pid): Proc<'ok' | ['error', unknown]> {
  return change_owner(check(s), pid, move);
}

function* move(g: GenSocket, to: Pid): Proc<'ok' | ['error', unknown]> {
  stop(g);
  for (;;) {
    const m = yield* receive(
      on(['tcp', g, _], (x: unknown) => x),
      on(['tcp_closed', g], (x: unknown) => x),
      on([g, ['data', _]], (x: unknown) => x),
      after(0, () => null),
    );
    if (m === null) break;
    send(to, m);
  }
  if (!g.closed) {
    const r = socket.setopt(g.sock, 'otp', 'controlling_process', to);
    if (r !== 'ok') return r as ['error', unknown];
  }
  g.owner = to;
  moved(g);
  // A listener's active option is only what its accepted sockets inherit: nothing to read.
  if (g.active !== ACT_FALSE && !g.closed && !g.listening) pump(g);
  return 'ok';
}

// A re-export leaves this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
