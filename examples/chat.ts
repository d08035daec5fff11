// A line-based chat on gen_tcp ({packet, line}, {active, once}; each client's process in
// examples/chat_client.ts), under a supervision tree:
//
//   chat (rest_for_one)
//   ├── clients   simple_one_for_one: one temporary child per client, the owner of its socket
//   ├── listener  gen_server: opens the listening socket and owns it
//   └── acceptors one_for_one: a pool of acceptors, all accepting on the one listening socket
//
// The listening socket belongs to the listener, which does nothing else, so an acceptor's
// crash cannot close it (a socket closes with its owner); an acceptor only calls accept on
// it. An accepted socket is the acceptor's until it has started the client's process under
// `clients` and handed the socket over (controlling_process): an acceptor dying in between
// closes that one socket, nothing leaks. A client crashing (/crash) is a temporary child:
// not restarted, not counted against anyone's restart intensity, noticed by nobody. If the
// listener dies, rest_for_one restarts the acceptors after it on the new socket; clients
// connected meanwhile keep chatting.
import * as gen_tcp from '../gen/gen_tcp';
import * as inet from '../gen/inet';
import * as gen_server from '../actors/gen_server';
import * as proc_lib from '../actors/proc_lib';
import * as supervisor from '../actors/supervisor';
import type { SupervisorModule } from '../actors/supervisor';
import { spawn, self, send, receive, on, _, exit, make_ref, process_flag, Pid, Proc } from '../runtime';
import { chat_client, MAX_LINE, Room } from './chat_client';

export { MAX_LINE };
export type { Room };

type S = gen_tcp.GenSocket;

/** How many acceptors accept on the listening socket at once. */
export const ACCEPTORS = 4;

interface ChatOpts {
  /** The prefix of the registered names of this chat's tree (one per server in a node). */
  name: string;
  port: number;
  addr: number[];
  room: Room;
}

// ---- the listener: owns the listening socket ----

const listener: gen_server.GenServerModule<ChatOpts, S> = {
  name: 'chat_listener',
  init(o) {
    const r = gen_tcp.listen(o.port, [
      'binary', ['ip', o.addr], ['packet', 'line'], ['packet_size', MAX_LINE], ['active', false], ['reuseaddr', true], ['backlog', 128],
    ]);
    if (r[0] !== 'ok') return ['stop', r[1]];
    // Port 0 picks a free port once: a restarted listener takes the same one again (o is the
    // child spec's argument, kept by the supervisor), so the chat's address does not change.
    if (o.port === 0) o.port = (inet.port(r[1]) as ['ok', number])[1];
    return ['ok', r[1]];
  },
  handle_call: (req, _from, l) => (req === 'socket' ? ['reply', l, l] : ['reply', ['error', 'unknown_call'], l]),
  handle_cast: (_m, l) => ['noreply', l],
};

// ---- an acceptor: accepts, starts a client under `clients`, hands the socket over ----

const acceptor = {
  name: 'chat_acceptor',
  start_link(name: string): Proc<unknown> {
    return proc_lib.start_link(acceptor_init, [name]);
  },
};

function* acceptor_init(name: string): Proc<void> {
  const l = (yield* gen_server.call(`${name}_listener`, 'socket')) as S;
  proc_lib.init_ack(['ok', self()]);
  for (;;) {
    const r = yield* gen_tcp.accept(l);
    // The listener is gone: exit, to be restarted (after it) on its new socket.
    if (r[0] !== 'ok') return exit(['accept_failed', r[1]]);
    const a = r[1];
    const started = yield* supervisor.start_child(`${name}_clients`, []);
    const pid = started[0] === 'ok' ? started[1] : null;
    if (!(pid instanceof Pid) || (yield* gen_tcp.controlling_process(a, pid)) !== 'ok') {
      gen_tcp.close(a); // no client process to own it: refused, not leaked
      continue;
    }
    send(pid, ['socket', a]);
  }
}

// ---- the tree ----

const clients_sup: SupervisorModule<Room> = {
  name: 'chat_clients',
  init: (room) => ['ok', [
    { strategy: 'simple_one_for_one', intensity: 0, period: 1 },
    [{ id: 'client', start: [chat_client, 'start_link', [room]], restart: 'temporary', shutdown: 'brutal_kill' }],
  ]],
};

const acceptors_sup: SupervisorModule<ChatOpts> = {
  name: 'chat_acceptors',
  init: (o) => ['ok', [
    { strategy: 'one_for_one', intensity: 10, period: 1 },
    Array.from({ length: ACCEPTORS }, (_v, i) => ({
      id: ['acceptor', i], start: [acceptor, 'start_link', [o.name]] as const, shutdown: 'brutal_kill' as const,
    })),
  ]],
};

const chat_sup: SupervisorModule<ChatOpts> = {
  name: 'chat',
  init: (o) => ['ok', [
    { strategy: 'rest_for_one', intensity: 5, period: 10 },
    [
      { id: 'clients', type: 'supervisor', start: [supervisor, 'start_link', [{ local: `${o.name}_clients` }, clients_sup, o.room]] },
      { id: 'listener', start: [gen_server, 'start_link', [{ local: `${o.name}_listener` }, listener, o]] },
      { id: 'acceptors', type: 'supervisor', start: [supervisor, 'start_link', [{ local: `${o.name}_acceptors` }, acceptors_sup, o]] },
    ],
  ]],
};

let instances = 0;

/**
 * Starts a chat on addr:port (0: a free port): ['ok', [Port, TopSupervisor]] or ['error', R].
 * The tree is linked to a keeper process of its own (as an application's master), not to
 * the caller, so it outlives a caller that returns.
 */
export function* server(port: number, addr: number[] = [127, 0, 0, 1]): Proc<['ok', [number, Pid]] | ['error', unknown]> {
  const o: ChatOpts = { name: `chat${++instances}`, port, addr, room: new Set() };
  const me = self();
  const ref = make_ref();
  spawn(keeper, o, me, ref);
  const r = (yield* receive(on([ref, _], (m) => m[1]))) as ['ok', Pid] | ['error', unknown];
  if (r[0] !== 'ok') return r;
  const l = (yield* gen_server.call(`${o.name}_listener`, 'socket')) as S;
  const [, p] = inet.port(l) as ['ok', number];
  return ['ok', [p, r[1]]];
}

function* keeper(o: ChatOpts, to: Pid, ref: unknown): Proc<void> {
  process_flag('trap_exit', true);
  const r = yield* supervisor.start_link({ local: o.name }, chat_sup, o);
  if (r === 'ignore' || r[0] !== 'ok') {
    const why = r === 'ignore' ? 'ignore' : r[1];
    // start_link's error for a child: ['shutdown', ['failed_to_start_child', Id, Reason]].
    const failed = Array.isArray(why) && why[0] === 'shutdown' && Array.isArray(why[1]) ? (why[1] as unknown[])[2] : why;
    send(to, [ref, ['error', failed]]);
    return;
  }
  const top = r[1];
  send(to, [ref, ['ok', top]]);
  // Lives as long as the tree, and ends with its reason (stop() ends it normally); killing
  // the keeper stops the tree (its parent), as an application master's death would.
  const why = yield* receive(on(['EXIT', top, _], (m) => m[2]));
  exit(why);
}

/** Stops the chat: its tree terminates (clients, listener, acceptors), then its keeper. */
export function* stop(top: Pid): Proc<'ok'> {
  return yield* gen_server.stop(top);
}

/** The chat's listener, acceptors and client processes, for inspection (and crash injection). */
export function* tree(top: Pid): Proc<{ listener: Pid; acceptors: Pid[]; clients: Pid[] }> {
  const kids = yield* supervisor.which_children(top);
  const pid_of = (id: string): Pid => kids.find((k) => k[0] === id)![1] as Pid;
  const pids = (l: unknown[][]): Pid[] => l.map((c) => c[1]).filter((p): p is Pid => p instanceof Pid);
  return {
    listener: pid_of('listener'),
    acceptors: pids(yield* supervisor.which_children(pid_of('acceptors'))),
    clients: pids(yield* supervisor.which_children(pid_of('clients'))),
  };
}
