import { expect } from 'chai';
import { spawn, spawnSync } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import { p, C, Poll, Fds, tick, scaled } from './_support';

function udp(fds: Fds): { fd: number; port: number } {
  const fd = fds.track(p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0));
  p.bind(fd, { family: 'inet', addr: 'loopback', port: 0 });
  return { fd, port: (p.sockname(fd) as { port: number }).port };
}

describe('native: the poller', () => {
  let poll: Poll;
  const fds = new Fds();
  beforeEach(() => { poll = new Poll(); });
  afterEach(() => { fds.closeAll(); poll.stop(); });

  it('delivers many ready sockets in one JS call (past the initial capacity)', async () => {
    const N = 600;
    const socks = Array.from({ length: N }, () => udp(fds));
    const tokens = socks.map((s) => poll.add(s.fd));
    // Scaled: a timer already due when the loop turns runs before the poll phase (valgrind).
    await tick(scaled(10));
    // Registration reports current readiness: every socket is writable, all in one batch.
    expect(poll.batches.length).to.equal(1);
    expect(poll.batches[0]!.tokens.slice().sort((a, b) => a - b)).to.deep.equal(tokens.slice().sort((a, b) => a - b));
    expect(poll.batches[0]!.events.every((e) => (e & p.EV_OUT) !== 0)).to.equal(true);
    poll.reset();
    const tx = udp(fds);
    for (const s of socks) p.sendto(tx.fd, Buffer.from('x'), 0, 1, 0, { family: 'inet', addr: 'loopback', port: s.port });
    await tick(scaled(10));
    expect(poll.batches.length).to.equal(1);
    const b = poll.batches[0]!;
    expect(b.tokens.length).to.equal(N);
    expect(new Set(b.tokens)).to.deep.equal(new Set(tokens));
    expect(b.events.every((e) => (e & p.EV_IN) !== 0)).to.equal(true);
  });

  it('is edge-triggered with read and write interest together: a new datagram is a new edge', async () => {
    const a = udp(fds);
    const tx = udp(fds);
    const t = poll.add(a.fd);
    expect(await poll.wait(t, p.EV_OUT) & p.EV_OUT).to.equal(p.EV_OUT);
    await tick(5);
    poll.reset();
    // Nothing changes: no event.
    await tick(20);
    expect(poll.batches).to.deep.equal([]);
    p.sendto(tx.fd, Buffer.from('1'), 0, 1, 0, { family: 'inet', addr: 'loopback', port: a.port });
    expect(await poll.wait(t, p.EV_IN) & p.EV_IN).to.equal(p.EV_IN);
    // Not read yet; a second datagram still raises a fresh edge.
    p.sendto(tx.fd, Buffer.from('2'), 0, 1, 0, { family: 'inet', addr: 'loopback', port: a.port });
    expect(await poll.wait(t, p.EV_IN) & p.EV_IN).to.equal(p.EV_IN);
  });

  it('never delivers a stale event to a new socket that reuses a closed fd number', async () => {
    for (let round = 0; round < 20; round++) {
      const a = udp(fds);
      const tx = udp(fds);
      const ta = poll.add(a.fd);
      // a is writable and readable: its events are pending in the epoll set right now.
      p.sendto(tx.fd, Buffer.from('stale'), 0, 5, 0, { family: 'inet', addr: 'loopback', port: a.port });
      expect(p.close(a.fd)).to.equal(0);
      const b = fds.track(p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0));
      expect(b).to.equal(a.fd); // the kernel hands out the lowest free number
      const tb = poll.add(b);
      await poll.wait(tb, p.EV_OUT);
      const seen = poll.batches.flatMap((x) => x.tokens);
      expect(seen).to.not.include(ta);
      expect(seen).to.include(tb);
      poll.reset();
    }
  });

  it('closing and reopening sockets inside the handler, mid-batch, leaks no old token into later batches', async () => {
    const N = 200;
    const tx = udp(fds);
    let live = new Map<number, { fd: number; port: number }>();
    for (let i = 0; i < N; i++) { const s = udp(fds); live.set(poll.add(s.fd), s); }
    const dead = new Set<number>();
    const later: number[] = [];
    let swapped = false;
    const h = (tokens: Uint32Array, _e: Uint32Array, count: number): void => {
      for (let i = 0; i < count; i++) {
        const t = tokens[i]!;
        if (dead.has(t)) later.push(t);
      }
      if (swapped) return;
      swapped = true;
      // First batch: every socket replaced; the new ones reuse the same fd numbers.
      const next = new Map<number, { fd: number; port: number }>();
      for (const [t, s] of live) {
        p.close(s.fd);
        dead.add(t);
        const fresh = udp(fds);
        next.set(poll.add(fresh.fd), fresh);
      }
      live = next;
      for (const s of live.values()) p.sendto(tx.fd, Buffer.from('n'), 0, 1, 0, { family: 'inet', addr: 'loopback', port: s.port });
    };
    p.poll_start(h);
    try {
      while (!swapped) await poll.next_batch();
      // Every new socket gets its datagram's edge; no closed socket's token shows up.
      for (const t of live.keys()) await poll.wait(t, p.EV_IN);
      expect(later).to.deep.equal([]);
    } finally {
      p.poll_stop(h);
    }
  });

  it('close deregisters: no event after close, poll_del then says enoent', async () => {
    const a = udp(fds);
    const tx = udp(fds);
    const t = poll.add(a.fd);
    await poll.wait(t, p.EV_OUT);
    const before = p.open_fds();
    expect(p.close(a.fd)).to.equal(0);
    expect(p.open_fds()).to.equal(before - 1);
    expect(p.errno_atom(p.poll_del(a.fd))).to.equal('enoent');
    p.sendto(tx.fd, Buffer.from('x'), 0, 1, 0, { family: 'inet', addr: 'loopback', port: a.port });
    await tick(10);
    expect(poll.batches.flatMap((b) => b.tokens).filter((x) => x === t).length).to.equal(1);
  });

  it('refuses a second registration of the same fd (eexist) and bad fds (ebadf)', () => {
    const a = udp(fds);
    poll.add(a.fd);
    expect(p.errno_atom(p.poll_add(a.fd, p.new_token()))).to.equal('eexist');
    expect(p.errno_atom(p.poll_add(-1, p.new_token()))).to.equal('ebadf');
    expect(p.poll_del(a.fd)).to.equal(0);
  });

  it('keeps Node alive only while a socket is registered', function () {
    this.timeout(10000);
    const child = path.join(__dirname, '_child_alive.js');
    // Registered and closed: the process ends by itself.
    const done = spawnSync(process.execPath, [child, 'close'], { timeout: 5000, encoding: 'utf8' });
    expect(done.status, done.stderr).to.equal(0);
    expect(done.stdout).to.contain('event');
    // Registered and left open: still running when the timeout kills it.
    const held = spawnSync(process.execPath, [child, 'hold'], { timeout: 1000, encoding: 'utf8' });
    expect(held.signal).to.equal('SIGTERM');
  });

  it('reports an exception thrown by the batch handler through process uncaughtException', function () {
    this.timeout(10000);
    const r = spawnSync(process.execPath, [path.join(__dirname, '_child_alive.js'), 'throw'], { timeout: 5000, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('uncaught: boom in handler');
  });
  describe('where the loop sleeps', () => {
    it('sleeps in the poller while a socket is registered, and is woken there by its event', async () => {
      const a = udp(fds);
      const t = poll.add(a.fd);
      await poll.wait(t, p.EV_OUT);
      const before = p.poll_wait_stats();
      // Sent from another process 200 ms from now, so that nothing of this one is due.
      const child = spawn(process.execPath, ['-e', `setTimeout(() => { const s = require('dgram').createSocket('udp4'); s.send('x', ${a.port}, '127.0.0.1', () => s.close()); }, 200)`], { stdio: 'ignore' });
      try {
        await poll.wait(t, p.EV_IN, scaled(5000));
      } finally {
        child.kill();
      }
      const after = p.poll_wait_stats();
      expect(after.waits).to.be.above(before.waits);
      expect(after.ns - before.ns).to.be.above(100e6); // most of the 200 ms
    });

    it('under a stream of events, a due timer runs, and an unref\'d immediate within a few batches', async function () {
      this.timeout(scaled(10000));
      const a = udp(fds);
      const t = poll.add(a.fd);
      await poll.wait(t, p.EV_OUT);
      const sink = Buffer.alloc(64);
      let reads = 0;
      let batches = 0;
      // Drains the socket at every batch, so that each datagram is a new edge.
      const drain = (tokens: Uint32Array, _events: Uint32Array, count: number): void => {
        batches++;
        for (let i = 0; i < count; i++) if (tokens[i] === t) while (p.recv(a.fd, sink, 0, 64, 0) > 0) reads++;
      };
      p.poll_start(drain);
      const child = spawn(process.execPath, ['-e', `const s = require('dgram').createSocket('udp4'); const b = Buffer.from('x');
        const end = Date.now() + 1500; (function burst() { for (let i = 0; i < 50; i++) s.send(b, ${a.port}, '127.0.0.1'); if (Date.now() < end) setImmediate(burst); else s.close(); })();`], { stdio: 'ignore' });
      try {
        while (reads < 1000) await new Promise((resolve) => setTimeout(resolve, 5));
        // Set from a timer callback: the loop turn's batches come next, then its immediates.
        const t0 = process.hrtime.bigint();
        const b0 = batches;
        const ms = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
        const [timer, unrefd] = await Promise.all([
          new Promise<number>((resolve) => setTimeout(() => resolve(ms()), scaled(20))),
          new Promise<number>((resolve) => setImmediate(() => resolve(batches - b0)).unref()),
        ]);
        // libuv counts whole ms: a timer may fire up to 1 ms early by hrtime.
        expect(timer).to.be.within(scaled(20) - 1, scaled(200));
        // After at most one turn's run of batches (16), not when the timer ends the run.
        expect(unrefd).to.be.at.most(16);
      } finally {
        child.kill();
        p.poll_stop(drain);
      }
    });

    describe("the loop's next timer as a timerfd", () => {
      // A datagram every 10 ms from another process, read at each batch: the loop wakes in
      // the poller's wait again and again while this process's timers are pending.
      async function with_ticks<T>(run: () => Promise<T>): Promise<T> {
        const a = udp(fds);
        const t = poll.add(a.fd);
        await poll.wait(t, p.EV_OUT);
        const sink = Buffer.alloc(64);
        let reads = 0;
        const drain = (tokens: Uint32Array, _events: Uint32Array, count: number): void => {
          for (let i = 0; i < count; i++) if (tokens[i] === t) while (p.recv(a.fd, sink, 0, 64, 0) > 0) reads++;
        };
        p.poll_start(drain);
        const child = spawn(process.execPath, ['-e', `const s = require('dgram').createSocket('udp4');
          const end = Date.now() + 5000; const i = setInterval(() => { s.send('x', ${a.port}, '127.0.0.1'); if (Date.now() > end) { clearInterval(i); s.close(); } }, 10);`], { stdio: 'ignore' });
        try {
          for (let i = 0; i < 500 && reads < 3; i++) await tick(10); // the child is sending
          expect(reads, 'datagrams from the child').to.be.at.least(3);
          return await run();
        } finally {
          child.kill();
          p.poll_stop(drain);
        }
      }

      const after_ms = (ms: number): Promise<number> => {
        const t0 = process.hrtime.bigint();
        return new Promise((resolve) => setTimeout(() => resolve(Number(process.hrtime.bigint() - t0) / 1e6), ms));
      };

      it('is armed once for a deadline that stays put, not at every wait, and the timer fires on time', async function () {
        this.timeout(scaled(10000));
        await with_ticks(async () => {
          const before = p.poll_wait_stats();
          const ms = await after_ms(400);
          const after = p.poll_wait_stats();
          // libuv counts whole ms: a timer may fire up to 1 ms early by hrtime.
          expect(ms).to.be.within(399, 400 + scaled(100));
          expect(after.waits - before.waits, 'waits').to.be.above(10);
          // The 400 ms deadline (and at most a couple of others: mocha's own timers).
          expect(after.timer_arms - before.timer_arms, 'arms').to.be.within(1, 3);
        });
      });

      it('lets a timer set after it, due sooner, fire on time; and a cancelled one ends a wait harmlessly', async function () {
        this.timeout(scaled(10000));
        await with_ticks(async () => {
          const far = setTimeout(() => undefined, 2000);
          try {
            const armed = p.poll_wait_stats().timer_arms;
            await tick(100); // its deadline stays put across the waits of its 100 ms: armed
            expect(p.poll_wait_stats().timer_arms).to.be.above(armed);
            // A sooner deadline is not the armed one: the wait takes its own timeout.
            expect(await after_ms(150)).to.be.within(149, 150 + scaled(100));
            // An armed deadline whose timer is gone still fires: the loop turns and goes on.
            const gone = setTimeout(() => undefined, 300);
            await tick(100);
            clearTimeout(gone);
            expect(await after_ms(400)).to.be.within(399, 400 + scaled(100));
          } finally {
            clearTimeout(far);
          }
        });
      });
    });

    it("wakes for the loop's other handles while it sleeps in the poller (a Node net echo)", async () => {
      const a = udp(fds);
      poll.add(a.fd); // registered and silent: the loop sleeps in the poller
      const server = net.createServer((c) => c.pipe(c));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as net.AddressInfo).port;
        const echoed = await new Promise<string>((resolve, reject) => {
          const c = net.connect(port, '127.0.0.1', () => c.end('over libuv'));
          let got = '';
          c.on('data', (d) => { got += d.toString(); });
          c.on('end', () => resolve(got));
          c.on('error', reject);
        });
        expect(echoed).to.equal('over libuv');
      } finally {
        server.close();
      }
    });
  });
});
