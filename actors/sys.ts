// OTP's sys for the behaviours: system messages ['system', From, Request] that any behaviour
// process answers between its callbacks (get_state, replace_state, get_status, suspend,
// resume, trace, change_code), the client calls that send them, and the *DBG* trace lines in
// OTP's format.
import { receive, on, after, _, send, self, exit, monitor, demonitor, format_term, dictionary_of, Pid, Proc, Ref } from '../runtime';
import { ErlangExit } from '../runtime/exits';
import { resolve } from './gen_name';
import type { ServerRef } from './gen_server_types';

export { behaviour_state } from './behaviour_state';
export type { BehaviourState } from './behaviour_state';

export type SysFrom = [Pid, Ref];
export type SysState = 'running' | 'suspended';

/** A behaviour process's debug options (sys:trace on or off). */
export interface SysDebug {
  trace: boolean;
}

/** What the loop of a behaviour offers sys. */
export interface SystemTarget {
  /** 'gen_server' or 'gen_statem', as get_status names the module. */
  readonly module: string;
  readonly parent: Pid | null;
  readonly debug: SysDebug;
  get_state(): unknown;
  /** Sets the state from fn(old state) and returns the new one (fn may throw). */
  replace_state(fn: (s: unknown) => unknown): unknown;
  /** get_status's last element (format_status's output): [header, data, data]. */
  status(sys_state: SysState): unknown[];
  /**
   * system_code_change: runs the callback module's code_change and takes its new state →
   * 'ok', or ['error', What] as sys:change_code answers (What: the callback's own other
   * return, a throw's value, or ['EXIT', Reason] for a crash).
   */
  code_change?(module: unknown, old_vsn: unknown, extra: unknown): Proc<'ok' | ['error', unknown]>;
}

/** A system request: ['change_code', Module, OldVsn, Extra]. */
function is_change_code(req: unknown): req is ['change_code', unknown, unknown, unknown] {
  return Array.isArray(req) && req.length === 4 && req[0] === 'change_code';
}

// ---- trace output ----

let trace_out: (line: string) => void = (line) => process.stdout.write(line);

/** Where *DBG* lines go (stdout by default, as OTP's standard_io); returns the previous sink. */
export function set_trace_output(fn: ((line: string) => void) | null): (line: string) => void {
  const old = trace_out;
  trace_out = fn ?? ((line) => process.stdout.write(line));
  return old;
}

/** One *DBG* line: `*DBG* <0.79.0> got cast {set,2}`. */
export function trace_line(name: unknown, text: string): void {
  try {
    trace_out(`*DBG* ${format_term(name)} ${text}\n`);
  } catch {
    // A failing sink must not crash the traced process.
  }
}

// ---- the server side ----

type Outcome = 'continue' | ['terminate', unknown];

function reply(from: unknown, r: unknown): void {
  if (Array.isArray(from) && from[0] instanceof Pid) send(from[0], [from[1], r]);
}

export function is_system(msg: unknown): msg is ['system', unknown, unknown] {
  return Array.isArray(msg) && msg.length === 3 && msg[0] === 'system';
}

/**
 * Answers one system message. 'suspend' waits here (answering system messages only) until
 * 'resume'; a terminate request, or the parent's EXIT while suspended, ends the process.
 */
export function* handle_system_msg(req: unknown, from: unknown, t: SystemTarget): Proc<Outcome> {
  const r = yield* answer(req, from, t, 'running');
  if (r === 'resume') return 'continue';
  if (r !== 'suspend') return r;
  for (;;) {
    const parent = t.parent;
    const m = yield* receive(
      on(['system', _, _]),
      on(['EXIT', _, _]).when((x) => parent !== null && x[1] === parent),
    );
    if (m[0] === 'EXIT') return ['terminate', m[2]];
    const r2 = yield* answer(m[2], m[1], t, 'suspended');
    if (r2 === 'resume') return 'continue';
    if (r2 !== 'continue' && r2 !== 'suspend') return r2;
  }
}

function* answer(req: unknown, from: unknown, t: SystemTarget, st: SysState): Proc<Outcome | 'suspend' | 'resume'> {
  if (req === 'get_state') {
    reply(from, ['ok', t.get_state()]);
  } else if (Array.isArray(req) && req[0] === 'replace_state' && typeof req[1] === 'function') {
    const fn = req[1] as (s: unknown) => unknown;
    try {
      reply(from, ['ok', t.replace_state(fn)]);
    } catch (e) {
      const reason = e instanceof ErlangExit ? e.reason : e;
      reply(from, ['error', ['callback_failed', [t.module, 'system_replace_state'], ['error', reason]]]);
    }
  } else if (req === 'get_status') {
    const pd = dictionary_of(self());
    reply(from, ['status', self(), ['module', t.module], [pd === 'undefined' ? [] : pd, st, t.parent ?? self(), [], t.status(st)]]);
  } else if (req === 'suspend') {
    reply(from, 'ok');
    return 'suspend';
  } else if (req === 'resume') {
    reply(from, 'ok');
    return 'resume';
  } else if (Array.isArray(req) && req[0] === 'terminate') {
    return ['terminate', req[1]];
  } else if (Array.isArray(req) && req[0] === 'debug' && Array.isArray(req[1]) && req[1][0] === 'trace') {
    t.debug.trace = req[1][1] === true;
    reply(from, 'ok');
  } else if (is_change_code(req) && st === 'suspended' && t.code_change !== undefined) {
    // As OTP's sys, only a suspended process changes code; a running one does not know the request.
    reply(from, yield* t.code_change(req[1], req[2], req[3]));
  } else {
    reply(from, ['error', ['unknown_system_msg', req]]);
  }
  return 'continue';
}

/** gen:format_status_header: "Status for generic server <0.80.0>" or "... my_name". */
export function status_header(tag: string, name: unknown): string {
  return `${tag} ${typeof name === 'string' ? name : String(name)}`;
}

// ---- the client side ----

const TIMEOUT = Symbol('sys.timeout');

function* system_call(server: ServerRef, req: unknown, timeout: number | 'infinity'): Proc<unknown> {
  const pid = resolve(server);
  const mref = monitor('process', pid);
  send(pid, ['system', [self(), mref], req]);
  const r = yield* receive(
    on([mref, _], (m) => ({ v: m[1] })),
    on(['DOWN', mref, _, _, _], (d) => exit(d[4])),
    after(timeout, () => TIMEOUT),
  );
  demonitor(mref, ['flush']);
  return typeof r === 'symbol' ? exit('timeout') : r.v;
}

/** As sys: a failed call exits with [Reason, ['sys', Fn, Args]]. */
function* sys_call(fn: string, args: unknown[], server: ServerRef, req: unknown, timeout: number | 'infinity'): Proc<unknown> {
  try {
    return yield* system_call(server, req, timeout);
  } catch (e) {
    if (e instanceof ErlangExit) exit([e.reason, ['sys', fn, args]]);
    throw e;
  }
}

type T = [] | [number | 'infinity'];

function timeout_of(t: T): number | 'infinity' {
  return t.length === 0 ? 5000 : t[0];
}

/** sys:get_state: the behaviour's state (a gen_statem's is [State, Data]). */
export function* get_state(server: ServerRef, ...t: T): Proc<unknown> {
  const r = (yield* sys_call('get_state', [server, ...t], server, 'get_state', timeout_of(t))) as [string, unknown];
  return r[0] === 'ok' ? r[1] : exit(r[1]);
}

/** sys:replace_state(Server, Fun): the new state; a crashing Fun leaves the state and raises. */
export function* replace_state(server: ServerRef, fn: (s: unknown) => unknown, ...t: T): Proc<unknown> {
  const r = (yield* sys_call('replace_state', [server, fn, ...t], server, ['replace_state', fn], timeout_of(t))) as [string, unknown];
  return r[0] === 'ok' ? r[1] : exit(r[1]);
}

/** sys:get_status: ['status', Pid, ['module', Mod], [PDict, SysState, Parent, Dbg, Misc]]. */
export function get_status(server: ServerRef, ...t: T): Proc<unknown> {
  return sys_call('get_status', [server, ...t], server, 'get_status', timeout_of(t));
}

/** sys:suspend: the process answers only system messages until resume. */
export function* suspend(server: ServerRef, ...t: T): Proc<'ok'> {
  return (yield* sys_call('suspend', [server, ...t], server, 'suspend', timeout_of(t))) as 'ok';
}

export function* resume(server: ServerRef, ...t: T): Proc<'ok'> {
  return (yield* sys_call('resume', [server, ...t], server, 'resume', timeout_of(t))) as 'ok';
}

/** sys:trace(Server, Flag): *DBG* lines for every event, in OTP's format. */
export function* trace(server: ServerRef, flag: boolean, ...t: T): Proc<'ok'> {
  return (yield* sys_call('trace', [server, flag, ...t], server, ['debug', ['trace', flag]], timeout_of(t))) as 'ok';
}

/**
 * sys:change_code(Server, Module, OldVsn, Extra[, Timeout]): the suspended process runs its
 * callback module's code_change → 'ok' | ['error', What] (['error', ['unknown_system_msg',
 * Request]] when the process is not suspended, as OTP 25 answers).
 */
export function* change_code(server: ServerRef, module: unknown, old_vsn: unknown, extra: unknown, ...t: T): Proc<'ok' | ['error', unknown]> {
  const req = ['change_code', module, old_vsn, extra];
  return (yield* sys_call('change_code', [server, module, old_vsn, extra, ...t], server, req, timeout_of(t))) as 'ok' | ['error', unknown];
}

/** sys:terminate(Server, Reason): the process runs its terminate and exits with Reason. */
export function* terminate(server: ServerRef, reason: unknown, timeout: number | 'infinity' = 'infinity'): Proc<'ok'> {
  let pid: Pid | [string, string];
  try {
    pid = resolve(server);
  } catch {
    return exit(['noproc', ['sys', 'terminate', [server, reason, timeout]]]);
  }
  const mref = monitor('process', pid);
  send(pid, ['system', [self(), mref], ['terminate', reason]]);
  yield* receive(on(['DOWN', mref, _, _, _]), after(timeout));
  return 'ok';
}
