// Fairness (a busy process cannot starve timers or I/O) and flat memory for receive loops.
import { expect } from 'chai';
import * as fs from 'fs';
import * as v8 from 'v8';
import * as vm from 'vm';
import { run, spawn, self, send, receive, on, after, _, exit, is_process_alive, Proc } from '../../runtime';
import { is_generator } from '../../runtime/scheduler';
import { done } from '../../runtime/done';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('runtime/scheduler', () => {
  it('is_generator: generator objects and the runtime\'s Procs, nothing else', () => {
    function* plain(): Proc<number> { return 1; }
    class Holder { *method(): Generator<number> { yield 1; } }
    async function* agen(): AsyncGenerator<number> { yield await Promise.resolve(1); }
    expect(is_generator(plain())).to.equal(true);
    expect(is_generator(new Holder().method())).to.equal(true);
    expect(is_generator(receive(on(_)))).to.equal(true);
    const d = done(1);
    expect(is_generator(d)).to.equal(true);
    expect([...d]).to.deep.equal([]); // driven, so that no undriven Proc is left behind
    const others: [string, unknown][] = [['async generator', agen()], ['array', [1]], ['iterator', { next: () => ({ done: true }) }],
      ['Buffer', Buffer.from('x')], ['string', 'gen'], ['null', null], ['undefined', undefined], ['number', 1], ['generator function', plain]];
    for (const [what, v] of others) expect(is_generator(v), what).to.equal(false);
  });

  it('a process that always finds messages cannot starve timers, setImmediate or I/O', async () => {
    const seen = { timer: false, immediate: false, io: false };
    let iterations = 0;
    const busy = spawn(function* () {
      send(self(), 'x');
      for (;;) {
        yield* receive(on('x'));
        send(self(), 'x');
        // Fails (rather than hangs) if the event loop never gets a turn.
        if (++iterations > 20_000_000) exit('starved');
      }
    });
    await new Promise<void>((res) => {
      let n = 0;
      const one = (): void => void (++n === 3 && res());
      setTimeout(() => ((seen.timer = true), one()), 5);
      setImmediate(() => ((seen.immediate = true), one()));
      fs.stat(__filename, () => ((seen.io = true), one()));
    });
    expect(seen).to.deep.equal({ timer: true, immediate: true, io: true });
    expect(iterations).to.be.above(1000);
    expect(is_process_alive(busy)).to.equal(true); // it did not have to give up to let them run
    exit(busy, 'kill');
  });

  it('other processes keep running beside a busy one (round robin)', async () => {
    const r = await run(function* () {
      const busy = spawn(function* () {
        for (let k = 0; ; k++) {
          send(self(), 'x');
          yield* receive(on('x'));
          if (k > 20_000_000) exit('starved'); // fails rather than hangs
        }
      });
      const got = yield* receive(after(20, () => 'ran beside it'));
      const alive = is_process_alive(busy);
      exit(busy, 'kill');
      return [got, alive];
    });
    expect(r).to.deep.equal(['ran beside it', true]);
  });

  it('a receive loop written as for(;;) runs 1,000,000 iterations in flat memory', async () => {
    function* loop(): Proc<number[]> {
      const heap: number[] = [];
      for (let i = 0; i < 1_000_000; i++) {
        send(self(), ['n', i]);
        const [, n] = yield* receive(on(['n', _]));
        if (n === 100_000 || n === 999_999) {
          gc();
          heap.push(process.memoryUsage().heapUsed);
        }
      }
      return heap;
    }
    const [at100k, at1m] = await run(loop);
    // Growth of a few bytes per iteration would show as megabytes here.
    expect(at1m - at100k).to.be.below(1024 * 1024);
  });

  it('the run queue grows past its initial size with many runnable processes', async () => {
    const r = await run(function* () {
      const me = self();
      for (let i = 0; i < 5000; i++) spawn(function* (j: number) {
        send(me, j);
      }, i);
      let sum = 0;
      for (let i = 0; i < 5000; i++) sum += (yield* receive(on(_))) as number;
      return sum;
    });
    expect(r).to.equal((4999 * 5000) / 2);
  });
});
