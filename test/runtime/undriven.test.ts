// A Proc returned to a process must be driven with yield* before the process next waits or
// ends: a dropped one (finished or waiting) raises in that process, naming the call.
import { expect } from 'chai';
import {
  run, spawn_monitor, exit, receive, on, after, _, self, send, Proc, ExitError, UndrivenProc,
} from '../../runtime';
import { done } from '../../runtime/done';
import { must_drive } from '../../runtime/undriven';
import { crash_reports_per_test } from '../support/crash_reports';

/** A layer's call that did part of its work and returns the generator that does the rest. */
function* rest(log: string[]): Proc<string> {
  log.push('rest ran');
  yield* receive(after(1));
  return 'all done';
}
function two_part(log: string[]): Proc<string> {
  log.push('first part');
  return must_drive(rest(log), 'layer:two_part');
}

function reason_error(e: unknown): UndrivenProc {
  expect(e).to.be.instanceOf(ExitError);
  const reason = (e as ExitError).reason as unknown[];
  expect(reason[0]).to.be.instanceOf(UndrivenProc);
  return reason[0] as UndrivenProc;
}

describe('runtime/undriven', () => {
  const reports = crash_reports_per_test();

  it('driven with yield*, a must_drive Proc and a finished Proc run as usual, also from clause and process bodies', async () => {
    const log: string[] = [];
    const r = await run(function* () {
      const a = yield* two_part(log);
      const b = yield* done('ok', 'layer:quick');
      const [pid, ref] = spawn_monitor(() => two_part(log));
      const down = yield* receive(on(['DOWN', ref, 'process', pid, _], (m) => m[4]));
      send(self(), 'go');
      const c = yield* receive(on('go', () => two_part(log)));
      // Made first and driven later in the same step is driving it before the process waits.
      const later = done(3);
      const d = yield* later;
      return [a, b, down, c, d];
    });
    expect(r).to.deep.equal(['all done', 'ok', 'normal', 'all done', 3]);
    expect(log).to.deep.equal(['first part', 'rest ran', 'first part', 'rest ran', 'first part', 'rest ran']);
    expect(reports).to.deep.equal([]);
  });

  it('a waiting Proc never driven: the process raises where it next waits, naming the call; the rest never runs', async () => {
    const log: string[] = [];
    const e = await run(function* () {
      void two_part(log); // no yield*
      yield* receive(on('never'));
    }).catch((x: unknown) => x);
    const err = reason_error(e);
    expect(err.what).to.equal('layer:two_part');
    expect(err.message).to.equal(
      'erlsock: layer:two_part() returned a Proc that was never driven with yield* (what it had left to do is lost): ' +
        'call it as `yield* layer:two_part(...)` before the process waits or ends',
    );
    expect(log).to.deep.equal(['first part']);
    expect(reports).to.have.length(1);
    expect(reports[0].text).to.contain('layer:two_part() returned a Proc that was never driven');
  });

  it('the raise is an exception in the process: try/catch sees it, its wait is undone and it carries on', async () => {
    const log: string[] = [];
    const r = await run(function* () {
      let caught: unknown = null;
      try {
        void two_part(log);
        yield* receive(on('never'), after(50, () => 'timed out'));
      } catch (e) {
        caught = e;
      }
      send(self(), 'next');
      const next = yield* receive(on(_), after(1000));
      // The undone receive's timer does not fire into a later receive.
      const quiet = yield* receive(on(_), after(100));
      return [caught instanceof UndrivenProc, next, quiet];
    });
    expect(r).to.deep.equal([true, 'next', 'timeout']);
  });

  it('a finished Proc never driven raises too, with its value, when the process ends', async () => {
    const e = await run(function* () {
      void done(['ok', Buffer.from('data')], 'layer:recv');
      return 'finished';
    }).catch((x: unknown) => x);
    const err = reason_error(e);
    expect(err.what).to.equal('layer:recv');
    expect(err.value).to.deep.equal(['ok', Buffer.from('data')]);
    expect(err.message).to.contain('(it had finished, with {ok,<<"data">>})');
  });

  it('a plain function body that drops one ends with the error', async () => {
    const e = await run(() => {
      void done('ok');
      return 1;
    }).catch((x: unknown) => x);
    expect(reason_error(e).message).to.match(/^erlsock: a call returned a Proc that was never driven/);
  });

  it('a second Proc registered while one is undriven raises at once, in the caller, naming the first', async () => {
    const log: string[] = [];
    const r = await run(function* () {
      void two_part(log);
      let second: unknown = null;
      try {
        void done('ok', 'layer:other');
      } catch (e) {
        second = e;
      }
      // The slot was cleared by the raise: the process waits normally afterwards.
      yield* receive(after(1));
      return [(second as UndrivenProc).what, (second as UndrivenProc).stack?.includes('undriven.test') ?? false];
    });
    expect(r).to.deep.equal(['layer:two_part', true]);
  });

  it('outside any process nothing is registered', () => {
    const p = done(5, 'layer:x');
    expect(p.next()).to.deep.include({ done: true, value: 5 });
    const log: string[] = [];
    const q = two_part(log);
    expect(log).to.deep.equal(['first part']);
    q.return('' as never);
  });

  it('a process killed with an undriven Proc just dies killed', async () => {
    const r = await run(function* () {
      const [pid, ref] = spawn_monitor(function* () {
        void done('ok');
        exit(self(), 'kill');
      });
      return yield* receive(on(['DOWN', ref, 'process', pid, _], (m) => m[4]));
    });
    expect(r).to.equal('killed');
  });
});
