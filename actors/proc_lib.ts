// OTP's proc_lib: processes that know their place in the tree. spawn and spawn_link put
// '$ancestors' (the parent chain, nearest first) and '$initial_call' in the new process's
// dictionary; start_link and init_ack are the synchronous start handshake of the behaviours.
import {
  spawn as rt_spawn, spawn_link as rt_spawn_link, self, send, receive, on, after, _, exit, unlink, get, put, monitor, demonitor,
  Pid, Proc,
} from '../runtime';
import { share_dictionary } from '../runtime/dictionary';

/** '$initial_call' as OTP shows it: [Module, Function, Arity]. */
export type InitialCall = [module: string, fn: string, arity: number];

function initial_call_of(fn: (...a: never[]) => unknown, mfa?: InitialCall): InitialCall {
  return mfa ?? ['undefined', fn.name || 'anonymous', fn.length];
}

// A parent's children share one '$ancestors' list (a supervisor of 10,000 children keeps one,
// not 10,000 copies); it is made again only if the parent's own list changed. Children
// started with the same initial call share their whole dictionary too (copied by a child's
// first put or erase: runtime/dictionary.ts share_dictionary).
const child_ancestors = new WeakMap<Pid, { of: unknown; list: Pid[]; mfa: InitialCall | null; dict: unknown[] | null }>();

/** The entry for the caller's children: its '$ancestors' with the caller in front. */
function child_entry(me: Pid): { of: unknown; list: Pid[]; mfa: InitialCall | null; dict: unknown[] | null } {
  const a = get('$ancestors');
  const cached = child_ancestors.get(me);
  if (cached !== undefined && cached.of === a) return cached;
  const e = { of: a, list: [me, ...(Array.isArray(a) ? (a as Pid[]) : [])], mfa: null, dict: null };
  child_ancestors.set(me, e);
  return e;
}

/** The caller's '$ancestors' with the caller in front, or [] outside any process. */
function ancestors_for_child(): Pid[] {
  let me: Pid;
  try {
    me = self();
  } catch {
    return [];
  }
  return child_entry(me).list;
}

/**
 * A child's dictionary, in the order OTP's proc_lib puts the keys: ['$ancestors', A,
 * '$initial_call', MFA], one array for the caller's children with this (cached) initial call.
 */
function dictionary_for_child(mfa: InitialCall): unknown[] {
  let me: Pid;
  try {
    me = self();
  } catch {
    return ['$ancestors', [], '$initial_call', mfa];
  }
  const e = child_entry(me);
  if (e.mfa !== mfa || e.dict === null) {
    e.mfa = mfa;
    e.dict = ['$ancestors', e.list, '$initial_call', mfa];
  }
  return e.dict;
}

function init_p<A extends unknown[]>(
  ancestors: Pid[], mfa: InitialCall, fn: (...args: A) => unknown, args: A,
): unknown {
  // In the order OTP's proc_lib puts them. OTP 25 lists its dictionary in hash-table order,
  // which differed between runs; test/otp/33_sys.escript prints it sorted, the order used here.
  put('$ancestors', ancestors);
  put('$initial_call', mfa);
  return fn(...args);
}

/** init_p with the dictionary made by the parent (dictionary_for_child), shared. */
function init_shared<A extends unknown[]>(dict: unknown[], fn: (...args: A) => unknown, args: A): unknown {
  share_dictionary(dict);
  return fn(...args);
}

const initial_calls = new WeakMap<object, InitialCall>();

/** A behaviour's '$initial_call', [Mod, 'init', 1], one list per callback module. */
export function behaviour_initial_call(mod: { readonly name?: unknown }): InitialCall {
  let mfa = initial_calls.get(mod);
  if (mfa === undefined) {
    mfa = [typeof mod.name === 'string' ? mod.name : 'undefined', 'init', 1];
    initial_calls.set(mod, mfa);
  }
  return mfa;
}

/** proc_lib:spawn: as spawn, with '$ancestors' and '$initial_call' set. */
export function spawn<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): Pid {
  return rt_spawn(init_p<A>, ancestors_for_child(), initial_call_of(fn), fn, args);
}

/** proc_lib:spawn_link. */
export function spawn_link<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): Pid {
  return rt_spawn_link(init_p<A>, ancestors_for_child(), initial_call_of(fn), fn, args);
}

/** spawn_link with the initial call given (behaviours record their callback module's init/1). */
export function spawn_link_mfa<A extends unknown[]>(mfa: InitialCall, fn: (...args: A) => unknown, ...args: A): Pid {
  return rt_spawn_link(init_shared<A>, dictionary_for_child(mfa), fn, args);
}

/** spawn with the initial call given. */
export function spawn_mfa<A extends unknown[]>(mfa: InitialCall, fn: (...args: A) => unknown, ...args: A): Pid {
  return rt_spawn(init_shared<A>, dictionary_for_child(mfa), fn, args);
}

/**
 * proc_lib:start_link(Fun, Args, Timeout): spawns linked and waits for the new process's
 * init_ack(Ret) → Ret. If it dies first (the caller trapping exits): ['error', Reason]; on
 * timeout it is killed and the result is ['error', 'timeout'], as OTP 25's sync_wait.
 */
export function* start_link<A extends unknown[]>(
  fn: (...args: A) => unknown, args: A, timeout: number | 'infinity' = 'infinity',
): Proc<unknown> {
  const pid = rt_spawn_link(init_p<A>, ancestors_for_child(), initial_call_of(fn), fn, args);
  return yield* sync_wait(pid, timeout);
}

/** proc_lib:start: as start_link, not linked; the starter monitors it, so a crash before the ack gives ['error', Reason]. */
export function* start<A extends unknown[]>(
  fn: (...args: A) => unknown, args: A, timeout: number | 'infinity' = 'infinity',
): Proc<unknown> {
  const pid = rt_spawn(init_p<A>, ancestors_for_child(), initial_call_of(fn), fn, args);
  const ref = monitor('process', pid);
  const r = yield* receive(
    on(['ack', pid, _], (m) => ({ v: m[2] })),
    on(['DOWN', ref, 'process', pid, _], (m) => ({ v: ['error', m[4]] })),
    after(timeout, () => TIMEOUT),
  );
  demonitor(ref, ['flush']);
  if (typeof r !== 'symbol') return r.v;
  exit(pid, 'kill');
  return ['error', 'timeout'];
}

const TIMEOUT = Symbol('proc_lib.timeout');

// sync_wait's clause bodies, made once (not three closures per start).
function acked(m: readonly [string, Pid, unknown]): { v: unknown } {
  return { v: m[2] };
}

function died_starting(m: readonly [string, Pid, unknown]): { v: unknown } {
  return { v: ['error', m[2]] };
}

function timed_out(): typeof TIMEOUT {
  return TIMEOUT;
}

function* sync_wait(pid: Pid, timeout: number | 'infinity'): Proc<unknown> {
  const r = yield* receive(on(['ack', pid, _], acked), on(['EXIT', pid, _], died_starting), after(timeout, timed_out));
  if (typeof r !== 'symbol') return r.v;
  // kill_flush: the process is killed and its EXIT (if trapping) taken.
  unlink(pid);
  exit(pid, 'kill');
  yield* receive(on(['EXIT', pid, _]), after(0));
  return ['error', 'timeout'];
}

/** proc_lib:init_ack(Ret): answers the starter (the first of '$ancestors'), or init_ack(Parent, Ret). */
export function init_ack(ret: unknown): 'ok';
export function init_ack(parent: Pid, ret: unknown): 'ok';
export function init_ack(...a: [unknown] | [Pid, unknown]): 'ok' {
  let parent: unknown;
  let ret: unknown;
  if (a.length === 2) [parent, ret] = a;
  else {
    const anc = get('$ancestors');
    parent = Array.isArray(anc) ? anc[0] : undefined;
    ret = a[0];
  }
  if (!(parent instanceof Pid)) exit('no_parent');
  send(parent, ['ack', self(), ret]);
  return 'ok';
}

/** proc_lib:translate_initial_call: the '$initial_call' of a process started through proc_lib. */
export function initial_call(): InitialCall | false {
  const v = get('$initial_call');
  return Array.isArray(v) ? (v as InitialCall) : false;
}
