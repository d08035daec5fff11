// The probe addon (build/Release/erlsock_probes.node, the `erlsock_probes` target of
// binding.gyp, built beside the shipped addon by `node-gyp rebuild`): benchmark probes the
// socket layer never loads. See native/src/probes.cc and thread_probe.cc.
import * as path from 'path';

export interface Probes {
  /** recv's argument decoding and result, without the syscall. */
  nop_recv(fd: number, buf: Uint8Array, off: number, len: number, flags: number): number;
  /** A C syscall loop run inside this process (op 0 send, 1 recv, 2 recv expecting EAGAIN)
   *  → ns, or -errno on a surprise result. */
  bench_loop(op: number, fd: number, buf: Uint8Array, len: number, count: number): number;
  /** The other poller design: a thread blocked in epoll_wait, batches through a
   *  thread-safe function. One per process. */
  thread_probe_start(handler: (tokens: Uint32Array, count: number, t0: bigint) => void): number;
  thread_probe_add(fd: number, token: number): number;
  thread_probe_kick(): number;
  thread_probe_stop(): number;
}

function load(): Probes {
  // dist/bench/_probes.js → <root>/build/Release; also works from the source tree.
  const file = path.join(__dirname, '..', '..', 'build', 'Release', 'erlsock_probes.node');
  const alt = path.join(__dirname, '..', 'build', 'Release', 'erlsock_probes.node');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Probes;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(alt) as Probes;
  }
}

export const probes: Probes = load();
