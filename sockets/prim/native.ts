// Loads the addon (build/Release/erlsock_native.node) and types its raw surface. Only
// prim_socket.ts and its helpers in sockets/prim/ import this file.
//
// The raw surface speaks numbers and bytes only: sockaddrs go in as encoded bytes and come
// back through the per-environment scratch area; every call returns >= 0 or -errno.
import * as path from 'path';

/** Fixed offsets into the scratch area (the addon's `constants` carries the same values). */
export interface NativeAddon {
  /** Numeric constants from the C headers: AF_*, SOCK_*, IPPROTO_*, SOL_*, SO_*, IP_*,
   *  IPV6_*, TCP_*, UDP_*, MSG_*, SHUT_*, IFF_*, EPOLL*, AI_*, EAI_*, and layout facts
   *  (CMSG_HDR, CMSG_ALIGN, SCRATCH_*). */
  readonly constants: Readonly<Record<string, number>>;
  /** This environment's out-area: the last returned sockaddr, its length, msg flags, an
   *  int option value. Overwritten by the next call; read it at once. */
  readonly scratch: ArrayBuffer;

  socket(domain: number, type: number, protocol: number): number;
  dup(fd: number): number;
  set_nonblock(fd: number): number;
  bind(fd: number, addr: Uint8Array, addrlen: number): number;
  listen(fd: number, backlog: number): number;
  accept(fd: number): number;
  connect(fd: number, addr: Uint8Array, addrlen: number): number;
  connect_result(fd: number): number;
  recv(fd: number, buf: Uint8Array, off: number, len: number, flags: number): number;
  recvfrom(fd: number, buf: Uint8Array, off: number, len: number, flags: number): number;
  recvmsg(fd: number, buf: Uint8Array, off: number, len: number, ctrl: Uint8Array | null, flags: number): number;
  send(fd: number, buf: Uint8Array, off: number, len: number, flags: number): number;
  /** recv and send with fd, off, len, flags in io_args[0..3] and the result left in io_args[4]. */
  recv_a(buf: Uint8Array): void;
  send_a(buf: Uint8Array): void;
  /** Five int32 slots (an ArrayBuffer of 20 bytes) for recv_a and send_a. */
  io_args: ArrayBuffer;
  /** Registers the read slab, which recv_s and send_s read into and write from (held until replaced). */
  slab_set(ab: ArrayBuffer): void;
  /** recv_a and send_a in the registered slab: io_args[1] is the offset in it. */
  recv_s(): void;
  send_s(): void;
  sendto(fd: number, buf: Uint8Array, off: number, len: number, flags: number, addr: Uint8Array, addrlen: number): number;
  sendmsg(fd: number, iov: Uint8Array[], addr: Uint8Array | null, addrlen: number, ctrl: Uint8Array | null, flags: number): number;
  shutdown(fd: number, how: number): number;
  close(fd: number): number;
  getsockname(fd: number): number;
  getpeername(fd: number): number;
  setsockopt_int(fd: number, level: number, opt: number, value: number): number;
  setsockopt_bytes(fd: number, level: number, opt: number, value: Uint8Array): number;
  getsockopt_int(fd: number, level: number, opt: number): number;
  getsockopt_bytes(fd: number, level: number, opt: number, out: Uint8Array): number;

  getifaddrs(): number | [string, number, Buffer | null, Buffer | null, Buffer | null][];
  gethostname(): number | string;
  if_nametoindex(name: string): number;
  if_indextoname(index: number): number | string;
  if_nameindex(): number | [number, string][];
  /** [family, type, protocol, addr bytes, canonname] rows, or [eai code, errno]. */
  getaddrinfo(host: string | null, service: string | null, family: number, type: number,
    protocol: number, flags: number): [number, number] | [number, number, number, Buffer, string | null][];

  poll_start(handler: (tokens: Uint32Array, events: Uint32Array, count: number) => void): number;
  poll_add(fd: number, token: number): number;
  poll_del(fd: number): number;
  /** Sets the busy-wait budget before the loop sleeps (integer microseconds, 0 = none), the
   *  largest batch it follows and the most fds registered while it spins; returns the
   *  previous budget. RangeError outside 0..1,000,000. */
  poll_spin(us: number, max_batch: number, max_registered: number): number;
  /** [spins, spins that ended with a socket or the loop's backend ready, nanoseconds spent spinning]. */
  poll_spin_stats(): [number, number, number];
  /** [times the loop slept in the poller's wait, nanoseconds it slept there, times the wait's
   *  timerfd was armed for the loop's next timer]. */
  poll_wait_stats(): [number, number, number];
  /** Descriptors this environment opened and has not closed (for tests and teardown). */
  open_fds(): number;
}

function load(): NativeAddon {
  // dist/sockets/prim/native.js → <root>/build/Release; also works from the source tree.
  const candidates = [
    path.join(__dirname, '..', '..', '..', 'build', 'Release', 'erlsock_native.node'),
    path.join(__dirname, '..', '..', 'build', 'Release', 'erlsock_native.node'),
  ];
  let last: unknown;
  for (const file of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(file) as NativeAddon;
    } catch (e) {
      last = e;
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  throw new Error(`erlsock: the native addon is not built (run \`npx node-gyp rebuild\`): ${String(last)}`);
}

export const native: NativeAddon = load();
export const K: Readonly<Record<string, number>> = native.constants;

/** A constant by name; a missing one is a build bug, so it throws at load time. */
export function k(name: string): number {
  const v = K[name];
  if (v === undefined) throw new Error(`erlsock: native constant ${name} missing`);
  return v;
}
