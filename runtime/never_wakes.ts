// run()'s process that can never wake up is reported, as Node reports an unsettled top-level
// await, instead of the program exiting 0 with run()'s promise never settled.
//
// How we know nothing is left that could wake it: Node emits 'beforeExit' when its event
// loop has nothing left to do: no timer (receive ... after, send_after, start_timer), no
// socket being polled (the poller's handle), no immediate or I/O of any kind. A waiting
// process is woken only from such work (a message sent from a callback, a timer, a select
// from the poller) or by another process's step, and the run queue is empty then too, since
// the scheduler keeps a microtask or an immediate pending while it holds runnable processes.
// So at 'beforeExit' a run() process that still waits waits forever.
import { Process, Status, is_dead } from './process';
import { ExitError } from './run_error';
import { format_term } from './format';
import { terminate } from './signals';

interface Watched {
  p: Process;
  reject: (e: unknown) => void;
}

const watched = new Set<Watched>();
let listening = false;

/** Raised by run() when its process waits where nothing left can wake it. */
export class NeverWakesError extends ExitError {
  constructor(pid_text: string, readonly waits_in: string, body: string) {
    super(pid_text, ['never_wakes', waits_in]);
    this.name = 'NeverWakesError';
    this.message =
      `erlsock: process ${pid_text}${body === '' ? '' : ` (${body})`} can never wake up: it waits in ${waits_in}, ` +
      'and nothing is left in the event loop (no timer, no socket, no other runnable process) that could wake it';
  }
}

/** Where p waits, for the message: its receive's patterns, or await_promise. */
function where(p: Process): string {
  const clauses = p.wait;
  if (clauses === null) return 'await_promise() (its promise never settled)';
  const pats = clauses.map((c) =>
    'pattern' in c ? `on(${format_term((c as { pattern: unknown }).pattern, { depth: 6, chars: 200 })})` : 'after(infinity)',
  );
  return `receive(${pats.join(', ')})`;
}

function before_exit(): void {
  for (const w of watched) {
    const p = w.p;
    watched.delete(w);
    if (is_dead(p) || p.status !== Status.Waiting) continue;
    const e = new NeverWakesError(p.pid.toString(), where(p), p.init.name);
    w.reject(e);
    // Ended, so that its finally blocks run, its sockets close, its links and monitors hear
    // of it (reason {never_wakes, Where}); run()'s own exit hook finds the promise settled.
    terminate(p, e.reason);
  }
}

/** Watches run()'s process p until it ends; → the function that stops watching. */
export function watch_run(p: Process, reject: (e: unknown) => void): () => void {
  if (!listening) {
    listening = true;
    process.on('beforeExit', before_exit);
  }
  const w: Watched = { p, reject };
  watched.add(w);
  return () => watched.delete(w);
}
