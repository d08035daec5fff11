// Process aliases (OTP 24+): alias(), unalias(), and the ref a monitor with ['alias', Mode]
// returns. An alias is a Ref that also addresses its owner: send(Alias, Msg) delivers while it
// is active and is silently dropped after. The alias knows its owner (a Pid, so a dead owner is
// not kept alive); the owner keeps its active aliases in ProcessExt.aliases only so that a ref
// it sent away and no longer holds stays alive (the distribution maps incoming refs back to
// local ones through weak references). A process that never makes an alias pays nothing.
import { Pid, Ref } from './terms';
import { Process, ext, tidy_ext, is_dead } from './process';
import { error } from './exits';
import { running, deliver } from './scheduler';
import { tracing, trace_send } from './trace';

/** How an alias deactivates besides unalias(): as alias/1's and monitor/3's options say. */
export const enum AliasMode {
  /** only by unalias() */
  Explicit = 0,
  /** after the first message received through it */
  Reply = 1,
  /** when its monitor goes (demonitor, or the DOWN) */
  Demonitor = 2,
  /** both */
  ReplyDemonitor = 3,
}

/** A ref made by alias() or by monitor(..., [['alias', _]]). */
export class AliasRef extends Ref {
  /** The owner while the alias is active; null once deactivated. */
  owner: Pid | null;
  readonly mode: AliasMode;

  constructor(owner: Pid, mode: AliasMode) {
    super();
    this.owner = owner;
    this.mode = mode;
  }
}

export type AliasOpt = 'explicit_unalias' | 'reply';

/** A process's active aliases: none, one, or a Set (as monitors and links are kept). */
export type Aliases = Set<AliasRef> | AliasRef | null;

/** A new active alias of p (marking p's mailbox as make_ref does). */
export function new_alias(p: Process, mode: AliasMode): AliasRef {
  const a = new AliasRef(p.pid, mode);
  const x = ext(p);
  const as = x.aliases;
  if (as === null) x.aliases = a;
  else if (as instanceof Set) as.add(a);
  else x.aliases = new Set([as, a]);
  p.mark_ref = a;
  p.mark_node = p.mb_tail;
  return a;
}

/** Deactivates a (if active): later sends through it are dropped. */
export function deactivate(a: AliasRef): void {
  const owner = a.owner;
  if (owner === null) return;
  a.owner = null;
  const p = owner.proc;
  const x = p === null ? null : p.ext;
  if (x === null) return;
  const as = x.aliases;
  if (as === a) x.aliases = null;
  else if (as instanceof Set) {
    as.delete(a);
    if (as.size === 0) x.aliases = null;
  }
  tidy_ext(p as Process);
}

/** alias([Opt]) → a new alias of the calling process. Opts: 'explicit_unalias' (default) or 'reply'. */
export function alias(opts: readonly AliasOpt[] = []): Ref {
  const me = running('alias()');
  if (!Array.isArray(opts)) error('badarg');
  let mode = AliasMode.Explicit;
  for (const o of opts) {
    // The last option wins (as on OTP 25).
    if (o === 'reply') mode = AliasMode.Reply;
    else if (o === 'explicit_unalias') mode = AliasMode.Explicit;
    else error('badarg');
  }
  return new_alias(me, mode);
}

/** unalias(Alias) → true if Alias was an active alias of the calling process (now deactivated), else false. */
export function unalias(a: Ref): boolean {
  const me = running('unalias()');
  if (!(a instanceof Ref)) error('badarg');
  if (!(a instanceof AliasRef) || a.owner !== me.pid) return false;
  deactivate(a);
  return true;
}

/**
 * send(Alias, Msg) for a local alias: delivered while active (a 'reply' alias then
 * deactivates; a 'reply_demonitor' one takes its monitor down too, through remove_monitor).
 */
export function send_alias(from: Process | null, a: AliasRef, msg: unknown, remove_monitor: (p: Process, ref: Ref) => void): void {
  const owner = a.owner;
  const p = owner === null ? null : owner.proc;
  if (tracing) trace_send(from, msg, a, p !== null);
  if (p === null) {
    if (owner !== null) a.owner = null; // the owner died: the alias died with it
    return;
  }
  deliver(p, msg);
  if ((a.mode & AliasMode.Reply) === 0) return;
  deactivate(a);
  if (a.mode === AliasMode.ReplyDemonitor && !is_dead(p)) remove_monitor(p, a);
}

/** A monitor's DOWN went to its watcher, or demonitor removed it: a 'demonitor' alias goes with it. */
export function monitor_gone(ref: Ref): void {
  if (ref instanceof AliasRef && (ref.mode & AliasMode.Demonitor) !== 0) deactivate(ref);
}
