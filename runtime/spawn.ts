// spawn, spawn_link, spawn_monitor, spawn_opt. The new process runs after the caller's
// current step. Beyond the process limit, spawn raises error system_limit.
import { Pid, Ref } from './terms';
import { new_process, Process } from './process';
import { error } from './exits';
import { current_process, enqueue, running } from './scheduler';
import { add_monitor } from './monitors';
import { link } from './signals';
import { make_ref } from './send';
import { tracing, trace_spawn } from './trace';

export interface SpawnOpts {
  link?: boolean;
  monitor?: boolean;
}

function start<A extends unknown[]>(fn: (...args: A) => unknown, args: A): Process {
  if (typeof fn !== 'function') error('badarg');
  const p = new_process(fn as (...a: never[]) => unknown, args);
  if (p === null) error('system_limit');
  if (tracing) trace_spawn(current_process(), p);
  enqueue(p);
  return p;
}

/** Starts a process running fn(...args) (a generator function, or a plain function). */
export function spawn<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): Pid {
  return start(fn, args).pid;
}

/** spawn, linked to the caller. */
export function spawn_link<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): Pid {
  running('spawn_link()');
  const p = start(fn, args);
  link(p.pid);
  return p.pid;
}

/** spawn, monitored by the caller → [Pid, Ref]. */
export function spawn_monitor<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): [Pid, Ref] {
  const me = running('spawn_monitor()');
  const p = start(fn, args);
  const ref = make_ref();
  add_monitor(me, p, ref, p.pid);
  return [p.pid, ref];
}

/** spawn_opt(Fun, Args, {link, monitor}) → Pid, or [Pid, Ref] with monitor. */
export function spawn_opt<A extends unknown[]>(fn: (...args: A) => unknown, args: A, opts: SpawnOpts & { monitor: true }): [Pid, Ref];
export function spawn_opt<A extends unknown[]>(fn: (...args: A) => unknown, args: A, opts?: SpawnOpts): Pid;
export function spawn_opt<A extends unknown[]>(fn: (...args: A) => unknown, args: A, opts: SpawnOpts = {}): Pid | [Pid, Ref] {
  if (!Array.isArray(args)) error('badarg');
  const me = opts.link === true || opts.monitor === true ? running('spawn_opt()') : current_process();
  const p = start(fn, args);
  if (opts.link === true) link(p.pid);
  if (opts.monitor === true && me !== null) {
    const ref = make_ref();
    add_monitor(me, p, ref, p.pid);
    return [p.pid, ref];
  }
  return p.pid;
}
