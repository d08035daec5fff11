// The process dictionary: per process, put/get/erase as Erlang's, readable from outside.
import { expect } from 'chai';
import { run, spawn, self, receive, on, after, _, send, put, get, erase, get_keys, dictionary_of, Pid } from '../../runtime';
import { share_dictionary } from '../../runtime/dictionary';

describe('runtime/dictionary', () => {
  it('put returns the old value, get/erase give undefined for a missing key; each process has its own', async () => {
    const r = await run(function* () {
      const a = [put('k', 1), put('k', 2), get('k'), get('nope'), get_keys()];
      const me = self();
      const other = spawn(function* () {
        send(me, ['other', get('k'), put('k', 'mine')]);
        yield* receive(on('stop'));
      });
      const o = yield* receive(on(['other', _, _]));
      const outside = dictionary_of(other);
      send(other, 'stop');
      yield* receive(after(5));
      const dead = dictionary_of(other);
      const b = [erase('k'), erase('k'), get('k'), get_keys(), dictionary_of(self())];
      return { a, o, outside, dead, b };
    });
    expect(r.a).to.deep.equal(['undefined', 1, 2, 'undefined', ['k']]);
    expect(r.o).to.deep.equal(['other', 'undefined', 'undefined']);
    expect(r.outside).to.deep.equal([['k', 'mine']]);
    expect(r.dead).to.equal('undefined');
    expect(r.b).to.deep.equal([2, 'undefined', 'undefined', [], []]);
    expect(() => dictionary_of('x' as unknown as Pid)).to.throw();
  });

  it('share_dictionary: processes given one array read it alike; a put (of a key it has or a new one) or an erase copies it first', async () => {
    const shared = ['a', 1, 'b', 2];
    const r = await run(function* () {
      const me = self();
      const body = (op: string) => function* () {
        share_dictionary(shared);
        if (op === 'put') put('a', 'mine');
        if (op === 'erase') erase('b');
        if (op === 'many') for (let i = 0; i < 10; i++) put(i, i);
        send(me, [op, dictionary_of(self())]);
        yield* receive(on('stop'));
      };
      const pids = ['put', 'erase', 'many', 'none'].map((op) => spawn(body(op)));
      const got: Record<string, unknown> = {};
      for (let i = 0; i < 4; i++) {
        const m = yield* receive(on([_, _]));
        got[m[0] as string] = m[1];
      }
      const again = yield* (function* () {
        put('x', 1);
        try {
          share_dictionary(['y', 2]);
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      })();
      for (const p of pids) send(p, 'stop');
      return { got, again };
    });
    expect(shared).to.deep.equal(['a', 1, 'b', 2]);
    expect(r.got.put).to.deep.equal([['a', 'mine'], ['b', 2]]);
    expect(r.got.erase).to.deep.equal([['a', 1]]);
    expect((r.got.many as unknown[]).length).to.equal(12);
    expect(r.got.none).to.deep.equal([['a', 1], ['b', 2]]);
    expect(r.again).to.match(/share_dictionary on a process with a dictionary/);
  });
});
