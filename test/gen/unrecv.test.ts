// gen_tcp:unrecv/2 (gen/unrecv.ts) with the values OTP 25's default backend gives
// (test/otp/43_unrecv.escript), and the two deliberate differences docs/GEN_TCP.md lists.
import { expect } from 'chai';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { run, receive, on, after, _, Proc } from '../../runtime';
import { ok, open_fds, raised, sleep } from '../support/sockets';

type S = gen_tcp.GenSocket;
const B = (s: string): Buffer => Buffer.from(s, 'latin1');

function* pair(opts: unknown[] = []): Proc<[S, S, S]> {
  const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
  const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), ['binary', ['active', false]]));
  const s = ok<S>(yield* gen_tcp.accept(l, 2000));
  expect(inet.setopts(s, opts)).to.equal('ok');
  return [l, c, s];
}

const msg = (s: S): Proc<unknown> => receive(on(['tcp', s, _], (m) => m[2]), after(200, () => 'none'));

describe('gen_tcp.unrecv', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('raw: pushed bytes come first, the last push first, iodata of any shape', () => run(function* () {
    const [l, c, s] = yield* pair();
    expect(yield* gen_tcp.send(c, 'world')).to.equal('ok');
    yield* sleep(50);
    expect(gen_tcp.unrecv(s, B('hello '))).to.equal('ok');
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('hello ')]);
    expect(gen_tcp.unrecv(s, B('abcdef'))).to.equal('ok');
    expect(yield* gen_tcp.recv(s, 3, 100)).to.deep.equal(['ok', B('abc')]);
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('def')]);
    expect(gen_tcp.unrecv(s, ['ab', B('cd'), 101])).to.equal('ok');
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('abcde')]);
    expect([gen_tcp.unrecv(s, '2'), gen_tcp.unrecv(s, '1')]).to.deep.equal(['ok', 'ok']);
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('12')]);
    // The peer's bytes, still there behind the pushed ones.
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('world')]);
    for (const x of [l, c, s]) gen_tcp.close(x);
  }));

  it('errors: einval for non-iodata, enotconn on a listener, closed after close, function_clause for a non-socket', () => run(function* () {
    const [l, c, s] = yield* pair();
    expect(gen_tcp.unrecv(s, 'foo')).to.equal('ok'); // a string is bytes here (an Erlang string)
    expect(gen_tcp.unrecv(s, Symbol('foo'))).to.deep.equal(['error', 'einval']);
    expect(gen_tcp.unrecv(s, [256])).to.deep.equal(['error', 'einval']);
    expect(gen_tcp.unrecv(s, { a: 1 })).to.deep.equal(['error', 'einval']);
    expect(gen_tcp.unrecv(l, B('x'))).to.deep.equal(['error', 'enotconn']);
    expect(raised(() => gen_tcp.unrecv('foo' as unknown as S, B('x')))).to.equal('function_clause');
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('foo')]);
    gen_tcp.close(s);
    expect(gen_tcp.unrecv(s, B('z'))).to.deep.equal(['error', 'closed']);
    gen_tcp.close(c);
    gen_tcp.close(l);
  }));

  it('framing: a pushed packet and a pushed header join the stream; list mode', () => run(function* () {
    const [l, c, s] = yield* pair([['packet', 4]]);
    yield* gen_tcp.send(c, Buffer.from([0, 0, 0, 3, 120, 121, 122]));
    yield* sleep(50);
    expect(gen_tcp.unrecv(s, Buffer.from([0, 0, 0, 2, 97, 98]))).to.equal('ok');
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('ab')]);
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('xyz')]);
    yield* gen_tcp.send(c, 'rest');
    expect(gen_tcp.unrecv(s, Buffer.from([0, 0, 0, 4]))).to.equal('ok');
    expect(yield* gen_tcp.recv(s, 0, 1000)).to.deep.equal(['ok', B('rest')]);
    expect(inet.setopts(s, ['list', ['packet', 0]])).to.equal('ok');
    gen_tcp.unrecv(s, B('ab'));
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', [97, 98]]);
    for (const x of [l, c, s]) gen_tcp.close(x);
  }));

  it('after the peer closed: the pushed bytes, then closed', () => run(function* () {
    const [l, c, s] = yield* pair();
    gen_tcp.close(c);
    yield* sleep(50);
    expect(gen_tcp.unrecv(s, B('z'))).to.equal('ok');
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['ok', B('z')]);
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['error', 'closed']);
    gen_tcp.close(l);
  }));

  it('active: {active, once} set after a push delivers it; a push on an active socket is delivered at once (inet: with the next bytes)', () => run(function* () {
    const [l, c, s] = yield* pair();
    expect(gen_tcp.unrecv(s, B('pushed'))).to.equal('ok');
    inet.setopts(s, [['active', 'once']]);
    expect(yield* msg(s)).to.deep.equal(B('pushed'));
    // Passive again after once: kept for later.
    expect(gen_tcp.unrecv(s, B('x'))).to.equal('ok');
    expect(yield* msg(s)).to.equal('none');
    inet.setopts(s, [['active', true]]);
    expect(yield* msg(s)).to.deep.equal(B('x'));
    // Deliberately different: OTP 25 holds 'y' until the peer sends more.
    expect(gen_tcp.unrecv(s, B('y'))).to.equal('ok');
    expect(yield* msg(s)).to.deep.equal(B('y'));
    for (const x of [l, c, s]) gen_tcp.close(x);
  }));

  it('an empty push is a no-op (deliberately: inet\'s next recv answers emsgsize)', () => run(function* () {
    const [l, c, s] = yield* pair();
    expect(gen_tcp.unrecv(s, B(''))).to.equal('ok');
    expect(yield* gen_tcp.recv(s, 0, 100)).to.deep.equal(['error', 'timeout']);
    yield* gen_tcp.send(c, 'a');
    expect(yield* gen_tcp.recv(s, 0, 1000)).to.deep.equal(['ok', B('a')]);
    for (const x of [l, c, s]) gen_tcp.close(x);
  }));
});
