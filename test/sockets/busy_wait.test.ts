// The busy-wait before the loop sleeps (sockets/busy_wait.ts over the poller's spin): the
// setting is applied and read back, bad settings are refused, and it is real: round trips
// to a peer in another process make this thread sleep in epoll (a voluntary context switch)
// about once each without it, and hardly ever with it; an idle loop stops spinning, and a
// timer is not held up by a budget longer than its delay.
import { expect } from 'chai';
import * as fs from 'fs';
import { spawn, ChildProcess } from 'child_process';
import * as socket from '../../sockets/socket';
import * as busy_wait from '../../sockets/busy_wait';
import * as prim from '../../sockets/prim_socket';
import { run, Proc } from '../../runtime';
import { ok } from '../support/sockets';

// This thread's sleeps: /proc/thread-self counts only the loop's thread, not V8's helpers.
function voluntary_switches(): number {
  const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(fs.readFileSync('/proc/thread-self/status', 'utf8'));
  return Number(m![1]);
}

// A TCP echo server in another process that answers each message 2 ms after it came: by
// then a loop that does not spin has blocked in epoll whatever the machine's load (a reply
// faster than the loop's own turn would need no sleep, and the count without spin would
// measure the machine), while a spin budget far above 2 ms catches every reply awake.
function start_peer(): Promise<[ChildProcess, number]> {
  const child = spawn(process.execPath, ['-e',
    "const s = require('net').createServer((c) => { c.setNoDelay(true); c.on('data', (d) => setTimeout(() => c.write(d), 2)); });" +
    "s.listen(0, '127.0.0.1', () => console.log(s.address().port)); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();"],
  { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve([child, Number(d.toString().trim())]));
    child.once('exit', (code) => reject(new Error(`the echo peer exited (${String(code)})`)));
  });
}

/** N round trips of 8 bytes to the peer; returns this thread's voluntary context switches. */
function* round_trips(port: number, n: number): Proc<number> {
  const c = ok<socket.Socket>(socket.open('inet', 'stream'));
  try {
    expect(yield* socket.connect(c, { family: 'inet', addr: [127, 0, 0, 1], port }, 2000)).to.equal('ok');
    expect(socket.setopt(c, 'tcp', 'nodelay', true)).to.equal('ok');
    const msg = Buffer.from('12345678');
    for (let i = 0; i < 20; i++) { yield* socket.send(c, msg); yield* socket.recv(c, 8, 2000); }
    const v0 = voluntary_switches();
    for (let i = 0; i < n; i++) {
      expect(yield* socket.send(c, msg)).to.equal('ok');
      expect(yield* socket.recv(c, 8, 2000)).to.deep.equal(['ok', msg]);
    }
    return voluntary_switches() - v0;
  } finally {
    socket.close(c);
  }
}

describe('sockets/busy_wait', () => {
  let saved: busy_wait.BusyWaitSetting;
  before(() => { saved = busy_wait.get().setting; });
  afterEach(() => { busy_wait.set(saved); });

  it('applies a level or a budget and reads it back; set returns the previous setting', () => {
    busy_wait.set('none');
    expect(busy_wait.get()).to.deep.equal({ setting: 'none', us: 0 });
    expect(busy_wait.set('medium')).to.equal('none');
    expect(busy_wait.get()).to.deep.equal({ setting: 'medium', us: busy_wait.LEVELS.medium });
    expect(prim.poll_spin(busy_wait.LEVELS.medium, 1, 16)).to.equal(busy_wait.LEVELS.medium); // the native budget
    expect(busy_wait.set(50)).to.equal('medium');
    expect(prim.poll_spin(50, 1, 16)).to.equal(50);
    expect(busy_wait.get()).to.deep.equal({ setting: 50, us: 50 });
    expect(Object.keys(busy_wait.LEVELS)).to.deep.equal(['none', 'very_short', 'short', 'medium', 'long', 'very_long']);
  });

  it('refuses a bad setting loudly and keeps the one in force', () => {
    busy_wait.set('short');
    expect(() => busy_wait.set('huge' as busy_wait.BusyWaitLevel)).to.throw(TypeError, /very_long/);
    expect(() => busy_wait.set(-1)).to.throw(RangeError);
    expect(() => busy_wait.set(1.5)).to.throw(RangeError);
    expect(() => busy_wait.set(1_000_001)).to.throw(RangeError);
    expect(() => prim.poll_spin(-1, 1, 16)).to.throw(RangeError);
    expect(() => prim.poll_spin('1' as unknown as number, 1, 16)).to.throw(TypeError);
    expect(busy_wait.get()).to.deep.equal({ setting: 'short', us: busy_wait.LEVELS.short });
    expect(prim.poll_spin(busy_wait.LEVELS.short, 1, 16)).to.equal(busy_wait.LEVELS.short);
  });

  it('reads ERLSOCK_SBWT: a level, microseconds, or the default when unset', () => {
    expect(busy_wait.parse_env(undefined)).to.equal(busy_wait.DEFAULT_LEVEL);
    expect(busy_wait.parse_env('')).to.equal(busy_wait.DEFAULT_LEVEL);
    expect(busy_wait.parse_env('very_long')).to.equal('very_long');
    expect(busy_wait.parse_env('120')).to.equal(120);
    expect(() => busy_wait.parse_env('fast')).to.throw(TypeError);
    expect(() => busy_wait.parse_env('2000000')).to.throw(RangeError);
  });

  describe('with a peer in another process', function () {
    this.timeout(20000);
    const N = 300;
    let peer: ChildProcess;
    let port = 0;
    before(async () => { [peer, port] = await start_peer(); });
    after(() => { peer.stdin!.end(); });

    it('round trips sleep about once each without it, hardly ever with it', async () => {
      busy_wait.set('none');
      const sleeps_none = await run(round_trips, port, N);
      // A budget far above a loopback round trip, so that a busy machine does not hide it.
      busy_wait.set(20_000);
      const s0 = busy_wait.stats();
      const sleeps_spin = await run(round_trips, port, N);
      const s1 = busy_wait.stats();
      if (process.env.ERLSOCK_TEST_VERBOSE) console.log(`sleeps without ${sleeps_none}, with ${sleeps_spin}; spins ${s1.spins - s0.spins}, found work ${s1.ready - s0.ready}`);
      // Without: the loop blocks before each delayed reply, so about one sleep per round trip.
      expect(sleeps_none, `without: ${sleeps_none} sleeps in ${N}`).to.be.at.least(N * 0.8);
      expect(sleeps_spin, `with: ${sleeps_spin} sleeps in ${N}, without: ${sleeps_none}`).to.be.below(sleeps_none / 4);
      // 20 ms is far longer than a reply takes: nearly every spin ends with work found.
      expect(s1.ready - s0.ready, `spins that found work of ${s1.spins - s0.spins}`).to.be.at.least((s1.spins - s0.spins) * 0.8).and.above(0);
    });

    it('stops spinning when the loop goes idle, and spends ~no CPU idle', async () => {
      busy_wait.set('very_long');
      await run(round_trips, port, 50);
      await new Promise((r) => setTimeout(r, 20));
      const s0 = busy_wait.stats();
      const cpu0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 300));
      const cpu = process.cpuUsage(cpu0);
      const s1 = busy_wait.stats();
      expect(s1.spins - s0.spins, 'spins while idle').to.equal(0);
      expect((cpu.user + cpu.system) / 1000, 'ms of CPU in 300 ms idle').to.be.below(60);
    });

    it('a timer due before the budget ends fires on time', async () => {
      busy_wait.set(1_000_000); // one second
      await run(round_trips, port, 5);
      // The last reply's batch leaves a spin owed; a timer 20 ms away caps it.
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 20));
      expect(Date.now() - t0).to.be.below(400);
    });
  });
});
