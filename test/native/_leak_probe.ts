// Run by native/valgrind.sh: every kind of native call, `rounds` times, then exit. Two
// runs with different round counts show whether any native allocation grows with the
// number of operations (it must not).
import * as p from '../../sockets/prim_socket';

const C = p.constants;
const rounds = Number(process.argv[2] ?? 100);

function check(r: number, what: string): number {
  if (r < 0 && r !== p.EAGAIN && r !== p.EINPROGRESS) throw new Error(`${what}: ${p.errno_atom(r)}`);
  return r;
}

async function main(): Promise<void> {
  let events = 0;
  const handler = (_t: Uint32Array, _e: Uint32Array, count: number): void => { events += count; };
  p.poll_start(handler);
  const buf = Buffer.alloc(256);
  for (let i = 0; i < rounds; i++) {
    const l = check(p.socket(C.AF_INET!, C.SOCK_STREAM!, 0), 'socket');
    check(p.bind(l, { family: 'inet', addr: 'loopback' }), 'bind');
    check(p.listen(l, 4), 'listen');
    const port = (p.sockname(l) as { port: number }).port;
    const c = check(p.socket(C.AF_INET!, C.SOCK_STREAM!, 0), 'socket');
    check(p.poll_add(c, p.new_token()), 'poll_add');
    check(p.connect(c, { family: 'inet', addr: 'loopback', port }), 'connect');
    await new Promise((r) => setImmediate(r));
    const a = check(p.accept(l), 'accept');
    check(p.poll_add(a, p.new_token()), 'poll_add');
    check(p.connect_result(c), 'connect_result');
    check(p.send(c, buf, 0, 64, 0), 'send');
    check(p.sendmsg(c, [buf.subarray(0, 10), buf.subarray(10, 20)], undefined, undefined, 0), 'sendmsg');
    check(p.recv(a, buf, 0, 64, 0), 'recv');
    p.slab_set(new ArrayBuffer(256)); // a new slab each round: the last one's reference goes
    check(p.send_slab(c, 0, 16, 0), 'send_slab');
    check(p.recv_slab(a, 16, 16, 0), 'recv_slab'); // 16 of the 36 bytes queued: recvmsg takes the rest
    const m = p.recvmsg(a, 64, 64, 0);
    if (typeof m === 'number') check(m, 'recvmsg');
    p.peername(a);
    p.getopt(a, p.OPTIONS.socket!.linger!);
    p.setopt_value(a, p.OPTIONS.tcp!.nodelay!, true);
    p.getopt(a, p.OPTIONS.tcp!.congestion!);
    const u = check(p.socket(C.AF_INET6!, C.SOCK_DGRAM!, 0), 'socket');
    check(p.bind(u, { family: 'inet6', addr: 'loopback' }), 'bind');
    const up = (p.sockname(u) as { port: number }).port;
    check(p.sendto(u, buf, 0, 8, 0, { family: 'inet6', addr: 'loopback', port: up }), 'sendto');
    check(p.recvfrom(u, buf, 0, 8, 0), 'recvfrom');
    p.last_addr();
    const d = check(p.dup(u), 'dup');
    check(p.set_nonblock(d), 'set_nonblock');
    check(p.connect(d, { family: 'inet6', addr: 'loopback', port: up }), 'connect');
    check(p.connect(d, { family: 'unspec' }), 'connect unspec');
    check(p.close(d), 'close');
    if (i % 10 === 0) {
      p.getifaddrs();
      p.if_nameindex();
      p.if_indextoname(1);
      p.if_nametoindex('lo');
      p.gethostname();
      p.getaddrinfo('localhost', '80');
    }
    check(p.poll_del(a), 'poll_del');
    p.shutdown(c, p.SHUT_RDWR);
    for (const fd of [a, c, l, u]) check(p.close(fd), 'close');
  }
  // Misuse paths allocate nothing that survives them.
  for (let i = 0; i < 10; i++) {
    try { p.recv(-1, buf, 10, 1000, 0); } catch { /* RangeError */ }
    try { p.sendmsg(-1, [1 as unknown as Buffer], undefined, undefined, 0); } catch { /* TypeError */ }
  }
  p.poll_stop(handler);
  console.log(JSON.stringify({ rounds, events, open: p.open_fds() }));
}

void main();
