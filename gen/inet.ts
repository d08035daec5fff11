// OTP's inet functions on gen_tcp / gen_udp sockets: setopts, getopts, sockname,
// peername, port, getstat, i.
import * as socket from '../sockets/socket';
import { fast_exports } from '../runtime/fast_exports';
import { self } from '../runtime';
import { GenSocket, ACT_FALSE, ACT_TRUE, ACT_ONCE } from './gen_socket';
import { parse_setopt, is_gen_opt, sock_opt_spec, GenOpts, SockOpt, ACTIVE_MAX, ACTIVE_MIN } from './options';
import { apply_gen, apply_sock } from './apply';
import { pump, stop, note_anc } from './active';
import { park_if_drained } from '../sockets/readiness';
import { exit, send } from '../runtime';

export type IpTuple = number[];

function check(s: unknown): GenSocket {
  if (!(s instanceof GenSocket)) return exit('badarg');
  return s;
}

const passive_msg = (g: GenSocket): string => (g.proto === 'tcp' ? 'tcp_passive' : 'udp_passive');

/**
 * inet:setopts(S, Opts) → 'ok' | ['error', einval | closed]. {active, N} adds N to the
 * count left (sum above 32767: einval, count unchanged; sum <= 0: {tcp_passive, S} and
 * passive), as both OTP 25 backends do.
 */
export function setopts(s: GenSocket, opts: unknown[]): 'ok' | ['error', unknown] {
  const g = check(s);
  if (!Array.isArray(opts)) return exit('badarg');
  if (g.closed) return ['error', 'einval'];
  // The hot call of an {active, once} loop: [{active, V}] alone, without the general parse.
  if (opts.length === 1) {
    const o = opts[0] as unknown;
    if (Array.isArray(o) && o.length === 2 && o[0] === 'active' && (o[1] === 'once' || o[1] === true)) {
      g.active = o[1] === true ? ACT_TRUE : ACT_ONCE;
      if (g.listening) return 'ok';
      // Nothing buffered and the last read drained the socket: parking the callback is all
      // the pump would do.
      const ready = g.ready;
      if (ready !== null && g.pending === null && g.proto === 'tcp' && park_if_drained(g.sock, ready)) return 'ok';
      pump(g);
      return 'ok';
    }
  }
  const gen: Partial<GenOpts> = {};
  const sock: SockOpt[] = [];
  for (const o of opts) if (!parse_setopt(o, gen, sock)) return ['error', 'einval'];
  const sr = apply_sock(g.sock, sock);
  if (sr !== 'ok') return ['error', 'einval'];
  note_anc(g, sock);
  const active = gen.active;
  gen.active = undefined;
  apply_gen(g, gen);
  if (active !== undefined) {
    const r = set_active(g, active);
    if (r !== 'ok') return r;
  }
  if (g.active !== ACT_FALSE && !g.listening) pump(g);
  return 'ok';
}

function set_active(g: GenSocket, a: boolean | 'once' | number): 'ok' | ['error', unknown] {
  if (typeof a === 'number') {
    const cur = g.active > 0 ? g.active : 0;
    const sum = cur + a;
    if (sum > ACTIVE_MAX || sum < ACTIVE_MIN) return ['error', 'einval'];
    if (sum <= 0) {
      g.active = ACT_FALSE;
      stop(g);
      self_send_passive(g);
    } else g.active = sum;
    return 'ok';
  }
  if (a === false) {
    g.active = ACT_FALSE;
    stop(g);
  } else g.active = a === true ? ACT_TRUE : ACT_ONCE;
  return 'ok';
}

function self_send_passive(g: GenSocket): void {
  // {tcp_passive, S} goes to the owner (OTP sends it from the port to its owner).
  send(g.owner, [passive_msg(g), g]);
}

const SOCK_GET: Record<string, (v: unknown) => unknown> = {
  linger: (v) => {
    const l = v as { onoff: boolean; linger: number };
    return [l.onoff, l.linger];
  },
};

/** inet:getopts(S, Names) → ['ok', [[Name, Value], ...]] in the order asked | ['error', einval]. */
export function getopts(s: GenSocket, names: string[]): ['ok', [string, unknown][]] | ['error', unknown] {
  const g = check(s);
  if (!Array.isArray(names)) return exit('badarg');
  if (g.closed) return ['error', 'einval'];
  const out: [string, unknown][] = [];
  for (const n of names) {
    if (typeof n !== 'string') return ['error', 'einval'];
    if (is_gen_opt(n)) {
      out.push([n, g.get_opt(n as keyof GenOpts)]);
      continue;
    }
    const spec = sock_opt_spec(n);
    if (spec === undefined) return ['error', 'einval'];
    const r = socket.getopt(g.sock, spec.level as 'socket', spec.opt as 'reuseaddr');
    if (r[0] !== 'ok') return ['error', 'einval'];
    const conv = SOCK_GET[n];
    out.push([n, conv ? conv(r[1]) : r[1]]);
  }
  return ['ok', out];
}

function ip_port(r: ['ok', socket.SockAddr] | socket.Error): ['ok', [IpTuple, number]] | ['error', unknown] {
  if (r[0] !== 'ok') return r as ['error', unknown];
  const a = r[1] as { addr: IpTuple; port: number };
  return ['ok', [a.addr, a.port]];
}

/** inet:sockname(S) → ['ok', [IP, Port]]. */
export function sockname(s: GenSocket): ['ok', [IpTuple, number]] | ['error', unknown] {
  const g = check(s);
  if (g.closed) return ['error', 'einval'];
  return ip_port(socket.sockname(g.sock));
}

/** inet:peername(S) → ['ok', [IP, Port]] | ['error', enotconn]. */
export function peername(s: GenSocket): ['ok', [IpTuple, number]] | ['error', unknown] {
  const g = check(s);
  if (g.closed) return ['error', 'einval'];
  return ip_port(socket.peername(g.sock));
}

/** inet:port(S) → ['ok', Port]. */
export function port(s: GenSocket): ['ok', number] | ['error', unknown] {
  const r = sockname(s);
  return r[0] === 'ok' ? ['ok', r[1][1]] : r;
}

const STATS = ['recv_oct', 'recv_cnt', 'recv_max', 'recv_avg', 'recv_dvi', 'send_oct', 'send_cnt', 'send_max', 'send_avg', 'send_pend'];

/** inet:getstat(S[, Names]) → ['ok', [[Name, Count], ...]] from the socket's counters. */
export function getstat(s: GenSocket, names: string[] = STATS): ['ok', [string, number][]] | ['error', unknown] {
  const g = check(s);
  if (g.closed) return ['error', 'einval'];
  const c = socket.info(g.sock).counters;
  const avg = (a: number, b: number): number => (b === 0 ? 0 : Math.floor(a / b));
  const v: Record<string, number> = {
    recv_oct: c.read_byte, recv_cnt: c.read_pkg, recv_max: c.read_pkg_max, recv_avg: avg(c.read_byte, c.read_pkg), recv_dvi: 0,
    send_oct: c.write_byte, send_cnt: c.write_pkg, send_max: c.write_pkg_max, send_avg: avg(c.write_byte, c.write_pkg), send_pend: 0,
  };
  const out: [string, number][] = [];
  for (const n of names) {
    if (!(n in v)) return ['error', 'einval'];
    out.push([n, v[n]!]);
  }
  return ['ok', out];
}

// The socket module's socket → its gen socket, for i(): the registry lists the sockets, this
// names them (weakly: an entry goes with its socket).
const gen_of = new WeakMap<socket.Socket, GenSocket>();

/** Makes g known to i(). */
export function track(g: GenSocket): void {
  gen_of.set(g.sock, g);
}

/** The open gen_tcp / gen_udp sockets (those in the socket registry). */
export function sockets(): GenSocket[] {
  const out: GenSocket[] = [];
  for (const s of socket.which_sockets()) {
    const g = gen_of.get(s);
    if (g !== undefined && !g.closed) out.push(g);
  }
  return out;
}

function fmt_addr(r: ['ok', [IpTuple, number]] | ['error', unknown]): string {
  if (r[0] !== 'ok') return '*:*';
  const [ip, p] = r[1];
  const host = ip.length === 4 ? ip.join('.') : ip.map((n) => n.toString(16)).join(':');
  return `${host === '127.0.0.1' ? 'localhost' : host}:${p}`;
}

/** inet:i(): a table of the open gen_tcp and gen_udp sockets, as OTP prints it. */
export function i(): 'ok' {
  const rows: string[][] = [['Port', 'Module', 'Recv', 'Sent', 'Owner', 'Local Address', 'Foreign Address', 'State', 'Type']];
  for (const g of sockets()) {
    const c = socket.info(g.sock).counters;
    const state = g.listening ? 'LISTEN' : 'CONNECTED';
    rows.push([
      String(g.id), g.proto === 'tcp' ? 'inet_tcp' : 'inet_udp', String(c.read_byte), String(c.write_byte), String(g.owner),
      fmt_addr(sockname(g)), g.listening || g.proto === 'udp' ? '*:*' : fmt_addr(peername(g)),
      g.proto === 'udp' ? 'BOUND' : state, g.proto === 'tcp' ? 'STREAM' : 'DGRAM',
    ]);
  }
  const w = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  for (const r of rows) console.log(r.map((x, k) => x.padEnd(w[k]!)).join(' ').trimEnd());
  return 'ok';
}

export { ACT_FALSE, self };
export { monitor, cancel_monitor } from './monitor';
export { getaddr, getaddrs } from './inet_getaddrs';

// A re-export leaves this module's exports in V8's dictionary mode: see runtime/fast_exports.
fast_exports(module.exports as object);
