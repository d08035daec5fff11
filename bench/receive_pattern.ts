// `npm run bench -- receive_pattern [K=1000000] [N=10000] [reps=3]`: the receive of the
// echo handler loop (examples/echo.ts), which is built afresh at every iteration:
//   receive(on(['$socket', Sock, 'select', Handle], body1), on(['$socket', Sock, 'abort', [Handle, _]], body2))
// - build_us: building that receive (two on() calls and the receive) without running it;
// - match_us: building it and matching one queued select message, K times in one process;
// - bytes: heap per process (delta after full GCs) with N processes each waiting in such a
//   receive with its own socket and handle, next to N processes waiting in a shared
//   receive(on('stop')) (the spawn benchmark's waiter): the difference is what the two
//   clauses hold while a connection is idle.
// Sock is a class instance matched by identity, as a real socket is.
import * as v8 from 'v8';
import * as vm from 'vm';
import * as os from 'os';
import { run, spawn, self, send, receive, on, make_ref, exit, _, Pid, Proc, Ref } from '../runtime';
import { fmt } from './_erlang';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

class FakeSock {
  constructor(readonly id: number) {}
}

function handler_receive(sock: FakeSock, handle: Ref): Proc<unknown> {
  return receive(
    on(['$socket', sock, 'select', handle], () => sock.id),
    on(['$socket', sock, 'abort', [handle, _]], ([, , , [, reason]]) => reason),
  );
}

function build_once(k: number): number {
  const sock = new FakeSock(1);
  const handle = make_ref();
  let keep: unknown = null;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < k; i++) keep = handler_receive(sock, handle);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / k;
  if (keep === null) throw new Error('unreachable');
  return us;
}

function match_once(k: number): Promise<number> {
  return run(function* () {
    const me = self();
    const sock = new FakeSock(1);
    const handle = make_ref();
    const msg = ['$socket', sock, 'select', handle];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < k; i++) {
      send(me, msg);
      yield* handler_receive(sock, handle);
    }
    return Number(process.hrtime.bigint() - t0) / 1000 / k;
  });
}

/** Heap bytes per process with n processes each waiting in body's receive. */
function memory_once(n: number, body: () => Proc<unknown>): Promise<number> {
  gc();
  gc();
  const h0 = process.memoryUsage().heapUsed;
  return run(function* () {
    const me = self();
    const pids: Pid[] = new Array<Pid>(n);
    for (let i = 0; i < n; i++) pids[i] = spawn(body);
    spawn(() => send(me, 'ready')); // the run queue is FIFO: every waiter waits now
    yield* receive(on('ready'));
    gc();
    gc();
    const bytes = (process.memoryUsage().heapUsed - h0) / n;
    for (const p of pids) exit(p, 'kill');
    return bytes;
  });
}

function* echo_waiter(): Proc<void> {
  const sock = new FakeSock(0);
  yield* handler_receive(sock, make_ref());
}

const stop = on('stop');
function* plain_waiter(): Proc<void> {
  yield* receive(stop);
}

export async function main(args: string[]): Promise<void> {
  const [k, n, reps] = [Number(args[0] ?? 1_000_000), Number(args[1] ?? 10_000), Number(args[2] ?? 3)];
  const load = os.loadavg()[0].toFixed(2);
  build_once(k / 10); // warm-up (JIT)
  await match_once(k / 10);
  let build_us = Infinity;
  let match_us = Infinity;
  let echo_b = Infinity;
  let plain_b = Infinity;
  for (let i = 0; i < reps; i++) {
    build_us = Math.min(build_us, build_once(k));
    match_us = Math.min(match_us, await match_once(k));
    echo_b = Math.min(echo_b, await memory_once(n, echo_waiter));
    plain_b = Math.min(plain_b, await memory_once(n, plain_waiter));
  }
  console.log(
    `receive_pattern load=${load} build_us=${fmt(build_us)} match_us=${fmt(match_us)}` +
      ` bytes_per_echo_waiter=${Math.round(echo_b)} bytes_per_plain_waiter=${Math.round(plain_b)}` +
      ` clause_bytes=${Math.round(echo_b - plain_b)}`,
  );
}
