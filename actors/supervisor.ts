// OTP 25's supervisor: the client API. Every call is gen_server:call(Sup, Req, infinity), as
// in OTP. The supervisor process is in supervisor_server.ts, spec checks in supervisor_spec.ts.
import type { Pid, Proc } from '../runtime';
import * as gen_server from './gen_server';
import type { StartResult } from './gen_server_types';
import { check_startspec, is_spec_error } from './supervisor_spec';
import { supervisor_server, SupInitArgs } from './supervisor_server';
import type {
  AutoShutdown, ChildCounts, ChildInfo, ChildSpec, FullChildSpec, RestartChildResult, StartChildResult, SupName,
  SupRef, SupervisorModule,
} from './supervisor_types';

export type * from './supervisor_types';

/**
 * supervisor:start_link(Module, Args) or (Name, Module, Args): ['ok', Pid], 'ignore', or
 * ['error', Reason] with OTP's reasons ({supervisor_data, E}, {start_spec, E},
 * {shutdown, {failed_to_start_child, Id, R}}, {bad_return, {Mod, init, V}}, ...).
 */
export function start_link<A>(mod: SupervisorModule<A>, args: A): Proc<StartResult>;
export function start_link<A>(name: SupName, mod: SupervisorModule<A>, args: A): Proc<StartResult>;
export function start_link<A>(
  ...a: [SupervisorModule<A>, A] | [SupName, SupervisorModule<A>, A]
): Proc<StartResult> {
  if (a.length === 2) {
    return gen_server.start_link(supervisor_server, [null, a[0], a[1]] as unknown as SupInitArgs);
  }
  const [name, mod, args] = a;
  const term = 'local' in name ? ['local', name.local] : 'global' in name ? ['global', name.global] : ['via', name.via[0], name.via[1]];
  return gen_server.start_link(name, supervisor_server, [term, mod, args] as SupInitArgs);
}

function call<T>(sup: SupRef, req: unknown): Proc<T> {
  return gen_server.call(sup, req, 'infinity') as Proc<T>;
}

/**
 * start_child(Sup, ChildSpec), or start_child(SofoSup, ExtraArgs) for simple_one_for_one
 * (the args are appended to the spec's). Errors: ['error', ['already_started', Pid]],
 * ['error', 'already_present'], a spec error, or ['error', [Reason, ChildRecord]] when the
 * start function fails (ChildRecord as Child.term() documents).
 */
export function start_child(sup: SupRef, spec: ChildSpec | unknown[]): Proc<StartChildResult> {
  return call(sup, ['start_child', spec]);
}

/** terminate_child(Sup, Id | Pid): 'ok' | ['error', 'not_found' | 'simple_one_for_one']. */
export function terminate_child(sup: SupRef, id: unknown): Proc<'ok' | ['error', 'not_found' | 'simple_one_for_one']> {
  return call(sup, ['terminate_child', id]);
}

/** restart_child(Sup, Id): ['ok', Pid] | ['error', 'running' | 'restarting' | 'not_found' | 'simple_one_for_one' | R]. */
export function restart_child(sup: SupRef, id: unknown): Proc<RestartChildResult> {
  return call(sup, ['restart_child', id]);
}

/** delete_child(Sup, Id): 'ok' | ['error', 'running' | 'restarting' | 'not_found' | 'simple_one_for_one']. */
export function delete_child(sup: SupRef, id: unknown): Proc<'ok' | ['error', unknown]> {
  return call(sup, ['delete_child', id]);
}

/** get_childspec(Sup, Id | Pid): ['ok', Spec] | ['error', 'not_found']. */
export function get_childspec(sup: SupRef, id: unknown): Proc<['ok', FullChildSpec] | ['error', 'not_found']> {
  return call(sup, ['get_childspec', id]);
}

/** which_children(Sup): [Id, Pid | 'restarting' | 'undefined', Type, Modules] per child, newest first. */
export function which_children(sup: SupRef): Proc<ChildInfo[]> {
  return call(sup, 'which_children');
}

/** count_children(Sup): [['specs', N], ['active', N], ['supervisors', N], ['workers', N]]. */
export function count_children(sup: SupRef): Proc<ChildCounts> {
  return call(sup, 'count_children');
}

/** get_callback_module(Sup): the supervisor's callback module. */
export function get_callback_module(sup: Pid): Proc<SupervisorModule<unknown>> {
  return call(sup, 'get_callback_module');
}

/** check_childspecs(Specs[, AutoShutdown]): 'ok' or ['error', E] with the error a supervisor would give. */
export function check_childspecs(specs: unknown, auto: AutoShutdown | 'undefined' = 'undefined'): 'ok' | ['error', unknown] {
  if (!Array.isArray(specs)) return ['error', ['badarg', specs]];
  if (!['undefined', 'never', 'any_significant', 'all_significant'].includes(auto)) return ['error', ['badarg', auto]];
  const r = check_startspec(specs, auto);
  return is_spec_error(r) ? r : 'ok';
}

/** The module's name, as reports print a child's start {M, F, A}. */
export const name = 'supervisor';
