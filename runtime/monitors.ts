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

/** Starts watcher monitoring target (a live process). */
export function add_monitor(watcher: Process, target: Process, ref: Ref, tag: unknown): void {
  const m: Monitor = { ref, watcher, target, tag };
  const wx = ext(watcher);
  wx.monitors = monitors_add(wx.monitors, m);
  const tx = ext(target);
  tx.monitored_by = monitors_add(tx.monitored_by, m);
}

/** monitor('process', Pid | RegisteredName) → a Ref. */
export function monitor(type: 'process', target: Pid | string | [string, string]): Ref {
  const me = running('monitor()');
  if (type !== 'process') error('badarg');
  const router = current_router();
  if (router !== null && (target instanceof RemotePid || (Array.isArray(target) && target[1] !== router.node()))) {
    const ref = make_ref();
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
  const ref = make_ref(); // marks the mailbox, so a receive for this DOWN skips older messages
  if (p === null) deliver(me, ['DOWN', ref, 'process', tag, 'noproc']);
  else add_monitor(me, p, ref, tag);
  return ref;
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
  const mx = me.ext;
  const m = mx === null ? undefined : monitors_get(mx.monitors, ref);
  const remote = m === undefined && (current_router()?.demonitor(me, ref) ?? false);
  if (m !== undefined) {
    (mx as ProcessExt).monitors = monitors_delete((mx as ProcessExt).monitors, ref);
    const tx = m.target.ext;
    if (tx !== null) tx.monitored_by = monitors_delete(tx.monitored_by, ref);
    tidy_ext(me);
    tidy_ext(m.target);
  }
  // An empty mailbox holds no DOWN to flush (and the scan would make a closure for nothing).
  if (flush && me.mb_head !== null) {
    while (mailbox_remove_first(me, (msg) => Array.isArray(msg) && msg.length === 5 && msg[0] === 'DOWN' && msg[1] === ref));
  }
  return info ? m !== undefined || remote : true;
}
