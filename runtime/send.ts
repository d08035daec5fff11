// self(), send (alias bang) and make_ref.
import { Pid, Ref } from './terms';
import { Status } from './process';
import { error } from './exits';
import { current_process, running, deliver } from './scheduler';
import { lookup } from './registry';
import { RemotePid, current_router } from './remote';
import { tracing, trace_send } from './trace';
import { AliasRef, send_alias } from './alias';
import { remove_monitor } from './monitors';

/** The calling process's pid; throws outside any process. */
export function self(): Pid {
  return running('self()').pid;
}

/**
 * send(Dest, Msg) → Msg. Dest is a pid (dropped silently if dead), a registered name
 * (error badarg if none), [Name, Node], or an alias (dropped silently once inactive; any other
 * ref too). Works from outside any process too (I/O callbacks).
 */
export function send<M>(dest: Pid | string | [string, string] | Ref, msg: M): M {
  const me = current_process();
  if (me !== null && me.status === Status.Dead) return msg; // a dead process's finally cannot send
  if (dest instanceof Pid) {
    const p = dest.proc;
    if (tracing) trace_send(me, msg, dest, p !== null);
    if (p !== null) deliver(p, msg);
    else if (dest instanceof RemotePid) current_router()?.send(dest, msg, me);
    return msg;
  }
  if (typeof dest === 'string') {
    const p = lookup(dest);
    if (p === null) error('badarg');
    if (tracing) trace_send(me, msg, dest, true);
    deliver(p, msg);
    return msg;
  }
  if (Array.isArray(dest)) return send_named(dest, msg, me);
  if (dest instanceof AliasRef) send_alias(me, dest, msg, remove_monitor);
  else if (dest instanceof Ref) current_router()?.alias_send?.(dest, msg, me);
  else error('badarg');
  return msg;
}

/** `{Name, Node} ! Msg`: Node is this node (or no distribution runs) → as send(Name); else the router's. */
function send_named<M>(dest: unknown[], msg: M, me: ReturnType<typeof current_process>): M {
  const [name, node] = dest;
  if (dest.length !== 2 || typeof name !== 'string' || typeof node !== 'string') return error('badarg');
  const router = current_router();
  if (router !== null ? router.reg_send(name, node, msg, me) : node !== 'nonode@nohost') return msg;
  return send(name, msg);
}

/** Erlang's `Dest ! Msg`. */
export const bang = send;

/**
 * A new unique reference. In a process it also marks the mailbox: a receive whose every
 * clause needs this ref skips the messages that were there before (Erlang's ref trick).
 */
export function make_ref(): Ref {
  const ref = new Ref();
  const me = current_process();
  if (me !== null) {
    // With an empty mailbox there is nothing to skip: the mark would make a receive test its
    // clauses for the ref only to start at the head anyway. No mark then (and no store of the
    // fresh ref into the long-lived process: a write barrier per select of the socket idiom).
    const tail = me.mb_tail;
    if (tail !== null) {
      me.mark_ref = ref;
      me.mark_node = tail;
    } else if (me.mark_ref !== null) {
      me.mark_ref = me.mark_node = null;
    }
  }
  return ref;
}
