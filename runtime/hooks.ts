// Hooks for layers built on the runtime (the socket layer). Not user API.
import type { Pid } from './terms';
import { ExitHook, Process, Status, mailbox_remove_first } from './process';
import { defer, wake_then_drain } from './scheduler';

export interface ExitHandle {
  cancel(): void;
}

// A class, not an object literal with a cancel property: cancel lives on the prototype, so
// each hook (one per socket owner and waiter) is a field smaller.
class Hook implements ExitHook, ExitHandle {
  prev: ExitHook | null = null;
  constructor(
    public fn: ((reason: unknown, arg: never) => void) | null,
    public arg: unknown,
    public next: ExitHook | null,
    public owner: Process | null,
  ) {}

  cancel(): void {
    const p = this.owner;
    if (p === null) return; // already ran, or cancelled
    this.owner = null;
    this.fn = null;
    this.arg = null;
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
 * Calls fn(reason, arg) synchronously when pid dies, after it is dead to everyone (links,
 * monitors, registry). If pid is already dead, fn('noproc', arg) runs on the next scheduler
 * turn. O(1) to add and to cancel. Passing a module-level fn and its arg, rather than a
 * closure, saves a function and a context per hook (the socket layer keeps one per socket).
 */
export function on_exit(pid: Pid, fn: (reason: unknown) => void): ExitHandle;
export function on_exit<T>(pid: Pid, fn: (reason: unknown, arg: T) => void, arg: T): ExitHandle;
export function on_exit<T>(pid: Pid, fn: (reason: unknown, arg: T) => void, arg?: T): ExitHandle {
  const p = pid.proc;
  if (p === null) {
    let cancelled = false;
    defer(() => {
      if (!cancelled) fn('noproc', arg as T);
    });
    return {
      cancel() {
        cancelled = true;
      },
    };
  }
  const h = new Hook(fn as (reason: unknown, arg: never) => void, arg, p.exit_hooks, p);
  if (p.exit_hooks !== null) p.exit_hooks.prev = h;
  p.exit_hooks = h;
  return h;
}

/** Removes the first message in pid's mailbox for which pred holds; true if one was removed. */
export function mailbox_remove(pid: Pid, pred: (msg: unknown) => boolean): boolean {
  const p = pid.proc;
  return p !== null && mailbox_remove_first(p, pred);
}

/**
 * For an I/O callback: fn(a, b, c) delivers messages, then the processes it woke run now,
 * in this loop turn (within the fairness budget), with no microtask scheduled for them.
 */
export function deliver_then_run<A, B, C>(fn: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void {
  wake_then_drain(fn, a, b, c);
}
