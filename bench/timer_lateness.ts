// `npm run bench -- timer_lateness [--before DIR] [--period MS] [--count N]`: how late a
// setInterval fires while the loop sleeps in the poller's wait and a socket wakes it every
// 2 ms (a datagram from another process): the interval's gaps, less the period, in ms. Where
// libuv's next timer is the wait's timeout, the timerfd for it (native/src/wait_timer.cc)
// must fire it no later than epoll_wait's timeout did. `--before DIR` measures a tree built
// there too (as `ab` takes it), alternately, 3 times each.
import { spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT, parseOptions, printTable } from './_servers';

interface Lateness { median: number; p90: number; max: number; min: number; arms: number | null }

/** In a child process: the measurement, against the tree at root; prints one JSON line. */
function child(root: string, period: number, count: number): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const p = require(path.join(root, 'dist', 'sockets', 'prim_socket.js')) as typeof import('../sockets/prim_socket');
  const fd = p.socket(p.constants.AF_INET!, p.constants.SOCK_DGRAM!, 0);
  p.bind(fd, { family: 'inet', addr: 'loopback', port: 0 });
  const port = (p.sockname(fd) as { port: number }).port;
  const sink = Buffer.alloc(64);
  const token = p.new_token();
  p.poll_start((tokens, _events, n) => {
    for (let i = 0; i < n; i++) if (tokens[i] === token) while (p.recv(fd, sink, 0, 64, 0) > 0);
  });
  p.poll_add(fd, token);
  const sender = spawn(process.execPath, ['-e', `const s = require('dgram').createSocket('udp4');
    const end = Date.now() + ${period * count + 5000}; const i = setInterval(() => { s.send('x', ${port}, '127.0.0.1'); if (Date.now() > end) { clearInterval(i); s.close(); } }, 2);`], { stdio: 'ignore' });
  setTimeout(() => {
    const late: number[] = [];
    let last = process.hrtime.bigint();
    const iv = setInterval(() => {
      const now = process.hrtime.bigint();
      late.push(Number(now - last) / 1e6 - period);
      last = now;
      if (late.length < count) return;
      clearInterval(iv);
      sender.kill();
      p.poll_del(fd);
      p.close(fd);
      late.sort((a, b) => a - b);
      const at = (q: number): number => late[Math.min(late.length - 1, Math.floor(q * late.length))]!;
      const stats = p.poll_wait_stats() as { timer_arms?: number };
      const r: Lateness = { median: at(0.5), p90: at(0.9), max: late[late.length - 1]!, min: late[0]!, arms: stats.timer_arms ?? null };
      console.log(JSON.stringify(r));
    }, period);
  }, 300);
}

function measure(root: string, period: number, count: number): Lateness {
  const r = spawnSync(process.execPath, [__filename, '--child', root, String(period), String(count)], { encoding: 'utf8', timeout: period * count + 60000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`timer_lateness (${root}): ${r.status} ${r.stderr}`);
  return JSON.parse(line) as Lateness;
}

export function main(args: string[]): void {
  const opt = parseOptions(args).flags;
  const period = Number(opt.get('period') ?? 50);
  const count = Number(opt.get('count') ?? 40);
  const before = opt.get('before');
  const trees: [string, string][] = before === undefined ? [['this tree', ROOT]] : [['before', path.resolve(before)], ['this tree', ROOT]];
  const rows: string[][] = [];
  for (let round = 0; round < (before === undefined ? 1 : 3); round++) {
    for (const [name, root] of trees) {
      const l = measure(root, period, count);
      rows.push([name, l.median.toFixed(2), l.p90.toFixed(2), l.max.toFixed(2), l.min.toFixed(2), l.arms === null ? '-' : String(l.arms)]);
    }
  }
  console.log(`a setInterval of ${period} ms, ${count} gaps, while a datagram wakes the poller's wait every 2 ms: lateness in ms`);
  printTable(['tree', 'median', 'p90', 'max', 'min', 'timerfd arms'], rows);
}

if (process.argv[2] === '--child') child(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
