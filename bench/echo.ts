// `npm run bench -- echo [--servers erlsock,node_net,erlang,c_epoll] [--conns 1,10,100,1000]
//                        [--duration MS] [--warmup MS] [--runs R] [--no-16k]`
// `npm run bench -- echo --million [N]`: N (a million) echoes on one connection, server RSS sampled.
//
// Ping-pong of 64-byte messages over 1, 10, 100 and 1,000 connections against every echo
// server in one run (server on core 1, the C load generator on core 0): round trips/s and
// median/p99 round trip. Then the 16 KiB case on the guide example (erlsock and Erlang),
// with and without nodelay: the guide's recv(Sock, 0) reads at most 8192 bytes, so a 16 KiB
// message goes back as two sends and, without nodelay, the second waits for a delayed ACK.
import * as os from 'os';
import {
  SERVER_LABEL,
  ServerName,
  buildTools,
  cpuSeconds,
  loadgen,
  parseOptions,
  printTable,
  ratio,
  rssKiB,
  startServer,
  windowCpuUs,
} from './_servers';

interface PingPong {
  rtt_per_s: number;
  median_us: number;
  p99_us: number;
  round_trips: number;
  all_round_trips: number;
  /** The server's CPU time (user + system) in the timed window, read by the load generator
   * from /proc as the window opens and closes; -1 if it could not read it. */
  window_cpu_s: number;
  /** The server's CPU time (user + system) per round trip in the timed window, in us: the
   * figure the goals are judged by. The warm-up is left out as its round trips are, since
   * it holds the connection setup and a JIT runtime's compiling. */
  cpu_us: number;
  /** The same over the whole run, setup and warm-up included (the figure before 2026-12-02's
   * third session), in us. */
  cpu_whole_us: number;
}

async function pingpong(
  name: ServerName,
  conns: number[],
  size: number,
  nodelay: boolean,
  warmup: number,
  duration: number,
): Promise<Map<number, PingPong>> {
  const results = new Map<number, PingPong>();
  const server = await startServer(name, { nodelay });
  try {
    for (const n of conns) {
      const cpu0 = cpuSeconds(server.pid);
      const r = (await loadgen(
        ['pingpong', '--port', String(server.port), '--conns', String(n), '--size', String(size),
          '--warmup', String(warmup), '--duration', String(duration), '--cpu-pid', String(server.pid),
          ...(nodelay ? ['--nodelay'] : [])],
        warmup + duration + 90000,
      )) as unknown as PingPong;
      r.cpu_whole_us = ((cpuSeconds(server.pid) - cpu0) * 1e6) / r.all_round_trips;
      r.cpu_us = windowCpuUs(r as unknown as Record<string, number>, r.cpu_whole_us);
      results.set(n, r);
      console.log(
        `${name.padEnd(9)} size=${size} conns=${String(n).padEnd(5)} nodelay=${nodelay ? 'yes' : 'no '} ` +
          `${Math.round(r.rtt_per_s).toString().padStart(7)} round trips/s  median ${r.median_us} us  p99 ${r.p99_us} us  ` +
          `server CPU ${r.cpu_us.toFixed(1)} us/echo (whole run ${r.cpu_whole_us.toFixed(1)})`,
      );
    }
  } finally {
    await server.stop();
  }
  return results;
}

/** The goals for this workload, each marked met or MISSED with the measured ratio. */
function printGoals(small: Map<ServerName, Map<number, PingPong>>): void {
  const e100 = small.get('erlsock')?.get(100);
  const e1 = small.get('erlsock')?.get(1);
  const goal = (what: string, value: number | undefined, target: number, higherIsBetter = true): void => {
    if (value === undefined) return;
    const met = higherIsBetter ? value >= target : value <= target;
    console.log(`goal ${met ? 'met   ' : 'MISSED'} ${what}: ${value.toFixed(2)} (target ${higherIsBetter ? '>=' : '<='} ${target})`);
  };
  const thr = (peer: ServerName): number | undefined => {
    const o = small.get(peer)?.get(100);
    return e100 && o ? e100.rtt_per_s / o.rtt_per_s : undefined;
  };
  console.log('');
  goal('100 connections, erlsock / Erlang round trips/s', thr('erlang'), 2);
  goal('100 connections, erlsock / Node net round trips/s', thr('node_net'), 1.5);
  goal('100 connections, erlsock / C epoll round trips/s', thr('c_epoll'), 0.7);
  const n1 = small.get('node_net')?.get(1);
  goal('1 connection, erlsock median / Node net median', e1 && n1 ? e1.median_us / n1.median_us : undefined, 1, false);
  // Server CPU per echo, steadier than rates on a shared machine: the C server makes the same
  // syscalls per echo, so what erlsock spends above it is its own.
  const c100 = small.get('c_epoll')?.get(100);
  goal('100 connections, erlsock / C epoll server CPU per echo', e100 && c100 ? e100.cpu_us / c100.cpu_us : undefined, 1.35, false);
  goal('1 connection, erlsock / Node net server CPU per echo', e1 && n1 ? e1.cpu_us / n1.cpu_us : undefined, 1, false);
}

/**
 * `--million`: a million echoes on one connection against erlsock's server, with its RSS
 * sampled every 500 ms: the example's loops must run in flat memory.
 */
async function million(count: number): Promise<void> {
  const server = await startServer('erlsock');
  const samples: [number, number][] = [];
  const t0 = Date.now();
  const timer = setInterval(() => samples.push([(Date.now() - t0) / 1000, rssKiB(server.pid)]), 500);
  try {
    samples.push([0, rssKiB(server.pid)]);
    const r = await loadgen(
      ['pingpong', '--port', String(server.port), '--conns', '1', '--size', '64', '--warmup', '0', '--duration', '600000', '--count', String(count)],
      700000,
    );
    samples.push([(Date.now() - t0) / 1000, rssKiB(server.pid)]);
    console.log(`erlsock: ${r.all_round_trips} echoes on one connection in ${r.seconds} s (${r.rtt_per_s} round trips/s)`);
  } finally {
    clearInterval(timer);
    await server.stop();
  }
  const step = Math.max(1, Math.floor(samples.length / 10));
  const shown = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  printTable(['seconds', 'server RSS KiB'], shown.map(([t, kib]) => [t.toFixed(1), String(kib)]));
  const tail = samples.slice(Math.floor(samples.length / 2)).map(([, kib]) => kib);
  console.log(`RSS over the second half: min ${Math.min(...tail)} KiB, max ${Math.max(...tail)} KiB`);
}

export async function main(args: string[]): Promise<void> {
  const { servers, flags } = parseOptions(args);
  if (flags.has('million')) {
    buildTools();
    const n = flags.get('million') === 'true' ? 1000000 : Number(flags.get('million'));
    return million(n);
  }
  const conns = (flags.get('conns') ?? '1,10,100,1000').split(',').map(Number);
  const duration = Number(flags.get('duration') ?? 3000);
  const warmup = Number(flags.get('warmup') ?? 1000);
  buildTools();

  const runs = Number(flags.get('runs') ?? 1);
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  // Rounds interleave the servers, so that whatever else the machine does falls on all of
  // them alike; each cell is the run with the median round trips/s.
  const all = new Map<ServerName, Map<number, PingPong[]>>();
  for (let round = 0; round < runs; round++) {
    for (const s of servers) {
      const r = await pingpong(s, conns, 64, false, warmup, duration);
      if (!all.has(s)) all.set(s, new Map());
      for (const [n, v] of r) all.get(s)!.set(n, [...(all.get(s)!.get(n) ?? []), v]);
    }
  }
  const small = new Map<ServerName, Map<number, PingPong>>();
  for (const [s, byConns] of all) {
    const m = new Map<number, PingPong>();
    for (const [n, list] of byConns) m.set(n, [...list].sort((a, b) => a.rtt_per_s - b.rtt_per_s)[Math.floor(list.length / 2)]);
    small.set(s, m);
  }

  console.log('\n64-byte ping-pong, round trips/s (median / p99 round trip in us)');
  printTable(
    ['connections', ...servers.map((s) => SERVER_LABEL[s])],
    conns.map((n) => [
      String(n),
      ...servers.map((s) => {
        const r = small.get(s)!.get(n)!;
        return `${Math.round(r.rtt_per_s)} (${r.median_us} / ${r.p99_us})`;
      }),
    ]),
  );
  if (servers.includes('erlsock')) {
    const peers = servers.filter((s) => s !== 'erlsock');
    console.log('\nerlsock against its peers (round trips/s ratio; at 1 connection also median round trip, peer/erlsock)');
    printTable(
      ['connections', ...peers.map((s) => `vs ${SERVER_LABEL[s]}`)],
      conns.map((n) => [
        String(n),
        ...peers.map((p) => {
          const e = small.get('erlsock')!.get(n)!;
          const o = small.get(p)!.get(n)!;
          const thr = ratio(e.rtt_per_s, o.rtt_per_s);
          return n === 1 ? `${thr} (median ${ratio(o.median_us, e.median_us)})` : thr;
        }),
      ]),
    );
  }

  console.log('\nserver CPU time (user + system) per echo, us; steadier than round trips/s on a busy machine');
  printTable(
    ['connections', ...servers.map((s) => SERVER_LABEL[s]), ...servers.filter((s) => s !== 'erlsock' && servers.includes('erlsock')).map((s) => `${SERVER_LABEL[s]} / erlsock`)],
    conns.map((n) => {
      const e = small.get('erlsock')?.get(n);
      return [
        String(n),
        ...servers.map((s) => small.get(s)!.get(n)!.cpu_us.toFixed(1)),
        ...servers.filter((s) => s !== 'erlsock' && e !== undefined).map((s) => ratio(small.get(s)!.get(n)!.cpu_us, e!.cpu_us)),
      ];
    }),
  );
  printGoals(small);

  if (flags.get('no-16k') === 'true') return;
  const big = servers.filter((s) => s === 'erlsock' || s === 'erlang');
  const bigConns = [10];
  const rows: string[][] = [];
  for (const s of big) {
    for (const nodelay of [false, true]) {
      const r = (await pingpong(s, bigConns, 16384, nodelay, warmup, duration)).get(10)!;
      rows.push([SERVER_LABEL[s], nodelay ? 'yes' : 'no', `${Math.round(r.rtt_per_s)}`, `${r.median_us}`, `${r.p99_us}`]);
    }
  }
  if (rows.length) {
    console.log('\n16 KiB ping-pong over 10 connections, the guide example (nodelay set on the listening socket, inherited)');
    printTable(['server', 'nodelay', 'round trips/s', 'median us', 'p99 us'], rows);
  }
  console.log(`\nload average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
