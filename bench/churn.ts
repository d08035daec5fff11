// `npm run bench -- churn [--servers ...] [--count N] [--concurrency C] [--runs R] [--warmup-count W]`
//
// Connection churn: connect, echo 64 bytes, close, with C cycles in flight (4), for N cycles
// (bounded at 15 s each), against every echo server in one run. Each run starts a fresh
// server, warms it up with W untimed cycles (5,000), then times N; the figure is the median
// of R runs. The warm-up is what the echo benchmark's --warmup is for ping-pong: a fresh
// Node server runs its first few thousand connections before V8 has compiled the paths
// (measured: erlsock 17.5k connections/s over a cold first 10,000, 25k after 3,000 cycles of
// warm-up, 28k after 50,000; Node net 19k -> 22k; Erlang 17k -> 19k). W + N stays under the
// 20,000-fd limit because of Erlang: the guide example on OTP keeps every accepted socket
// open (its setopt(Sock, otp, owner, Pid) fails, so the acceptor stays the owner), while
// erlsock closes each one when its handler ends. The fds the server holds afterwards are
// printed too.
import * as os from 'os';
import { SERVER_LABEL, ServerName, buildTools, cpuSeconds, fdCount, loadgen, parseOptions, printTable, ratio, sleep, startServer } from './_servers';

interface Churn {
  perSecond: number;
  fdsAfter: number;
  /** The server's CPU time (user + system) per connection, in us. */
  cpuUs: number;
}

async function churnOnce(name: ServerName, count: number, concurrency: number, warmup: number): Promise<Churn> {
  const server = await startServer(name);
  try {
    const cycles = (n: number): ReturnType<typeof loadgen> =>
      loadgen(['churn', '--port', String(server.port), '--count', String(n), '--concurrency', String(concurrency), '--duration', '15000'], 60000);
    if (warmup > 0) await cycles(warmup);
    const cpu0 = cpuSeconds(server.pid);
    const r = await cycles(count);
    await sleep(300); // let the server see the last closes
    const cpuUs = ((cpuSeconds(server.pid) - cpu0) * 1e6) / Number(r.connections);
    return { perSecond: Number(r.conns_per_s), fdsAfter: fdCount(server.pid), cpuUs };
  } finally {
    await server.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function main(args: string[]): Promise<void> {
  const { servers, flags } = parseOptions(args);
  const count = Number(flags.get('count') ?? 10000);
  // 4 in flight: the guide's server listens with OTP's default backlog of 5, and more
  // connects in flight than that overflow the accept queue whenever the acceptor lags; each
  // overflow costs a 1 s SYN retransmit, and the figure then measures those, not the server.
  const concurrency = Number(flags.get('concurrency') ?? 4);
  const runs = Number(flags.get('runs') ?? 3);
  const warmup = Number(flags.get('warmup-count') ?? 5000);
  buildTools();
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results = new Map<ServerName, Churn>();
  for (const s of servers) {
    const each: Churn[] = [];
    for (let i = 0; i < runs; i++) {
      const c = await churnOnce(s, count, concurrency, warmup);
      console.log(`${s.padEnd(9)} churn run ${i + 1}: ${Math.round(c.perSecond)} connections/s, ${c.fdsAfter} fds open after, server CPU ${c.cpuUs.toFixed(0)} us/connection`);
      each.push(c);
    }
    results.set(s, {
      perSecond: median(each.map((c) => c.perSecond)),
      fdsAfter: median(each.map((c) => c.fdsAfter)),
      cpuUs: median(each.map((c) => c.cpuUs)),
    });
  }
  console.log(`\nconnect / echo 64 bytes / close, ${count} cycles timed after ${warmup} untimed, ${concurrency} in flight, median of ${runs} runs`);
  const base = results.get('erlsock');
  printTable(
    ['server', 'connections/s', 'server CPU us/connection', `fds open after ${warmup + count} connections`, 'erlsock vs this (connections/s)'],
    servers.map((s) => {
      const r = results.get(s)!;
      return [SERVER_LABEL[s], `${Math.round(r.perSecond)}`, r.cpuUs.toFixed(0), `${r.fdsAfter}`, s === 'erlsock' ? '-' : ratio(base?.perSecond, r.perSecond)];
    }),
  );
  const erl = results.get('erlang');
  if (base && erl) {
    const v = base.perSecond / erl.perSecond;
    console.log(`\ngoal ${v >= 1 ? 'met   ' : 'MISSED'} churn, erlsock / Erlang connections/s: ${v.toFixed(2)} (target >= 1)`);
  }
}
