// Hooks for layers built on the runtime (the socket layer). Not user API.
import type { Pid } from './terms';
import { ExitHook, Process, Status, mailbox_remove_first } from './process';
import { defer, drain } from './scheduler';

export interface ExitHandle {
  cancel(): void;
}

// A class, not an object literal with a cancel property: cancel lives on the prototype, so
// each hook (one per socket owner and waiter) is a field smaller.
class Hook implements ExitHook, ExitHandle {
  prev: ExitHook | null = null;
  constructor(
    public fn: ((reason: unknown) => void) | null,
    public next: ExitHook | null,
    public owner: Process | null,
  ) {}

  cancel(): void {
    const p = this.owner;
    if (p === null) return; // already ran, or cancelled
    this.owner = null;
    this.fn = null;
    // p is dead: terminate() is walking its hooks (a hook's callback cancels this one) and
    // skips a hook without fn. Unlinking here would clear the link the walk follows next.
    if (p.status === Status.Dead) return;
    if (this.prev !== null) this.prev.next = this.next;
    else p.exit_hooks = this.next;
    if (this.next !== null) this.next.prev = this.prev;
    this.prev = this.next = null;
  }
}

/**
 * Calls fn(reason) synchronously when pid dies, after it is dead to everyone (links,
 * monitors, registry). If pid is already dead, fn('noproc') runs on the next scheduler turn.
 * O(1) to add and to cancel.
 */
export function on_exit(pid: Pid, fn: (reason: unknown) => void): ExitHandle {
  const p = pid.proc;
  if (p === null) {
    let cancelled = false;
    defer(() => {
      if (!cancelled) fn('noproc');
    });
    return {
      cancel() {
        cancelled = true;
      },
    };
  }
  const h = new Hook(fn, p.exit_hooks, p);
  if (p.exit_hooks !== null) p.exit_hooks.prev = h;
  p.exit_hooks = h;
  return h;
}

/** Removes the first message in pid's mailbox for which pred holds; true if one was removed. */
export function mailbox_remove(pid: Pid, pred: (msg: unknown) => boolean): boolean {
  const p = pid.proc;
  return p !== null && mailbox_remove_first(p, pred);
}

/** Runs the run queue now (within the fairness budget) unless the scheduler is already running. */
export function run_pending(): void {
  drain();
}
