// process_flag('message_queue_limit', {size, action}): report or kill, never drop, never
// tripped by system messages, off by 'infinity'.
import { expect } from 'chai';
import { run, spawn, spawn_monitor, self, send, receive, on, after, _, exit, link, process_flag, process_info, set_limit_reporter, Pid } from '../../runtime';
import { tracing } from '../../runtime/trace';

describe('runtime/mailbox_limit', () => {
  let reports: string[] = [];
  let old: ((t: string) => void) | null = null;
  beforeEach(() => { reports = []; old = set_limit_reporter((t) => reports.push(t)); });
  afterEach(() => { set_limit_reporter(old); });

  it("'report' reports once per crossing and keeps every message", () => run(function* () {
    const me = self();
    const p = spawn(function* limited() {
      expect(process_flag('message_queue_limit', { size: 3, action: 'report' })).to.equal('infinity');
      send(me, 'ready');
      yield* receive(on('drain'));
      const got: unknown[] = [];
      for (;;) {
        const m = yield* receive(on(_, (x) => x), after(0, () => null));
        if (m === null) break;
        got.push(m);
      }
      send(me, ['got', got]);
    });
    yield* receive(on('ready'));
    for (let n = 1; n <= 6; n++) send(p, n);
    expect(reports).to.have.length(1);
    expect(reports[0]).to.contain(`Process:          ${p}`).and.contain('Message queue:    4 messages');
    expect(process_info(p, 'message_queue_limit')).to.deep.equal(['message_queue_limit', { size: 3, action: 'report' }]);
    send(p, 'drain');
    const [, got] = (yield* receive(on(['got', _], (x) => x))) as [string, unknown[]];
    expect(got).to.deep.equal([1, 2, 3, 4, 5, 6]);
    yield* receive(after(2));
    expect(tracing, 'the dead process no longer keeps the slow path on').to.equal(false);
  }));

  it("'kill' kills the process with reason killed after the sender's step; system messages never trip it", () => run(function* () {
    const me = self();
    const [p, ref] = spawn_monitor(function* limited() {
      process_flag('trap_exit', true);
      process_flag('message_queue_limit', { size: 2, action: 'kill' });
      send(me, 'ready');
      yield* receive(on('never'));
    });
    yield* receive(on('ready'));
    // EXIT messages from linked processes: system messages, queued past the limit
    for (let n = 0; n < 4; n++) {
      const q = spawn(function* () { link(p); exit('shutdown'); });
      void q;
    }
    yield* receive(after(5));
    expect(process_info(p, 'message_queue_len')).to.deep.equal(['message_queue_len', 4]);
    expect(reports).to.have.length(0);
    send(p, 'user');
    expect(process_info(p, 'status')).to.not.equal('undefined'); // still alive within this step
    const [, , , , reason] = (yield* receive(on(['DOWN', ref, 'process', p, _], (x) => x))) as unknown[];
    expect(reason).to.equal('killed');
    expect(reports).to.have.length(1);
    expect(reports[0]).to.contain('process killed');
  }));

  it("'infinity' removes the limit; bad values raise badarg", () => run(function* () {
    expect(process_flag('message_queue_limit', { size: 1, action: 'kill' })).to.equal('infinity');
    expect(process_flag('message_queue_limit', 'infinity')).to.deep.equal({ size: 1, action: 'kill' });
    expect(tracing).to.equal(false);
    const why = (v: unknown): unknown => { try { return process_flag('message_queue_limit', v as never); } catch (e) { return (e as { reason?: unknown }).reason; } };
    expect(why({ size: 0, action: 'kill' })).to.equal('badarg');
    expect(why({ size: 2, action: 'drop' })).to.equal('badarg');
    expect(why(5)).to.equal('badarg');
    void (self() as Pid);
  }));
});
