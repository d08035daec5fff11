// Selective receive, clause for clause as Erlang's (test/otp/10_process.escript: the receive rows).
import { expect } from 'chai';
import * as sinon from 'sinon';
import { run, spawn, self, send, receive, on, after, _, make_ref, Pid, Ref, Proc, exit } from '../../runtime';
import { tagged_arity } from '../../runtime/pattern';

describe('runtime/receive', () => {
  it('after 0 times out at once when nothing matches', async () => {
    const r = await run(function* () {
      return yield* receive(on('nothing', () => 'got'), after(0, () => 'timeout_zero'));
    });
    expect(r).to.equal('timeout_zero');
  });

  it('takes the first matching message and leaves earlier ones in order', async () => {
    const r = await run(function* () {
      send(self(), 'a');
      send(self(), 'b');
      send(self(), 'c');
      const x = yield* receive(on('b'));
      const rest: unknown[] = [];
      for (let i = 0; i < 3; i++) rest.push(yield* receive(on(_), after(0, () => 'none')));
      return [x, rest];
    });
    expect(r).to.deep.equal(['b', ['a', 'c', 'none']]);
  });

  it('tries clauses in order for each message, in mailbox order', async () => {
    const r = await run(function* () {
      send(self(), ['x', 1]);
      send(self(), ['y', 2]);
      // ['y', _] is listed first, but ['x', 1] is the older message and matches the second clause.
      return yield* receive(
        on(['y', _], (m) => ['first', m]),
        on(['x', _], (m) => ['second', m]),
      );
    });
    expect(r).to.deep.equal(['second', ['x', 1]]);
  });

  it('matches nested arrays by exact length, objects by listed keys, Pids and Refs by identity', async () => {
    const r = await run(function* () {
      const me = self();
      const ref = make_ref();
      send(me, ['a', ['b', 1, 2]]);
      send(me, ['a', ['b', 1]]);
      send(me, { kind: 'k', extra: true });
      send(me, [make_ref(), 'wrong ref']);
      send(me, [ref, me]);
      const a = yield* receive(on(['a', ['b', _]]));
      const b = yield* receive(on({ kind: 'k' }));
      const c = yield* receive(on([ref, me], () => 'ref and pid'));
      const left = yield* receive(on(_), after(0));
      return [a, b, c, left];
    });
    expect(r[0]).to.deep.equal(['a', ['b', 1]]);
    expect(r[1]).to.deep.equal({ kind: 'k', extra: true });
    expect(r[2]).to.equal('ref and pid');
    expect(r[3]).to.deep.equal(['a', ['b', 1, 2]]);
  });

  it('supports element guards, clause guards, Buffers and the OTP guide clause shapes', async () => {
    const r = await run(function* () {
      const me = self();
      const worker = spawn(function* (parent: Pid) {
        send(parent, [self(), 'started']);
        yield* receive(on('go'));
      }, me);
      const mref = make_ref();
      send(me, ['DOWN', mref, 'process', worker, 'normal']);
      send(me, Buffer.from('abc'));
      send(me, ['n', 5]);
      send(me, ['n', 50]);
      const is_big = (v: unknown): v is number => typeof v === 'number' && v > 10;
      const big = yield* receive(on(['n', is_big], ([, n]) => n));
      const small = yield* receive(on(['n', _], ([, n]) => n).when(([, n]) => (n as number) < 10));
      const buf = yield* receive(on(Buffer.from('abc'), () => 'bytes'));
      const first = yield* receive(
        on(['DOWN', mref, 'process', worker, _], ([, , , , info]) => ['down', info]),
        on([worker, 'started'], () => 'started'),
      );
      const second = yield* receive(
        on(['DOWN', mref, 'process', worker, _], ([, , , , info]) => ['down', info]),
        on([worker, 'started'], () => 'started'),
      );
      send(worker, 'go');
      return [big, small, buf, first, second];
    });
    // The worker runs after this step, so the DOWN queued here is older than [worker, 'started'].
    expect(r).to.deep.equal([50, 5, 'bytes', ['down', 'normal'], 'started']);
  });

  it('a guard that throws fails its clause', async () => {
    const r = await run(function* () {
      send(self(), 1);
      return yield* receive(
        on(_, () => 'bad').when(() => {
          throw new Error('guard');
        }),
        on(1, () => 'good'),
      );
    });
    expect(r).to.equal('good');
  });

  it('runs a generator clause body inside the receive', async () => {
    const r = await run(function* () {
      send(self(), ['ask', 3]);
      send(self(), 'reply');
      return yield* receive(
        on(['ask', _], function* ([, n]): Proc<unknown[]> {
          const rep = yield* receive(on('reply'));
          return [n, rep];
        }),
      );
    });
    expect(r).to.deep.equal([3, 'reply']);
  });

  it('wakes a waiting process with a matching message and leaves others queued', async () => {
    const r = await run(function* () {
      const me = self();
      const p = spawn(function* () {
        const got = yield* receive(on(['want', _]));
        const rest = yield* receive(on(_), after(0));
        send(me, [got, rest]);
      });
      yield* receive(after(5));
      send(p, 'noise');
      send(p, ['want', 1]);
      return yield* receive(on(_));
    });
    expect(r).to.deep.equal([['want', 1], 'noise']);
  });

  it('after N waits at least N ms (real clock)', async () => {
    const r = await run(function* () {
      const t0 = Date.now();
      yield* receive(on('x'), after(30));
      return Date.now() - t0;
    });
    expect(r).to.be.at.least(30);
  });

  it("after 'infinity' never times out; a message ends the wait", async () => {
    const r = await run(function* () {
      const me = self();
      spawn(function* () {
        yield* receive(after(20));
        send(me, 'late');
      });
      return yield* receive(on('late'), after('infinity', () => 'timeout'));
    });
    expect(r).to.equal('late');
  });

  it('fake timers drive after: the timeout fires exactly at the deadline', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      let state = 'waiting';
      const done = run(function* () {
        state = yield* receive(on('x'), after(5000, () => 'timed_out'));
      });
      await new Promise((res) => setImmediate(res));
      clock.tick(4999);
      await new Promise((res) => setImmediate(res));
      expect(state).to.equal('waiting');
      clock.tick(1);
      await done;
      expect(state).to.equal('timed_out');
    } finally {
      clock.restore();
    }
  });

  it('rejects bad timeouts and bad clauses with badarg-style errors', async () => {
    expect(() => after(-1)).to.throw('timeout_value');
    const r = await run(function* () {
      try {
        yield* receive('not a clause' as never);
        return 'no error';
      } catch (e) {
        return (e as { reason: unknown }).reason;
      }
    });
    expect(r).to.equal('badarg');
  });

  it('a receive for a fresh ref skips older messages and still finds the reply', async () => {
    const r = await run(function* () {
      for (let i = 0; i < 100; i++) send(self(), ['noise', i]);
      const ref = make_ref();
      send(self(), [ref, 'reply']);
      const got = yield* receive(on([ref, _], ([, v]) => v));
      const first = yield* receive(on(_));
      return [got, first];
    });
    expect(r).to.deep.equal(['reply', ['noise', 0]]);
  });

  it('self() outside a process throws a clear error', () => {
    expect(() => self()).to.throw(/outside any process/);
  });

  it('a killed waiting process runs its finally blocks and nothing else', async () => {
    const log: string[] = [];
    await run(function* () {
      const p = spawn(function* () {
        try {
          yield* receive(on('never'));
          log.push('after receive');
        } finally {
          log.push('finally');
          send(self(), 'from the dead'); // dropped: it is dead
        }
      });
      yield* receive(after(1));
      exit(p, 'kill');
      log.push('killed');
    });
    expect(log).to.deep.equal(['finally', 'killed']);
  });

  it('a clause knows the Ref it needs and its tag (the scan pre-filter)', () => {
    const ref = new Ref();
    const c = on(['DOWN', ref, 'process', _, _], ([tag]) => tag);
    expect([c.needs(ref), c.needs(new Ref()), tagged_arity(c.pattern)]).to.deep.equal([true, false, 5]);
    expect(on({ r: [1, ref] }).needs(ref)).to.equal(true);
    expect([tagged_arity(on(_).pattern), tagged_arity(on([_, 1]).pattern), tagged_arity(on([]).pattern)]).to.deep.equal([-1, -1, -1]);
  });
});
