// This runtime as a node: start/stop (listen socket, epmd registration, the net_kernel
// process), the table of connections, and setting connections up in both directions.
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { homedir } from 'os';
import { Pid, Proc, exit, on, receive, self, send, spawn, register, whereis, after, _ } from '../runtime';
import { on_exit } from '../runtime/hooks';
import { set_router } from '../runtime/remote';
import * as socket from '../sockets/socket';
import * as net from '../sockets/net';
import type { Socket } from '../sockets/socket_term';
import { me } from './identity';
import { our_flags } from './flags';
import { register as epmd_register, port_please, DistError } from './epmd';
import { accept_handshake, connect_handshake, Admit, HandshakeError, SimultaneousLost, Us } from './handshake';
import { Conn, run_connection, stop_connection } from './connection';
import { log } from './log';
import { rex } from './rex';

export interface StartOpts {
  /** The cookie; default: the contents of ~/.erlang.cookie. */
  cookie?: string;
  /** Register as a hidden node (the default) or a visible one. */
  hidden?: boolean;
  /** net_ticktime in seconds (60, as OTP). */
  ticktime?: number;
  /** Address the distribution listens on (loopback unless asked). */
  listen_addr?: [number, number, number, number];
  /** Handshake timeout in ms (net_setuptime: 7 s). */
  setup_timeout?: number;
}

interface NodeState {
  us: Us;
  ticktime: number;
  kernel: Pid;
  hidden: boolean;
}

let node: NodeState | null = null;
const conns = new Map<string, Conn>();
/** Called when a connection goes down (signals.ts: noconnection to links and monitors). */
const down_hooks: Array<(conn: Conn) => void> = [];
let dispatch_fn: ((conn: Conn, ctrl: unknown, msg: unknown, has_msg: boolean) => void) | null = null;

export function on_connection_down(fn: (conn: Conn) => void): void {
  down_hooks.push(fn);
}

export function set_dispatch(fn: (conn: Conn, ctrl: unknown, msg: unknown, has_msg: boolean) => void): void {
  dispatch_fn = fn;
}

export function is_alive(): boolean {
  return node !== null;
}

/** node(): this node's name. */
export function node_name(): string {
  return me.name;
}

/** nodes(): the nodes connected now (hidden ones included: erlsock knows no other kind of peer). */
export function connected_nodes(): string[] {
  return [...conns.values()].filter((c) => c.up).map((c) => c.node);
}

export function connection(name: string): Conn | undefined {
  return conns.get(name);
}

export function all_connections(): Conn[] {
  return [...conns.values()];
}

export function read_cookie(): string {
  try {
    return readFileSync(`${homedir()}/.erlang.cookie`, 'latin1').trim();
  } catch {
    throw new DistError('no cookie given and ~/.erlang.cookie cannot be read');
  }
}

/** The host part for a short or long name, as `erl -sname` / `erl -name` pick it. */
export function host_name(mode: 'shortnames' | 'longnames'): string {
  const r = net.gethostname();
  const full = r[0] === 'ok' ? (r[1] as string) : 'localhost';
  if (mode === 'shortnames') return full.split('.')[0];
  if (full.includes('.')) return full;
  try {
    const fq = execFileSync('hostname', ['-f'], { encoding: 'utf8', timeout: 2000 }).trim();
    if (fq.includes('.')) return fq;
  } catch {
    // fall through
  }
  return '127.0.0.1';
}

/**
 * net_kernel:start([Name, shortnames | longnames]) → ['ok', KernelPid] | ['error', Reason].
 * Name may carry its host ('a@vm'); without one the host is added as erl does.
 */
export function* start(args: [string, ('shortnames' | 'longnames')?], opts: StartOpts = {}): Proc<['ok', Pid] | ['error', unknown]> {
  if (node !== null) return ['error', ['already_started', node.kernel]];
  const [name, mode = 'shortnames'] = args;
  if (typeof name !== 'string' || name.length === 0) return ['error', 'badarg'];
  const full = name.includes('@') ? name : `${name}@${host_name(mode)}`;
  let cookie: string;
  try {
    cookie = opts.cookie ?? read_cookie();
  } catch (e) {
    return ['error', (e as Error).message];
  }
  const caller = self();
  const kernel = spawn(kernel_main, full, cookie, opts, caller);
  const r = yield* receive(on(['net_kernel_started', kernel, _], (m) => m[2]));
  return r as ['ok', Pid] | ['error', unknown];
}

/** net_kernel:stop(): every connection closes, the name leaves epmd. */
export function stop(): 'ok' | ['error', 'not_allowed'] {
  if (node === null) return ['error', 'not_allowed'];
  exit(node.kernel, 'shutdown');
  return 'ok';
}

function* kernel_main(full: string, cookie: string, opts: StartOpts, caller: Pid): Proc<void> {
  const kernel = self();
  const alive = full.split('@')[0];
  let listen: Socket;
  let creation: number;
  try {
    const o = socket.open('inet', 'stream', 'tcp');
    if (o[0] !== 'ok') throw new DistError(`cannot open the listen socket: ${String(o[1])}`);
    listen = o[1] as Socket;
    const addr = opts.listen_addr ?? [127, 0, 0, 1];
    if (socket.bind(listen, { family: 'inet', addr, port: 0 }) !== 'ok' || socket.listen(listen, 128) !== 'ok') {
      throw new DistError('cannot listen');
    }
    const sn = socket.sockname(listen) as ['ok', { port: number }];
    const reg = yield* epmd_register(alive, sn[1].port, opts.hidden !== false);
    creation = reg.creation;
  } catch (e) {
    send(caller, ['net_kernel_started', kernel, ['error', (e as Error).message]]);
    return;
  }
  if (whereis('net_kernel') !== 'undefined') {
    send(caller, ['net_kernel_started', kernel, ['error', 'net_kernel already registered']]);
    return;
  }
  register('net_kernel', kernel);
  me.name = full;
  me.creation = creation;
  const flags = our_flags(opts.hidden === false);
  node = {
    us: { name: full, flags, creation, cookie, timeout_ms: opts.setup_timeout ?? 7000 },
    ticktime: opts.ticktime ?? 60,
    kernel,
    hidden: opts.hidden !== false,
  };
  on_exit(kernel, kernel_down);
  install_router();
  spawn(acceptor, listen, kernel);
  if (whereis('rex') === 'undefined') on_exit(kernel, stop_rex, spawn(rex));
  send(caller, ['net_kernel_started', kernel, ['ok', kernel]]);
  yield* kernel_loop();
}

let install_router = (): void => undefined;
/** signals.ts gives the router; installed when a node starts, removed when it stops. */
export function set_router_installer(fn: () => void): void {
  install_router = fn;
}

function stop_rex(_reason: unknown, pid: Pid): void {
  exit(pid, 'kill');
}

function kernel_down(): void {
  node = null;
  set_router(null);
  for (const c of [...conns.values()]) {
    if (c.reader !== null) exit(c.reader, 'kill');
    else conn_down(c);
  }
  me.name = 'nonode@nohost';
  me.creation = 0;
}

/** net_kernel's gen_server calls: is_auth (what net_adm:ping asks). */
function* kernel_loop(): Proc<void> {
  for (;;) {
    const m = yield* receive(on(_));
    if (Array.isArray(m) && m[0] === '$gen_call' && Array.isArray(m[1]) && m[1].length === 2) {
      const [from, tag] = m[1] as [Pid, unknown];
      const req: unknown = m[2];
      if (Array.isArray(req) && req[0] === 'is_auth') send(from, [tag, 'yes']);
      else send(from, [tag, ['error', 'not_supported']]);
    }
  }
}

function* acceptor(listen: Socket, kernel: Pid): Proc<void> {
  for (;;) {
    const r = yield* socket.accept(listen);
    if (r[0] !== 'ok') {
      if (node === null || node.kernel !== kernel) return;
      continue;
    }
    const s = r[1] as Socket;
    const h = spawn(accept_conn, s);
    if (socket.setopt(s, 'otp', 'controlling_process', h) !== 'ok') socket.close(s);
  }
}

function* accept_conn(s: Socket): Proc<void> {
  const st = node;
  if (st === null) return;
  let conn: Conn | undefined;
  let replaced: Conn | undefined;
  try {
    const admit = (peer: string): Admit => {
      const existing = conns.get(peer);
      if (existing === undefined) return 'ok';
      if (existing.up) {
        replaced = existing;
        return 'alive';
      }
      // Both sides are connecting: the greater name's attempt wins.
      if (st.us.name > peer) return 'nok';
      replaced = existing;
      return 'ok_simultaneous';
    };
    const peer = yield* accept_handshake(s, st.us, admit);
    if (replaced !== undefined) {
      // Keep what was queued for the peer: this connection takes over the old one's queue.
      const old = replaced;
      const old_reader = old.reader;
      if (old.up) {
        conn_down(old);
        conn = new Conn(peer.name);
      } else {
        // Our own attempt loses (simultaneous connect): this connection takes its place and
        // its queue; its connector is no longer the owner, so its end downs nothing.
        conn = old;
        conn.reader = self();
        if (old_reader !== null) exit(old_reader, 'kill');
      }
    } else conn = new Conn(peer.name);
    conn.flags = peer.flags;
    conn.creation = peer.creation;
    conn.sock = s;
    conn.reader = self();
    conns.set(peer.name, conn);
  } catch (e) {
    if (e instanceof HandshakeError) {
      log(`refused a connection: ${e.message}`);
      socket.close(s);
      return;
    }
    throw e;
  }
  yield* connected(conn, st);
}

function* connected(conn: Conn, st: NodeState): Proc<void> {
  on_exit(self(), conn_ended, [conn, self()] as [Conn, Pid]);
  yield* run_connection(conn, st.ticktime, (c, ctrl, msg, has) => dispatch_fn?.(c, ctrl, msg, has));
}

/** The owner of a connection's socket ended: the connection is down, unless another process took it over. */
function conn_ended(_reason: unknown, [conn, owner]: [Conn, Pid]): void {
  if (conns.get(conn.node) === conn && conn.reader === owner) conn_down(conn);
}

function conn_down(conn: Conn): void {
  if (conns.get(conn.node) === conn) conns.delete(conn.node);
  const was_up = conn.up;
  stop_connection(conn);
  if (was_up || conn.reader !== null) for (const fn of down_hooks) fn(conn);
  conn.reader = null;
}

/** The connection to `name`, set up if need be (messages queue until it is up). */
export function ensure_connection(name: string): Conn | null {
  const st = node;
  if (st === null || name === st.us.name) return null;
  let conn = conns.get(name);
  if (conn !== undefined) return conn;
  if (!/^[^@\s]+@[^@\s]+$/.test(name)) return null;
  conn = new Conn(name);
  conns.set(name, conn);
  conn.reader = spawn(connect_conn, conn, st);
  return conn;
}

function* connect_conn(conn: Conn, st: NodeState): Proc<void> {
  on_exit(self(), conn_ended, [conn, self()] as [Conn, Pid]);
  const [alive, host] = conn.node.split('@');
  let s: Socket | null = null;
  try {
    const addr = resolve(host);
    if (addr === null) throw new HandshakeError(`cannot resolve ${host}`);
    const port = yield* port_please(alive, addr);
    if (port === null) throw new HandshakeError(`${conn.node} is not registered in epmd`);
    const o = socket.open('inet', 'stream', 'tcp');
    if (o[0] !== 'ok') throw new HandshakeError('cannot open a socket');
    s = o[1] as Socket;
    const c = yield* socket.connect(s, { family: 'inet', addr, port }, st.us.timeout_ms);
    if (c !== 'ok') throw new HandshakeError(`cannot connect to ${conn.node}: ${JSON.stringify(c)}`);
    const peer = yield* connect_handshake(s, st.us, conn.node);
    conn.flags = peer.flags;
    conn.creation = peer.creation;
    conn.sock = s;
  } catch (e) {
    if (s !== null) socket.close(s);
    if (e instanceof SimultaneousLost) {
      // The peer's own attempt reaches our acceptor, which takes this connection over (and
      // its queue) and kills us: until then the connection stays pending, as net_kernel's does.
      yield* receive(after(st.us.timeout_ms));
      log(`cannot connect to ${conn.node}: its simultaneous attempt never came`);
      exit(['shutdown', 'noconnection']);
    }
    if (e instanceof HandshakeError || e instanceof DistError) {
      log(`cannot connect to ${conn.node}: ${e.message}`);
      exit(['shutdown', 'noconnection']); // quiet: the down hooks tell whoever waited
    }
    throw e;
  }
  yield* run_connection(conn, st.ticktime, (c, ctrl, msg, has) => dispatch_fn?.(c, ctrl, msg, has));
}

function resolve(host: string): [number, number, number, number] | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return host.split('.').map(Number) as [number, number, number, number];
  const r = net.getaddrinfo(host);
  if (r[0] !== 'ok') return null;
  for (const ai of r[1] as net.AddrInfo[]) {
    if (ai.family === 'inet') return (ai.addr as { addr: [number, number, number, number] }).addr;
  }
  return null;
}

/** Waits (at most ms) for the connection to `name` to come up: true if it did. */
export function* await_connection(name: string, ms: number): Proc<boolean> {
  const deadline = Date.now() + ms;
  const c = ensure_connection(name);
  if (c === null) return name === me.name;
  for (;;) {
    if (c.up) return true;
    // The attempt failed (the connection left the table): no retry, as net_kernel does.
    if (conns.get(name) !== c || Date.now() >= deadline) return false;
    yield* receive(after(5));
  }
}
