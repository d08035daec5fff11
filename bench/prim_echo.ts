// An echo server with nothing of erlsock but its native layer: sockets/prim_socket's
// syscalls and poller, one JS batch handler that accepts, reads and writes back, no
// processes, no messages, no socket module. `echo_floor` runs it beside the guide's port so
// the floor shows what the addon, libuv and V8 cost an echo apart from what the runtime above
// them costs. Reads follow the socket layer's rule (a short read empties a stream socket:
// the next edge brings more); writes assume the kernel takes a small echo whole.
//
//   node dist/bench/prim_echo.js [--addr A] [--port P]    (or `npm run bench -- prim_echo ...`)
//
// Prints `listening <addr> <port>` when ready; runs until SIGINT/SIGTERM, then exits 0. No
// busy-wait: sockets/busy_wait.ts is the socket layer's, not loaded here.
import * as prim from '../sockets/prim_socket';

const CHUNK = 65536;
const buf = Buffer.allocUnsafe(CHUNK);
/** token → fd of each accepted connection (the listener's token is `listener`, its fd `listen_fd`). */
const fds = new Map<number, number>();
let listener = 0;
let listen_fd = -1;

function open_listener(addr: string, port: number): number {
  const fd = prim.socket(prim.domain_num('inet')!, prim.type_num('stream')!, prim.protocol_num('tcp')!);
  if (fd < 0) throw new Error(`socket: ${String(prim.errno_atom(fd))}`);
  const a = addr.split('.').map(Number) as [number, number, number, number];
  const check = (what: string, r: number): void => {
    if (r < 0) throw new Error(`${what}: ${String(prim.errno_atom(r))}`);
  };
  check('bind', prim.bind(fd, { family: 'inet', addr: a, port }));
  check('listen', prim.listen(fd, 5));
  return fd;
}

function accept_all(): void {
  for (;;) {
    const fd = prim.accept(listen_fd);
    if (fd < 0) return; // EAGAIN: the next edge brings the next connection
    const t = prim.new_token();
    if (prim.poll_add(fd, t) < 0) {
      prim.close(fd);
      continue;
    }
    fds.set(t, fd);
  }
}

function echo(token: number, fd: number): void {
  for (;;) {
    const n = prim.recv_at(fd, buf, 0, CHUNK, 0);
    if (n > 0) {
      prim.send_at(fd, buf, 0, n, 0);
      if (n < CHUNK) return;
      continue;
    }
    if (n !== prim.EAGAIN) {
      // EOF (0) or an error: the connection is done.
      fds.delete(token);
      prim.close(fd);
    }
    return;
  }
}

function on_batch(tokens: Uint32Array, _events: Uint32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const t = tokens[i]!;
    if (t === listener) accept_all();
    else {
      const fd = fds.get(t);
      if (fd !== undefined) echo(t, fd);
    }
  }
}

export function main(argv: string[]): void {
  let addr = '127.0.0.1';
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--addr' && i + 1 < argv.length) addr = argv[++i]!;
    else if (a === '--port' && i + 1 < argv.length) port = Number(argv[++i]);
    else throw new Error(`usage: prim_echo [--addr A] [--port P] (got ${a})`);
  }
  listen_fd = open_listener(addr, port);
  listener = prim.new_token();
  prim.poll_start(on_batch);
  if (prim.poll_add(listen_fd, listener) < 0) throw new Error('poll_add failed');
  const sa = prim.sockname(listen_fd);
  if (typeof sa === 'number') throw new Error(`sockname: ${String(prim.errno_atom(sa))}`);
  console.log(`listening ${addr} ${(sa as { port: number }).port}`);
  const stop = (): void => process.exit(0);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) main(process.argv.slice(2));
