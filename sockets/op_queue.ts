// One operation queue of a socket (accept, read, write or connect): the current operation
// plus the callers waiting their turn, in order. Pure bookkeeping: it never does I/O and
// never sends messages; socket.ts does both from what these methods return.
//
// The rules are OTP 25's (docs/OTP25_BEHAVIOUR.md section 4):
// - a caller finding the queue empty, or finding itself current, may try the syscall;
// - a caller finding someone else current is queued and gets a select at once;
// - a queued caller repeating the nowait call is refused (`{invalid, state}`);
// - the current caller repeating it replaces its handle;
// - when the current operation ends (result, cancel, death), the next waiter becomes
//   current; it is told (one select message) only when the socket is ready for it.

/** A caller parked on the queue. `signalled` once its one select message was sent. */
export interface Waiter<P, H> {
  pid: P;
  handle: H;
  signalled: boolean;
  /** Whatever socket.ts uses to learn of the waiter's death (an on_exit handle), or null. */
  hook: { cancel(): void } | null;
}

export type Admission = 'try' | 'queued' | 'invalid_state';

// Never written: admit() replaces it with a fresh array before the first push.
const NO_WAITERS: never[] = [];

export class OpQueue<P, H> {
  current: Waiter<P, H> | null = null;
  /** FIFO; the shared empty list until someone queues (most sockets never have a second caller). */
  waiters: Waiter<P, H>[] = NO_WAITERS;
  private spare: Waiter<P, H> | null = null;

  /** num_readers / num_writers / num_acceptors as info/1 reports them. */
  get size(): number {
    return (this.current === null ? 0 : 1) + this.waiters.length;
  }

  /**
   * Decides what a caller may do. 'try': do the syscall (then `park` or `done`);
   * 'queued': the caller was appended to the waiters and must answer with a select;
   * 'invalid_state': the caller is already queued behind someone else.
   */
  admit(pid: P, handle: H): Admission {
    const cur = this.current;
    if (cur === null || cur.pid === pid) return 'try';
    for (const w of this.waiters) if (w.pid === pid) return 'invalid_state';
    if (this.waiters === NO_WAITERS) this.waiters = [];
    this.waiters.push({ pid, handle, signalled: false, hook: null });
    return 'queued';
  }

  /** The last queued waiter (the one `admit` just added). */
  last(): Waiter<P, H> {
    return this.waiters[this.waiters.length - 1];
  }

  /**
   * After a 'try' that would block: the caller becomes (or stays) current with this
   * handle, unsignalled. Returns the entry so the caller can attach a death hook.
   */
  park(pid: P, handle: H): Waiter<P, H> {
    const cur = this.current;
    if (cur !== null && cur.pid === pid) {
      cur.handle = handle;
      cur.signalled = false;
      return cur;
    }
    let w = this.spare;
    if (w !== null) {
      this.spare = null;
      w.pid = pid;
      w.handle = handle;
      w.signalled = false;
      w.hook = null;
    } else {
      w = { pid, handle, signalled: false, hook: null };
    }
    this.current = w;
    return w;
  }

  /**
   * After a 'try' that completed (a result, or an error other than would-block): if the
   * caller was current, it leaves and the next waiter is promoted. Returns the new
   * current entry when one was promoted (unsignalled), else null.
   */
  done(pid: P): Waiter<P, H> | null {
    const cur = this.current;
    if (cur === null || cur.pid !== pid) return null;
    if (cur.hook !== null) {
      cur.hook.cancel();
      cur.hook = null;
    }
    // Kept for the next park: the echo path parks and completes once per message.
    this.spare = cur;
    return this.promote();
  }

  /** The readiness edge: the current entry, if not yet told, is marked and returned. */
  signal(): Waiter<P, H> | null {
    const cur = this.current;
    if (cur === null || cur.signalled) return null;
    cur.signalled = true;
    return cur;
  }

  /**
   * cancel/2: removes the caller's entry with this handle. Returns the removed entry
   * (check `signalled` to flush its delivered message) and whether a waiter was promoted,
   * or null when the caller has no such entry.
   */
  cancel(pid: P, handle: H): { removed: Waiter<P, H>; promoted: Waiter<P, H> | null } | null {
    const cur = this.current;
    if (cur !== null && cur.pid === pid && cur.handle === handle) {
      cur.hook?.cancel();
      return { removed: cur, promoted: this.promote() };
    }
    const i = this.waiters.findIndex((w) => w.pid === pid && w.handle === handle);
    if (i < 0) return null;
    const [w] = this.waiters.splice(i, 1);
    w.hook?.cancel();
    return { removed: w, promoted: null };
  }

  /** A waiter died: drop its entries. Returns a promoted entry as `done` does. */
  remove_pid(pid: P): Waiter<P, H> | null {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].pid === pid) this.waiters.splice(i, 1);
    }
    const cur = this.current;
    if (cur !== null && cur.pid === pid) return this.promote();
    return null;
  }

  /** Whether pid has any entry (current or queued). */
  has(pid: P): boolean {
    if (this.current !== null && this.current.pid === pid) return true;
    return this.waiters.some((w) => w.pid === pid);
  }

  /** Close: empties the queue and returns every entry, current first, hooks cancelled. */
  drain(): Waiter<P, H>[] {
    const all = this.current === null ? [] : [this.current];
    all.push(...this.waiters);
    this.current = null;
    this.waiters = NO_WAITERS;
    for (const w of all) w.hook?.cancel();
    return all;
  }

  private promote(): Waiter<P, H> | null {
    const next = this.waiters.shift() ?? null;
    this.current = next;
    return next;
  }
}
