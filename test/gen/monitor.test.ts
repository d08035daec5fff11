// inet:monitor/1 on gen_tcp and gen_udp sockets (gen_tcp_misc_SUITE's socket_monitor
// group), with the inet backend's DOWN messages as OTP 25 sends them.
import { expect } from 'chai';
import * as gen_tcp from '../../gen/gen_tcp';
import * as gen_udp from '../../gen/gen_udp';
import * as inet from '../../gen/inet';
import { run, spawn, self, send, receive, on, after, _, exit, Ref, Pid, Proc } from '../../runtime';
import { ok, open_fds, next_msg } from '../support/sockets';

type S = gen_tcp.GenSocket;

function* pair(opts: unknown[] = []): Proc<[S, S, S]> {
  const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
  const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), ['binary', ['active', false], ...opts]));
  const a = ok<S>(yield* gen_tcp.accept(l));
  return [l, c, a];
}

describe('gen/monitor: inet.monitor', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('close: DOWN normal to every monitor; exit_on_close after tcp_closed: DOWN normal', () => run(function* () {
    const [l, c, a] = yield* pair([['active', true]]);
    const m1 = inet.monitor(a);
    const me = self();
    const other = spawn(function* () {
      const r = inet.monitor(a);
      send(me, ['ref', r]);
      send(me, ['other', yield* next_msg(2000)]);
    });
    const r2 = (yield* receive(on(['ref', _], (m) => m[1]))) as Ref;
    const mc = inet.monitor(c);
    gen_tcp.close(a);
    expect(yield* receive(on(['DOWN', m1, _, _, _], (m) => m))).to.deep.equal(['DOWN', m1, 'port', a, 'normal']);
    expect(yield* receive(on(['other', _], (m) => m[1]))).to.deep.equal(['DOWN', r2, 'port', a, 'normal']);
    expect(yield* next_msg()).to.deep.equal(['tcp_closed', c]);
    expect(yield* next_msg()).to.deep.equal(['DOWN', mc, 'port', c, 'normal']);
    expect(other).to.be.instanceOf(Pid);
    gen_tcp.close(l);
  }));

  it('the owner exits: DOWN with its reason; a closed socket: noproc at once; cancel_monitor', () => run(function* () {
    const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false]]));
    const me = self();
    const owner = spawn(function* () {
      const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), []));
      send(me, ['c', c]);
      yield* receive(on('stop', () => 0));
      exit('boom');
    });
    const c = (yield* receive(on(['c', _], (m) => m[1]))) as S;
    const a = ok<S>(yield* gen_tcp.accept(l));
    const m = inet.monitor(c);
    send(owner, 'stop');
    expect(yield* receive(on(['DOWN', m, _, _, _], (x) => x), after(2000, () => null))).to.deep.equal(['DOWN', m, 'port', c, 'boom']);
    gen_tcp.close(a);
    const m2 = inet.monitor(a);
    expect(yield* next_msg()).to.deep.equal(['DOWN', m2, 'port', a, 'noproc']);
    const [l3, c3, a3] = yield* pair();
    const m3 = inet.monitor(c3);
    expect(inet.cancel_monitor(m3)).to.equal(true);
    expect(inet.cancel_monitor(m3)).to.equal(false);
    gen_tcp.close(c3);
    expect(yield* next_msg(100)).to.equal('none');
    gen_tcp.close(a3); gen_tcp.close(l3); gen_tcp.close(l);
  }));

  it('after controlling_process the new owner\'s death is reported; gen_udp close too', () => run(function* () {
    const [l, c, a] = yield* pair();
    const m = inet.monitor(a);
    const heir = spawn(function* () { yield* receive(on('die', () => 0)); });
    expect(yield* gen_tcp.controlling_process(a, heir)).to.equal('ok');
    send(heir, 'die');
    expect(yield* next_msg()).to.deep.equal(['DOWN', m, 'port', a, 'normal']);
    expect(yield* gen_tcp.recv(c, 0, 1000)).to.deep.equal(['error', 'closed']);
    const u = ok<S>(gen_udp.open(0, []));
    const mu = inet.monitor(u);
    gen_udp.close(u);
    expect(yield* next_msg()).to.deep.equal(['DOWN', mu, 'port', u, 'normal']);
    gen_tcp.close(c); gen_tcp.close(l);
  }));
});
