// Child program of exhaustion.test.ts, run under `ulimit -n 64` so that running out of
// descriptors hurts only this process. It starts an echo server whose acceptor backs off on
// an accept error, fills every free descriptor with sockets, and reports (one JSON line per
// event on stdout) what open and accept answer; on "free" from stdin it closes some sockets,
// and the server must serve the waiting client. Then it checks the process limit the same
// way: spawn raises system_limit at the limit and works again below it.
import * as fs from 'fs';
import * as socket from '../../sockets/socket';
import {
  run, spawn, self, send, receive, on, after, _, exit, await_promise, set_process_limit, process_limit, processes,
  Pid, Proc,
} from '../../runtime';

const out = (o: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
const fds = (): number => fs.readdirSync('/proc/self/fd').length;

function stdin_line(): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const f = (d: Buffer): void => {
      buf += d.toString();
      const i = buf.indexOf('\n');
      if (i < 0) return;
      process.stdin.removeListener('data', f);
      process.stdin.pause();
      resolve(buf.slice(0, i));
    };
    process.stdin.on('data', f);
    process.stdin.resume();
  });
}

/** Accepts forever; on an accept error reports the first one and retries 20 ms later. */
function* acceptor(parent: Pid, l: socket.Socket): Proc<void> {
  let reported = false;
  for (;;) {
    const r = yield* socket.accept(l, 'infinity');
    if (r[0] === 'ok') {
      const s = r[1] as socket.Socket;
      const h = spawn(function* () {
        const s2 = (yield* receive(on(['own', _], ([, x]) => x))) as socket.Socket;
        const d = yield* socket.recv(s2, 0, 5000);
        if (d[0] === 'ok') yield* socket.send(s2, d[1] as Buffer, 5000);
        send(parent, ['served', d[0]]);
        yield* socket.recv(s2, 0, 5000); // until the client closes
      });
      socket.setopt(s, 'otp', 'controlling_process', h);
      send(h, ['own', s]);
      continue;
    }
    if (r[0] === 'error' && r[1] === 'closed') return;
    if (!reported) {
      reported = true;
      send(parent, ['accept_error', r]);
    }
    yield* receive(after(20));
  }
}

function* main(): Proc<void> {
  const fd0 = fds();
  const n0 = socket.number_of();
  const me = self();
  const lr = socket.open('inet', 'stream');
  if (lr[0] !== 'ok') throw new Error(`listener: ${String(lr)}`);
  const l = lr[1] as socket.Socket;
  socket.bind(l, 'loopback');
  socket.listen(l, 16);
  const port = (socket.sockname(l) as ['ok', { port: number }])[1].port;
  const acc = spawn(acceptor, me, l);
  socket.setopt(l, 'otp', 'controlling_process', acc);

  // Fill the table.
  const fillers: socket.Socket[] = [];
  let open_error: unknown = null;
  for (let i = 0; i < 200; i++) {
    const r = socket.open('inet', 'stream');
    if (r[0] !== 'ok') { open_error = r; break; }
    fillers.push(r[1] as socket.Socket);
  }
  // The runtime still runs: a process, a message, a timer.
  const echo = spawn(function* () { const m = yield* receive(on(_, (x) => x)); send(me, ['pong', m]); });
  send(echo, 'ping');
  const pong = yield* receive(on(['pong', _], ([, m]) => m), after(1000, () => 'none'));
  out({ full: port, open_error, fillers: fillers.length, pong });

  const accept_error = yield* receive(on(['accept_error', _], ([, r]) => r), after(5000, () => 'none'));
  out({ accept_error, acceptor_alive: processes().includes(acc), open_again: socket.open('inet', 'dgram') });

  yield* await_promise(stdin_line());
  for (const s of fillers.splice(0, 8)) socket.close(s);
  const served = yield* receive(on(['served', _], ([, r]) => r), after(5000, () => 'none'));
  out({ served });

  for (const s of fillers) socket.close(s);
  // Wait for the client's close to end the handler, then stop the server.
  yield* receive(after(200));
  exit(acc, 'kill');
  yield* receive(after(50));
  out({ number_of_back: socket.number_of() === n0, fds_back: fds() === fd0, fd0, fd_end: fds() });

  // The process limit.
  const old = process_limit();
  set_process_limit(processes().length + 50);
  const held: Pid[] = [];
  let limit_error: unknown = null;
  try {
    for (let i = 0; i < 100; i++) held.push(spawn(function* () { yield* receive(on('go', () => 0)); }));
  } catch (e) {
    limit_error = (e as { reason?: unknown }).reason ?? String(e);
  }
  for (const p of held) send(p, 'go');
  yield* receive(after(20));
  let after_ok = false;
  const p = spawn(function* () { send(me, 'alive'); });
  after_ok = (yield* receive(on('alive', () => true), after(1000, () => false))) && p !== null;
  set_process_limit(old);
  out({ limit_error, spawned_before_limit: held.length, after_ok });
}

run(main).then(
  () => process.exit(0),
  (e: unknown) => { out({ crashed: String(e) }); process.exit(1); },
);
