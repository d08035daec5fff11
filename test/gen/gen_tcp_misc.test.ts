// gen_tcp: econnreset, send_timeout, concurrent recv, header and deliver options, HTTP
// packets in active mode, oversized packets while active, getstat and i().
import { expect } from 'chai';
import * as gen_tcp from '../../gen/gen_tcp';
import * as inet from '../../gen/inet';
import { run, spawn, self, send, receive, on, after, _, Proc } from '../../runtime';
import { ok, open_fds, next_msg, flush } from '../support/sockets';

type S = gen_tcp.GenSocket;
const B = (s: string): Buffer => Buffer.from(s);

function* pair(opts: unknown[] = [], copts: unknown[] = []): Proc<[S, S, S]> {
  const l = ok<S>(gen_tcp.listen(0, ['binary', ['active', false], ...opts]));
  const c = ok<S>(yield* gen_tcp.connect([127, 0, 0, 1], ok<number>(inet.port(l)), ['binary', ['active', false], ...copts]));
  const a = ok<S>(yield* gen_tcp.accept(l, 2000));
  return [l, c, a];
}

const pause = (ms: number): Proc<number> => receive(after(ms, () => 0));

/** Closes c with a reset (linger 0). */
function reset(c: S): void {
  expect(inet.setopts(c, [['linger', [true, 0]]])).to.equal('ok');
  gen_tcp.close(c);
}

describe('gen/gen_tcp: econnreset, send_timeout and the rest', () => {
  let fds0 = 0;
  beforeEach(() => { fds0 = open_fds(); });
  afterEach(() => { expect(open_fds(), 'fds leaked').to.equal(fds0); });

  it('a reset: tcp_closed, or with show_econnreset tcp_error econnreset first; passive closed / econnreset', () => run(function* () {
    for (const show of [false, true]) {
      const [l, c, a] = yield* pair([['active', true], ['show_econnreset', show]]);
      reset(c);
      if (show) expect(yield* next_msg()).to.deep.equal(['tcp_error', a, 'econnreset']);
      expect(yield* next_msg()).to.deep.equal(['tcp_closed', a]);
      gen_tcp.close(a); gen_tcp.close(l);
    }
    for (const show of [false, true]) {
      const [l, c, a] = yield* pair([['show_econnreset', show]]);
      reset(c);
      yield* pause(50);
      expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['error', show ? 'econnreset' : 'closed']);
      gen_tcp.close(a); gen_tcp.close(l);
    }
  }));

  it('send_timeout: the unsent rest comes back; send_timeout_close closes', () => run(function* () {
    const big = Buffer.alloc(32 << 20, 1);
    for (const close of [false, true]) {
      const [l, c, a] = yield* pair([], [['send_timeout', 50], ['send_timeout_close', close]]);
      const r = (yield* gen_tcp.send(c, big)) as unknown[];
      if (close) {
        expect(r).to.deep.equal(['error', 'timeout']);
        expect(yield* gen_tcp.send(c, 'x')).to.deep.equal(['error', 'closed']);
      } else {
        expect(r[0]).to.equal('error');
        const [what, rest] = r[1] as [string, Buffer];
        expect(what).to.equal('timeout');
        expect(rest.length).to.be.above(0).and.below(big.length);
      }
      gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
    }
  }));

  it('a second process recv while one waits: ealready (inet)', () => run(function* () {
    const [l, c, a] = yield* pair();
    const me = self();
    spawn(function* () { send(me, ['first', yield* gen_tcp.recv(a, 0, 2000)]); });
    yield* pause(30);
    expect(yield* gen_tcp.recv(a, 0, 100)).to.deep.equal(['error', 'ealready']);
    yield* gen_tcp.send(c, 'x');
    expect(yield* receive(on(['first', _], (m) => m))).to.deep.equal(['first', ['ok', B('x')]]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('header N gives the first N bytes as numbers; deliver port gives {S, {data, D}}', () => run(function* () {
    const [l, c, a] = yield* pair([['header', 2]]);
    yield* gen_tcp.send(c, 'abcd');
    expect(yield* gen_tcp.recv(a, 0, 1000)).to.deep.equal(['ok', [97, 98, B('cd')]]);
    expect(inet.setopts(a, [['header', 0], ['deliver', 'port'], ['active', 'once']])).to.equal('ok');
    yield* gen_tcp.send(c, 'xy');
    expect(yield* next_msg()).to.deep.equal([a, ['data', B('xy')]]);
    expect(inet.getopts(a, ['deliver', 'header'])).to.deep.equal(['ok', [['deliver', 'port'], ['header', 0]]]);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('http_bin while active: {http, S, Packet}, headers after the request line, back after http_eoh', () => run(function* () {
    const [l, c, a] = yield* pair([['packet', 'http_bin'], ['active', true]]);
    yield* gen_tcp.send(c, 'GET /x HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\nPOST / HTTP/1.0\r\n\r\n');
    const want = [
      ['http', a, ['http_request', 'GET', ['abs_path', B('/x')], [1, 1]]],
      ['http', a, ['http_header', 14, 'Host', B('Host'), B('h')]],
      ['http', a, ['http_header', 0, B('X-A'), B('X-A'), B('1')]],
      ['http', a, 'http_eoh'],
      ['http', a, ['http_request', 'POST', ['abs_path', B('/')], [1, 0]]],
      ['http', a, 'http_eoh'],
    ];
    for (const w of want) expect(yield* next_msg()).to.deep.equal(w);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('a packet over packet_size while active: tcp_error emsgsize, tcp_closed, the socket closed; data before it delivered', () => run(function* () {
    const [l, c, a] = yield* pair([['packet', 4], ['packet_size', 8], ['active', true]]);
    yield* gen_tcp.send(c, [Buffer.from([0, 0, 0, 2]), 'ok', Buffer.from([0, 0, 0, 9]), 'ninebytes']);
    expect(yield* next_msg()).to.deep.equal(['tcp', a, B('ok')]);
    expect(yield* next_msg()).to.deep.equal(['tcp_error', a, 'emsgsize']);
    expect(yield* next_msg()).to.deep.equal(['tcp_closed', a]);
    expect(yield* gen_tcp.send(a, 'x')).to.deep.equal(['error', 'closed']);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
  }));

  it('accepted sockets inherit the listener\'s options; getstat counts; i() lists the owner', () => run(function* () {
    const [l, c, a] = yield* pair([['packet', 2], ['active', 'once']], [['packet', 2]]);
    expect(inet.getopts(a, ['packet', 'active', 'mode'])).to.deep.equal(['ok', [['packet', 2], ['active', 'once'], ['mode', 'binary']]]);
    yield* gen_tcp.send(c, 'abc');
    expect(yield* next_msg()).to.deep.equal(['tcp', a, B('abc')]);
    expect(inet.getstat(a, ['recv_oct', 'recv_cnt'])).to.deep.equal(['ok', [['recv_oct', 5], ['recv_cnt', 1]]]);
    expect(inet.getstat(c, ['send_oct', 'send_cnt'])).to.deep.equal(['ok', [['send_oct', 5], ['send_cnt', 1]]]);
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => { lines.push(s); };
    try { inet.i(); } finally { console.log = log; }
    expect(lines[0]).to.match(/^Port\s+Module\s+Recv\s+Sent\s+Owner\s+Local Address\s+Foreign Address\s+State\s+Type$/);
    const mine = lines.filter((x) => x.includes(String(self())));
    expect(mine.length).to.be.at.least(3);
    expect(mine.some((x) => /LISTEN/.test(x))).to.equal(true);
    gen_tcp.close(c); gen_tcp.close(a); gen_tcp.close(l);
    expect(yield* flush()).to.deep.equal([]);
  }));
});
