// Death and exit signals: terminate (the one way a process dies), exit/1 and exit/2, links,
// trap_exit. Erlang's rules: a 'normal' signal is ignored unless trapped; exit(P, 'kill') is
// untrappable and the victim dies 'killed'; a trapping process gets ['EXIT', From, Reason].
import { Pid } from './terms';
import {
  Process, Status, unlist, ext, tidy_ext, monitors_list, monitors_delete, links_add, links_has, links_delete, links_list,
} from './process';
import { ErlangExit, ProcessKilled, error } from './exits';
import { current_process, set_current, deliver, running } from './scheduler';
import { forget } from './registry';
import { RemotePid, current_router } from './remote';
import { tracing, trace_link } from './trace';
import { on_terminate } from './trace_hooks';
import { monitor_gone } from './alias';
import { set_queue_limit, QueueLimit } from './mailbox_limit';


// Exit signals along links are queued and handled in a loop, not by recursion, so a long
// chain of linked processes cannot overflow the stack.
const pending: Array<[Process, Pid, unknown]> = [];
let signalling = false;

/**
 * Ends p with reason: at once it is dead to everyone (table, registry, monitors, links), then
 * its exit hooks run, then (unless its code is on the stack right now) its finally blocks.
 */
export function terminate(p: Process, reason: unknown): void {
  if (p.status === Status.Dead) return;
  const on_stack = p.status === Status.Running;
  if (tracing) on_terminate(p, reason);
  p.status = Status.Dead;
  unlist(p);
  p.pid.proc = null;
  p.wait = null;
  if (p.wait_timer !== null) {
    clearTimeout(p.wait_timer);
    p.wait_timer = null;
  }
  forget(p);
  p.mb_head = p.mb_tail = null;
  p.mb_len = 0;
  p.mark_ref = p.mark_node = null;
  p.args = null;

  const x = p.ext;
  if (x !== null) {
    if (x.monitors !== null) {
      const mons = x.monitors;
      x.monitors = null;
      for (const m of monitors_list(mons)) {
        const tx = m.target.ext;
        if (tx !== null) tx.monitored_by = monitors_delete(tx.monitored_by, m.ref);
        if (m.target !== p) tidy_ext(m.target);
      }
    }
    if (x.links !== null) {
      for (const q of links_list(x.links)) {
        const qx = q.ext;
        if (qx !== null) qx.links = links_delete(qx.links, p);
        tidy_ext(q);
        pending.push([q, p.pid, reason]);
      }
      x.links = null;
    }
    if (x.monitored_by !== null) {
      const mons = x.monitored_by;
      x.monitored_by = null;
      for (const m of monitors_list(mons)) {
        const wx = m.watcher.ext;
        if (wx !== null) wx.monitors = monitors_delete(wx.monitors, m.ref);
        if (m.watcher !== p) tidy_ext(m.watcher);
        deliver(m.watcher, ['DOWN', m.ref, 'process', m.tag, reason]);
        monitor_gone(m.ref);
      }
    }
  }
  let h = p.exit_hooks;
  p.exit_hooks = null;
  while (h !== null) {
    const fn = h.fn as ((reason: unknown, arg: unknown) => void) | null;
    const arg = h.arg;
    const next = h.next;
    h.fn = null;
    h.arg = null;
    h.owner = null;
    h.prev = h.next = null;
    if (fn !== null) {
      try {
        fn(reason, arg);
      } catch (e) {
        process.emitWarning(`erlsock: an on_exit hook threw: ${String(e)}`);
      }
    }
    h = next;
  }
  if (!on_stack) run_finally(p);
  handle_pending();
}

/** Runs the finally blocks of a dead process's suspended body; it runs nothing else again. */
export function run_finally(p: Process): void {
  const gen = p.gen;
  p.gen = null;
  if (gen === null) return;
  const saved = set_current(p);
  try {
    gen.return(undefined);
  } catch {
    // A dead process's finally block threw: nobody is left to tell.
  } finally {
    set_current(saved);
  }
}

function handle_pending(): void {
  if (signalling) return;
  signalling = true;
  // Taken by index, not shift(): a process linked to 10,000 others queues 10,000 signals,
  // and shifting each off the front of the array made its exit quadratic.
  let next = 0;
  try {
    while (next < pending.length) {
      const sig = pending[next++];
      exit_signal(sig[0], sig[1], sig[2], false);
    }
  } finally {
    if (next === pending.length) pending.length = 0;
    else pending.splice(0, next);
    signalling = false;
  }
}

/** An exit signal from `from` arrives at q. */
function exit_signal(q: Process, from: Pid, reason: unknown, from_exit2: boolean): void {
  if (q.status === Status.Dead) return;
  if (from_exit2 && reason === 'kill') terminate(q, 'killed');
  else if (q.ext !== null && q.ext.trap_exit) deliver(q, ['EXIT', from, reason]);
  else if (reason !== 'normal') terminate(q, reason);
}

/** An exit signal from a process on another node (a link's exit when link, else exit/2). */
export function remote_exit_signal(to: Pid, from: Pid, reason: unknown, link: boolean): void {
  const q = to.proc;
  if (q === null) return;
  exit_signal(q, from, reason, !link);
  handle_pending();
}

/** If the caller was killed by what it just did, unwind its code now. */
function unwind_if_dead(): void {
  const me = current_process();
  if (me !== null && me.status === Status.Dead) throw new ProcessKilled();
}

/** exit(Reason) ends the calling process; exit(Pid, Reason) sends it an exit signal → true. */
export function exit(reason: unknown): never;
export function exit(pid: Pid, reason: unknown): true;
export function exit(...args: [unknown] | [Pid, unknown]): true {
  if (args.length === 1) throw new ErlangExit(args[0]);
  const [pid, reason] = args;
  if (!(pid instanceof Pid)) error('badarg');
  const me = current_process();
  const q = pid.proc;
  if (q === null && pid instanceof RemotePid) current_router()?.exit(me !== null ? me.pid : new Pid(0), pid, reason);
  if (q !== null) {
    // A process that signals itself 'normal' without trapping exits does exit (observed on OTP 25).
    if (q === me && reason === 'normal' && !(q.ext !== null && q.ext.trap_exit)) terminate(q, 'normal');
    else exit_signal(q, me !== null ? me.pid : new Pid(0), reason, true);
    handle_pending();
  }
  unwind_if_dead();
  return true;
}

/** link(Pid) → true. A dead pid: ['EXIT', Pid, 'noproc'] when trapping, else error noproc. */
export function link(pid: Pid): true {
  const me = running('link()');
  if (!(pid instanceof Pid)) error('badarg');
  const q = pid.proc;
  if (q === null && pid instanceof RemotePid) {
    const router = current_router();
    if (router !== null) {
      router.link(me, pid);
      return true;
    }
  }
  if (q === null) {
    if (me.ext !== null && me.ext.trap_exit) deliver(me, ['EXIT', pid, 'noproc']);
    else error('noproc');
    return true;
  }
  if (q === me) return true;
  if (tracing && !links_has(me.ext?.links ?? null, q)) trace_link(me, q, 'link');
  const mx = ext(me);
  mx.links = links_add(mx.links, q);
  const qx = ext(q);
  qx.links = links_add(qx.links, me);
  return true;
}

/** unlink(Pid) → true. */
export function unlink(pid: Pid): true {
  const me = running('unlink()');
  if (!(pid instanceof Pid)) error('badarg');
  const q = pid.proc;
  if (q === null && pid instanceof RemotePid) current_router()?.unlink(me, pid);
  if (q !== null) {
    if (tracing && links_has(me.ext?.links ?? null, q)) trace_link(me, q, 'unlink');
    if (me.ext !== null) me.ext.links = links_delete(me.ext.links, q);
    if (q.ext !== null) q.ext.links = links_delete(q.ext.links, me);
    tidy_ext(me);
    tidy_ext(q);
  }
  return true;
}

/**
 * process_flag('trap_exit', Bool) → the old value; process_flag('message_queue_limit',
 * Limit | 'infinity') → the old limit (see mailbox_limit.ts).
 */
export function process_flag(flag: 'trap_exit', value: boolean): boolean;
export function process_flag(flag: 'message_queue_limit', value: QueueLimit | 'infinity'): QueueLimit | 'infinity';
export function process_flag(flag: 'trap_exit' | 'message_queue_limit', value: unknown): unknown {
  const me = running('process_flag()');
  if (flag === 'message_queue_limit') return set_queue_limit(me, value);
  if (flag !== 'trap_exit' || typeof value !== 'boolean') error('badarg');
  const x = ext(me);
  const old = x.trap_exit;
  x.trap_exit = value;
  return old;
}
