// done(v): a Proc that has already finished, for calls that usually complete at once.
import { expect } from 'chai';
import { run, spawn_monitor, receive, on, _, send, self, Proc } from '../../runtime';
import { done } from '../../runtime/done';

describe('runtime/done', () => {
  it('yield* done(v) is v, inside a process, as many times as asked', async () => {
    const r = await run(function* () {
      const a = yield* done(['ok', 1]);
      const b = yield* done('ok');
      let n = 0;
      for (let i = 0; i < 1000; i++) n += yield* done(1);
      return [a, b, n];
    });
    expect(r).to.deep.equal([['ok', 1], 'ok', 1000]);
  });

  it('is a Proc to the scheduler: a process body and a receive clause body may return it', async () => {
    const r = await run(function* () {
      const [pid, ref] = spawn_monitor((): Proc<string> => done('finished'));
      const down = yield* receive(on(['DOWN', ref, 'process', pid, _], (m: unknown[]) => m[4]));
      send(self(), 'go');
      const body = yield* receive(on('go', () => done('from a body')));
      return [down, body];
    });
    expect(r).to.deep.equal(['normal', 'from a body']);
  });

  it('return() and throw() behave as on a finished generator', () => {
    const p = done(7);
    expect(p.next()).to.deep.include({ done: true, value: 7 });
    expect(p.return(3 as never)).to.deep.equal({ done: true, value: 3 });
    expect(() => p.throw(new Error('x'))).to.throw('x');
  });
});
