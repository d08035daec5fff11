// `npm run bench -- gen_tcp [--conns 1,100,1000] [--duration MS] [--warmup MS] [--servers a,b]`
//
// Echo of 64-byte messages over gen_tcp, side by side in one run (server on core 1, the C
// load generator on core 0): erlsock's gen_tcp echo (examples/echo_gen_tcp.ts) with
// {active, once} and {active, true}, Erlang's gen_tcp echo ({active, once}, `erl +S 1:1`) on
// the default inet backend and on {inet_backend, socket}, Node net, and the bare C epoll echo
// server (the limit this load generator can show on this machine). Round trips/s, median
// round trip, and the server's CPU per echo in the timed window.
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { ECHO_EPOLL, OUT, ROOT, buildTools, cpuSeconds, loadgen, printTable, ratio, startCommand, windowCpuUs } from './_servers';

const ERL = ['erl', '+S', '1:1', '-noshell', '-pa', OUT, '-s', 'gen_tcp_echo', 'main', '-extra'];
const ECHO_CLI = path.join(ROOT, 'dist', 'examples', 'echo_cli.js');

export const GEN_TCP_SERVERS: Record<string, string[]> = {
  erlsock_once: [process.execPath, ECHO_CLI, 'server', '--quiet', '--gen_tcp', '--active', 'once', '--addr', '127.0.0.1', '--port', '0'],
  erlsock_true: [process.execPath, ECHO_CLI, 'server', '--quiet', '--gen_tcp', '--active', 'true', '--addr', '127.0.0.1', '--port', '0'],
  // The guide's echo on erlsock's socket module: what gen_tcp adds on top of it.
  erlsock_socket: [process.execPath, ECHO_CLI, 'server', '--quiet', '--addr', '127.0.0.1', '--port', '0'],
  erlang_inet: [...ERL, 'echo'],
  erlang_socket: [...ERL, 'echo', '--backend', 'socket'],
  node_net: [process.execPath, path.join(ROOT, 'dist', 'bench', 'node_net_echo.js'), '--addr', '127.0.0.1', '--port', '0'],
  // Two syscalls per echo and nothing else: a rate above this one is the load generator's
  // or the kernel's, not the server's.
  c_epoll: [ECHO_EPOLL, '--addr', '127.0.0.1', '--port', '0'],
};

/** Compiles the Erlang gen_tcp peers (bench/erl/gen_tcp_echo.erl) next to the other tools. */
export function buildGenTcpPeers(): void {
  buildTools();
  execFileSync('erlc', ['-o', OUT, path.join(ROOT, 'bench', 'erl', 'gen_tcp_echo.erl')], { stdio: 'inherit' });
}

function flag(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
}

export async function main(args: string[]): Promise<void> {
  const conns = flag(args, 'conns', '1,100,1000').split(',').map(Number);
  const duration = Number(flag(args, 'duration', '2000'));
  const warmup = Number(flag(args, 'warmup', '1000'));
  const servers = flag(args, 'servers', Object.keys(GEN_TCP_SERVERS).filter((s) => s !== 'erlsock_socket').join(',')).split(',');
  buildGenTcpPeers();
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const rate = new Map<string, number>();
  const cpu = new Map<string, number>();
  for (const name of servers) {
    const argv = GEN_TCP_SERVERS[name];
    if (argv === undefined) throw new Error(`unknown server ${name}; know ${Object.keys(GEN_TCP_SERVERS).join(',')}`);
    const server = await startCommand(name, argv);
    try {
      for (const n of conns) {
        const cpu0 = cpuSeconds(server.pid);
        const r = await loadgen(['pingpong', '--port', String(server.port), '--conns', String(n), '--size', '64',
          '--warmup', String(warmup), '--duration', String(duration), '--cpu-pid', String(server.pid)], warmup + duration + 90000);
        // CPU per echo in the timed window (read by the load generator as it opens and
        // closes), as the echo bench judges it; the whole run's figure if that was unread.
        const whole = ((cpuSeconds(server.pid) - cpu0) * 1e6) / Number(r.all_round_trips);
        const per = windowCpuUs(r, whole);
        rate.set(`${name}/${n}`, Number(r.rtt_per_s));
        cpu.set(`${name}/${n}`, per);
        console.log(`${name.padEnd(14)} conns=${String(n).padEnd(5)} ${Math.round(Number(r.rtt_per_s)).toString().padStart(7)} round trips/s` +
          `  median ${r.median_us} us  server CPU ${per.toFixed(1)} us/echo (whole run ${whole.toFixed(1)})`);
      }
    } finally {
      await server.stop();
    }
  }
  const rows: string[][] = [];
  for (const name of servers) {
    for (const n of conns) {
      const k = `${name}/${n}`;
      rows.push([name, String(n), Math.round(rate.get(k) ?? 0).toString(), (cpu.get(k) ?? 0).toFixed(1),
        ratio(rate.get(k), rate.get(`erlang_inet/${n}`)), ratio(rate.get(k), rate.get(`node_net/${n}`)),
        ratio(rate.get(k), rate.get(`c_epoll/${n}`))]);
    }
  }
  printTable(['server', 'conns', 'round trips/s', 'server CPU us/echo', 'vs Erlang gen_tcp (inet)', 'vs Node net', 'vs C epoll (limit)'], rows);
  console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
