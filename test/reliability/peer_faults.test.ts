// Peer faults (issue 5): a peer that resets (linger 0), half-closes, never reads, connects
// and says nothing, or is not there at all. Each fault gets OTP 25's exact result (docs/OTP25_BEHAVIOUR.md
// sections 2.5, 2.6, 2.9 and 6; test/otp/02_tcp_basic.escript, 03_nowait_select.escript), and the echo
// example, serving all the while, keeps echoing for a well-behaved client.
import { expect } from 'chai';
import * as socket from '../../sockets/socket';
import * as echo from '../../examples/echo';
import { run, exit, receive, on, after as timeout, _, Pid, Proc } from '../../runtime';
import { ok, listener, connected, baseline, collect_crashes, sleep, eventually, Socket, SelectInfo } from '../support/sockets';

/** Starts the guide's echo server on 127.0.0.1; returns its address and acceptor. */
function* start_echo(): Proc<[socket.SockAddr, Pid]> {
  const r = yield* echo.server({ family: 'inet', addr: [127, 0, 0, 1], port: 0 });
  const [port, , acceptor] = r[1];
  return [{ family: 'inet', addr: [127, 0, 0, 1], port }, acceptor];
}

/** One echo through the server, as a well-behaved client: connect, send, read it back, close. */
function* echo_once(sa: socket.SockAddr, text: string): Proc<void> {
  const c = ok<Socket>(socket.open('inet', 'stream'));
  expect(yield* socket.connect(c, sa, 2000)).to.equal('ok');
  expect(yield* socket.send(c, Buffer.from(text), 2000)).to.equal('ok');
  expect(yield* socket.recv(c, text.length, 2000)).to.deep.equal(['ok', Buffer.from(text)]);
  expect(socket.close(c)).to.equal('ok');
}

describe('reliability: peer faults', function () {
  this.timeout(30000);
  let quiet = false;
  before(() => { quiet = echo.options.quiet; echo.options.quiet = true; });
  after(() => { echo.options.quiet = quiet; });

  it('a peer reset (linger 0): econnreset once, then closed, then epipe; the server serves on', () => run(function* () {
    const check = yield* baseline();
    const crashes = collect_crashes();
    try {
      const [sa, acceptor] = yield* start_echo();
      // Direct: the exact results on the reset socket.
      const [l, la] = listener();
      const [c, a] = yield* connected(l, la);
      expect(socket.setopt(c, 'socket', 'linger', { onoff: true, linger: 0 })).to.equal('ok');
      expect(socket.getopt(c, 'socket', 'linger')).to.deep.equal(['ok', { linger: 0, onoff: true }]);
      expect(socket.close(c)).to.equal('ok');
      expect(yield* socket.recv(a, 0, 500)).to.deep.equal(['error', 'econnreset']);
      expect(yield* socket.recv(a, 0, 500)).to.deep.equal(['error', 'closed']);
      expect(yield* socket.send(a, Buffer.from('x'))).to.deep.equal(['error', 'epipe']);
      close_all(l, a);
      // Through the echo server: 20 resetting clients; its handlers end, the server does not.
      for (let i = 0; i < 20; i++) {
        const r = ok<Socket>(socket.open('inet', 'stream'));
        expect(yield* socket.connect(r, sa, 2000)).to.equal('ok');
        expect(yield* socket.send(r, Buffer.from('ping'))).to.equal('ok');
        expect(yield* socket.recv(r, 4, 2000)).to.deep.equal(['ok', Buffer.from('ping')]);
        expect(socket.setopt(r, 'socket', 'linger', 'abort')).to.equal('ok');
        expect(socket.close(r)).to.equal('ok');
      }
      yield* echo_once(sa, 'still serving after resets');
      // The guide's handler raises on a recv error other than closed: each reset is a crash
      // report naming econnreset, from a handler, never from the acceptor.
      expect(yield* eventually(() => crashes.reports.length === 20)).to.equal(true);
      for (const r of crashes.reports) {
        expect(r.pid).to.not.equal(acceptor);
        expect(r.text).to.match(/econnreset/);
      }
      exit(acceptor, 'kill');
    } finally {
      crashes.stop();
    }
    yield* check();
  }));

  it('half-close (shutdown write): the other side reads closed, can still send; later sends epipe', () => run(function* () {
    const check = yield* baseline();
    const [sa, acceptor] = yield* start_echo();
    const [l, la] = listener();
    const [c, a] = yield* connected(l, la);
    expect(socket.shutdown(c, 'write')).to.equal('ok');
    expect(yield* socket.recv(a, 0, 500)).to.deep.equal(['error', 'closed']);
    expect(yield* socket.recv(a, 5, 500)).to.deep.equal(['error', 'closed']);
    expect(yield* socket.send(c, Buffer.from('after shutdown'))).to.deep.equal(['error', 'epipe']);
    expect(yield* socket.send(a, Buffer.from('back'))).to.equal('ok');
    expect(yield* socket.recv(c, 0, 500)).to.deep.equal(['ok', Buffer.from('back')]);
    close_all(l, c, a);
    // The echo server answers what came before the FIN, then its handler ends normally.
    const crashes = collect_crashes();
    try {
      for (let i = 0; i < 20; i++) {
        const h = ok<Socket>(socket.open('inet', 'stream'));
        expect(yield* socket.connect(h, sa, 2000)).to.equal('ok');
        expect(yield* socket.send(h, Buffer.from(`half-${i}`))).to.equal('ok');
        expect(socket.shutdown(h, 'write')).to.equal('ok');
        const msg = Buffer.from(`half-${i}`);
        expect(yield* socket.recv(h, msg.length, 2000)).to.deep.equal(['ok', msg]);
        expect(yield* socket.recv(h, 0, 2000), 'the handler closed after the FIN').to.deep.equal(['error', 'closed']);
        expect(socket.close(h)).to.equal('ok');
      }
      yield* echo_once(sa, 'still serving after half-closes');
      expect(crashes.reports, 'a FIN ends a guide handler normally').to.deep.equal([]);
    } finally {
      crashes.stop();
    }
    exit(acceptor, 'kill');
    yield* check();
  }));

  it('a peer that never reads: send with a timeout returns {timeout, Rest}, then timeout; nothing piles up', () => run(function* () {
    const check = yield* baseline();
    const [l, la] = listener();
    const [c, a] = yield* connected(l, la);
    const big = Buffer.alloc(4_000_000, 0x61);
    const r = yield* socket.send(a, big, 200);
    expect(r[0]).to.equal('error');
    const [what, rest] = (r as ['error', [string, Buffer]])[1];
    expect(what).to.equal('timeout');
    expect(Buffer.isBuffer(rest)).to.equal(true);
    expect(rest.length).to.be.greaterThan(0).and.lessThan(big.length);
    expect(rest.equals(big.subarray(big.length - rest.length)), 'Rest is the unsent tail').to.equal(true);
    let accepted = big.length - rest.length;
    expect(socket.info(a).counters.write_byte).to.equal(accepted);

    // The buffers fill up: a further send writes a little (OTP 25 too: the kernel grows the
    // loopback buffers) or nothing, and holds nothing afterwards.
    const mem0 = process.memoryUsage().arrayBuffers;
    let bare = 0;
    for (let i = 0; i < 50; i++) {
      const t = yield* socket.send(a, big, 10);
      if (Array.isArray(t) && Array.isArray(t[1])) {
        const [tag, tail] = t[1] as [string, Buffer];
        expect(tag).to.equal('timeout');
        expect(tail.length).to.be.greaterThan(0).and.lessThan(big.length);
        accepted += big.length - tail.length;
      } else {
        expect(t).to.deep.equal(['error', 'timeout']);
        bare++;
      }
      expect(socket.info(a).num_writers, 'no writer left queued').to.equal(0);
    }
    expect(bare, 'once full, sends write nothing: {error, timeout}').to.be.greaterThan(40);
    const nw = yield* socket.send(a, big, 'nowait');
    expect(nw).to.deep.equal(['select', ['select_info', ['send', 0], (nw as unknown[][])[1][2]]]);
    expect(socket.cancel(a, nw[1] as socket.SelectInfo<never>)).to.equal('ok');
    // 51 sends of a 4 MB buffer: had any been copied and kept, this would be 200 MB.
    expect(process.memoryUsage().arrayBuffers - mem0).to.be.lessThan(32 * 1024 * 1024);
    expect(socket.info(a).counters.write_byte, 'the counter matches what the kernel took').to.equal(accepted);

    // When the peer reads at last, it gets exactly the bytes the kernel took, then EOF.
    expect(socket.close(a)).to.equal('ok');
    let got = 0;
    let slowest = 0;
    expect(socket.setopt(c, 'otp', 'rcvbuf', 1 << 20)).to.equal('ok');
    for (;;) {
      const t0 = Date.now();
      // The kernel may be in zero-window persist backoff after the long stall: allow seconds.
      const d = yield* socket.recv(c, 0, 10000);
      slowest = Math.max(slowest, Date.now() - t0);
      if (d[0] !== 'ok') {
        expect(d, `after ${got} of ${accepted} bytes`).to.deep.equal(['error', 'closed']);
        break;
      }
      got += (d[1] as Buffer).length;
    }
    expect(got, `slowest read ${slowest} ms`).to.equal(accepted);
    close_all(l, c);
    yield* check();
  }));

  it('a peer that connects and sends nothing: timeouts and selects; the server serves others meanwhile', () => run(function* () {
    const check = yield* baseline();
    const crashes = collect_crashes();
    const [sa, acceptor] = yield* start_echo();
    const [l, la] = listener();
    const [c, a] = yield* connected(l, la);
    expect(yield* socket.recv(a, 0, 0)).to.deep.equal(['error', 'timeout']);
    expect(yield* socket.recv(a, 4, 50)).to.deep.equal(['error', 'timeout']);
    const s = yield* socket.recv(a, 0, 'nowait');
    expect(s[0]).to.equal('select');
    expect(yield* receive(on(['$socket', a, _, _], (m) => m), timeout(100, () => 'none'))).to.equal('none');
    expect(socket.cancel(a, s[1] as socket.SelectInfo<never>)).to.equal('ok');
    close_all(l, c, a);

    const silent: Socket[] = [];
    for (let i = 0; i < 100; i++) {
      const q = ok<Socket>(socket.open('inet', 'stream'));
      expect(yield* socket.connect(q, sa, 2000)).to.equal('ok');
      silent.push(q);
    }
    for (let i = 0; i < 50; i++) yield* echo_once(sa, `served-${i}`);
    for (const q of silent) expect(yield* socket.recv(q, 0, 0)).to.deep.equal(['error', 'timeout']);
    close_all(...silent);
    yield* sleep(50);
    yield* echo_once(sa, 'after the silent ones left');
    expect(crashes.reports).to.deep.equal([]);
    crashes.stop();
    exit(acceptor, 'kill');
    yield* check();
  }));

  it('connect to a closed port: econnrefused, blocking and nowait; the socket stays usable', () => run(function* () {
    const check = yield* baseline();
    const [sa, acceptor] = yield* start_echo();
    const [l, dead] = listener();
    expect(socket.close(l)).to.equal('ok');
    for (let i = 0; i < 50; i++) {
      const c = ok<Socket>(socket.open('inet', 'stream'));
      expect(yield* socket.connect(c, dead)).to.deep.equal(['error', 'econnrefused']);
      expect(socket.close(c)).to.equal('ok');
      const n = ok<Socket>(socket.open('inet', 'stream'));
      const r = yield* socket.connect(n, dead, 'nowait');
      if (r !== 'ok' && r[0] === 'select') {
        const h = (r[1] as SelectInfo)[2];
        expect(yield* receive(on(['$socket', n, 'select', h], () => 'sel'), timeout(1000, () => 'none'))).to.equal('sel');
        expect(yield* socket.connect(n)).to.deep.equal(['error', 'econnrefused']);
      } else {
        expect(r).to.deep.equal(['error', 'econnrefused']);
      }
      expect(socket.close(n)).to.equal('ok');
      const t = ok<Socket>(socket.open('inet', 'stream'));
      expect(yield* socket.connect(t, dead, 1000)).to.deep.equal(['error', 'econnrefused']);
      expect(socket.close(t)).to.equal('ok');
    }
    yield* echo_once(sa, 'refusals elsewhere change nothing here');
    exit(acceptor, 'kill');
    yield* check();
  }));
});

function close_all(...ss: Socket[]): void {
  for (const s of ss) socket.close(s);
}
