// Erlang timers under sinon fake timers: send_after, start_timer, cancel_timer.
import { expect } from 'chai';
import * as sinon from 'sinon';
import { run, self, spawn, exit, receive, on, after, _, send_after, start_timer, cancel_timer, Ref } from '../../runtime';

const turn = (): Promise<void> => new Promise((res) => setImmediate(res));

describe('runtime/timers', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })));
  afterEach(() => clock.restore());

  it('send_after delivers the message at the deadline and returns a Ref', async () => {
    let tref: unknown = null;
    const got = run(function* () {
      tref = send_after(10, self(), 'tick');
      return yield* receive(on('tick', () => 'got_tick'), after(500, () => 'none'));
    });
    await turn();
    expect(tref).to.be.instanceOf(Ref);
    clock.tick(10);
    expect(await got).to.equal('got_tick');
  });

  it('start_timer delivers [timeout, TRef, Msg]', async () => {
    const got = run(function* () {
      const tr = start_timer(10, self(), 'tock');
      return yield* receive(on(['timeout', tr, 'tock'], () => 'got_timeout_msg'), after(500, () => 'none'));
    });
    await turn();
    clock.tick(10);
    expect(await got).to.equal('got_timeout_msg');
  });

  it('cancel_timer returns the ms left, then false; a fired timer → false', async () => {
    const got = run(function* () {
      const t = send_after(1000, self(), 'x');
      yield* receive(after(100));
      const left = [cancel_timer(t), cancel_timer(t)];
      const t2 = send_after(10, self(), 'y');
      yield* receive(on('y'));
      const none = yield* receive(on('x', () => 'cancelled timer fired'), after(2000, () => 'no x'));
      return [...left, cancel_timer(t2), none];
    });
    await turn();
    clock.tick(100);
    await turn();
    clock.tick(10);
    await turn();
    clock.tick(2000);
    expect(await got).to.deep.equal([900, false, false, 'no x']);
  });

  it('a timer to a pid is cancelled when that process dies', async () => {
    const got = run(function* () {
      const p = spawn(function* () {
        yield* receive(on('never'));
      });
      const t = send_after(1000, p, 'late');
      exit(p, 'kill');
      yield* receive(after(0));
      return cancel_timer(t);
    });
    expect(await got).to.equal(false);
  });

  it('to a registered name, and badarg on bad arguments', async () => {
    const got = run(function* () {
      const errs: unknown[] = [];
      for (const f of [() => send_after(-1, self(), 'x'), () => send_after(1.5, self(), 'x'), () => cancel_timer('x' as unknown as Ref)]) {
        try {
          f();
        } catch (e) {
          errs.push((e as { reason: unknown }).reason);
        }
      }
      return errs;
    });
    expect(await got).to.deep.equal(['badarg', 'badarg', 'badarg']);
    void _;
  });
});
