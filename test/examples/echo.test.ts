// The guide's echo example (examples/echo.ts) end to end over loopback, and what erlsock
// changes about it: ownership really moves to the acceptor and to each handler, so each
// accepted socket closes when its handler ends and no descriptor leaks.
import { expect } from 'chai';
import * as v8 from 'v8';
import * as vm from 'vm';
import { Pid, Proc, _, after as after_ms, is_process_alive, monitor, on, receive, run, set_crash_logger } from '../../runtime';
import * as net from '../../sockets/net';
import * as socket from '../../sockets/socket';
import type { Socket } from '../../sockets/socket_term';
import * as echo from '../../examples/echo';
import { fd_count, kernel_backlog } from './peers';

const LOOPBACK: echo.Addr4 = [127, 0, 0, 1];

function owner(s: Socket): unknown {
  const r = socket.getopt(s, 'otp', 'controlling_process');
  return r[0] === 'ok' ? r[1] : r;
}

function* sleep(ms: number): Proc<void> {
  yield* receive(after_ms(ms));
}

/** Polls cond every 5 ms for up to ms (generous: CI machines get busy); returns whether it became true. */
function* eventually(cond: () => boolean, ms = 5000): Proc<boolean> {
  for (let waited = 0; waited <= ms; waited += 5) {
    if (cond()) return true;
    yield* sleep(5);
  }
  return cond();
}

/** The listening socket a server/2 call made: the one its acceptor owns. */
function listener_of(acceptor: Pid): Socket {
  const mine = socket.which_sockets(acceptor) as Socket[];
  expect(mine, 'sockets owned by the acceptor').to.have.length(1);
  return mine[0];
}

function* connect(port: number): Proc<Socket> {
  const [, c] = socket.open('inet', 'stream', 'tcp') as ['ok', Socket];
  expect(yield* socket.connect(c, { family: 'inet', addr: LOOPBACK, port })).to.equal('ok');
  return c;
}

describe('echo example (the OTP Socket Usage guide, ported)', function () {
  this.timeout(30000);
  const quiet = echo.options.quiet;
  before(() => (echo.options.quiet = true));
  after(() => (echo.options.quiet = quiet));

  it('server/2 answers {ok, {Port, Addr, Acceptor}} and client/3 gets its echo', async function () {
    await run(function* () {
      const r = yield* echo.server(0, LOOPBACK);
      expect(r[0]).to.equal('ok');
      const [port, addr, acceptor] = r[1];
      expect(port).to.be.a('number').above(0);
      expect(addr).to.deep.equal(LOOPBACK);
      expect(is_process_alive(acceptor as Pid)).to.equal(true);
      expect(yield* echo.client(port, LOOPBACK, 'hello')).to.equal('ok');
      expect(yield* echo.client(port, LOOPBACK, Buffer.from([0, 1, 2, 255]))).to.equal('ok');
      // client/2 with a sockaddr map, as the guide's first clause
      expect(yield* echo.client({ family: 'inet', addr: LOOPBACK, port }, 'by sockaddr')).to.equal('ok');
      socket.close(listener_of(acceptor as Pid));
    });
  });

  it('works over IPv6 (::1), which_family picking inet6 from an 8-tuple', async function () {
    await run(function* () {
      const ip6: echo.Addr6 = [0, 0, 0, 0, 0, 0, 0, 1];
      expect(echo.which_family(ip6)).to.equal('inet6');
      expect(echo.which_family(LOOPBACK)).to.equal('inet');
      const [, [port, , acceptor]] = yield* echo.server(0, ip6);
      expect(yield* echo.client(port, ip6, 'over ipv6')).to.equal('ok');
      socket.close(listener_of(acceptor as Pid));
    });
  });

  it('echoes a 100 KB message, which the handler reads 8192 bytes at a time', async function () {
    await run(function* () {
      const [, [port, , acceptor]] = yield* echo.server(0, LOOPBACK);
      const c = yield* connect(port);
      const big = Buffer.alloc(100000);
      for (let i = 0; i < big.length; i++) big[i] = i % 251;
      expect(yield* socket.send(c, big, 'infinity')).to.equal('ok');
      const r = yield* socket.recv(c, big.length, 5000);
      expect(r[0]).to.equal('ok');
      expect((r[1] as Buffer).equals(big)).to.equal(true);
      socket.close(c);
      socket.close(listener_of(acceptor as Pid));
    });
  });

  it('hands the listening socket to the acceptor and each accepted socket to its handler', async function () {
    await run(function* () {
      const [, [port, , acceptor]] = yield* echo.server(0, LOOPBACK);
      const lsock = listener_of(acceptor as Pid);
      expect(owner(lsock)).to.equal(acceptor);

      const clients = [yield* connect(port), yield* connect(port)];
      for (const c of clients) {
        yield* socket.send(c, Buffer.from('ping'), 'infinity');
        expect(yield* socket.recv(c, 4, 5000)).to.deep.equal(['ok', Buffer.from('ping')]);
      }
      const mine = new Set<unknown>([lsock, ...clients]);
      const accepted = (socket.which_sockets() as Socket[]).filter((s) => !mine.has(s));
      expect(accepted).to.have.length(2);
      const handlers = accepted.map(owner) as Pid[];
      for (const h of handlers) {
        expect(h).to.not.equal(acceptor);
        expect(is_process_alive(h)).to.equal(true);
      }
      expect(handlers[0]).to.not.equal(handlers[1]);

      // The peer closes: the handler gets {error, closed}, exits normal, and, being the
      // owner, takes its socket with it.
      const mref = monitor('process', handlers[0]);
      socket.close(clients[0]);
      const reason = yield* receive(on(['DOWN', mref, 'process', handlers[0], _], (m) => m[4]), after_ms(5000, () => 'no DOWN'));
      expect(reason).to.equal('normal');
      expect(yield* eventually(() => !(socket.which_sockets() as Socket[]).includes(accepted[0]))).to.equal(true);
      expect(is_process_alive(handlers[1])).to.equal(true);

      // Closing the listener aborts the acceptor's pending accept: it exits normal.
      const aref = monitor('process', acceptor as Pid);
      socket.close(lsock);
      const areason = yield* receive(on(['DOWN', aref, 'process', acceptor, _], (m) => m[4]), after_ms(5000, () => 'no DOWN'));
      expect(areason).to.equal('normal');
      // The other connection still echoes: its handler owns it, not the acceptor.
      yield* socket.send(clients[1], Buffer.from('still here'), 'infinity');
      expect(yield* socket.recv(clients[1], 10, 5000)).to.deep.equal(['ok', Buffer.from('still here')]);
      socket.close(clients[1]);
      expect(yield* eventually(() => !is_process_alive(handlers[1]))).to.equal(true);
    });
  });

  it('leaks no descriptor over 200 connections (on OTP 25 each one stays open)', async function () {
    await run(function* () {
      const [, [port, , acceptor]] = yield* echo.server(0, LOOPBACK);
      const lsock = listener_of(acceptor as Pid);
      yield* echo.client(port, LOOPBACK, 'warm up');
      yield* sleep(50);
      const before = fd_count();
      const sockets_before = socket.number_of();
      for (let i = 0; i < 200; i++) expect(yield* echo.client(port, LOOPBACK, `message ${i}`)).to.equal('ok');
      // Each handler ends when it reads `closed`; its socket closes with it.
      expect(yield* eventually(() => fd_count() === before && socket.number_of() === sockets_before), `fds ${fd_count()} vs ${before}`).to.equal(true);
      socket.close(lsock);
    });
  });

  it('runs 50,000 echoes on one connection in flat memory (loops, not recursion)', async function () {
    this.timeout(60000);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const N = 50000;
    const used: number[] = [];
    await run(function* () {
      const [, [port, , acceptor]] = yield* echo.server(0, LOOPBACK);
      const c = yield* connect(port);
      const msg = Buffer.alloc(64, 'e');
      for (let i = 1; i <= N; i++) {
        yield* socket.send(c, msg, 'infinity');
        const r = yield* socket.recv(c, 64, 5000);
        if (r[0] !== 'ok') throw new Error(`echo ${i}: ${String(r[1])}`);
        if (i === N / 10 || i === N) {
          gc();
          used.push(process.memoryUsage().heapUsed);
        }
      }
      socket.close(c);
      socket.close(listener_of(acceptor as Pid));
    });
    // A recursive handler would hold generator frames per echo: 45,000 of them are megabytes.
    const growth = used[1] - used[0];
    expect(growth, `heap grew ${growth} bytes`).to.be.below(1024 * 1024);
  });

  it('get_local_addr picks the first up, running, non-loopback address, through net.getifaddrs', function () {
    const r = net.getifaddrs('inet');
    expect(r[0]).to.equal('ok');
    const usable = (r[1] as net.IfAddr[]).filter((m) => m.flags.includes('up') && m.flags.includes('running') && !m.flags.includes('loopback'));
    if (usable.length === 0) {
      expect(() => echo.get_local_addr('inet')).to.throw(/badmatch/); // as the guide's {ok, [SockAddr|_]} match would
    } else {
      expect(echo.get_local_addr('inet')).to.deep.equal(usable[0].addr!.addr);
    }
  });

  it('rejects what the guide\'s guards reject, with function_clause', async function () {
    let reason: unknown;
    const reports: unknown[] = [];
    const logger = set_crash_logger((r) => reports.push(r)); // the crash is expected: keep it off the console
    try {
      await run(() => echo.server(-1, LOOPBACK));
    } catch (e) {
      reason = (e as { reason: unknown }).reason;
    } finally {
      set_crash_logger(logger);
    }
    expect(reports).to.have.length(1);
    expect((reason as unknown[])[0]).to.equal('function_clause');
    expect(() => echo.which_family([1, 2, 3] as never)).to.throw(/function_clause/);
  });
});

describe('echo example: what the CLI sets (options) and how echoes print', function () {
  const saved = { ...echo.options };
  afterEach(() => Object.assign(echo.options, saved));

  it('the listener has no SO_REUSEADDR by default (the guide); options.reuseaddr sets it', async function () {
    echo.options.quiet = true;
    for (const reuseaddr of [false, true]) {
      echo.options.reuseaddr = reuseaddr;
      await run(function* () {
        const [, [port, , acceptor]] = yield* echo.server(0, LOOPBACK);
        const listener = listener_of(acceptor);
        expect(socket.getopt(listener, 'socket', 'reuseaddr')).to.deep.equal(['ok', reuseaddr]);
        yield* echo.client(port, LOOPBACK, 'x'); // the acceptor waits in accept now: a close ends it normally
        expect(socket.close(listener)).to.equal('ok');
      });
    }
  });

  it('the listener gets listen/1 (backlog 5) by default, as in the guide; options.backlog gives listen/2', async function () {
    echo.options.quiet = true;
    for (const [backlog, expected] of [[undefined, 5], [9, 9]] as const) {
      echo.options.backlog = backlog;
      await run(function* () {
        const [, [port, , acceptor]] = yield* echo.server(0, LOOPBACK);
        expect(kernel_backlog(port), String(backlog)).to.equal(expected);
        yield* echo.client(port, LOOPBACK, 'x'); // the acceptor waits in accept now: a close ends it normally
        expect(socket.close(listener_of(acceptor))).to.equal('ok');
      });
    }
  });

  it('printable: latin1 text as it is, control bytes as \\xHH, a backslash doubled', function () {
    expect(echo.printable(Buffer.from('plain text\twith tab\n', 'latin1'))).to.equal('plain text\twith tab\n');
    expect(echo.printable(Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x0d, 0x00, 0x7f, 0x80, 0x9f, 0xa0, 0xe9, 0x5c]))).to.equal(
      '\\x1b[2J\\x0d\\x00\\x7f\\x80\\x9f\u00a0\u00e9\\\\',
    );
    expect(echo.printable(Buffer.alloc(0))).to.equal('');
  });
});
