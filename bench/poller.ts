// `npm run bench -- poller [ready] [rounds]`: what it costs to deliver readiness to
// JavaScript when many sockets are ready at once, per ready socket, against a plain C
// epoll_wait loop over the same number of ready sockets (bench/c/syscall_baseline.c).
//
// Each round makes `ready` registered UDP sockets readable (one datagram each), then the
// poller's single JS call carries them all. Delivery = from the start of the native
// callback (before epoll_wait; prim_socket.poll_batch_t0) to the first line of the JS
// handler, on the same clock: it covers epoll_wait, filling the shared arrays and the call
// into JS. Goal: under 0.2 µs per ready socket.
import * as p from '../sockets/prim_socket';
import { run_baseline, median } from './_native_baseline';
import { probes } from './_probes';

const C = p.constants;

interface Round { count: number; delivery_ns: number; handler_ns: number }

export async function main(args: string[]): Promise<void> {
  const N = Number(args[0] ?? 1000);
  const ROUNDS = Number(args[1] ?? 40);
  const fds: number[] = [];
  const ports: number[] = [];
  const known = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    const fd = p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0);
    p.bind(fd, { family: 'inet', addr: 'loopback', port: 0 });
    fds.push(fd);
    ports.push((p.sockname(fd) as { port: number }).port);
  }
  const tx = p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0);
  const rounds: Round[] = [];
  let wake: (() => void) | undefined;
  let readable = 0;
  const handler = (tokens: Uint32Array, events: Uint32Array, count: number): void => {
    const entry = process.hrtime.bigint();
    // What a consumer does at least: look each token up and read its bits.
    for (let i = 0; i < count; i++) if (known.has(tokens[i]!) && (events[i]! & p.EV_IN) !== 0) readable++;
    const done = process.hrtime.bigint();
    rounds.push({ count, delivery_ns: Number(entry - p.poll_batch_t0()), handler_ns: Number(done - entry) });
    if (wake) { const w = wake; wake = undefined; w(); }
  };
  p.poll_start(handler);
  for (const fd of fds) {
    const t = p.new_token();
    known.set(t, fd);
    p.poll_add(fd, t);
  }
  await new Promise<void>((r) => setTimeout(r, 20)); // the registration edges
  rounds.length = 0;
  const one = Buffer.from('x');
  const sink = Buffer.alloc(16);
  const cbase: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 10 === 0) cbase.push(run_baseline(3, 10, N).epoll_event);
    readable = 0;
    const got = new Promise<void>((res) => { wake = res; });
    for (const port of ports) p.sendto(tx, one, 0, 1, 0, { family: 'inet', addr: 'loopback', port });
    await got;
    // A batch may be split if the loop turned while datagrams were still arriving.
    while (readable < N) await new Promise<void>((res) => { wake = res; });
    for (const fd of fds) p.recv(fd, sink, 0, 16, 0);
  }
  p.poll_stop(handler);
  for (const fd of fds) p.poll_del(fd);

  // The other design: a thread blocked in epoll_wait hands each batch over through a
  // thread-safe function (uv_async_send + a queue). It drains only when kicked, so it
  // too sees all N ready at once; t0 is taken in the thread before its epoll_wait.
  const trounds: Round[] = [];
  let twake: (() => void) | undefined;
  let tgot = 0;
  const th = (tokens: Uint32Array, count: number, t0: bigint): void => {
    const entry = process.hrtime.bigint();
    for (let i = 0; i < count; i++) if (tknown.has(tokens[i]!)) tgot++;
    trounds.push({ count, delivery_ns: Number(entry - t0), handler_ns: Number(process.hrtime.bigint() - entry) });
    if (twake) { const w = twake; twake = undefined; w(); }
  };
  const tknown = new Set<number>();
  if (probes.thread_probe_start(th) !== 0) throw new Error('thread probe');
  for (const fd of fds) { const t = p.new_token(); tknown.add(t); probes.thread_probe_add(fd, t); }
  probes.thread_probe_kick(); // the registration edges
  await new Promise<void>((r) => setTimeout(r, 20));
  trounds.length = 0;
  for (let r = 0; r < ROUNDS; r++) {
    tgot = 0;
    for (const port of ports) p.sendto(tx, one, 0, 1, 0, { family: 'inet', addr: 'loopback', port });
    const got = new Promise<void>((res) => { twake = res; });
    probes.thread_probe_kick();
    await got;
    while (tgot < N) {
      const more = new Promise<void>((res) => { twake = res; });
      probes.thread_probe_kick();
      await more;
    }
    for (const fd of fds) p.recv(fd, sink, 0, 16, 0);
  }
  probes.thread_probe_stop();
  for (const fd of fds) p.close(fd);
  p.close(tx);

  const full = rounds.filter((x) => x.count === N);
  const per = full.map((x) => x.delivery_ns / x.count);
  const hper = full.map((x) => x.handler_ns / x.count);
  const c = median(cbase);
  console.log(`poller: ${N} ready UDP sockets, ${ROUNDS} rounds (${full.length} delivered in one JS call)`);
  console.log(`C epoll_wait alone           ${c.toFixed(0).padStart(5)} ns per ready socket`);
  console.log(`delivered to the JS handler  ${median(per).toFixed(0).padStart(5)} ns per ready socket   (${(median(per) / c).toFixed(2)}x C; best ${Math.min(...per).toFixed(0)} ns)`);
  console.log(`handler lookup of each token ${median(hper).toFixed(0).padStart(5)} ns per ready socket`);
  console.log(`batches per round            ${(rounds.length / ROUNDS).toFixed(2)}`);
  const tfull = trounds.filter((x) => x.count === N);
  const tper = tfull.map((x) => x.delivery_ns / x.count);
  console.log(`\nalternative design, poll thread + thread-safe function (${tfull.length} whole batches):`);
  console.log(`delivered to the JS handler  ${median(tper).toFixed(0).padStart(5)} ns per ready socket   (${(median(tper) / c).toFixed(2)}x C; best ${Math.min(...tper).toFixed(0)} ns)`);
  const lat = (xs: Round[]): string => (median(xs.map((x) => x.delivery_ns)) / 1000).toFixed(0);
  console.log(`whole-batch latency, ready → handler: poller ${lat(full)} µs, thread ${lat(tfull)} µs`);
}
