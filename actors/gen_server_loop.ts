// The server process: OTP's gen_server:init_it/6 and loop, on the runtime. A process loop
// (not recursion) so a long-lived server runs in flat memory.
import { receive, on, after, _, send, self, exit, register, unregister, whereis, Pid, Proc } from '../runtime';
import { ProcessKilled } from '../runtime/exits';
import { dispatch, Dispatched } from './callback';
import type { From, GenServerModule, ServerName, StartResult, Timeout } from './gen_server_types';

const TIMEOUT = Symbol('gen_server.timeout');
const any = on(_);

function ack(starter: Pid, ret: StartResult): void {
  send(starter, ['ack', self(), ret]);
}

/** The body of a server: registers, runs init, acks the starter, then loops. */
export function* init_it<A, S>(
  starter: Pid, parent: Pid | null, name: ServerName | null, mod: GenServerModule<A, S>, args: A,
): Proc<void> {
  if (name !== null) {
    try {
      register(name.local, self());
    } catch {
      // Lost a race with another start under the same name, as gen:register_name reports it.
      ack(starter, ['error', ['already_started', whereis(name.local)]]);
      exit('normal');
    }
  }
  const r = yield* dispatch(() => mod.init(args));
  if (r[0] === 'EXIT') {
    ack(starter, ['error', r[1]]);
    throw r[2]; // the same exit reason as OTP's erlang:raise
  }
  const v = r[1];
  // Unregister before the ack, so the starter can start again under the name at once.
  const fail = (reply: StartResult, reason: unknown): never => {
    if (name !== null) unregister(name.local);
    ack(starter, reply);
    return exit(reason);
  };
  if (v === 'ignore') fail('ignore', 'normal');
  if (!Array.isArray(v)) fail(['error', ['bad_return_value', v]], ['bad_return_value', v]);
  if (v[0] === 'stop' && v.length === 2) fail(['error', v[1]], v[1]);
  if (v[0] !== 'ok' || (v.length !== 2 && v.length !== 3)) {
    fail(['error', ['bad_return_value', v]], ['bad_return_value', v]);
  }
  ack(starter, ['ok', self()]);
  yield* loop(parent, mod, v[1] as S, (v[2] as Timeout | undefined) ?? 'infinity');
}

/** Runs terminate/2 (when the module has it), then exits with reason. */
function* terminate<S>(mod: GenServerModule<unknown, S>, reason: unknown, state: S, exc?: unknown): Proc<never> {
  if (mod.terminate !== undefined) {
    const t = mod.terminate.bind(mod);
    const r = yield* dispatch(() => t(reason, state));
    if (r[0] === 'EXIT') throw r[2]; // a crash in terminate replaces the reason, as in OTP
  }
  if (exc !== undefined) throw exc;
  return exit(reason);
}

function* loop<A, S>(parent: Pid | null, mod: GenServerModule<A, S>, state: S, timeout: Timeout): Proc<void> {
  const m = mod as GenServerModule<unknown, S>;
  for (;;) {
    const msg: unknown =
      timeout === 'infinity' || timeout === 'hibernate'
        ? yield* receive(any)
        : yield* receive(any, after(timeout, () => TIMEOUT));
    let from: From | null = null;
    let r: Dispatched<unknown>;
    const st = state;
    if (msg === TIMEOUT) {
      r = yield* info(m, 'timeout', st);
    } else if (Array.isArray(msg) && msg.length === 3 && msg[0] === '$gen_call') {
      const f = msg[1] as From;
      from = f;
      r = yield* dispatch(() => m.handle_call(msg[2], f, st));
    } else if (Array.isArray(msg) && msg.length === 2 && msg[0] === '$gen_cast') {
      r = yield* dispatch(() => m.handle_cast(msg[1], st));
    } else if (is_terminate(msg)) {
      return yield* terminate(m, msg[2][1], st);
    } else if (parent !== null && Array.isArray(msg) && msg.length === 3 && msg[0] === 'EXIT' && msg[1] === parent) {
      // Trapping exits, the parent's exit is the server's: OTP's gen_server does the same.
      return yield* terminate(m, msg[2], st);
    } else {
      r = yield* info(m, msg, st);
    }
    if (r[0] === 'EXIT') return yield* terminate(m, r[1], st, r[2]);
    const v = r[1];
    const bad = (): Proc<never> => terminate(m, ['bad_return_value', v], st);
    if (!Array.isArray(v)) return yield* bad();
    if (v[0] === 'reply' && from !== null && (v.length === 3 || v.length === 4)) {
      send(from[0], [from[1], v[1]]);
      [state, timeout] = [v[2] as S, (v[3] as Timeout | undefined) ?? 'infinity'];
    } else if (v[0] === 'noreply' && (v.length === 2 || v.length === 3)) {
      [state, timeout] = [v[1] as S, (v[2] as Timeout | undefined) ?? 'infinity'];
    } else if (v[0] === 'stop' && v.length === 3) {
      return yield* terminate(m, v[1], v[2] as S);
    } else if (v[0] === 'stop' && v.length === 4 && from !== null) {
      const f: From = from;
      try {
        return yield* terminate(m, v[1], v[3] as S);
      } catch (e) {
        // terminate always ends in an exit; OTP replies after terminate/2, even when it crashes.
        if (!(e instanceof ProcessKilled)) send(f[0], [f[1], v[2]]);
        throw e;
      }
    } else {
      return yield* bad();
    }
  }
}

function* info<S>(m: GenServerModule<unknown, S>, msg: unknown, st: S): Proc<Dispatched<unknown>> {
  if (m.handle_info === undefined) return ['ok', ['noreply', st]];
  const h = m.handle_info.bind(m);
  return yield* dispatch(() => h(msg, st));
}

/** sys:terminate's system message, as gen_server:stop sends it: ['system', From, ['terminate', R]]. */
function is_terminate(msg: unknown): msg is ['system', unknown, ['terminate', unknown]] {
  return (
    Array.isArray(msg) && msg.length === 3 && msg[0] === 'system' &&
    Array.isArray(msg[2]) && msg[2].length === 2 && msg[2][0] === 'terminate'
  );
}
