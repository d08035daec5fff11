// is_process_alive, processes, process_info.
import { Pid } from './terms';
import { Process, Status, all_pids, mailbox_messages, monitors_list, links_list } from './process';
import { error } from './exits';
import { process_bytes } from './memory';
import { queue_limit_of, QueueLimit } from './mailbox_limit';

export type ProcessStatus = 'running' | 'runnable' | 'waiting';

/** What process_info(Pid) returns (OTP's default items that erlsock can know). */
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
  /** The process dictionary as [Key, Value] pairs. */
  dictionary: Array<[unknown, unknown]>;
  /** Steps the scheduler has run this process (erlsock's reductions). */
  reductions: number;
}

/** Items only process_info(Pid, Item) gives (as in OTP, messages is not in the default list). */
export interface ProcessInfoExtra {
  /** The queued messages, oldest first (a copy of the list). */
  messages: unknown[];
  /** Estimated bytes (runtime/memory.ts says how). */
  memory: number;
  /** erlsock's opt-in mailbox limit: process_flag('message_queue_limit', ...). */
  message_queue_limit: QueueLimit | 'infinity';
}

export type AllProcessInfo = ProcessInfo & ProcessInfoExtra;
export type ProcessInfoItem = keyof AllProcessInfo;

/** The dictionary of a process: [] until a dictionary module installs its reader. */
let dictionary_reader: (p: Process) => Array<[unknown, unknown]> = () => [];

/** For the process dictionary module: how process_info reads a dictionary. */
export function set_dictionary_reader(fn: (p: Process) => Array<[unknown, unknown]>): void {
  dictionary_reader = fn;
}

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

function mfa(p: Process): ['undefined', string, number] {
  return ['undefined', p.init.name || 'anonymous', p.init.length];
}

const ITEMS: { [K in ProcessInfoItem]: (p: Process) => AllProcessInfo[K] } = {
  current_function: mfa,
  initial_call: mfa,
  status: status_of,
  message_queue_len: (p) => p.mb_len,
  links: (p) => links_list(p.ext?.links ?? null).map((q) => q.pid),
  monitors: (p) => monitors_list(p.ext?.monitors ?? null).map((m): ['process', unknown] => ['process', m.tag]),
  monitored_by: (p) => monitors_list(p.ext?.monitored_by ?? null).map((m) => m.watcher.pid),
  registered_name: (p) => p.ext?.name ?? [],
  trap_exit: (p) => p.ext?.trap_exit ?? false,
  dictionary: (p) => dictionary_reader(p),
  reductions: (p) => p.reds,
  messages: mailbox_messages,
  memory: process_bytes,
  message_queue_limit: queue_limit_of,
};

const DEFAULT_ITEMS: Array<keyof ProcessInfo> = [
  'current_function', 'initial_call', 'status', 'message_queue_len', 'links', 'monitors', 'monitored_by',
  'registered_name', 'trap_exit', 'dictionary', 'reductions',
];

function item_of<K extends ProcessInfoItem>(p: Process, item: K): [K, AllProcessInfo[K]] {
  if (typeof item !== 'string' || !Object.prototype.hasOwnProperty.call(ITEMS, item)) error('badarg');
  return [item, ITEMS[item](p)];
}

/** process_info(Pid) → the info object, or 'undefined' for a dead process. */
export function process_info(pid: Pid): ProcessInfo | 'undefined';
/** process_info(Pid, Item) → [Item, Value], or 'undefined' for a dead process. */
export function process_info<K extends ProcessInfoItem>(pid: Pid, item: K): [K, AllProcessInfo[K]] | 'undefined';
/** process_info(Pid, [Items]) → [[Item, Value], ...] in the order asked, or 'undefined'. */
export function process_info(pid: Pid, items: ProcessInfoItem[]): Array<[ProcessInfoItem, unknown]> | 'undefined';
export function process_info(pid: Pid, item?: ProcessInfoItem | ProcessInfoItem[]): unknown {
  if (!(pid instanceof Pid)) error('badarg');
  if (item !== undefined && !Array.isArray(item) && typeof item !== 'string') error('badarg');
  if (Array.isArray(item)) for (const i of item) if (typeof i !== 'string' || !Object.prototype.hasOwnProperty.call(ITEMS, i)) error('badarg');
  const p = pid.proc;
  if (p === null) return 'undefined';
  if (item === undefined) {
    const out: Record<string, unknown> = {};
    for (const k of DEFAULT_ITEMS) out[k] = ITEMS[k](p);
    return out;
  }
  if (Array.isArray(item)) return item.map((i) => item_of(p, i));
  return item_of(p, item);
}
