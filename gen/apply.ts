// Parsed options onto a GenSocket (gen options) or the socket under it (socket options),
// and the ip/port options as a sockaddr.
import * as socket from '../sockets/socket';
import { GenSocket, ACT_FALSE, ACT_TRUE, ACT_ONCE } from './gen_socket';
import type { GenOpts, SockOpt, Active } from './options';

export type Addr = number[];

/** The gen options other than active (setopts handles active's counting). */
export function apply_gen(g: GenSocket, o: Partial<GenOpts>): void {
  if (o.active !== undefined) g.active = active_code(o.active);
  if (o.packet !== undefined) {
    if (o.packet !== g.packet) g.httph = false;
    g.packet = o.packet;
  }
  if (o.packet_size !== undefined) g.packet_size = o.packet_size;
  if (o.header !== undefined) g.header = o.header;
  if (o.mode !== undefined) g.list_mode = o.mode === 'list';
  if (o.deliver !== undefined) g.deliver_port = o.deliver === 'port';
  if (o.line_delimiter !== undefined) g.line_delimiter = o.line_delimiter;
  if (o.exit_on_close !== undefined) g.exit_on_close = o.exit_on_close;
  if (o.send_timeout !== undefined) g.send_timeout = o.send_timeout;
  if (o.send_timeout_close !== undefined) g.send_timeout_close = o.send_timeout_close;
  if (o.show_econnreset !== undefined) g.show_econnreset = o.show_econnreset;
  if (o.buffer !== undefined) g.buffer = o.buffer;
  if (o.delay_send !== undefined) g.delay_send = o.delay_send;
}

/** An active value as the number GenSocket keeps (an initial N <= 0 is passive). */
export function active_code(a: Active): number {
  if (a === false) return ACT_FALSE;
  if (a === true) return ACT_TRUE;
  if (a === 'once') return ACT_ONCE;
  return a > 0 ? a : ACT_FALSE;
}

/** socket:setopt for each; the first failure's reason, else 'ok'. */
export function apply_sock(s: socket.Socket, opts: SockOpt[]): 'ok' | ['error', unknown] {
  for (const o of opts) {
    const r = socket.setopt(s, o.level as 'socket', o.opt as 'reuseaddr', o.value as boolean);
    if (r !== 'ok') return r as ['error', unknown];
  }
  return 'ok';
}

/** The ip/ifaddr option (a tuple, 'any', 'loopback', or a sockaddr map) with a port. Null if malformed. */
export function to_sockaddr(ip: unknown, family: 'inet' | 'inet6', port: number): socket.SockAddr | null {
  if (ip === null || ip === undefined || ip === 'any') return { family, addr: 'any', port } as unknown as socket.SockAddr;
  if (ip === 'loopback') return { family, addr: 'loopback', port } as unknown as socket.SockAddr;
  if (Array.isArray(ip) && (ip.length === 4 || ip.length === 8) && ip.every((n) => Number.isInteger(n) && n >= 0)) {
    return { family: ip.length === 8 ? 'inet6' : 'inet', addr: ip, port } as unknown as socket.SockAddr;
  }
  if (typeof ip === 'object' && ip !== null && 'family' in ip) {
    const m = ip as Record<string, unknown>;
    return { ...m, port: m.port ?? port } as unknown as socket.SockAddr;
  }
  return null;
}
