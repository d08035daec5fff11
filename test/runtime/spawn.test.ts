// spawn and friends: start order, arguments, plain functions, options, the process limit.
import { expect } from 'chai';
import {
  run, spawn, spawn_link, spawn_monitor, spawn_opt, self, send, receive, on, after, _, exit,
  set_process_limit, process_limit, process_info, Pid, Ref, ErlangError,
} from '../../runtime';

describe('runtime/spawn', () => {
  it('a new process starts after the caller’s current step, with its arguments', async () => {
    const r = await run(function* () {
      const log: unknown[] = [];
      const me = self();
      spawn(function* (a: number, b: string) {
        log.push(['child', a, b]);
        send(me, 'done');
      }, 1, 'two');
      log.push('parent still running');
      yield* receive(on('done'));
      return log;
    });
    expect(r).to.deep.equal(['parent still running', ['child', 1, 'two']]);
  });

  it('a plain function body runs as a process and returns', async () => {
    const r = await run((x: number) => [x * 2, self() instanceof Pid], 42);
    expect(r).to.deep.equal([84, true]);
  });

  it('spawn_monitor → [Pid, Ref]; spawn_opt with link and monitor', async () => {
    const r = await run(function* () {
      const [p, ref] = spawn_monitor(function* () {});
      const d = yield* receive(on(['DOWN', ref, 'process', p, _]));
      const [p2, ref2] = spawn_opt(
        function* () {
          yield* receive(on('never'));
        },
        [],
        { link: true, monitor: true },
      );
      const shapes = [d[4], p instanceof Pid && ref instanceof Ref, ref2 instanceof Ref];
      const links = process_info(self(), 'links');
      exit(p2, 'kill'); // the linked child dies killed, and so does this caller (not trapping)
      return [shapes, links, p2];
    }).catch((e: { reason: unknown }) => e.reason);
    expect(r).to.equal('killed');
  });

  it('spawn_opt without options returns a bare pid; spawn_link links both ways', async () => {
    const r = await run(function* () {
      const p = spawn_opt(function* () {
        yield* receive(on('stop'));
      }, []);
      const q = spawn_link(function* () {
        yield* receive(on('stop'));
      });
      const links = process_info(q, 'links');
      send(p, 'stop');
      send(q, 'stop');
      return [p instanceof Pid, links, self()];
    });
    const [isPid, links, me] = r as [boolean, [string, Pid[]], Pid];
    expect(isPid).to.equal(true);
    expect(links).to.deep.equal(['links', [me]]);
  });

  it('spawning beyond the process limit raises system_limit', async () => {
    const old = set_process_limit(1000);
    try {
      const r = await run(function* () {
        const ps: Pid[] = [];
        try {
          for (;;) ps.push(spawn(function* () {
            yield* receive(on('stop'));
          }));
        } catch (e) {
          for (const p of ps) send(p, 'stop');
          return [(e as ErlangError).reason, ps.length < 1000, process_limit()];
        }
      });
      expect(r).to.deep.equal(['system_limit', true, 1000]);
    } finally {
      set_process_limit(old);
    }
    expect(() => set_process_limit(0)).to.throw(RangeError);
  });

  it('a non-function raises badarg; spawn_link outside a process throws a clear error', () => {
    expect(() => spawn(42 as unknown as () => void)).to.throw('badarg');
    expect(() => spawn_link(function* () {})).to.throw(/outside any process/);
    void after;
  });
});
