// Children for the supervisor tests, as OTP's supervisor_SUITE uses supervisor_1: a gen_server
// that starts as told (ok, ignore, error), logs its terminate to a registered 'watcher', and
// can trap exits and ignore shutdown (to test the shutdown timeout).
import {
  receive, on, after, _, send, self, whereis, process_flag, exit, spawn_link, Pid, Proc,
} from '../../runtime';
import * as gen_server from '../../actors/gen_server';
import type { GenServerModule } from '../../actors/gen_server';

export interface ChildOpts {
  id: string;
  /** What init does: start (default), 'ignore', or ['error', R] (init returns {stop, R}). */
  init?: 'ok' | 'ignore' | ['error', unknown];
  /** Trap exits; with 'ignore' also ignore the parent's shutdown (the supervisor must kill it). */
  trap?: 'log' | 'ignore';
}

function log(msg: unknown): void {
  const w = whereis('watcher');
  if (w !== 'undefined') send(w, msg);
}

const server: GenServerModule<ChildOpts, ChildOpts> = {
  init(o) {
    if (o.init === 'ignore') return 'ignore';
    if (Array.isArray(o.init)) return ['stop', o.init[1]];
    if (o.trap !== undefined) process_flag('trap_exit', true);
    log(['started', o.id, self()]);
    return ['ok', o];
  },
  handle_call(req, _from, s) {
    if (req === 'id') return ['reply', s.id, s];
    return ['reply', 'ok', s];
  },
  handle_cast: (msg, s) => (msg === 'die' ? ['stop', 'died', s] : ['stop', msg, s]),
  handle_info(msg, s) {
    // Trapping with 'ignore', an EXIT from the supervisor is just a message: the child lives on.
    if (s.trap === 'ignore' && Array.isArray(msg) && msg[0] === 'EXIT') return ['noreply', s];
    return ['noreply', s];
  },
  terminate(reason, s) {
    log(['terminated', s.id, reason]);
  },
};

/** The child module of the specs: start: [child, 'start_link', [opts]]. */
export const child = {
  name: 'supervisor_1',
  start_link(o: ChildOpts): Proc<gen_server.StartResult> | gen_server.StartResult {
    // gen_server ends on its parent's EXIT: a child that ignores shutdown is a plain process.
    if (o.trap === 'ignore') return stubborn(o);
    return gen_server.start_link(server, o);
  },
  /** A start function that returns what it is given (an error, junk). */
  returns(v: unknown): unknown {
    return v;
  },
  /** A start function that crashes. */
  crash(): never {
    return exit('start_crash');
  },
};

function stubborn(o: ChildOpts): gen_server.StartResult {
  const pid = spawn_link(function* () {
    process_flag('trap_exit', true);
    log(['started', o.id, self()]);
    for (;;) yield* receive(on(_), after('infinity'));
  });
  return ['ok', pid];
}

export type { Pid };
