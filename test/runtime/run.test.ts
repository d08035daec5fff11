// run() as a Promise of a process, await_promise inside a process, and no unhandled rejections.
import { expect } from 'chai';
import { run, spawn, self, send, receive, on, after, _, exit, error, await_promise, ExitError, set_crash_logger, CrashLogger } from '../../runtime';

describe('runtime/run', () => {
  let old: CrashLogger;
  beforeEach(() => (old = set_crash_logger(() => {})));
  afterEach(() => set_crash_logger(old));

  it('resolves with the body’s return value; exit(normal) resolves undefined', async () => {
    expect(await run(function* (a: number) {
      return a + 1;
    }, 1)).to.equal(2);
    expect(await run(function* () {
      exit('normal');
    })).to.equal(undefined);
  });

  it('rejects with an ExitError carrying the exit reason', async () => {
    const e1 = await run(function* () {
      exit('my_reason');
    }).catch((e: unknown) => e);
    expect(e1).to.be.instanceOf(ExitError);
    expect((e1 as ExitError).reason).to.equal('my_reason');
    expect((e1 as ExitError).message).to.match(/^process <0\.\d+\.0> exited: my_reason$/);
    const e2 = await run(function* () {
      error('boom');
    }).catch((e: ExitError) => e.reason);
    expect((e2 as unknown[])[0]).to.equal('boom');
  });

  it('await_promise returns a value, throws a rejection inside the process, and lets messages queue', async () => {
    const r = await run(function* () {
      const me = self();
      spawn(function* () {
        send(me, 'during the wait');
      });
      const v = yield* await_promise(new Promise<number>((res) => setTimeout(() => res(7), 10)));
      let caught: unknown = null;
      try {
        yield* await_promise(Promise.reject(new Error('nope')));
      } catch (e) {
        caught = (e as Error).message;
      }
      const queued = yield* receive(on(_), after(0));
      return [v, caught, queued, yield* await_promise(5)];
    });
    expect(r).to.deep.equal([7, 'nope', 'during the wait', 5]);
  });

  it('nothing a process throws crashes Node or leaves an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const on_unhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', on_unhandled);
    try {
      await run(function* () {
        spawn(function* () {
          throw new TypeError('bad');
        });
        spawn(function* () {
          throw 'a string';
        });
        spawn(function* () {
          yield* await_promise(Promise.reject(new Error('rejected and uncaught')));
        });
        spawn(() => {
          throw null;
        });
        yield* receive(after(20));
      });
      await new Promise((res) => setTimeout(res, 10));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', on_unhandled);
    }
  });

  it('a process killed while awaiting never resumes', async () => {
    const log: string[] = [];
    await run(function* () {
      const p = spawn(function* () {
        yield* await_promise(new Promise((res) => setTimeout(res, 10)));
        log.push('resumed');
      });
      yield* receive(after(1));
      exit(p, 'kill');
      yield* receive(after(20));
    });
    expect(log).to.deep.equal([]);
  });
});
