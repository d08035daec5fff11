// gen_udp on loopback: active modes, recv, ancillary data, as OTP 25
// (test/otp/29_udp_anc.escript shows the same exchange on erl).
import { expect } from 'chai';
import * as gen_udp from '../../gen/gen_udp';
import * as inet from '../../gen/inet';
import { run, spawn, self, send, receive, on, after, _ } from '../../runtime';
import type { GenSocket } from '../../gen/gen_socket';
import { ok, open_fds, next_msg, raised } from '../support/sockets';

type S = GenSocket;
const B = (s: string): Buffer => Buffer.from(s);
const LO = [127, 0, 0, 1];

describe('gen/gen_udp', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('active with ancillary data, passive recv, {active, 1} then udp_passive, einval while active', () => run(function* () {
    const r = ok<S>(gen_udp.open(0, ['binary', ['ip', LO], ['recvttl', true], ['recvtos', true]]));
    const p = ok<number>(inet.port(r));
    const s = ok<S>(gen_udp.open(0, ['binary', ['ip', LO]]));
    const sp = ok<number>(inet.port(s));
    expect(yield* gen_udp.send(s, LO, p, 'a')).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['udp', r, LO, sp, [['ttl', 64], ['tos', 0]], B('a')]);
    expect(inet.setopts(r, [['recvttl', false], ['recvtos', false], ['active', false]])).to.equal('ok');
    expect(yield* gen_udp.send(s, [LO, p], 'b')).to.equal('ok');
    expect(yield* gen_udp.recv(r, 0, 1000)).to.deep.equal(['ok', [LO, sp, B('b')]]);
    expect(inet.setopts(r, [['active', 1]])).to.equal('ok');
    expect(yield* gen_udp.send(s, { family: 'inet', addr: [127, 0, 0, 1], port: p }, 'c')).to.equal('ok');
    expect(yield* next_msg()).to.deep.equal(['udp', r, LO, sp, B('c')]);
    expect(yield* next_msg()).to.deep.equal(['udp_passive', r]);
    expect(yield* gen_udp.recv(r, 0, 100)).to.deep.equal(['error', 'timeout']);
    expect(inet.setopts(r, [['active', true]])).to.equal('ok');
    expect(yield* gen_udp.recv(r, 0, 100)).to.deep.equal(['error', 'einval']);
    gen_udp.close(r); gen_udp.close(s);
    expect(yield* gen_udp.recv(r, 0, 100)).to.deep.equal(['error', 'closed']);
  }));

  it('list mode by default, active once, recv with ancillary data, bad options exit badarg', () => run(function* () {
    const r = ok<S>(gen_udp.open(0, [['ip', LO], ['active', 'once']]));
    const p = ok<number>(inet.port(r));
    const s = ok<S>(gen_udp.open(0, []));
    yield* gen_udp.send(s, LO, p, 'hi');
    yield* gen_udp.send(s, LO, p, 'yo');
    const m = (yield* next_msg()) as unknown[];
    expect(m.slice(0, 3)).to.deep.equal(['udp', r, LO]);
    expect(m[4]).to.deep.equal([104, 105]);
    expect(yield* next_msg(100)).to.equal('none');
    expect(inet.setopts(r, [['recvttl', true], ['active', false]])).to.equal('ok');
    const got = ok<unknown[]>(yield* gen_udp.recv(r, 0, 1000));
    expect([got[0], got[2], got[3]]).to.deep.equal([LO, [['ttl', 64]], [121, 111]]);
    expect(raised(() => gen_udp.open(0, [['bogus', 1]]))).to.equal('badarg');
    gen_udp.close(r); gen_udp.close(s);
  }));

  it('controlling_process moves the datagrams already delivered', () => run(function* () {
    const r = ok<S>(gen_udp.open(0, ['binary', ['ip', LO]]));
    const p = ok<number>(inet.port(r));
    const s = ok<S>(gen_udp.open(0, ['binary']));
    yield* gen_udp.send(s, LO, p, 'x');
    yield* receive(after(50, () => 0)); // 'x' reaches this mailbox
    const me = self();
    const other = spawn(function* () {
      const m1 = yield* next_msg();
      const m2 = yield* next_msg();
      send(me, ['got', m1, m2]);
    });
    expect(yield* gen_udp.controlling_process(r, other)).to.equal('ok');
    yield* gen_udp.send(s, LO, p, 'y');
    const g = (yield* receive(on(['got', _, _], (x) => x))) as unknown[];
    expect((g[1] as unknown[])[4]).to.deep.equal(B('x'));
    expect((g[2] as unknown[])[4]).to.deep.equal(B('y'));
    gen_udp.close(r); gen_udp.close(s);
  }));
});
