// `npm run bench -- soak [--part concurrent|churn|crash|all] [options]`, by hand, not in CI.
//
//   concurrent  --conns 10000 --duration 60000 --warmup 10000
//       the guide's echo example (erlsock) under N concurrent connections, each echoing 64
//       bytes back to back (bench/c/loadgen pingpong, which exits non-zero on any error or
//       unexpected close). Server RSS is sampled every second: memory per connection (RSS
//       over the measured window minus RSS before, divided by N) and the drift from the first
//       third of the window to the last (flat memory).
//   churn       --count 200000 --concurrency 8 --servers erlsock,node_net,erlang
//       connect / echo 64 bytes / close, the same run against each server, with the server's
//       fds and RSS before and after.
//   crash       --crash-conns 100 --crash-duration 20000 --crash-every 100 --pace 5
//       an erlsock echo server whose handler raises on 1 message in 100 (bench/_soak_crash_server.ts),
//       under Node `net` ping-pong load (bench/_soak_load.ts), run once without crashes and once
//       with: each connection's round trips/s over its own life, crash reports counted on
//       the server's stderr, the server answering afterwards.
//
// Every part talks to loopback only, is bounded in count and time, and stops by itself.
import { spawn } from 'child_process';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ROOT, SERVER_CORE, SERVER_LABEL, ServerName, buildTools, fdCount, loadgen, parseOptions, printTable, rssKiB, sleep, startServer } from './_servers';
import { pingLoad, LoadResult } from './_soak_load';

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : 0; };
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function concurrent(conns: number, duration: number, warmup: number): Promise<void> {
  const server = await startServer('erlsock');
  try {
    await sleep(500);
    const rss0 = rssKiB(server.pid);
    const fd0 = fdCount(server.pid);
    const samples: [number, number][] = [];
    const timer = setInterval(() => { try { samples.push([Date.now(), rssKiB(server.pid)]); } catch { /* exited */ } }, 1000);
    let r: Record<string, number | string | boolean>;
    try {
      r = await loadgen(['pingpong', '--port', String(server.port), '--conns', String(conns), '--size', '64',
        '--warmup', String(warmup), '--duration', String(duration)], warmup + duration + 300000);
    } finally {
      clearInterval(timer);
    }
    const end = Date.now();
    const window = samples.filter(([t]) => t >= end - duration).map(([, v]) => v);
    const third = Math.max(1, Math.floor(window.length / 3));
    const first = mean(window.slice(0, third));
    const last = mean(window.slice(-third));
    // The clients have closed: wait (up to 20 s) for the server's handlers to see it.
    const t1 = Date.now();
    while (fdCount(server.pid) > fd0 && Date.now() - t1 < 20000) await sleep(250);
    const fd1 = fdCount(server.pid);
    const settle = Date.now() - t1;
    console.log(`\nconcurrent: ${conns} connections to the guide example, 64-byte echoes back to back, ${duration / 1000} s measured after ${warmup / 1000} s warm-up`);
    printTable(['what', 'value'], [
      ['errors (loadgen exits non-zero on any)', '0'],
      ['round trips/s', `${Math.round(Number(r.rtt_per_s))}`],
      ['median / p99 round trip us', `${r.median_us} / ${r.p99_us}`],
      ['server RSS before, KiB', `${rss0}`],
      ['server RSS over the window, min / max KiB', `${Math.min(...window)} / ${Math.max(...window)}`],
      ['RSS first third -> last third of the window, KiB', `${Math.round(first)} -> ${Math.round(last)} (${(((last - first) / first) * 100).toFixed(1)}%)`],
      ['memory per connection, KiB (median RSS in window - before) / conns', `${((median(window) - rss0) / conns).toFixed(2)}`],
      ['server fds before / after the clients left', `${fd0} / ${fd1} (waited ${(settle / 1000).toFixed(1)} s)`],
    ]);
  } finally {
    await server.stop();
  }
}

async function churn(servers: ServerName[], count: number, concurrency: number): Promise<void> {
  const rows: string[][] = [];
  for (const name of servers) {
    const server = await startServer(name);
    try {
      await sleep(500);
      const fd0 = fdCount(server.pid);
      const rss0 = rssKiB(server.pid);
      const r = await loadgen(['churn', '--port', String(server.port), '--count', String(count),
        '--concurrency', String(concurrency), '--duration', '120000'], 200000);
      await sleep(1000); // the last closes land
      const fd1 = fdCount(server.pid);
      const rss1 = rssKiB(server.pid);
      console.log(`${name.padEnd(9)} churn: ${r.connections} cycles, ${Math.round(Number(r.conns_per_s))}/s; fds ${fd0} -> ${fd1}; RSS ${rss0} -> ${rss1} KiB`);
      rows.push([SERVER_LABEL[name], `${r.connections}`, `${Math.round(Number(r.conns_per_s))}`, `${fd0} -> ${fd1}`, `${rss0} -> ${rss1}`]);
    } finally {
      await server.stop();
    }
  }
  console.log(`\nchurn: connect / echo 64 bytes / close, ${concurrency} in flight`);
  printTable(['server', 'cycles', 'connections/s', 'server fds start -> end', 'server RSS KiB start -> end'], rows);
}

interface CrashServer { pid: number; port: number; stderr: () => string; stop(): Promise<string> }

function startCrashServer(every: number): Promise<CrashServer> {
  const prog = path.join(ROOT, 'dist', 'bench', '_soak_crash_server.js');
  const child = spawn('sh', ['-c', `ulimit -n "$(ulimit -Hn)" && exec taskset -c ${SERVER_CORE} "$@"`, 'sh',
    process.execPath, prog, '--crash-every', String(every)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('crash server did not start')), 20000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening \S+ (\d+)/.exec(out);
      if (!m || (child as { started?: boolean }).started) return;
      (child as { started?: boolean }).started = true;
      clearTimeout(t);
      resolve({
        pid: child.pid!, port: Number(m[1]), stderr: () => err,
        stop: () => new Promise((res) => { child.on('exit', () => res(out)); child.kill('SIGTERM'); }),
      });
    });
  });
}

/** One echo through the server from a fresh connection: is it still serving? */
function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => c.write('probe'));
    const t = setTimeout(() => { c.destroy(); resolve(false); }, 3000);
    c.on('data', (d) => { clearTimeout(t); c.end(); resolve(d.toString() === 'probe'); });
    c.on('error', () => { clearTimeout(t); resolve(false); });
  });
}

async function crashRun(every: number, conns: number, duration: number, pace: number): Promise<[LoadResult, number, number, boolean]> {
  const s = await startCrashServer(every);
  try {
    const r = await pingLoad(s.port, conns, duration, pace);
    const alive = await probe(s.port);
    const out = await s.stop();
    const m = /crashes (\d+)/.exec(out);
    const reports = (s.stderr().match(/=ERROR REPORT====/g) ?? []).length;
    return [r, m ? Number(m[1]) : -1, reports, alive];
  } catch (e) {
    await s.stop();
    throw e;
  }
}

async function crash(conns: number, duration: number, every: number, pace: number): Promise<void> {
  const [base, , baseReports, baseAlive] = await crashRun(0, conns, duration, pace);
  const [load, crashes, reports, alive] = await crashRun(every, conns, duration, pace);
  const b = median(base.liveRates);
  const l = median(load.liveRates);
  console.log(`\ncrash: ${conns} connections, 64-byte ping-pong ${pace > 0 ? `paced ${pace} ms apart` : 'back to back'} for ${duration / 1000} s, handler raising on 1 message in ${every}`);
  printTable(['what', 'no crashes', `1 in ${every} crashes`], [
    ['round trips/s, all connections', `${Math.round(base.roundTrips / base.seconds)}`, `${Math.round(load.roundTrips / load.seconds)}`],
    ['connections (with >= 10 round trips)', `${base.liveRates.length}`, `${load.liveRates.length}`],
    ['round trips/s of a connection while it lived, median', `${b.toFixed(0)}`, `${l.toFixed(0)} (${((l / b) * 100).toFixed(0)}% of no-crash)`],
    ['connections that lived through the whole run', `${base.survivorsPerSecond.length}`, `${load.survivorsPerSecond.length}`],
    ['handler crashes (server count) / crash reports on stderr', `0 / ${baseReports}`, `${crashes} / ${reports}`],
    ['connections closed by the server / of them resets', `${base.closedByServer} / ${base.resets}`, `${load.closedByServer} / ${load.resets}`],
    ['server answers a fresh client afterwards', `${baseAlive}`, `${alive}`],
  ]);
}

export async function main(args: string[]): Promise<void> {
  const { servers, flags } = parseOptions(args);
  const part = flags.get('part') ?? 'all';
  const num = (k: string, d: number): number => Number(flags.get(k) ?? d);
  buildTools();
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (part === 'concurrent' || part === 'all') await concurrent(num('conns', 10000), num('duration', 60000), num('warmup', 10000));
  if (part === 'churn' || part === 'all') {
    const list = flags.has('servers') ? servers : (['erlsock', 'node_net', 'erlang'] as ServerName[]);
    await churn(list, num('count', 200000), num('concurrency', 8));
  }
  if (part === 'crash' || part === 'all') await crash(num('crash-conns', 100), num('crash-duration', 20000), num('crash-every', 100), num('pace', 5));
  console.log(`\nload average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
