// Exit reasons from thrown values (spec section 8), and exit/error as catchable exceptions.
import { expect } from 'chai';
import { run, exit, error, ErlangExit, ErlangError } from '../../runtime';
import { reason_of, stack_term, is_quiet_reason } from '../../runtime/exits';

describe('runtime/exits', () => {
  it('exit(R) → R; error(R) → [R, Stack]; a JS Error → [Error, Stack]; another value → [[nocatch, V], []]', () => {
    let e1: unknown, e2: unknown, e3: unknown;
    try {
      exit('my_reason');
    } catch (e) {
      e1 = e;
    }
    try {
      error('boom');
    } catch (e) {
      e2 = e;
    }
    try {
      JSON.parse('{');
    } catch (e) {
      e3 = e;
    }
    expect(e1).to.be.instanceOf(ErlangExit);
    expect(reason_of(e1)).to.equal('my_reason');
    expect(e2).to.be.instanceOf(ErlangError);
    const [r2, st2] = reason_of(e2) as [unknown, unknown[]];
    expect(r2).to.equal('boom');
    expect(st2[0]).to.have.length(4);
    const [r3] = reason_of(e3) as [unknown, unknown[]];
    expect(r3).to.equal(e3);
    expect(reason_of('ball')).to.deep.equal([['nocatch', 'ball'], []]);
  });

  it('exit(R) carries no stack, as Erlang exit/1 has none; its message names the reason', () => {
    let e1: unknown;
    try {
      exit(['shutdown', 'peer_closed']);
    } catch (e) {
      e1 = e;
    }
    const x = e1 as ErlangExit;
    expect(x).to.be.instanceOf(Error);
    expect(x.name).to.equal('ErlangExit');
    expect(x.message).to.equal('exit: {shutdown,peer_closed}');
    expect(stack_term(x)).to.deep.equal([]);
    expect(String(x.stack)).to.not.include(' at ');
    // error(R) still has its stack.
    let e2: unknown;
    try {
      error('boom');
    } catch (e) {
      e2 = e;
    }
    expect(stack_term(e2 as Error).length).to.be.greaterThan(0);
  });

  it('stack frames look like Erlang: [module, function, arity, [[file, F], [line, L]]]', () => {
    function thrower(): Error {
      return new Error('here');
    }
    const frames = stack_term(thrower());
    expect(frames[0][0]).to.equal('exits.test');
    expect(frames[0][1]).to.equal('thrower');
    expect(frames[0][2]).to.equal(0);
    expect(frames[0][3][0][0]).to.equal('file');
    expect(frames[0][3][0][1]).to.match(/exits\.test\.js$/);
    expect(frames[0][3][1][0]).to.equal('line');
    expect(frames.every((f) => !String(f[3][0][1]).includes('/dist/runtime/'))).to.equal(true);
  });

  it('normal, shutdown and [shutdown, _] are quiet reasons, others are not', () => {
    expect(['normal', 'shutdown', ['shutdown', 1], 'killed', ['shutdown'], 'x'].map(is_quiet_reason)).to.deep.equal([
      true, true, true, false, false, false,
    ]);
  });

  it('a process can catch its own exit and error exceptions, as Erlang catch does', async () => {
    const r = await run(function* () {
      const out: unknown[] = [];
      try {
        exit('caught');
      } catch (e) {
        out.push((e as ErlangExit).reason);
      }
      try {
        error('caught_too');
      } catch (e) {
        out.push((e as ErlangError).reason);
      }
      return out;
    });
    expect(r).to.deep.equal(['caught', 'caught_too']);
  });
});
