// OTP 25's gen_udp on erlsock's socket module, with gen_tcp's design: no process per
// socket, active datagrams sent from the socket's readiness callback to the owner:
//   ['udp', S, IP, Port, Data]            (['udp', S, IP, Port, AncData, Data] with
//                                          recvtos / recvttl / recvtclass on)
//   ['udp_passive', S]                    when {active, N} runs out
//   [S, ['data', [IP, Port, Data]]]       with {deliver, port}
// recv(S, Len[, Timeout]) → ['ok', [IP, Port, Data]] (or [IP, Port, AncData, Data]).
import * as socket from '../sockets/socket';
import { recvfrom_or_arm, recvmsg_or_arm, ReadyRef } from '../sockets/readiness';
import { self, send, exit, receive, on, after, _, Pid } from '../runtime';
import type { Proc } from '../runtime';
import { done } from '../runtime/done';
import { GenSocket, ACT_FALSE, ACT_ONCE } from './gen_socket';
import { parse_open } from './options';
import { apply_gen, apply_sock, to_sockaddr } from './apply';
import { stop, note_anc, set_udp_pump } from './active';
import { track } from './inet';
import { fire_down, moved } from './monitor';
import { change_owner } from './owner';

export type Result<T> = ['ok', T] | ['error', unknown];
type IP = number[];

/** gen_udp:open(Port[, Opts]) → ['ok', S] | ['error', Posix]; bad options exit badarg. */
export function open(port: number, opts: unknown[] = []): Result<GenSocket> {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) return exit('badarg');
  const o = parse_open(opts, 'udp');
  if (o === null) return exit('badarg');
  const family = o.family ?? (Array.isArray(o.ip) && o.ip.length === 8 ? 'inet6' : 'inet');
  const r = socket.open(family, 'dgram', 'udp');
  if (r[0] !== 'ok') return r;
  const s = r[1];
  if (apply_sock(s, o.sock) !== 'ok') {
    socket.close(s);
    return ['error', 'einval'];
  }
  const a = to_sockaddr(o.ip, family, o.port ?? port);
  const b = a === null ? (['error', 'einval'] as socket.Error) : socket.bind(s, a);
  if (b !== 'ok') {
    socket.close(s);
    return b;
  }
  const g = new GenSocket('udp', s, self());
  g.active = -1; // {active, true} by default, as OTP
  g.packet = 'raw';
  apply_gen(g, o.gen);
  note_anc(g, o.sock);
  track(g);
  if (g.active !== ACT_FALSE) udp_pump(g);
  return ['ok', g];
}

function check(s: unknown): GenSocket {
  if (!(s instanceof GenSocket) || s.proto !== 'udp') return exit('badarg');
  return s;
}

function dest_of(to: unknown, port?: unknown): socket.SockAddr {
  if (port === undefined) {
    if (Array.isArray(to) && to.length === 2 && Array.isArray(to[0])) return dest_of(to[0], to[1]);
    if (to !== null && typeof to === 'object' && 'family' in to) return to as socket.SockAddr;
    return exit('badarg');
  }
  if (!Array.isArray(to) || (to.length !== 4 && to.length !== 8) || typeof port !== 'number') return exit('badarg');
  return { family: to.length === 8 ? 'inet6' : 'inet', addr: to, port } as socket.SockAddr;
}

function data_of(d: unknown): Buffer {
  if (Buffer.isBuffer(d)) return d;
  if (typeof d === 'string') return Buffer.from(d, 'latin1');
  if (Array.isArray(d) && d.every((x) => Number.isInteger(x) && x >= 0 && x < 256)) return Buffer.from(d as number[]);
  if (Array.isArray(d)) return Buffer.concat(d.map(data_of));
  return exit('badarg');
}

/**
 * gen_udp:send(S, Packet) on a connected socket, send(S, Dest, Packet) with Dest [IP, Port]
 * or a sockaddr, send(S, IP, Port, Packet) → 'ok' | ['error', Reason].
 */
export function send_to(s: GenSocket, a: unknown, b?: unknown, c?: unknown): Proc<'ok' | ['error', unknown]> {
  const g = check(s);
  if (g.closed) return done(['error', 'closed']);
  if (b === undefined) return done_send(socket.send(g.sock, data_of(a)));
  if (c === undefined) return done_send(socket.sendto(g.sock, data_of(b), dest_of(a)));
  return done_send(socket.sendto(g.sock, data_of(c), dest_of(a, b)));
}
export { send_to as send };

function* done_send(p: Proc<unknown>): Proc<'ok' | ['error', unknown]> {
  const r = yield* p;
  return r === 'ok' ? 'ok' : ['error', (r as ['error', unknown])[1]];
}

/** gen_udp:connect(S, IP, Port) → 'ok'. */
export function connect(s: GenSocket, ip: IP, port: number): Proc<'ok' | ['error', unknown]> {
  const g = check(s);
  if (g.closed) return done(['error', 'closed']);
  return done_send(socket.connect(g.sock, dest_of(ip, port)));
}

function ip_port(a: socket.SockAddr): [IP, number] {
  const x = a as { addr: IP; port: number };
  return [x.addr, x.port];
}

/** gen_udp:recv(S, Length[, Timeout]) → ['ok', [IP, Port, Data]] | ['error', timeout | closed | einval]. */
export function recv(s: GenSocket, len: number, timeout: number | 'infinity' = 'infinity'): Proc<['ok', unknown[]] | ['error', unknown]> {
  const g = check(s);
  if (typeof len !== 'number' || !Number.isInteger(len) || len < 0) return exit('badarg');
  if (g.closed) return done(['error', 'closed']);
  if (g.active !== ACT_FALSE) return done(['error', 'einval']);
  return recv_wait(g, len, timeout);
}

function* recv_wait(g: GenSocket, len: number, timeout: number | 'infinity'): Proc<['ok', unknown[]] | ['error', unknown]> {
  if (g.anc !== 0) {
    const r = yield* socket.recvmsg(g.sock, len, 0, timeout);
    if (r[0] !== 'ok') return r as ['error', unknown];
    const m = r[1] as socket.MsgRecv;
    const [ip, port] = ip_port(m.addr!);
    const anc = (m.ctrl as { type: string; value: number }[]).filter((c) => ['tos', 'ttl', 'tclass'].includes(c.type)).map((c) => [c.type, c.value]);
    return ['ok', [ip, port, anc, data(g, Buffer.concat(m.iov as Buffer[]))]];
  }
  const r = yield* socket.recvfrom(g.sock, len, timeout);
  if (r[0] !== 'ok') return r as ['error', unknown];
  const [from, d] = r[1] as [socket.SockAddr, Buffer];
  const [ip, port] = ip_port(from);
  return ['ok', [ip, port, data(g, d)]];
}

function data(g: GenSocket, b: Buffer): unknown {
  return g.list_mode ? Array.from(b) : b;
}

/** Delivers datagrams to the owner while active. */
export function udp_pump(g: GenSocket): void {
  const anc = g.anc !== 0;
  while (g.active !== ACT_FALSE && !g.closed) {
    const ready = (g.ready ??= new ReadyRef(udp_pump, g));
    let ip: IP;
    let port: number;
    let d: Buffer;
    let ctrl: [string, number][] | null = null;
    if (anc) {
      const r = recvmsg_or_arm(g.sock, 0, ready);
      if (r === 'wait') return;
      if (r[0] === 'error') return udp_error(g, r[1]);
      [ip, port] = ip_port(r[1].addr);
      d = r[1].data;
      ctrl = r[1].ctrl;
    } else {
      const r = recvfrom_or_arm(g.sock, 0, ready);
      if (r === 'wait') return;
      if (r[0] === 'error') return udp_error(g, r[1]);
      [ip, port] = ip_port(r[1][0]);
      d = r[1][1];
    }
    const payload = data(g, d);
    let msg: unknown;
    if (g.deliver_port) msg = [g, ['data', [ip, port, payload]]];
    else msg = ctrl !== null ? ['udp', g, ip, port, ctrl, payload] : ['udp', g, ip, port, payload];
    send(g.owner, msg);
    const a = g.active;
    if (a === ACT_ONCE) g.active = ACT_FALSE;
    else if (a > 0) {
      g.active = a - 1;
      if (a === 1) send(g.owner, ['udp_passive', g]);
    }
  }
}

set_udp_pump(udp_pump);

function udp_error(g: GenSocket, reason: unknown): void {
  // ICMP errors (econnrefused on a connected socket) are reported and reading goes on.
  if (reason === 'closed') return;
  send(g.owner, ['udp_error', g, reason]);
}

/** gen_udp:close(S) → 'ok'. */
export function close(s: GenSocket): 'ok' {
  const g = check(s);
  if (!g.closed) {
    stop(g);
    g.closed = true;
    g.active = ACT_FALSE;
    socket.close(g.sock);
    fire_down(g, 'normal');
  }
  return 'ok';
}

/** gen_udp:controlling_process(S, Pid): as gen_tcp's, moving {udp, S, ...} messages. */
export function controlling_process(s: GenSocket, pid: Pid): Proc<'ok' | ['error', unknown]> {
  return change_owner(check(s), pid, move);
}

function* move(g: GenSocket, to: Pid): Proc<'ok' | ['error', unknown]> {
  stop(g);
  for (;;) {
    const m = yield* receive(on(['udp', g, _, _, _], (x: unknown) => x), on(['udp', g, _, _, _, _], (x: unknown) => x), after(0, () => null));
    if (m === null) break;
    send(to, m);
  }
  const r = socket.setopt(g.sock, 'otp', 'controlling_process', to);
  if (r !== 'ok') return r as ['error', unknown];
  g.owner = to;
  moved(g);
  if (g.active !== ACT_FALSE) udp_pump(g);
  return 'ok';
}
