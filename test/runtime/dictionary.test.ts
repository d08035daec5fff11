// The process dictionary: per process, put/get/erase as Erlang's, readable from outside.
import { expect } from 'chai';
import { run, spawn, self, receive, on, after, _, send, put, get, erase, get_keys, dictionary_of, Pid } from '../../runtime';

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
});
