// The soak's crashing echo server (not a benchmark: the leading `_`). An erlsock acceptor
// hands each connection to its own handler process, which echoes and, on one message in
// `--crash-every N` (drawn at random, seeded), raises an error instead: its socket closes
// with it, the runtime prints the crash report on stderr, and everyone else goes on.
//
//   node dist/bench/_soak_crash_server.js [--port P] [--crash-every N] [--seed S]
//
// Prints `listening 127.0.0.1 <port>` when ready; on SIGTERM prints `crashes <n>` and exits.
import * as socket from '../sockets/socket';
import { run, spawn, send as post, error, receive, on, _, Proc, set_crash_logger } from '../runtime';

interface Opts { port: number; every: number; seed: number }

function parse(argv: string[]): Opts {
  const o: Opts = { port: 0, every: 100, seed: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const v = Number(argv[i + 1]);
    if (argv[i] === '--port') o.port = v;
    else if (argv[i] === '--crash-every') o.every = v;
    else if (argv[i] === '--seed') o.seed = v;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  return o;
}

let crashes = 0;
let rng = 1;
/** xorshift32: the same crash points for the same seed. */
function draw(): number {
  rng ^= rng << 13; rng >>>= 0;
  rng ^= rng >>> 17;
  rng ^= rng << 5; rng >>>= 0;
  return rng / 4294967296;
}

function* handler(every: number): Proc<void> {
  const s = (yield* receive(on(['own', _], ([, x]) => x))) as socket.Socket;
  for (let n = 1; ; n++) {
    const r = yield* socket.recv(s, 0, 'infinity');
    if (r[0] !== 'ok') return; // the client left
    if (every > 0 && draw() < 1 / every) error(['injected_crash', n]);
    const w = yield* socket.send(s, r[1] as Buffer, 'infinity');
    if (w !== 'ok') return;
  }
}

function* acceptor(l: socket.Socket, every: number): Proc<void> {
  for (;;) {
    const r = yield* socket.accept(l, 'infinity');
    if (r[0] !== 'ok') {
      if (r[1] === 'closed') return;
      continue; // emfile and the like: the server stays up
    }
    const h = spawn(handler, every);
    socket.setopt(r[1] as socket.Socket, 'otp', 'controlling_process', h);
    post(h, ['own', r[1]]);
  }
}

export function main(args: string[]): void {
  const o = parse(args);
  rng = o.seed >>> 0 || 1;
  const print = set_crash_logger(null);
  set_crash_logger((rep) => { crashes++; print(rep); });
  void run(function* () {
    const lr = socket.open('inet', 'stream');
    if (lr[0] !== 'ok') throw new Error(String(lr[1]));
    const l = lr[1] as socket.Socket;
    socket.setopt(l, 'socket', 'reuseaddr', true);
    socket.bind(l, { family: 'inet', addr: [127, 0, 0, 1], port: o.port });
    socket.listen(l, 511);
    const port = (socket.sockname(l) as ['ok', { port: number }])[1].port;
    process.stdout.write(`listening 127.0.0.1 ${port}\n`);
    yield* acceptor(l, o.every);
  });
  process.on('SIGTERM', () => {
    process.stdout.write(`crashes ${crashes}\n`, () => process.exit(0));
  });
}

if (require.main === module) main(process.argv.slice(2));
