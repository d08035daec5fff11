// `npm run bench -- dist [rounds] [msgs] [warmup]`: distribution round-trip latency and message
// throughput, erlsock → BEAM against BEAM → BEAM, side by side, to the same BEAM server node
// (its `dbecho` and `dbsink` processes, bench/erl/dist_bench.erl), for a small term and for
// a 64 KiB binary. Both clients run the same loops: `{dbecho, Node} ! {self(), P}` and wait
// for the echo (latency), then N `{dbsink, Node} ! {msg, P}` until the sink's `done`.
import { ChildProcess, execFileSync, spawn as spawn_child } from 'child_process';
import { hostname } from 'os';
import * as path from 'path';
import { Proc, run, receive, on, after, _, self, send } from '../runtime';
import { net_kernel, net_adm, list } from '../distribution';
import { compile_erlang } from './_erlang';
import { cpu_us } from './_cpu';
import * as busy_wait from '../sockets/busy_wait';

const OUT = path.resolve(__dirname, '..', '..', 'bench', 'out');
const HOST = hostname().split('.')[0];
const COOKIE = `bench${process.pid}`;
// Round trips before the timed ones, as many on both clients. V8 compiles the hot paths on
// another thread while they run; on a 2-core machine whose other core also runs the BEAM
// server, 2,000 were not always enough: the timed rounds then ran while TurboFan still
// competed for the cores (small-term round trip 75-104 us after 2,000 against 46-53 after
// 5,000 or 10,000, and 66 us with TurboFan off; BEAM's client the same 43-45 us throughout).
const WARMUP = 10_000;

function payload(kind: 'small' | 'big'): unknown {
  return kind === 'small' ? ['hello', 42, list(1, 2, 3)] : Buffer.alloc(65536, 7);
}

interface Figures {
  rtt_us: number;
  msgs_s: number;
  /** CPU of the client's OS process per round trip and per message sent. */
  cpu_rt_us: number;
  cpu_msg_us: number;
}

function* erlsock_client(server: string, kind: 'small' | 'big', rounds: number, msgs: number, warmup: number): Proc<Figures> {
  const echo: [string, string] = ['dbecho', server];
  const sink: [string, string] = ['dbsink', server];
  const p = payload(kind);
  const me = self();
  // The server answers pings before `-run dist_bench serve` has registered dbecho: a message
  // sent then is dropped, and the loop below would wait for its echo forever.
  let ready = false;
  for (let i = 0; i < 100 && !ready; i++) {
    send(echo, [me, 'ready']);
    ready = yield* receive(on(['echo', 'ready'], () => true), after(100, () => false));
  }
  if (!ready) throw new Error('the server node never registered dbecho');
  while (yield* receive(on(['echo', 'ready'], () => true), after(0, () => false)));
  // Warm-up, as long on both clients: V8 compiles the hot paths on other threads meanwhile,
  // which would otherwise run during (and be counted in) the timed loop on a 2-core machine.
  for (let i = 0; i < warmup; i++) {
    send(echo, [me, p]);
    yield* receive(on(['echo', _]));
  }
  const c0 = cpu_us();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    send(echo, [me, p]);
    yield* receive(on(['echo', _]));
  }
  const t1 = process.hrtime.bigint();
  const c1 = cpu_us();
  send(sink, ['start', me, msgs]);
  const c2 = cpu_us();
  const t2 = process.hrtime.bigint();
  for (let i = 0; i < msgs; i++) send(sink, ['msg', p]);
  yield* receive(on(['done', msgs]));
  const t3 = process.hrtime.bigint();
  const c3 = cpu_us();
  return {
    rtt_us: Number(t1 - t0) / 1000 / rounds,
    msgs_s: msgs / (Number(t3 - t2) / 1e9),
    cpu_rt_us: (c1 - c0) / rounds,
    cpu_msg_us: (c3 - c2) / msgs,
  };
}

function beam_client(server: string, kind: string, rounds: number, msgs: number, warmup: number): Figures {
  const out = execFileSync(
    'erl',
    ['+S', '1:1', '-sname', `dbc${process.pid}`, '-setcookie', COOKIE, '-noshell', '-pa', OUT, '-run', 'dist_bench', 'main', server, kind, String(rounds), String(msgs), String(warmup), '-s', 'init', 'stop'],
    { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const m = /result rtt_us=([\d.]+) msgs_s=(\d+) cpu_rt_us=([\d.]+) cpu_msg_us=([\d.]+)/.exec(out);
  if (m === null) throw new Error(`BEAM client printed no result:\n${out}`);
  return { rtt_us: Number(m[1]), msgs_s: Number(m[2]), cpu_rt_us: Number(m[3]), cpu_msg_us: Number(m[4]) };
}

export async function main(args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 2000);
  const msgs = Number(args[1] ?? 20000);
  const warmup = Number(args[2] ?? WARMUP);
  compile_erlang('dist_bench');
  const server_name = `dbs${process.pid}`;
  const server = `${server_name}@${HOST}`;
  const child: ChildProcess = spawn_child(
    'erl',
    ['+S', '1:1', '-sname', server_name, '-setcookie', COOKIE, '-noshell', '-pa', OUT, '-run', 'dist_bench', 'serve'],
    { stdio: 'ignore' },
  );
  const kill = (): void => void child.kill('SIGKILL');
  process.on('exit', kill);
  try {
    const started = await run(function* () {
      return yield* net_kernel.start([`dbe${process.pid}`, 'shortnames'], { cookie: COOKIE });
    });
    if (started[0] !== 'ok') throw new Error(`cannot start the node: ${String(started[1])}`);
    let up = false;
    for (let i = 0; i < 50 && !up; i++) {
      up = (await run(function* () { return yield* net_adm.ping(server); })) === 'pong';
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) throw new Error('the BEAM server node did not come up');
    for (const kind of ['small', 'big'] as const) {
      const r = kind === 'small' ? rounds : Math.max(50, Math.floor(rounds / 4));
      const n = kind === 'small' ? msgs : Math.max(100, Math.floor(msgs / 20));
      const s0 = busy_wait.stats();
      const es = await run(erlsock_client, server, kind, r, n, warmup);
      const s1 = busy_wait.stats();
      const b = beam_client(server, kind, r, n, warmup);
      const label = kind === 'small' ? 'small term' : '64 KiB binary';
      console.log(
        `dist ${label}: rtt erlsock→BEAM ${es.rtt_us.toFixed(1)} µs, BEAM→BEAM ${b.rtt_us.toFixed(1)} µs (latency ratio ${(b.rtt_us / es.rtt_us).toFixed(2)}x); ` +
          `throughput erlsock→BEAM ${Math.round(es.msgs_s)} msg/s, BEAM→BEAM ${Math.round(b.msgs_s)} msg/s (${(es.msgs_s / b.msgs_s).toFixed(2)}x); ` +
          `client CPU per round trip ${es.cpu_rt_us.toFixed(1)} / ${b.cpu_rt_us.toFixed(1)} µs, per message ${es.cpu_msg_us.toFixed(2)} / ${b.cpu_msg_us.toFixed(2)} µs (erlsock / BEAM); ` +
          `erlsock busy-wait ${busy_wait.get().us} µs: ${s1.spins - s0.spins} spins, ${s1.ready - s0.ready} found work, ${((s1.ns - s0.ns) / 1e6).toFixed(1)} ms`,
      );
    }
  } finally {
    net_kernel.stop();
    kill();
  }
}
