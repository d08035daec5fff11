// `npm run bench -- observer [--duration MS] [--rounds R] [--conns N]`: what the observer
// costs the echo server, and how it copes with 10,000 processes and sockets.
//
// 1. Echo (64-byte ping-pong, N = 100 connections, server on core 1): the server's CPU per
//    echo as `erlsock echo server` (plain), with `--observer 0` and no page (idle), and
//    with the page open in headless chromium (page: it takes the event stream, refetches
//    the snapshot on every change and once a second). Modes interleaved, R rounds, median.
// 2. Scale, in this process: 10,000 processes each owning a UDP socket; the time to build
//    /api/snapshot and its size, then the page opened on it in chromium: time until the
//    graph is drawn, and the time of one refresh.
import { ChildProcess, spawn as spawn_child } from 'child_process';
import * as path from 'path';
import { chromium, Browser } from 'playwright-core';
import { run, spawn, receive, on, send, Pid } from '../runtime';
import * as socket from '../sockets/socket';
import * as observer from '../observer';
import { ROOT, SERVER_CORE, buildTools, cpuSeconds, loadgen } from './_servers';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

interface Server { child: ChildProcess; pid: number; port: number; url: string | null }

function start(with_observer: boolean): Promise<Server> {
  const argv = [path.join(ROOT, 'dist', 'examples', 'echo_cli.js'), 'server', '--quiet', '--addr', '127.0.0.1', '--port', '0',
    ...(with_observer ? ['--observer', '0'] : [])];
  const child = spawn_child('sh', ['-c', `exec taskset -c ${SERVER_CORE} "$@"`, 'sh', process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 20000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const l = /listening \S+ (\d+)/.exec(out);
      const o = /observer (http\S+)/.exec(out);
      if (l && (o || !with_observer)) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid!, port: Number(l[1]), url: o ? o[1]! : null });
      }
    });
  });
}

function stop(s: Server): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

type Mode = 'plain' | 'idle' | 'page';

async function echo_round(mode: Mode, conns: number, duration: number, browser: Browser): Promise<number> {
  const s = await start(mode !== 'plain');
  const page = mode === 'page' ? await browser.newPage() : null;
  try {
    if (page !== null) {
      await page.goto(s.url!);
      await page.waitForSelector('#status[data-live="yes"]', { timeout: 10000 });
    }
    const warm = 1000;
    await loadgen(['pingpong', '--port', String(s.port), '--conns', String(conns), '--size', '64', '--warmup', '0', '--duration', String(warm)], warm + 30000);
    const cpu0 = cpuSeconds(s.pid);
    const r = await loadgen(['pingpong', '--port', String(s.port), '--conns', String(conns), '--size', '64', '--warmup', '0', '--duration', String(duration)], duration + 30000);
    return ((cpuSeconds(s.pid) - cpu0) * 1e6) / (r.all_round_trips as number);
  } finally {
    await page?.close();
    await stop(s);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function scale_run(browser: Browser, n: number): Promise<void> {
  const o = await observer.start({ port: 0, print: null });
  const pids: Pid[] = [];
  for (let i = 0; i < n; i++) {
    pids.push(spawn(function* udp_owner() {
      const [, s] = socket.open('inet', 'dgram', 'udp') as ['ok', socket.Socket];
      socket.bind(s, 'loopback');
      yield* receive(on('stop'));
    }));
  }
  // every owner has opened its socket (10,000 opens take a few scheduler turns)
  while (socket.number_of() < n) await new Promise((r) => setTimeout(r, 50));
  const t0 = process.hrtime.bigint();
  const snap = observer.snapshot(0, new observer.SystemSampler(), 20000);
  const json = JSON.stringify(snap);
  const build_ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const t1 = Date.now();
  await page.goto(o.url);
  await page.waitForSelector('[data-kind="owner"]', { state: 'attached', timeout: 30000 });
  const first_ms = Date.now() - t1;
  // one refresh as the page does it: fetch the snapshot, draw the graph
  const refresh_ms = (await page.evaluate(`(async () => {
    const t = performance.now();
    const s = await (await fetch('/api/snapshot')).json();
    window.ErlsockGraph.render(document.querySelector('#graph'), s, () => undefined);
    return performance.now() - t;
  })()`)) as number;
  const nodes = await page.locator('[data-kind="process"], [data-kind="socket"]').count();
  console.log(`observer scale processes=${snap.system.processes} sockets=${snap.system.sockets} snapshot_ms=${build_ms.toFixed(0)} ` +
    `snapshot_kB=${(json.length / 1024).toFixed(0)} page_first_draw_ms=${first_ms} page_refresh_ms=${refresh_ms.toFixed(0)} graph_nodes_drawn=${nodes}`);
  await page.close();
  for (const p of pids) send(p, 'stop');
  await new Promise((r) => setTimeout(r, 300));
  await o.stop();
}

/**
 * The page's own work at `conns` connections, measured in this process with CPU time: one
 * /api/snapshot (built and serialised), of which the page asks one a second or per change.
 */
async function snapshot_cost(conns: number): Promise<void> {
  const echo = await import('../examples/echo');
  echo.options.quiet = true;
  const [, [port, , acceptor]] = await run(function* () { return yield* echo.server(0, [127, 0, 0, 1]); });
  const net = await import('net');
  const clients = await Promise.all(Array.from({ length: conns }, () => new Promise<import('net').Socket>((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => { c.write('x'); c.once('data', () => resolve(c)); });
  })));
  const sampler = new observer.SystemSampler();
  for (let i = 0; i < 20; i++) JSON.stringify(observer.snapshot(0, sampler));
  const reps = 200;
  const c0 = process.cpuUsage();
  let bytes = 0;
  for (let i = 0; i < reps; i++) bytes = JSON.stringify(observer.snapshot(0, sampler)).length;
  const c = process.cpuUsage(c0);
  sampler.stop();
  console.log(`observer snapshot conns=${conns} processes=${observer.snapshot(0, new observer.SystemSampler()).system.processes} cpu_us_per_snapshot=${((c.user + c.system) / reps).toFixed(0)} bytes=${bytes}`);
  for (const cl of clients) cl.destroy();
  const { exit } = await import('../runtime');
  exit(acceptor, 'kill');
}

export async function main(args: string[]): Promise<void> {
  const opt = (k: string, d: number): number => {
    const i = args.indexOf(k);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const duration = opt('--duration', 3000);
  const rounds = opt('--rounds', 3);
  const conns = opt('--conns', 100);
  const n = opt('--scale', 10000);
  buildTools();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30000 });
  try {
    if (!args.includes('--no-echo')) {
      const res: Record<Mode, number[]> = { plain: [], idle: [], page: [] };
      for (let r = 0; r < rounds; r++) {
        for (const mode of ['plain', 'idle', 'page'] as Mode[]) {
          const us = await echo_round(mode, conns, duration, browser);
          res[mode].push(us);
          console.log(`observer echo round=${r + 1} mode=${mode} conns=${conns} server_cpu_us_per_echo=${us.toFixed(2)}`);
        }
      }
      const base = median(res.plain);
      for (const mode of ['plain', 'idle', 'page'] as Mode[]) {
        const m = median(res[mode]);
        console.log(`observer echo mode=${mode.padEnd(5)} conns=${conns} median_cpu_us_per_echo=${m.toFixed(2)} vs_plain=${(((m / base) - 1) * 100).toFixed(1)}%`);
      }
    }
    await snapshot_cost(conns);
    if (!args.includes('--no-scale')) await scale_run(browser, n);
  } finally {
    await browser.close();
  }
}
