// The behaviours' current state, readable synchronously by tools (the observer's process
// view). Each behaviour loop (gen_server, and so supervisor; gen_statem) publishes its sys
// target once, when it enters its loop; reading it asks nothing of the process. What is read
// is the state as of the last callback that returned, the same value sys.get_state would be
// answered with between callbacks, without waiting for a busy process. Kept as the process's
// tag (runtime/process_tag.ts), so a server that ends leaves nothing behind.
import { is_process_alive, Pid } from '../runtime';
import { process_tag, set_process_tag } from '../runtime/process_tag';
import type { SystemTarget } from './sys';

/** Called by a behaviour loop in its own process. */
export function publish_state(pid: Pid, target: SystemTarget): void {
  set_process_tag(pid, target);
}

export interface BehaviourState {
  /** 'gen_server' (supervisors too) or 'gen_statem'. */
  module: string;
  /** sys.get_state's value: the callback state, a gen_statem's [State, Data]. */
  state: unknown;
}

/** A live behaviour process's module and state; undefined for any other process. */
export function behaviour_state(pid: Pid): BehaviourState | undefined {
  const t = process_tag(pid) as SystemTarget | undefined;
  if (t === undefined || !is_process_alive(pid)) return undefined;
  return { module: t.module, state: t.get_state() };
}
