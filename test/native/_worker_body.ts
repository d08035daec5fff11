// Worker body for worker.test.ts: a TCP round trip through this thread's own poller, then
// either leaves its sockets open (the addon must close them at teardown) or closes them.
import { parentPort, workerData } from 'worker_threads';
import * as fs from 'fs';
import * as p from '../../sockets/prim_socket';

const C = p.constants;
const mode = (workerData as { mode: string }).mode;

function inode(fd: number): string {
  return fs.readlinkSync(`/proc/self/fd/${fd}`);
}

const l = p.socket(C.AF_INET!, C.SOCK_STREAM!, 0);
p.bind(l, { family: 'inet', addr: 'loopback', port: 0 });
p.listen(l, 4);
const port = (p.sockname(l) as { port: number }).port;
const c = p.socket(C.AF_INET!, C.SOCK_STREAM!, 0);
const tl = p.new_token();
const tc = p.new_token();
let a = -1;
let ta = 0;
p.poll_start((tokens, _events, count) => {
  for (let i = 0; i < count; i++) {
    const t = tokens[i];
    if (t === tl && a < 0) {
      a = p.accept(l);
      if (a < 0) continue;
      ta = p.new_token();
      p.poll_add(a, ta);
      p.send(c, Buffer.from('from worker'), 0, 11, 0);
    } else if (t === ta) {
      const b = Buffer.alloc(32);
      const n = p.recv(a, b, 0, 32, 0);
      if (n <= 0) continue;
      const fds = [l, c, a];
      const inodes = fds.map(inode);
      if (mode === 'close') for (const fd of fds) p.close(fd);
      parentPort!.postMessage({ data: b.toString('latin1', 0, n), inodes, open: p.open_fds() });
      if (mode === 'exit') process.exit(0);
    }
  }
});
p.poll_add(l, tl);
p.poll_add(c, tc);
p.connect(c, { family: 'inet', addr: 'loopback', port });
