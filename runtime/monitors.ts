// Monitors: monitor('process', Pid | Name) and demonitor. The DOWN message is
// ['DOWN', Ref, 'process', Pid, Reason] (with [Name, 'nonode@nohost'] for a name), and
// reason 'noproc' at once for a process that is not alive.
import { Pid, Ref } from './terms';
import { Process, ProcessExt, Monitor, mailbox_remove_first, ext, tidy_ext, monitors_add, monitors_get, monitors_delete } from './process';
import { error } from './exits';
import { running, deliver } from './scheduler';
import { lookup } from './registry';
import { make_ref } from './send';
import { RemotePid, current_router } from './remote';
import { AliasMode, new_alias, monitor_gone } from './alias';

/** monitor/3's options: ['alias', Mode] makes the monitor's ref an alias too (runtime/alias.ts). */
export type MonitorOpt = ['alias', 'explicit_unalias' | 'demonitor' | 'reply_demonitor'];

const ALIAS_MODES: Readonly<Record<string, AliasMode>> = {
  explicit_unalias: AliasMode.Explicit,
  demonitor: AliasMode.Demonitor,
  reply_demonitor: AliasMode.ReplyDemonitor,
};

/** The alias mode opts ask for (-1: no alias); badarg for anything else. */
function alias_mode(opts: readonly MonitorOpt[]): number {
  if (!Array.isArray(opts)) error('badarg');
  let mode = -1;
  for (const o of opts as readonly unknown[]) {
    if (!Array.isArray(o) || o.length !== 2 || o[0] !== 'alias' || typeof o[1] !== 'string' || !Object.hasOwn(ALIAS_MODES, o[1])) {
      error('badarg');
    }
    mode = ALIAS_MODES[o[1] as string];
  }
  return mode;
}

/** Starts watcher monitoring target (a live process). */
export function add_monitor(watcher: Process, target: Process, ref: Ref, tag: unknown): void {
  const m: Monitor = { ref, watcher, target, tag };
  const wx = ext(watcher);
  wx.monitors = monitors_add(wx.monitors, m);
  const tx = ext(target);
  tx.monitored_by = monitors_add(tx.monitored_by, m);
}

/**
 * monitor('process', Pid | RegisteredName[, Opts]) → a Ref. With ['alias', Mode] in Opts the
 * ref is also an alias of the caller (Mode: 'explicit_unalias', 'demonitor', 'reply_demonitor').
 */
export function monitor(type: 'process', target: Pid | string | [string, string], opts: readonly MonitorOpt[] = NO_OPTS): Ref {
  const me = running('monitor()');
  if (type !== 'process') error('badarg');
  const mode = opts === NO_OPTS ? -1 : alias_mode(opts);
  const router = current_router();
  if (router !== null && (target instanceof RemotePid || (Array.isArray(target) && target[1] !== router.node()))) {
    const ref = mode < 0 ? make_ref() : new_alias(me, mode);
    router.monitor(me, target as RemotePid | [string, string], ref);
    return ref;
  }
  if (Array.isArray(target) && target.length === 2 && typeof target[0] === 'string') target = target[0];
  let p: Process | null;
  let tag: unknown;
  if (target instanceof Pid) {
    p = target.proc;
    tag = target;
  } else if (typeof target === 'string') {
    p = lookup(target);
    tag = [target, 'nonode@nohost'];
  } else return error('badarg');
  // Both mark the mailbox, so a receive for this DOWN skips older messages.
  const ref = mode < 0 ? make_ref() : new_alias(me, mode);
  if (p === null) down(me, ref, tag, 'noproc');
  else add_monitor(me, p, ref, tag);
  return ref;
}

const NO_OPTS: readonly MonitorOpt[] = [];

/** Delivers a monitor's DOWN to its watcher (a 'demonitor' alias of the monitor then goes). */
export function down(watcher: Process, ref: Ref, tag: unknown, reason: unknown): void {
  deliver(watcher, ['DOWN', ref, 'process', tag, reason]);
  monitor_gone(ref);
}

/**
 * A monitor of a remote process came down (or could not be set up): its DOWN, delivered by the
 * layer that connects nodes, through the runtime so that an alias of the monitor goes too.
 */
export function remote_down(watcher: Pid, ref: Ref, tag: unknown, reason: unknown): void {
  const p = watcher.proc;
  if (p !== null) down(p, ref, tag, reason);
}

/** Removes p's monitor ref (local or remote); true if it was active. Its alias goes if it is a 'demonitor' one. */
export function remove_monitor(p: Process, ref: Ref): boolean {
  const mx = p.ext;
  const m = mx === null ? undefined : monitors_get(mx.monitors, ref);
  const remote = m === undefined && (current_router()?.demonitor(p, ref) ?? false);
  if (m !== undefined) {
    (mx as ProcessExt).monitors = monitors_delete((mx as ProcessExt).monitors, ref);
    const tx = m.target.ext;
    if (tx !== null) tx.monitored_by = monitors_delete(tx.monitored_by, ref);
    tidy_ext(p);
    tidy_ext(m.target);
  }
  if (m === undefined && !remote) return false; // not p's monitor (or gone): its alias, if any, stays as it is
  monitor_gone(ref);
  return true;
}

/**
 * demonitor(Ref) → true. With 'flush' a DOWN already delivered is removed from the mailbox;
 * with 'info' the result says whether the monitor was still active.
 */
export function demonitor(ref: Ref, opts: ReadonlyArray<'flush' | 'info'> = []): boolean {
  const me = running('demonitor()');
  if (!(ref instanceof Ref) || !Array.isArray(opts)) error('badarg');
  let flush = false;
  let info = false;
  for (const o of opts) {
    if (o === 'flush') flush = true;
    else if (o === 'info') info = true;
    else error('badarg');
  }
  const active = remove_monitor(me, ref);
  // An empty mailbox holds no DOWN to flush (and the scan would make a closure for nothing).
  if (flush && me.mb_head !== null) {
    while (mailbox_remove_first(me, (msg) => Array.isArray(msg) && msg.length === 5 && msg[0] === 'DOWN' && msg[1] === ref));
  }
  return info ? active : true;
}
