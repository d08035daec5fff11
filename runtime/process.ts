// The process record: state, mailbox (a singly linked list), and the table of live processes
// (an intrusive doubly linked list, so spawn and exit are O(1) with no Map).
import { Pid, Ref } from './terms';
import type { Aliases } from './alias';

export const enum Status {
  Runnable = 0,
  Running = 1,
  Waiting = 2,
  Dead = 3,
}

/** wake codes: a clause index (>= 0) or one of these. */
export const WAKE_NONE = -1;
export const WAKE_TIMEOUT = -2;
export const WAKE_RESOLVED = -3;
export const WAKE_REJECTED = -4;

export interface MsgNode {
  msg: unknown;
  next: MsgNode | null;
}

export interface Monitor {
  ref: Ref;
  watcher: Process;
  target: Process;
  /** what the DOWN message names: the pid, or [name, node] when monitored by name. */
  tag: unknown;
}

export interface ExitHook {
  fn: ((reason: unknown, arg: never) => void) | null;
  /** Passed to fn: a module-level fn plus its argument costs no closure and context per hook. */
  arg: unknown;
  prev: ExitHook | null;
  next: ExitHook | null;
  owner: Process | null;
}

export type Body = (...args: never[]) => unknown;

/** What deliver() needs of the clauses a process waits in: receive clauses, and an after clause that matches nothing. */
export interface WaitClause {
  test(msg: unknown): boolean;
}

/**
 * A process's monitors one way (those it holds, or those on it): none, one (the monitor
 * itself), or a Map by ref. Most hold at most one at a time (a gen_server call's), and a Map
 * made and dropped again at every call was a call's largest allocation.
 */
export type Monitors = Map<Ref, Monitor> | Monitor | null;

/** ms with m added. */
export function monitors_add(ms: Monitors, m: Monitor): Map<Ref, Monitor> | Monitor {
  if (ms === null) return m;
  if (ms instanceof Map) return ms.set(m.ref, m);
  return new Map([[ms.ref, ms], [m.ref, m]]);
}

/** The monitor of ms with this ref, or undefined. */
export function monitors_get(ms: Monitors, ref: Ref): Monitor | undefined {
  if (ms === null) return undefined;
  if (ms instanceof Map) return ms.get(ref);
  return ms.ref === ref ? ms : undefined;
}

/** ms without the monitor of this ref (null once none is left). */
export function monitors_delete(ms: Monitors, ref: Ref): Monitors {
  if (ms === null) return null;
  if (ms instanceof Map) {
    ms.delete(ref);
    return ms.size === 0 ? null : ms;
  }
  return ms.ref === ref ? null : ms;
}

/** The monitors of ms, in the order they were made. */
export function monitors_list(ms: Monitors): Monitor[] {
  if (ms === null) return [];
  return ms instanceof Map ? [...ms.values()] : [ms];
}

/**
 * A process's links: none, one (the linked process itself), or a Set once there are two. A
 * behaviour process is linked to its parent alone: a Set for that one link was a tenth of a
 * supervised child's memory.
 */
export type Links = Set<Process> | Process | null;

/** ls with q added. */
export function links_add(ls: Links, q: Process): Set<Process> | Process {
  if (ls === null || ls === q) return q;
  if (ls instanceof Set) return ls.add(q);
  return new Set([ls, q]);
}

export function links_has(ls: Links, q: Process): boolean {
  return ls === q || (ls instanceof Set && ls.has(q));
}

/** ls without q (null once none is left). */
export function links_delete(ls: Links, q: Process): Links {
  if (ls === q) return null;
  if (ls instanceof Set) {
    ls.delete(q);
    return ls.size === 0 ? null : ls;
  }
  return ls;
}

/** The linked processes, in the order they were linked. */
export function links_list(ls: Links): Process[] {
  if (ls === null) return [];
  return ls instanceof Set ? [...ls] : [ls];
}

/** What few processes use (links, monitors, a name, trap_exit, a return value): kept apart so that an idle process stays small. */
export class ProcessExt {
  links: Links = null;
  monitors: Monitors = null;
  monitored_by: Monitors = null;
  name: string | null = null;
  trap_exit = false;
  result: unknown = undefined;
  /**
   * The process dictionary, [K1, V1, K2, V2, ...] (runtime/dictionary.ts), or null. Here and
   * not in a WeakMap from the pid: a WeakMap entry for each new process cost a supervised
   * start 0.5-1 us (ephemeron table growth and GC work), a field nothing.
   */
  dict: unknown[] | null = null;
  /** An opaque value a layer above attaches to the process (runtime/process_tag.ts). */
  tag: unknown = undefined;
  /** The process's active aliases (runtime/alias.ts). */
  aliases: Aliases = null;
}

export class Process {
  readonly pid: Pid;
  status: Status = Status.Runnable;
  /** The body function; called at the first step, so it runs as this process. */
  readonly init: Body;
  /** The body's arguments until it starts. */
  args: unknown[] | null;
  /** The body's generator once started (null before, and for a plain function body). */
  gen: Generator<unknown, unknown, unknown> | null = null;

  mb_head: MsgNode | null = null;
  mb_tail: MsgNode | null = null;
  mb_len = 0;

  /** clauses of the receive this process waits in, its after clause included (it matches nothing); null: not waiting for messages. */
  wait: WaitClause[] | null = null;
  wait_seq = 0;
  wait_timer: NodeJS.Timeout | null = null;
  wake = WAKE_NONE;
  wake_msg: unknown = undefined;

  /** Erlang's receive mark: a receive whose every clause needs mark_ref scans after mark_node. */
  mark_ref: Ref | null = null;
  mark_node: MsgNode | null = null;

  /** Steps run (erlsock's reductions: process_info(P, reductions)). */
  reds = 0;

  exit_hooks: ExitHook | null = null;
  ext: ProcessExt | null = null;

  prev: Process | null = null;
  next: Process | null = null;

  constructor(id: number, fn: Body, args: unknown[]) {
    this.pid = new Pid(id, this);
    this.init = fn;
    this.args = args;
  }
}

/** p's rarely used state, created on first use. */
export function ext(p: Process): ProcessExt {
  return (p.ext ??= new ProcessExt());
}

/**
 * After a link or monitor of p went: an emptied Set or Map goes, and the record too once it
 * holds nothing, so that a handler spawned with spawn_monitor and then demonitored (the OTP
 * guide's acceptor) is as small while idle as one that never had a monitor.
 */
export function tidy_ext(p: Process): void {
  const x = p.ext;
  if (x === null) return;
  if (x.links instanceof Set && x.links.size === 0) x.links = null;
  if (x.monitors instanceof Map && x.monitors.size === 0) x.monitors = null;
  if (x.monitored_by instanceof Map && x.monitored_by.size === 0) x.monitored_by = null;
  if (
    x.links === null && x.monitors === null && x.monitored_by === null && x.name === null && !x.trap_exit &&
    x.result === undefined && x.dict === null && x.tag === undefined && x.aliases === null
  ) {
    p.ext = null;
  }
}

// ---- the table of live processes ----

let first: Process | null = null;
let count = 0;
let next_id = 80; // Erlang's first user pids are about <0.80.0>
let limit = 262144; // erlang:system_info(process_limit) in OTP 25

export function live_count(): number {
  return count;
}

export function process_limit(): number {
  return limit;
}

/** Sets the process limit (Erlang's +P); returns the previous one. */
export function set_process_limit(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`process limit must be a positive integer, got ${String(n)}`);
  const old = limit;
  limit = n;
  return old;
}

export function new_process(fn: Body, args: unknown[]): Process | null {
  if (count >= limit) return null;
  const p = new Process(next_id++, fn, args);
  p.next = first;
  if (first !== null) first.prev = p;
  first = p;
  count++;
  return p;
}

export function unlist(p: Process): void {
  if (p.prev !== null) p.prev.next = p.next;
  else first = p.next;
  if (p.next !== null) p.next.prev = p.prev;
  p.prev = p.next = null;
  count--;
}

/** The newest live process; walk on with p.next (inspection only). */
export function newest_process(): Process | null {
  return first;
}

/** Live pids, oldest first. */
export function all_pids(): Pid[] {
  const out: Pid[] = [];
  for (let p = first; p !== null; p = p.next) out.push(p.pid);
  return out.reverse();
}

// ---- mailbox list operations ----

export function mailbox_append(p: Process, msg: unknown): void {
  const node: MsgNode = { msg, next: null };
  if (p.mb_tail === null) p.mb_head = node;
  else p.mb_tail.next = node;
  p.mb_tail = node;
  p.mb_len++;
}

/** Unlinks node (whose predecessor is prev, or null at the head). */
export function mailbox_unlink(p: Process, prev: MsgNode | null, node: MsgNode): void {
  if (prev === null) p.mb_head = node.next;
  else prev.next = node.next;
  if (p.mb_tail === node) p.mb_tail = prev;
  p.mb_len--;
  if (node === p.mark_node) p.mark_ref = p.mark_node = null;
}

/** Removes the first message for which pred holds; true if one was removed. */
export function mailbox_remove_first(p: Process, pred: (msg: unknown) => boolean): boolean {
  let prev: MsgNode | null = null;
  for (let node = p.mb_head; node !== null; prev = node, node = node.next) {
    if (pred(node.msg)) {
      mailbox_unlink(p, prev, node);
      return true;
    }
  }
  return false;
}

export function mailbox_messages(p: Process): unknown[] {
  const out: unknown[] = [];
  for (let node = p.mb_head; node !== null; node = node.next) out.push(node.msg);
  return out;
}

/** Whether p has died (a function, so TypeScript does not narrow the status across calls). */
export function is_dead(p: Process): boolean {
  return p.status === Status.Dead;
}
