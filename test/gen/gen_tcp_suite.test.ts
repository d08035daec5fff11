// gen_tcp_misc_SUITE's close, active and accept groups, on erlsock.
import { expect } from 'chai';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { run, spawn, self, send, receive, on, after, _, exit, Pid, Proc } from '../../runtime';
import { ok, open_fds, next_msg, flush } from '../support/sockets';

type S = gen_tcp.GenSocket;
const B = (s: string): Buffer => Buffer.from(s);
const pause = (ms: number): Proc<number> => receive(after(ms, () => 0));

function* connect_to(l: S, opts: unknown[] = ['binary', ['active', false]]): Proc<S> {
  return ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), opts));
}

describe('gen/gen_tcp: gen_tcp_misc_SUITE close, active, accept groups', function () {
  this.timeout(20000);
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('data_before_close: all data, then tcp_closed (active); then closed (passive)', () => run(function* () {
    for (const active of [true, false]) {
      const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', active]]));
      const c = yield* connect_to(l);
      const a = ok<S>(yield* gen_tcp.accept(l));
      const big = Buffer.alloc(300000, 3);
      spawn(function* () { yield* gen_tcp.send(c, big); gen_tcp.close(c); });
      const parts: Buffer[] = [];
      for (;;) {
        if (active) {
          const m = (yield* next_msg(3000)) as unknown[];
          if (m[0] !== 'tcp') { expect(m).to.deep.equal(['tcp_closed', a]); break; }
          parts.push(m[2] as Buffer);
        } else {
          const r = yield* gen_tcp.recv(a, 0, 3000);
          if (r[0] !== 'ok') { expect(r).to.deep.equal(['error', 'closed']); break; }
          parts.push(r[1] as Buffer);
        }
      }
      expect(Buffer.concat(parts).equals(big)).to.equal(true);
      gen_tcp.close(a); gen_tcp.close(l);
    }
  }));

  it('no_accept: a connection the listener never accepted sees the close', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
    const c = yield* connect_to(l);
    gen_tcp.close(l);
    expect(yield* gen_tcp.recv(c, 0, 2000)).to.deep.equal(['error', 'closed']);
    gen_tcp.close(c);
  }));

  it('closed_socket: calls on a closed socket', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
    gen_tcp.close(l);
    expect(yield* gen_tcp.accept(l, 0)).to.deep.equal(['error', 'closed']);
    expect(yield* gen_tcp.recv(l, 0, 0)).to.deep.equal(['error', 'closed']);
    expect(yield* gen_tcp.send(l, 'x')).to.deep.equal(['error', 'closed']);
    expect(inet.sockname(l)).to.deep.equal(['error', 'einval']);
    expect(inet.getopts(l, ['active'])).to.deep.equal(['error', 'einval']);
    expect(gen_tcp.close(l)).to.equal('ok');
  }));

  it('active_once_closed and active_n_closed: the close comes after the data, even while passive', () => run(function* () {
    for (const n of ['once', 3] as const) {
      const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
      const c = yield* connect_to(l);
      const a = ok<S>(yield* gen_tcp.accept(l));
      yield* gen_tcp.send(c, 'abc');
      gen_tcp.close(c);
      yield* pause(50);
      expect(yield* flush()).to.deep.equal([]);
      expect(inet.setopts(a, [['active', n]])).to.equal('ok');
      expect(yield* next_msg()).to.deep.equal(['tcp', a, B('abc')]);
      if (n === 'once') {
        expect(yield* next_msg(100)).to.equal('none');
        expect(inet.setopts(a, [['active', 'once']])).to.equal('ok');
      }
      expect(yield* next_msg()).to.deep.equal(['tcp_closed', a]);
      gen_tcp.close(a); gen_tcp.close(l);
    }
  }));

  it('passive_sockets: recv in a loop with exact lengths from a stream of small sends', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
    const c = yield* connect_to(l);
    const a = ok<S>(yield* gen_tcp.accept(l));
    spawn(function* () { for (let i = 0; i < 100; i++) yield* gen_tcp.send(c, `${String(i).padStart(3, '0')}`); });
    for (let i = 0; i < 100; i++) expect(yield* gen_tcp.recv(a, 3, 2000)).to.deep.equal(['ok', B(String(i).padStart(3, '0'))]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('killing_acceptor and several_accepts_in_one_go', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ['backlog', 16]]));
    const victim = spawn(function* () { yield* gen_tcp.accept(l); });
    yield* pause(20);
    exit(victim, 'kill');
    yield* pause(20);
    const me = self();
    const acceptors: Pid[] = [];
    for (let i = 0; i < 5; i++) acceptors.push(spawn(function* () {
      const r = yield* gen_tcp.accept(l, 3000);
      send(me, ['accepted', r[0]]);
      yield* receive(on('stop', () => 0));
    }));
    const cs: S[] = [];
    for (let i = 0; i < 5; i++) cs.push(yield* connect_to(l));
    for (let i = 0; i < 5; i++) expect(yield* receive(on(['accepted', _], (m) => m[1]), after(3000, () => 'none'))).to.equal('ok');
    for (const p of acceptors) send(p, 'stop');
    yield* pause(30);
    for (const c of cs) expect(yield* gen_tcp.recv(c, 0, 1000)).to.deep.equal(['error', 'closed']);
    for (const c of cs) gen_tcp.close(c);
    gen_tcp.close(l);
  }));

  it('multi_accept_close_listen: closing the listener answers every waiting acceptor closed', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
    const me = self();
    for (let i = 0; i < 4; i++) spawn(function* () { send(me, ['acc', yield* gen_tcp.accept(l)]); });
    yield* pause(30);
    gen_tcp.close(l);
    for (let i = 0; i < 4; i++) expect(yield* next_msg(2000)).to.deep.equal(['acc', ['error', 'closed']]);
  }));

  it('accept_timeouts_in_order: three acceptors with timeouts time out in order', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
    const me = self();
    for (const [name, t] of [['a', 100], ['b', 200], ['c', 300]] as const) {
      spawn(function* () { send(me, [name, yield* gen_tcp.accept(l, t)]); });
    }
    const order: unknown[] = [];
    for (let i = 0; i < 3; i++) order.push(yield* next_msg(2000));
    expect(order).to.deep.equal([['a', ['error', 'timeout']], ['b', ['error', 'timeout']], ['c', ['error', 'timeout']]]);
    gen_tcp.close(l);
  }));
});
