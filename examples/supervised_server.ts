// A TCP echo server under a supervision tree: the shape of ranch, in erlsock.
//
//   top (rest_for_one)
//   ├── conns     simple_one_for_one: connection handlers, temporary, one per client
//   ├── listener  gen_server: opens the listening socket and owns it
//   └── acceptors one_for_one: N acceptors, all accepting on the one listening socket
//
// Who owns which socket, and why:
// - The listening socket is owned by the listener, a process that does nothing else, so
//   nothing but a fault of its own can close it. A socket closes when its owner dies (the
//   ranch problem: had an acceptor opened it, that acceptor's first crash would close the
//   listener for everyone). Acceptors only call accept on it, which any process may do.
// - An accepted socket belongs first to the acceptor that accepted it. If that acceptor dies
//   before handing it over, the socket closes with it: nothing leaks. The acceptor starts a
//   handler under `conns`, moves the socket to it (controlling_process; only the owner
//   may), then tells it to go. From then on the handler owns it: killing the handler closes
//   the connection and nothing else.
// - Order matters (rest_for_one): if the listener dies, its socket is gone, so the acceptors
//   (after it) restart and accept on the new one; the connections (before it) live on. If
//   the acceptors crash faster than their intensity allows, their supervisor dies, and the
//   top supervisor restarts it alone: the listener outlives the crash loop.
import { receive, on, send, self, exit, whereis, Pid, Proc } from '../runtime';
import * as socket from '../sockets/socket';
import type { Socket } from '../sockets/socket_term';
import * as gen_server from '../actors/gen_server';
import * as proc_lib from '../actors/proc_lib';
import * as supervisor from '../actors/supervisor';
import type { SupervisorModule } from '../actors/supervisor';

export interface ServerOpts {
  /** Registered names are made from it: NAME_conns, NAME_listener, NAME_acceptors. */
  name: string;
  port: number;
  acceptors: number;
  /** Restart intensity of the acceptors' supervisor (restarts per period seconds). */
  acceptor_intensity?: number;
  acceptor_period?: number;
}

// ---- the listener: owns the listening socket ----

interface ListenerState {
  sock: Socket;
}

const listener: gen_server.GenServerModule<number, ListenerState> = {
  name: 'listener',
  init(port) {
    const o = socket.open('inet', 'stream', 'tcp');
    if (o[0] !== 'ok') return ['stop', o[1]];
    const sock = o[1] as Socket;
    const steps = [
      () => socket.setopt(sock, 'socket', 'reuseaddr', true),
      () => socket.bind(sock, { family: 'inet', addr: [127, 0, 0, 1], port }),
      () => socket.listen(sock, 1024),
    ];
    for (const step of steps) {
      const r = step();
      if (r !== 'ok') {
        socket.close(sock);
        return ['stop', (r as unknown[])[1]];
      }
    }
    return ['ok', { sock }];
  },
  handle_call(req, _from, s) {
    if (req === 'socket') return ['reply', s.sock, s];
    if (req === 'port') {
      const r = socket.sockname(s.sock);
      return ['reply', r[0] === 'ok' ? (r[1] as { port: number }).port : r, s];
    }
    return ['reply', ['error', 'unknown_call'], s];
  },
  handle_cast: (_m, s) => ['noreply', s],
};

// ---- a connection handler: owns its socket once the acceptor hands it over ----

export const handler = {
  name: 'handler',
  start_link(sock: Socket): Proc<unknown> {
    return proc_lib.start_link(handler_init, [sock]);
  },
};

function* handler_init(sock: Socket): Proc<void> {
  proc_lib.init_ack(['ok', self()]);
  // Until the acceptor has made this process the owner, the socket is the acceptor's.
  yield* receive(on(['go', sock]));
  for (;;) {
    const r = yield* socket.recv(sock, 0, 'infinity');
    if (r[0] !== 'ok') exit('normal'); // the peer closed: the socket closes with this process
    const w = yield* socket.send(sock, r[1], 'infinity');
    if (w !== 'ok') exit('normal');
  }
}

// ---- an acceptor: accepts, starts a handler, hands the socket over ----

export const acceptor = {
  name: 'acceptor',
  start_link(name: string): Proc<unknown> {
    return proc_lib.start_link(acceptor_init, [name]);
  },
};

function* acceptor_init(name: string): Proc<void> {
  const lsock = (yield* gen_server.call(`${name}_listener`, 'socket')) as Socket;
  proc_lib.init_ack(['ok', self()]);
  for (;;) {
    const r = yield* socket.accept(lsock, 'infinity');
    if (r[0] !== 'ok') return exit(['accept_failed', r[1]]); // the listener is gone: restart with the new one
    const sock = r[1] as Socket;
    const started = yield* supervisor.start_child(`${name}_conns`, [sock]);
    const pid = started[0] === 'ok' ? started[1] : null;
    if (!(pid instanceof Pid) || socket.setopt(sock, 'otp', 'controlling_process', pid) !== 'ok') {
      // No handler to own it (or it died already): the connection is refused, not leaked.
      socket.close(sock);
      continue;
    }
    send(pid, ['go', sock]);
  }
}

// ---- the tree ----

const conns_sup: SupervisorModule<null> = {
  name: 'conns_sup',
  init: () => ['ok', [
    { strategy: 'simple_one_for_one', intensity: 0, period: 1 },
    [{ id: 'handler', start: [handler, 'start_link', []], restart: 'temporary', shutdown: 'brutal_kill' }],
  ]],
};

const acceptors_sup: SupervisorModule<ServerOpts> = {
  name: 'acceptors_sup',
  init: (o) => ['ok', [
    { strategy: 'one_for_one', intensity: o.acceptor_intensity ?? 10, period: o.acceptor_period ?? 1 },
    Array.from({ length: o.acceptors }, (_v, i) => ({
      id: ['acceptor', i], start: [acceptor, 'start_link', [o.name]] as const, shutdown: 'brutal_kill' as const,
    })),
  ]],
};

const top_sup: SupervisorModule<ServerOpts> = {
  name: 'supervised_server',
  init: (o) => ['ok', [
    { strategy: 'rest_for_one', intensity: 5, period: 10 },
    [
      { id: 'conns', type: 'supervisor', start: [supervisor, 'start_link', [{ local: `${o.name}_conns` }, conns_sup, null]] },
      { id: 'listener', start: [gen_server, 'start_link', [{ local: `${o.name}_listener` }, listener, o.port]] },
      { id: 'acceptors', type: 'supervisor', start: [supervisor, 'start_link', [{ local: `${o.name}_acceptors` }, acceptors_sup, o]] },
    ],
  ]],
};

/** Starts the tree, linked to the caller: ['ok', TopPid] or ['error', Reason]. */
export function start_link(o: ServerOpts): Proc<gen_server.StartResult> {
  return supervisor.start_link({ local: o.name }, top_sup, o);
}

/** The port the listener is bound to. */
export function* port(name: string): Proc<number> {
  return (yield* gen_server.call(`${name}_listener`, 'port')) as number;
}

/** The pids of the acceptors and the connection handlers, for inspection (and crash injection). */
export function* children(name: string): Proc<{ acceptors: Pid[]; handlers: Pid[] }> {
  const pids = (l: Array<[unknown, unknown, unknown, unknown]>): Pid[] =>
    l.map((c) => c[1]).filter((p): p is Pid => p instanceof Pid);
  const acceptors = whereis(`${name}_acceptors`) === 'undefined' ? [] : pids(yield* supervisor.which_children(`${name}_acceptors`));
  const handlers = whereis(`${name}_conns`) === 'undefined' ? [] : pids(yield* supervisor.which_children(`${name}_conns`));
  return { acceptors, handlers };
}
