// `npm run bench -- http [--duration S] [--conns 100] [--servers a,b]`
//
// HTTP/1.1 keep-alive hello with wrk (one thread on core 0, the server on core 1), side by
// side in one run: `erlsock http` (examples/http.ts, gen_tcp {packet, http_bin}), Node's
// `http` module, and Erlang gen_tcp {packet, http_bin} servers (`erl +S 1:1`, default inet
// backend and {inet_backend, socket}). Requests/s and the server's CPU per request.
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { OUT, ROOT, cpuSeconds, printTable, ratio, startCommand, LOADGEN_CORE } from './_servers';
import { buildGenTcpPeers } from './gen_tcp';

const ERL = ['erl', '+S', '1:1', '-noshell', '-pa', OUT, '-s', 'gen_tcp_echo', 'main', '-extra'];

const HTTP_SERVERS: Record<string, string[]> = {
  erlsock: [process.execPath, path.join(ROOT, 'dist', 'examples', 'http_cli.js'), '--port', '0'],
  node_http: [process.execPath, path.join(ROOT, 'dist', 'bench', 'node_http_hello.js')],
  erlang_inet: [...ERL, 'http'],
  erlang_socket: [...ERL, 'http', '--backend', 'socket'],
};

function wrk(port: number, conns: number, seconds: number): Promise<{ rps: number; requests: number; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', LOADGEN_CORE, 'wrk', '-t1', `-c${conns}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const n = /(\d+) requests in/.exec(out);
      if (code !== 0 || !rps || !n) return reject(new Error(`wrk: ${code} ${out}`));
      if (/Non-2xx|Socket errors/.test(out)) return reject(new Error(`wrk saw errors: ${out}`));
      resolve({ rps: Number(rps[1]), requests: Number(n[1]), text: out });
    });
  });
}

function flag(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
}

export async function main(args: string[]): Promise<void> {
  const seconds = Number(flag(args, 'duration', '3'));
  const conns = Number(flag(args, 'conns', '100'));
  const servers = flag(args, 'servers', Object.keys(HTTP_SERVERS).join(',')).split(',');
  buildGenTcpPeers();
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const rows: string[][] = [];
  const rate = new Map<string, number>();
  for (const name of servers) {
    const argv = HTTP_SERVERS[name];
    if (argv === undefined) throw new Error(`unknown server ${name}; know ${Object.keys(HTTP_SERVERS).join(',')}`);
    const server = await startCommand(name, argv);
    try {
      await wrk(server.port, conns, 1); // warm-up
      const cpu0 = cpuSeconds(server.pid);
      const r = await wrk(server.port, conns, seconds);
      const per = ((cpuSeconds(server.pid) - cpu0) * 1e6) / r.requests;
      rate.set(name, r.rps);
      console.log(`${name.padEnd(14)} ${Math.round(r.rps).toString().padStart(7)} requests/s  server CPU ${per.toFixed(1)} us/request`);
      rows.push([name, String(conns), Math.round(r.rps).toString(), per.toFixed(1)]);
    } finally {
      await server.stop();
    }
  }
  printTable(['server', 'conns', 'requests/s', 'server CPU us/request', 'vs Node http'],
    rows.map((r) => [...r, ratio(rate.get(r[0]!), rate.get('node_http'))]));
  console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
