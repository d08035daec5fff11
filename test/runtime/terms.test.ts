// Pids and Refs print as Erlang prints them and compare by identity.
import { expect } from 'chai';
import { inspect } from 'util';
import { run, self, spawn, make_ref, Pid, Ref } from '../../runtime';

describe('runtime/terms', () => {
  it('a Pid prints as <0.N.0>, also under util.inspect', async () => {
    const p = await run(function* () {
      return self();
    });
    expect(p.toString()).to.match(/^<0\.\d+\.0>$/);
    expect(inspect(p)).to.equal(p.toString());

    expect(`${p}`).to.equal(`<0.${p.id}.0>`);
  });

  it('a Ref prints as #Ref<0.A.B.C> and every make_ref is new', () => {
    const a = make_ref();
    const b = make_ref();
    expect(a.toString()).to.match(/^#Ref<0\.\d+\.\d+\.\d+>$/);
    expect(inspect(a)).to.equal(a.toString());
    expect(a).to.not.equal(b);
    expect(a.toString()).to.not.equal(b.toString());
    expect(a).to.be.instanceOf(Ref);
  });

  it('Pids and Refs work as Map keys, by identity', () => {
    const p1 = spawn(function* () {});
    const p2 = spawn(function* () {});
    const r = make_ref();
    const m = new Map<Pid | Ref, number>([
      [p1, 1],
      [p2, 2],
      [r, 3],
    ]);
    expect([m.get(p1), m.get(p2), m.get(r), m.get(make_ref())]).to.deep.equal([1, 2, 3, undefined]);
  });
});
