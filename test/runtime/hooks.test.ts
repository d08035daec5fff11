// The socket layer's hooks: on_exit, mailbox_remove, deliver_then_run.
import { expect } from 'chai';
import {
  run, spawn, spawn_monitor, self, send, receive, on, after, _, exit, register, whereis, is_process_alive, process_info, Pid,
} from '../../runtime';
import { on_exit, mailbox_remove, deliver_then_run } from '../../runtime/hooks';

describe('runtime/hooks', () => {
  it('on_exit runs synchronously at death, after the process is dead to links, monitors and registry', async () => {
    const r = await run(function* () {
      const me = self();
      const [p, ref] = spawn_monitor(function* () {
        register('hooked', self());
        yield* receive(on(_));
      });
      yield* receive(after(2));
      const seen: unknown[] = [];
      on_exit(p, (why) => {
        seen.push([why, is_process_alive(p), whereis('hooked'), process_info(me, 'message_queue_len')]);
      });
      exit(p, 'bye');
      seen.push('after exit/2');
      const down = yield* receive(on(['DOWN', ref, _, _, _], (d) => d[4]));
      return [seen, down];
    });
    // The DOWN was already in the mailbox when the hook ran.
    expect(r).to.deep.equal([[['bye', false, 'undefined', ['message_queue_len', 1]], 'after exit/2'], 'bye']);
  });

  it('on a dead pid fn(noproc) runs on the next scheduler turn, not at once; cancel stops hooks', async () => {
    const r = await run(function* () {
      const p = spawn(function* () {});
      yield* receive(after(2));
      const log: unknown[] = [];
      on_exit(p, (why) => log.push(['late', why]));
      on_exit(p, (why) => log.push(['cancelled', why])).cancel();
      log.push('registered');
      const q = spawn(function* () {
        yield* receive(on(_));
      });
      const hs = [1, 2, 3].map((i) => on_exit(q, (why) => log.push([i, why])));
      hs[1].cancel();
      hs[1].cancel(); // twice is harmless
      exit(q, 'x');
      hs[0].cancel(); // after it ran: harmless
      yield* receive(after(0));
      yield;
      return log;
    });
    expect(r).to.deep.equal(['registered', [3, 'x'], [1, 'x'], ['late', 'noproc']]);
  });

  it('on_exit(pid, fn, arg) passes arg to fn, on a live pid and on a dead one', async () => {
    const r = await run(function* () {
      const log: unknown[] = [];
      const note = (why: unknown, tag: string): void => {
        log.push([tag, why]);
      };
      const live = spawn(function* () {
        yield* receive(on(_));
      });
      on_exit(live, note, 'live');
      on_exit(live, note, 'cancelled').cancel();
      const dead = spawn(function* () {});
      yield* receive(after(2));
      on_exit(dead, note, 'dead');
      exit(live, 'bye');
      yield* receive(after(0));
      return log;
    });
    expect(r).to.deep.equal([['live', 'bye'], ['dead', 'noproc']]);
  });

  it('adds 100,000 hooks to one process and cancels half of them (a linked list: O(1) each)', async () => {
    const r = await run(function* () {
      const q = spawn(function* () {
        yield* receive(on(_));
      });
      let fired = 0;
      const hs = [];
      for (let i = 0; i < 100000; i++) hs.push(on_exit(q, () => fired++));
      for (let i = 0; i < 100000; i += 2) hs[i].cancel();
      exit(q, 'kill');
      return fired;
    });
    expect(r).to.equal(50000);
  });

  it('on_exit callbacks that cancel other hooks of the same dying process: every hook not yet cancelled runs once', async () => {
    // Found by the socket layer: closing a socket in one hook cancels other hooks of the same
    // dying process. Hooks run newest first, so hs[5] runs first here.
    const r = await run(function* () {
      const q = spawn(function* () {
        yield* receive(on(_));
      });
      const ran: number[] = [];
      const hs: Array<{ cancel(): void }> = [];
      const cancels: Record<number, number[]> = {
        5: [4], // the very next hook in the walk
        3: [3, 1], // itself, and one further on
        2: [5], // one that already ran
      };
      for (let i = 0; i < 6; i++) {
        hs.push(
          on_exit(q, () => {
            ran.push(i);
            for (const j of cancels[i] ?? []) hs[j].cancel();
          }),
        );
      }
      exit(q, 'kill');
      const after_walk = ran.slice();
      for (const h of hs) h.cancel(); // after death: harmless
      yield* receive(after(0));
      return [after_walk, ran];
    });
    expect(r).to.deep.equal([
      [5, 3, 2, 0],
      [5, 3, 2, 0],
    ]);
  });

  it('mailbox_remove removes the first matching message only', async () => {
    const r = await run(function* () {
      const me = self();
      send(me, ['select', 1]);
      send(me, 'keep');
      send(me, ['select', 2]);
      const removed = mailbox_remove(me, (m) => Array.isArray(m) && m[0] === 'select');
      const none = mailbox_remove(me, (m) => m === 'absent');
      const rest: unknown[] = [];
      for (;;) {
        const m = yield* receive(on(_), after(0));
        if (m === 'timeout') break;
        rest.push(m);
      }
      return [removed, none, rest, mailbox_remove(new Pid(1), () => true)];
    });
    expect(r).to.deep.equal([true, false, ['keep', ['select', 2]], false]);
  });

  it('deliver_then_run runs what the callback woke before returning, nested or throwing; inside a process it only delivers', async () => {
    const log: unknown[] = [];
    const p = spawn(function* () {
      for (;;) {
        const m = yield* receive(on(_));
        log.push(m);
        if (m === 'stop') return;
      }
    });
    await new Promise((res) => setImmediate(res)); // p now waits
    deliver_then_run((a: string, b: string, c: string) => {
      send(p, a);
      send(p, b);
      expect(log).to.deep.equal([]); // nothing runs while the callback delivers
      deliver_then_run((x: string) => send(p, x), c, 0, 0); // nested: the outer call drains
      expect(log).to.deep.equal([]);
    }, 'one', 'two', 'three');
    expect(log).to.deep.equal(['one', 'two', 'three']);
    // A callback that throws still leaves its woken processes run.
    expect(() => deliver_then_run((m: string) => {
      send(p, m);
      throw new Error('boom');
    }, 'four', 0, 0)).to.throw('boom');
    expect(log).to.deep.equal(['one', 'two', 'three', 'four']);
    // From inside a process: delivered now, run by the scheduler after the caller's step.
    {
      const r = await run(function* () {
        deliver_then_run((m: string) => send(p, m), 'five', 0, 0);
        const seen = [...log];
        yield* receive(after(5));
        return [seen, [...log]];
      });
      expect(r).to.deep.equal([['one', 'two', 'three', 'four'], ['one', 'two', 'three', 'four', 'five']]);
    }
    deliver_then_run((m: string) => send(p, m), 'stop', 0, 0);
    expect(is_process_alive(p)).to.equal(false);
  });
});
