// OTP's sys, the client side: the calls that send system messages to a behaviour or special
// process and wait for its answer (get_state, replace_state, get_status, suspend, resume, the
// debug options, change_code, terminate). The process side is in sys.ts.
import {
  receive, on, after, _, send, self, exit, monitor, demonitor, Pid, Proc,
} from '../runtime';
import { ErlangExit } from '../runtime/exits';
import { resolve } from './gen_name';
import type { ServerRef } from './gen_server_types';
import type { DebugFun } from './sys';

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

/** sys:log(Server, Flag): true | ['true', N] (keep the last N events, 10 by default) | false | 'print' → 'ok'; 'get' → ['ok', Events]. */
export function* log(server: ServerRef, flag: boolean | [true, number] | 'print' | 'get', ...t: T): Proc<unknown> {
  return yield* sys_call('log', [server, flag, ...t], server, ['debug', ['log', flag]], timeout_of(t));
}

/** sys:log_to_file(Server, File | false): *DBG* lines to a file → 'ok' | ['error', 'open_file']. */
export function* log_to_file(server: ServerRef, file: string | false, ...t: T): Proc<'ok' | ['error', 'open_file']> {
  return (yield* sys_call('log_to_file', [server, file, ...t], server, ['debug', ['log_to_file', file]], timeout_of(t))) as 'ok' | ['error', 'open_file'];
}

/**
 * sys:statistics(Server, true | false | 'get'): 'get' → ['ok', [['start_time', T],
 * ['current_time', T], ['reductions', N], ['messages_in', N], ['messages_out', N]]] or
 * ['ok', 'no_statistics']; times as localtime [[Y, M, D], [H, Mi, S]].
 */
export function* statistics(server: ServerRef, flag: boolean | 'get', ...t: T): Proc<unknown> {
  return yield* sys_call('statistics', [server, flag, ...t], server, ['debug', ['statistics', flag]], timeout_of(t));
}

/** sys:no_debug(Server): every debug option off (trace, log, statistics, file, funs). */
export function* no_debug(server: ServerRef, ...t: T): Proc<'ok'> {
  return (yield* sys_call('no_debug', [server, ...t], server, ['debug', 'no_debug'], timeout_of(t))) as 'ok';
}

/**
 * sys:install(Server, [Fun, FunState] | [FunId, Fun, FunState]): Fun(FunState, Event,
 * ProcState) runs on every event; it returns its next state, or 'done' to be removed. An
 * installed Fun (or FunId) is not installed again.
 */
export function* install(server: ServerRef, spec: [DebugFun, unknown] | [unknown, DebugFun, unknown], ...t: T): Proc<'ok'> {
  return (yield* sys_call('install', [server, spec, ...t], server, ['debug', ['install', spec]], timeout_of(t))) as 'ok';
}

/** sys:remove(Server, Fun | FunId). */
export function* remove(server: ServerRef, fn_or_id: unknown, ...t: T): Proc<'ok'> {
  return (yield* sys_call('remove', [server, fn_or_id, ...t], server, ['debug', ['remove', fn_or_id]], timeout_of(t))) as 'ok';
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
