// Validating supervisor flags and child specs as OTP 25's check_flags/check_childspec do,
// with the same error terms, and the internal child record.
import { Pid, Ref } from '../runtime';
import type {
  AutoShutdown, ChildModule, ChildSpec, ChildType, FullChildSpec, MFA, ModuleRef, RestartType, Shutdown,
  Strategy, SupFlags,
} from './supervisor_types';

/** A child's pid slot: running, not running, or being restarted (after a failed restart or during a delay). */
export type ChildSlot = Pid | 'undefined' | ['restarting', Pid | 'undefined'];

/** OTP's #child{} record. A temporary child's args are dropped once it runs ('undefined'). */
export class Child {
  // Declared and set by the constructor: parameter properties are emitted as a definition of
  // each field and then an assignment, twice the work in code not yet optimized.
  declare pid: ChildSlot;
  declare readonly id: unknown;
  declare mfargs: readonly [ChildModule, string, readonly unknown[] | 'undefined'];
  declare readonly restart_type: RestartType;
  declare readonly significant: boolean;
  declare readonly shutdown: Shutdown;
  declare readonly child_type: ChildType;
  declare readonly modules: 'dynamic' | ModuleRef[];
  declare readonly restart_delay: number;

  constructor(
    pid: ChildSlot,
    id: unknown,
    mfargs: readonly [ChildModule, string, readonly unknown[] | 'undefined'],
    restart_type: RestartType,
    significant: boolean,
    shutdown: Shutdown,
    child_type: ChildType,
    modules: 'dynamic' | ModuleRef[],
    restart_delay: number,
  ) {
    this.pid = pid;
    this.id = id;
    this.mfargs = mfargs;
    this.restart_type = restart_type;
    this.significant = significant;
    this.shutdown = shutdown;
    this.child_type = child_type;
    this.modules = modules;
    this.restart_delay = restart_delay;
  }

  with_pid(pid: ChildSlot): Child {
    return new Child(pid, this.id, this.mfargs, this.restart_type, this.significant, this.shutdown, this.child_type, this.modules, this.restart_delay);
  }

  /**
   * The record as a term, in #child{}'s field order: start_child's error carries it, as OTP's
   * {error, {Reason, #child{...}}} does: ['child', Pid, Id, [M, F, A], Restart, Significant, Shutdown, Type, Modules].
   */
  term(): unknown[] {
    return ['child', this.pid, this.id, [...this.mfargs], this.restart_type, this.significant, this.shutdown, this.child_type, this.modules];
  }
}

export interface Flags {
  strategy: Strategy;
  intensity: number;
  period: number;
  auto_shutdown: AutoShutdown;
}

class Invalid {
  constructor(readonly term: unknown) {}
}

function fail(term: unknown): never {
  throw new Invalid(term);
}

function is_map(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function has(o: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

const STRATEGIES = ['one_for_one', 'one_for_all', 'rest_for_one', 'simple_one_for_one'];
const AUTO = ['never', 'any_significant', 'all_significant'];

/** check_flags: the flags, or the error term ({invalid_strategy, X}, ...). */
export function check_flags(flags: SupFlags | unknown): Flags | ['error', unknown] {
  let m: Record<string, unknown>;
  if (is_map(flags)) m = { strategy: 'one_for_one', intensity: 1, period: 5, auto_shutdown: 'never', ...flags };
  else if (Array.isArray(flags) && flags.length === 3) {
    m = { strategy: flags[0], intensity: flags[1], period: flags[2], auto_shutdown: 'never' };
  } else return ['error', ['invalid_type', flags]];
  const { strategy, intensity, period, auto_shutdown } = m;
  if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy)) return ['error', ['invalid_strategy', strategy]];
  if (!Number.isInteger(intensity) || (intensity as number) < 0) return ['error', ['invalid_intensity', intensity]];
  if (!Number.isInteger(period) || (period as number) <= 0) return ['error', ['invalid_period', period]];
  if (typeof auto_shutdown !== 'string' || !AUTO.includes(auto_shutdown)) return ['error', ['invalid_auto_shutdown', auto_shutdown]];
  return {
    strategy: strategy as Strategy, intensity: intensity as number, period: period as number,
    auto_shutdown: auto_shutdown as AutoShutdown,
  };
}

function valid_mfa(f: unknown): f is MFA {
  return (
    Array.isArray(f) && f.length === 3 && f[0] !== null && (typeof f[0] === 'object' || typeof f[0] === 'function') &&
    typeof f[1] === 'string' && Array.isArray(f[2])
  );
}

/** check_childspec: the child record, or the error term (missing_id, {invalid_mfa, X}, ...). */
export function check_childspec(spec: ChildSpec | unknown, auto: AutoShutdown | 'undefined'): Child | ['error', unknown] {
  try {
    return do_check(spec, auto);
  } catch (e) {
    if (e instanceof Invalid) return ['error', e.term];
    throw e;
  }
}

function do_check(spec: unknown, auto: AutoShutdown | 'undefined'): Child {
  let m: Record<string, unknown>;
  if (is_map(spec)) m = { restart: 'permanent', type: 'worker', ...spec };
  else if (Array.isArray(spec) && spec.length === 6) {
    m = { id: spec[0], start: spec[1], restart: spec[2], significant: false, shutdown: spec[3], type: spec[4], modules: spec[5] };
  } else return fail(['invalid_child_spec', spec]);
  if (!has(m, 'id')) fail('missing_id');
  if (!has(m, 'start')) fail('missing_start');
  const start = m.start;
  if (!valid_mfa(start)) fail(['invalid_mfa', start]);
  const restart = m.restart;
  if (restart !== 'permanent' && restart !== 'transient' && restart !== 'temporary') fail(['invalid_restart_type', restart]);
  const significant = has(m, 'significant') ? m.significant : false;
  if (significant === true && auto === 'never') fail(['bad_combination', [['auto_shutdown', 'never'], ['significant', true]]]);
  if (significant === true && restart === 'permanent') fail(['bad_combination', [['restart', 'permanent'], ['significant', true]]]);
  if (typeof significant !== 'boolean') fail(['invalid_significant', significant]);
  const type = m.type;
  if (type !== 'worker' && type !== 'supervisor') fail(['invalid_child_type', type]);
  const shutdown = has(m, 'shutdown') ? m.shutdown : type === 'worker' ? 5000 : 'infinity';
  if (!(shutdown === 'infinity' || shutdown === 'brutal_kill' || (Number.isInteger(shutdown) && (shutdown as number) >= 0))) {
    fail(['invalid_shutdown', shutdown]);
  }
  const modules = has(m, 'modules') ? m.modules : [start[0]];
  if (modules !== 'dynamic') {
    if (!Array.isArray(modules)) fail(['invalid_modules', modules]);
    for (const mod of modules as unknown[]) {
      if (typeof mod !== 'string' && (mod === null || (typeof mod !== 'object' && typeof mod !== 'function'))) fail(['invalid_module', mod]);
    }
  }
  const delay = has(m, 'restart_delay') ? m.restart_delay : 0;
  if (!Number.isInteger(delay) || (delay as number) < 0) fail(['invalid_restart_delay', delay]);
  return new Child(
    'undefined', m.id, [start[0], start[1], [...start[2]]], restart, significant, shutdown as Shutdown, type,
    modules as 'dynamic' | ModuleRef[], delay as number,
  );
}

/** A child id as a Map key: ids compare as Erlang terms, so a compound id keys by its printed form. */
export function id_key(id: unknown): unknown {
  if (id === null || (typeof id !== 'object' && typeof id !== 'function')) return id;
  return `\u0000${term_key(id)}`;
}

function term_key(t: unknown): string {
  if (Array.isArray(t)) return `{${t.map(term_key).join(',')}}`;
  if (is_map(t)) return `#{${Object.keys(t).sort().map((k) => `${k}=>${term_key(t[k])}`).join(',')}}`;
  if (Buffer.isBuffer(t)) return `<<${t.toString('hex')}>>`;
  if (typeof t === 'string') return JSON.stringify(t);
  if (t instanceof Pid || t instanceof Ref) return t.toString(); // print uniquely
  return `${typeof t}:${String(t)}`;
}

/** check_startspec: children in list order, or the error term ({duplicate_child_name, Id}, ...). */
export function check_startspec(specs: unknown[], auto: AutoShutdown | 'undefined'): Child[] | ['error', unknown] {
  const seen = new Set<unknown>();
  const out: Child[] = [];
  for (const spec of specs) {
    const c = check_childspec(spec, auto);
    if (!(c instanceof Child)) return c;
    const k = id_key(c.id);
    if (seen.has(k)) return ['error', ['duplicate_child_name', c.id]];
    seen.add(k);
    out.push(c);
  }
  return out;
}

/** Whether check_startspec failed. */
export function is_spec_error(r: Child[] | ['error', unknown]): r is ['error', unknown] {
  return r.length === 2 && r[0] === 'error';
}

/** get_childspec's map. */
export function child_to_spec(c: Child): FullChildSpec {
  return {
    id: c.id, start: c.mfargs as FullChildSpec['start'], restart: c.restart_type, significant: c.significant,
    shutdown: c.shutdown, type: c.child_type, modules: c.modules,
  };
}

/** The offender in a supervisor report: [{pid, P}, {id, Id}, {mfargs, MFA}, ...] (pid and args as given: the report's). */
export function extract_child(c: Child, pid: ChildSlot, mfargs: Child['mfargs'], nb_children?: number): unknown[] {
  const head = nb_children !== undefined ? ['nb_children', nb_children] : ['pid', pid];
  return [
    head, ['id', c.id], ['mfargs', [...mfargs]], ['restart_type', c.restart_type], ['significant', c.significant],
    ['shutdown', c.shutdown], ['child_type', c.child_type],
  ];
}
