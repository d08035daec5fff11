// trace/3: OTP's trace tuples for send, receive, procs and timestamp; tracer pid or function;
// 'new' and 'all'; off again; a dead tracer ends tracing; dbg's readable lines.
import { expect } from 'chai';
import {
  run, spawn, spawn_link, self, send, receive, on, after, _, register, unregister, unlink, link, exit,
  trace, trace_info, dbg, Pid, TraceMessage,
} from '../../runtime';
import { tracing, trace_clear } from '../../runtime/trace';

function* drain_trace(): Generator<unknown, unknown[], unknown> {
  const out: unknown[] = [];
  for (;;) {
    const m = yield* receive(on(['trace', _, _], (x) => x), on(['trace', _, _, _], (x) => x), on(['trace', _, _, _, _], (x) => x),
      on(['trace_ts', _, _, _, _], (x) => x), on(['trace_ts', _, _, _, _, _], (x) => x), after(30, () => null));
    if (m === null) return out;
    out.push(m);
  }
}

describe('runtime/trace', () => {
  afterEach(() => {
    trace_clear();
    expect(tracing, 'tracing left on').to.equal(false);
  });

  it('send and receive: [trace, Pid, send, Msg, To] and [trace, Pid, receive, Msg] to the tracer', () => run(function* () {
    const me = self();
    const echo = spawn(function* echo() {
      const [from, m] = (yield* receive(on([_, _], (x) => x))) as [Pid, string];
      send(from, ['back', m]);
    });
    expect(trace(echo, true, ['send', 'receive'])).to.equal(1);
    expect(trace_info(echo, 'flags')).to.deep.equal(['flags', ['send', 'receive']]);
    expect(trace_info(echo, 'tracer')).to.deep.equal(['tracer', me]);
    send(echo, [me, 'hi']);
    yield* receive(on(['back', 'hi']));
    const evs = yield* drain_trace();
    expect(evs).to.deep.equal([
      ['trace', echo, 'receive', [me, 'hi']],
      ['trace', echo, 'send', ['back', 'hi'], me],
    ]);
  }));

  it('procs: spawn, link, getting_linked, register, unregister, unlink, exit', () => run(function* () {
    const me = self();
    const p = spawn(function* worker(_n: number) {
      yield* receive(on('go'));
      register('trace_test_name', self());
      unregister('trace_test_name');
      link(me);
      unlink(me);
      exit('shutdown');
    }, 7);
    trace(p, true, ['procs']);
    send(p, 'go');
    yield* receive(after(20));
    const evs = yield* drain_trace();
    expect(evs).to.deep.equal([
      ['trace', p, 'register', 'trace_test_name'],
      ['trace', p, 'unregister', 'trace_test_name'],
      ['trace', p, 'link', me],
      ['trace', p, 'unlink', me],
      ['trace', p, 'exit', 'shutdown'],
    ]);
    trace(me, true, ['procs']);
    const q = spawn_link(function* child() { yield* receive(after(5)); });
    const got = yield* drain_trace();
    expect(got[0]).to.deep.equal(['trace', me, 'spawn', q, ['undefined', 'child', []]]);
    expect(got[1]).to.deep.equal(['trace', me, 'link', q]);
    trace(me, false, ['procs']);
  }));

  it('timestamp makes trace_ts with [Mega, Secs, Micro] last; a function tracer; off stops', () => run(function* () {
    const seen: TraceMessage[] = [];
    const p = spawn(function* sleeper() { yield* receive(on('x')); yield* receive(on('y')); });
    trace(p, true, ['receive', 'timestamp'], { tracer: (m) => seen.push(m) });
    const t0 = Date.now();
    send(p, 'x');
    expect(seen).to.have.length(1);
    const m = seen[0]!;
    expect(m.slice(0, 3)).to.deep.equal(['trace_ts', p, 'receive']);
    expect(m[3]).to.equal('x');
    const [mega, s, us] = m[4] as number[];
    expect(Math.abs((mega! * 1e6 + s!) * 1000 + us! / 1000 - t0)).to.be.below(1000);
    trace(p, false, ['receive']);
    send(p, 'y');
    expect(seen).to.have.length(1);
  }));

  it("'new' traces processes spawned later; 'existing' counts the live ones", () => run(function* () {
    const seen: TraceMessage[] = [];
    const before = spawn(function* () { yield* receive(on('z')); });
    expect(trace('new', true, ['receive'], { tracer: (m) => seen.push(m) })).to.equal(0);
    const later = spawn(function* () { yield* receive(on('z')); });
    send(before, 'z');
    send(later, 'z');
    expect(seen).to.deep.equal([['trace', later, 'receive', 'z']]);
    trace('new', false, ['receive']);
    expect(trace('existing', false, ['receive'])).to.be.above(0);
  }));

  it('a dead tracer process ends the tracing of what it traced', () => run(function* () {
    const tr = spawn(function* () { yield* receive(on('stop')); });
    const p = spawn(function* () { yield* receive(on('a')); yield* receive(on('b')); });
    trace(p, true, ['receive'], { tracer: tr });
    send(tr, 'stop');
    yield* receive(after(5));
    send(p, 'a');
    expect(trace_info(p, 'flags')).to.deep.equal(['flags', []]);
    send(p, 'b');
  }));

  it('bad arguments raise badarg', () => run(function* () {
    const p = spawn(function* () { yield* receive(after(10)); });
    const why = (f: () => unknown): unknown => { try { f(); return 'no error'; } catch (e) { return (e as { reason?: unknown }).reason; } };
    expect(why(() => trace(p, true, ['nonsense']))).to.equal('badarg');
    expect(why(() => trace('some' as never, true, ['send']))).to.equal('badarg');
    expect(why(() => trace(p, 1 as never, ['send']))).to.equal('badarg');
    expect(why(() => trace(new Pid(1), true, ['send']))).to.equal('badarg');
  }));

  it('dbg prints readable lines', () => run(function* () {
    const lines: string[] = [];
    dbg.tracer((l) => lines.push(l));
    const me = self();
    const p = spawn(function* worker() {
      const from = (yield* receive(on(_, (x) => x))) as Pid;
      send(from, 'pong');
    });
    expect(dbg.p(p, ['send', 'receive', 'procs'])).to.equal(1);
    send(p, me);
    yield* receive(on('pong'));
    yield* receive(after(5));
    expect(lines).to.deep.equal([
      `(${p}) << ${me}`,
      `(${p}) ${me} ! pong`,
      `(${p}) exit normal`,
    ]);
    dbg.stop();
  }));
});
