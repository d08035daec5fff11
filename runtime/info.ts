// is_process_alive, processes, process_info.
import { Pid } from './terms';
import { Process, Status, all_pids } from './process';
import { error } from './exits';

export type ProcessStatus = 'running' | 'runnable' | 'waiting';

export interface ProcessInfo {
  /** [Module, Function, Arity] of the body; JS functions have no module, so it is 'undefined'. */
  current_function: ['undefined', string, number];
  initial_call: ['undefined', string, number];
  status: ProcessStatus;
  message_queue_len: number;
  links: Pid[];
  /** [['process', Pid]] per monitor this process holds (by name: ['process', [Name, Node]]). */
  monitors: Array<['process', unknown]>;
  monitored_by: Pid[];
  /** [] when not registered, as process_info(P, registered_name) returns. */
  registered_name: string | [];
  trap_exit: boolean;
}

export type ProcessInfoItem = keyof ProcessInfo;

/** is_process_alive(Pid) → boolean. */
export function is_process_alive(pid: Pid): boolean {
  if (!(pid instanceof Pid)) error('badarg');
  return pid.proc !== null;
}

/** The pids of all live processes, oldest first. */
export function processes(): Pid[] {
  return all_pids();
}

function status_of(p: Process): ProcessStatus {
  return p.status === Status.Running ? 'running' : p.status === Status.Waiting ? 'waiting' : 'runnable';
}

function info(p: Process): ProcessInfo {
  const mfa: ['undefined', string, number] = ['undefined', p.init.name || 'anonymous', p.init.length];
  const x = p.ext;
  return {
    current_function: mfa,
    initial_call: mfa,
    status: status_of(p),
    message_queue_len: p.mb_len,
    links: x?.links ? [...x.links].map((q) => q.pid) : [],
    monitors: x?.monitors ? [...x.monitors.values()].map((m): ['process', unknown] => ['process', m.tag]) : [],
    monitored_by: x?.monitored_by ? [...x.monitored_by.values()].map((m) => m.watcher.pid) : [],
    registered_name: x?.name ?? [],
    trap_exit: x?.trap_exit ?? false,
  };
}

/** process_info(Pid) → the info object, or 'undefined' for a dead process. */
export function process_info(pid: Pid): ProcessInfo | 'undefined';
/** process_info(Pid, Item) → [Item, Value], or 'undefined' for a dead process. */
export function process_info<K extends ProcessInfoItem>(pid: Pid, item: K): [K, ProcessInfo[K]] | 'undefined';
export function process_info(pid: Pid, item?: ProcessInfoItem): unknown {
  if (!(pid instanceof Pid)) error('badarg');
  const p = pid.proc;
  if (p === null) return 'undefined';
  const all = info(p);
  if (item === undefined) return all;
  if (!(item in all)) error('badarg');
  return [item, all[item]];
}
