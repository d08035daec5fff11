// The types of OTP 25's supervisor: flags, child specs (map and tuple forms), the callback
// module, and what the API returns. Atoms are strings, tuples arrays, maps plain objects.
import type { Pid } from '../runtime';
import type { Ret, ServerName, ServerRef } from './gen_server_types';

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
export type AutoShutdown = 'never' | 'any_significant' | 'all_significant';
export type RestartType = 'permanent' | 'transient' | 'temporary';
export type Shutdown = 'brutal_kill' | 'infinity' | number;
export type ChildType = 'worker' | 'supervisor';

/** Supervisor flags in map form; absent keys take OTP 25's defaults (one_for_one, 1, 5, never). */
export interface SupFlagsMap {
  strategy?: Strategy;
  intensity?: number;
  /** Seconds, counted in whole seconds as OTP does. */
  period?: number;
  auto_shutdown?: AutoShutdown;
}

/** The old tuple form {Strategy, Intensity, Period}. */
export type SupFlagsTuple = [Strategy, number, number];
export type SupFlags = SupFlagsMap | SupFlagsTuple;

/**
 * A module whose function `fn` starts a child: Erlang's {M, F, A} as [Module, 'fn', Args], so
 * that [gen_server, 'start_link', [Mod, Arg]] starts a gen_server child. The function runs in
 * the supervisor and returns ['ok', Pid] | ['ok', Pid, Info] | 'ignore' | ['error', R]
 * (directly, or as a generator that may wait).
 */
export type ChildModule = object;
export type MFA = readonly [module: ChildModule, fn: string, args: readonly unknown[]];

/** A module in a child spec's `modules` list (for display only, as OTP's release handling). */
export type ModuleRef = ChildModule | string;

/** A child spec in map form; absent keys take OTP 25's defaults. */
export interface ChildSpecMap {
  id: unknown;
  start: MFA;
  restart?: RestartType;
  significant?: boolean;
  /** Default 5000 for a worker, 'infinity' for a supervisor. */
  shutdown?: Shutdown;
  type?: ChildType;
  modules?: 'dynamic' | ModuleRef[];
  /**
   * Beyond OTP (opt-in, default 0): milliseconds to wait before restarting this child after it
   * died, so that a child crashing at once on a missing resource does not spend the whole
   * restart intensity in a millisecond. The child shows as 'restarting' meanwhile.
   */
  restart_delay?: number;
}

/** The old tuple form {Id, StartFunc, Restart, Shutdown, Type, Modules}. */
export type ChildSpecTuple = [
  id: unknown, start: MFA, restart: RestartType, shutdown: Shutdown, type: ChildType, modules: 'dynamic' | ModuleRef[],
];
export type ChildSpec = ChildSpecMap | ChildSpecTuple;

/** get_childspec's answer: the full map, `significant` included, as OTP 25 returns it. */
export interface FullChildSpec {
  id: unknown;
  start: MFA | readonly [ChildModule, string, 'undefined'];
  restart: RestartType;
  significant: boolean;
  shutdown: Shutdown;
  type: ChildType;
  modules: 'dynamic' | ModuleRef[];
}

export type InitReturn = ['ok', [SupFlags, ChildSpec[]]] | 'ignore';

/** A supervisor callback module: init(Args) gives the flags and the child specs. */
export interface SupervisorModule<A = unknown> {
  init(args: A): Ret<InitReturn>;
  /** Shown in reports as the module of an unnamed supervisor ({Pid, Module}). */
  readonly name?: string;
}

export type SupName = ServerName;
/** A supervisor: its pid, its name, {global: Name}, {via: [Module, Name]} (as gen_server's ServerRef). */
export type SupRef = ServerRef;

export type ChildPid = Pid | 'undefined';
export type StartChildResult =
  | ['ok', ChildPid]
  | ['ok', ChildPid, unknown]
  | ['error', unknown];
export type RestartChildResult = StartChildResult;

/** which_children's element: [Id, Pid | 'restarting' | 'undefined', Type, Modules]. */
export type ChildInfo = [id: unknown, pid: Pid | 'restarting' | 'undefined', type: ChildType, modules: 'dynamic' | ModuleRef[]];

export type ChildCounts = [['specs', number], ['active', number], ['supervisors', number], ['workers', number]];

