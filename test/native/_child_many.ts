// Child process for many.test.ts (run under `ulimit -n 20000`): N UDP sockets open and
// registered at once; one datagram to each; every one must report readable.
import * as p from '../../sockets/prim_socket';

const C = p.constants;
const N = Number(process.argv[2] ?? 10000);
const fds: number[] = [];
const ports: number[] = [];
const token_of = new Map<number, number>();
for (let i = 0; i < N; i++) {
  const fd = p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0);
  if (fd < 0) { console.log(JSON.stringify({ error: `socket ${i}: ${p.errno_atom(fd)}` })); process.exit(1); }
  p.bind(fd, { family: 'inet', addr: 'loopback', port: 0 });
  fds.push(fd);
  ports.push((p.sockname(fd) as { port: number }).port);
}
const tx = p.socket(C.AF_INET!, C.SOCK_DGRAM!, 0);
const readable = new Set<number>();
// Every event carries all current readiness bits, so count distinct tokens.
const writable = new Set<number>();
let batches = 0;
let max_batch = 0;
let sent = false;
const start = Date.now();
p.poll_start((tokens, events, count) => {
  batches++;
  max_batch = Math.max(max_batch, count);
  for (let i = 0; i < count; i++) {
    if (events[i]! & p.EV_OUT) writable.add(tokens[i]!);
    if (events[i]! & p.EV_IN) readable.add(tokens[i]!);
  }
  if (!sent && writable.size >= N) {
    sent = true;
    const b = Buffer.from('x');
    for (const port of ports) p.sendto(tx, b, 0, 1, 0, { family: 'inet', addr: 'loopback', port });
  }
  if (readable.size === N) {
    let bad = 0;
    for (const fd of fds) if (p.close(fd) !== 0) bad++;
    p.close(tx);
    console.log(JSON.stringify({ n: N, writable: writable.size, readable: readable.size, batches, max_batch, bad, open: p.open_fds(), ms: Date.now() - start }));
  }
});
for (const fd of fds) {
  const t = p.new_token();
  token_of.set(t, fd);
  p.poll_add(fd, t);
}
