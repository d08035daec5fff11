// What the supervisor and supervisor_server tests both use: specs of _sup_children's child,
// a callback module from flags and specs, a started pid, polling, and the 'watcher' log the
// children write to.
import { self, receive, on, after, _, exit, process_flag, register, unregister, whereis, Pid, Proc } from '../../runtime';
import type * as gen_server from '../../actors/gen_server';
import type { ChildSpecMap, SupervisorModule, SupFlags, ChildSpec } from '../../actors/supervisor';
import { child, ChildOpts } from './_sup_children';

/** A child spec starting _sup_children's child with id and opts o. */
export function spec(id: string, o: Partial<ChildOpts> = {}, extra: Partial<ChildSpecMap> = {}): ChildSpecMap {
  return { id, start: [child, 'start_link', [{ id, ...o }]], ...extra };
}

/** A supervisor callback module whose init returns these flags and specs. */
export function sup_mod(flags: SupFlags, specs: ChildSpec[]): SupervisorModule<null> {
  return { name: 'test_sup', init: () => ['ok', [flags, specs]] };
}

/** The pid of an ['ok', Pid] start; the caller exits start_failed otherwise. */
export function* started(r: Proc<gen_server.StartResult>): Proc<Pid> {
  const s = yield* r;
  if (s === 'ignore' || s[0] !== 'ok') return exit(['start_failed', s]);
  return s[1];
}

/** Polls until pred holds (2 s at most). */
export function* until(pred: () => Proc<boolean>): Proc<void> {
  for (let i = 0; i < 400; i++) {
    if (yield* pred()) return;
    yield* receive(after(5));
  }
  exit('until_timeout');
}

/** The caller becomes the 'watcher' the children log to, trapping exits. */
export function watch(): void {
  process_flag('trap_exit', true);
  if (whereis('watcher') !== 'undefined') unregister('watcher');
  register('watcher', self());
}

/** The messages of the watcher log so far, in order. */
export function* logged(): Proc<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const m = yield* receive(on(['started', _, _]), on(['terminated', _, _]), after(20, () => null));
    if (m === null) return out;
    out.push(m[0] === 'started' ? ['started', m[1]] : m);
  }
}
