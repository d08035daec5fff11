// Pattern matching, unit by unit.
import { expect } from 'chai';
import { compile_pattern, match, refs_in, _, Clause } from '../../runtime/pattern';
import { Pid, Ref } from '../../runtime/terms';

describe('runtime/pattern', () => {
  it('literals by ===, NaN by NaN, the wildcard matches anything', () => {
    expect(compile_pattern('ok')('ok')).to.equal(true);
    expect(compile_pattern('ok')('ko')).to.equal(false);
    expect(compile_pattern(1)('1')).to.equal(false);
    expect(compile_pattern(NaN)(NaN)).to.equal(true);
    expect(compile_pattern(null)(undefined)).to.equal(false);
    expect(compile_pattern(_)(undefined)).to.equal(true);
  });

  it('arrays need the exact length; objects the listed keys (others allowed)', () => {
    const m = compile_pattern(['a', _, ['b', 1]]);
    expect(m(['a', 0, ['b', 1]])).to.equal(true);
    expect(m(['a', 0, ['b', 1], 'extra'])).to.equal(false);
    expect(m(['a', 0, ['b', 2]])).to.equal(false);
    expect(m({ 0: 'a', 1: 0, 2: ['b', 1], length: 3 })).to.equal(false);
    const o = compile_pattern({ k: 'v', n: _ });
    expect(o({ k: 'v', n: undefined, other: 1 })).to.equal(true);
    expect(o({ k: 'v' })).to.equal(false);
    expect(o(['v'])).to.equal(false);
  });

  it('Pids and Refs by identity, Buffers by bytes, predicates as guards (a throw fails)', () => {
    const p = new Pid(1);
    const r = new Ref();
    expect(compile_pattern([p, r])([p, r])).to.equal(true);
    expect(compile_pattern([p, r])([new Pid(1), r])).to.equal(false);
    expect(compile_pattern(Buffer.from('ab'))(Buffer.from('ab'))).to.equal(true);
    expect(compile_pattern(Buffer.from('ab'))('ab')).to.equal(false);
    expect(compile_pattern((v: unknown) => typeof v === 'number')(3)).to.equal(true);
    expect(
      compile_pattern(() => {
        throw new Error('x');
      })(3),
    ).to.equal(false);
  });

  it('finds the Refs a pattern requires; clause guards run after the pattern', () => {
    const r1 = new Ref();
    const r2 = new Ref();
    expect(refs_in(['a', r1, { x: r2 }])).to.deep.equal([r1, r2]);
    const c = new Clause<unknown, [string, number]>(['n', _], null).when(([, n]) => n > 1);
    expect(c.test(['n', 2])).to.equal(true);
    expect(c.test(['n', 1])).to.equal(false);
    expect(c.test('n')).to.equal(false);
  });

  it('nested arrays, objects, Buffers, NaN and predicates inside array patterns; class instances by identity', () => {
    class Sock {}
    const s = new Sock();
    const h = new Ref();
    const abort = ['$socket', s, 'abort', [h, _]];
    expect(match(abort, ['$socket', s, 'abort', [h, 'closed']])).to.equal(true);
    expect(match(abort, ['$socket', new Sock(), 'abort', [h, 'closed']])).to.equal(false);
    expect(match(abort, ['$socket', s, 'abort', [new Ref(), 'closed']])).to.equal(false);
    expect(match(abort, ['$socket', s, 'select', h])).to.equal(false);
    expect(match(['d', Buffer.from('ab'), NaN, { k: [1, _] }], ['d', Buffer.from('ab'), NaN, { k: [1, 2], z: 0 }])).to.equal(true);
    expect(match(['d', Buffer.from('ab')], ['d', Buffer.from('ac')])).to.equal(false);
    expect(match([NaN], [1])).to.equal(false);
    expect(match({ k: 1 }, { k: 1 })).to.equal(true);
    expect(match({ k: 1 }, null)).to.equal(false);
    expect(match([null], [undefined])).to.equal(false);
    expect(match([Symbol('other')], [1])).to.equal(false);
    const big = (v: unknown) => typeof v === 'number' && v > 9;
    expect([match(['n', big], ['n', 10]), match(['n', big], ['n', 9]), match(['n', big], ['n', big])]).to.deep.equal([true, false, false]);
  });

  it('a clause holds only its pattern and body (and a guard once when() adds one): no matcher is built per on()', () => {
    const c = new Clause(['$socket', _, 'select', _], null);
    expect(Object.keys(c).sort()).to.deep.equal(['body', 'pattern']);
    expect(c.test(['$socket', 1, 'select', 2])).to.equal(true);
    const g = c.when((m) => (m as unknown[])[1] === 1);
    expect(Object.keys(g).sort()).to.deep.equal(['body', 'guard', 'pattern']);
    expect(g).to.be.instanceOf(Clause);
    expect([g.test(['$socket', 1, 'select', 2]), g.test(['$socket', 3, 'select', 2]), g.test(['x'])]).to.deep.equal([true, false, false]);
    const g2 = g.when(() => false);
    expect(g2.test(['$socket', 1, 'select', 2]), 'when() replaces the guard').to.equal(false);
  });
});
