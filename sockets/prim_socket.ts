// prim_socket: the only door to the native addon. Numbers and bytes below, atoms and maps
// above; no policy (sockets/socket.ts validates arguments and decides what errors mean).
//
// RESULTS. Every syscall returns a number: >= 0 is success (an fd, a byte count, 0), < 0
// is -errno. `errno_atom(r)` names it ('eagain', 'econnrefused', ...; the one table is
// sockets/prim/errno.ts). Calls that return data return the data or a negative number.
// Exceptions only for misuse: wrong argument types, an offset/length outside the buffer,
// or a sockaddr that cannot be encoded (check first with `encode_sockaddr`).
//
// SOCKETS are plain fds, created non-blocking and close-on-exec (SOCK_NONBLOCK|SOCK_CLOEXEC,
// accept4). Every send carries MSG_NOSIGNAL. `close(fd)` deregisters from the poller first
// and only closes fds this Node environment opened (socket, accept, or received with
// SCM_RIGHTS; -EBADF otherwise); fds still open when the environment (main thread or
// Worker) exits are closed by the addon.
//
//   socket(domain, type, protocol) → fd          domain_num('inet'), type_num('stream'), protocol_num('tcp')
//   dup(fd) → fd                                 F_DUPFD_CLOEXEC, set O_NONBLOCK (shared with the
//                                                original: a file-description flag); the new fd is owned
//   set_nonblock(fd) → 0                         O_NONBLOCK on an fd used as is (not owned: close → -EBADF)
//   bind(fd, sa) / connect(fd, sa) → 0           connect: -EINPROGRESS is the normal start;
//   connect_result(fd) → 0 | -errno              ... then on EV_OUT, SO_ERROR finishes it
//   listen(fd, backlog) → 0
//   accept(fd) → fd                              peer address: last_addr()
//   recv(fd, buf, off, len, flags) → n           reads straight into buf[off..off+len); 0 = EOF
//   recvfrom(fd, buf, off, len, flags) → n       source address: last_addr() (unspec on TCP)
//   recvmsg(fd, bufsz, ctrlsz, flags) → RecvMsg | -errno   raw cmsgs {level, type, data}
//   send(fd, buf, off, len, flags) → n           n < len is a partial write
//   recv_at / send_at(fd, buf, off, len, flags)  the same, numbers through the io_args slots
//   slab_set(ab); recv_slab / send_slab(fd, off, len, flags)   the same in a registered
//                                                ArrayBuffer (the read slab), no Buffer argument
//   sendto(fd, buf, off, len, flags, sa) → n
//   sendmsg(fd, iov, sa | undefined, cmsgs | undefined, flags) → n
//   shutdown(fd, how) → 0                        how: SHUT_RD | SHUT_WR | SHUT_RDWR
//   close(fd) → 0
//   sockname(fd) / peername(fd) → SockAddr | -errno
//   getopt_int(fd, level, opt) → {int} | -errno; getopt_bytes(fd, level, opt, size) → Buffer | -errno
//   setopt(fd, level, opt, {int} | {bytes}) → 0
//   OPTIONS[level][name] → {level, opt, shape}; encode_opt(shape, v) / decode_opt(shape, raw)
//   getopt(fd, spec) → value | -errno; setopt_value(fd, spec, v) → 0 | -errno | undefined (bad value)
//
// NET: gethostname() → string | -errno; getifaddrs() → IfAddr[] | -errno;
//   if_nametoindex(name) → index | -errno (-ENODEV unknown); if_indextoname(i) → name | -errno;
//   if_nameindex() → [index, name][] | -errno; getaddrinfo(host, service, hints) → AddrInfo[] |
//   {error: atom} (blocking, runs on the calling thread).
//
// POLLER (one epoll per Node environment; while it holds any fd, the loop sleeps in it, and it
// holds libuv's own epoll fd too, so the loop's other handles still wake it):
//   poll_start(handler)    adds a batch handler; poll_stop(handler) removes it. Usually there
//                          is one (the socket layer); if several coexist (tests beside it),
//                          each sees every batch and ignores tokens it does not know.
//   poll_add(fd, token)    registers fd ONCE, edge-triggered, read and write interest both
//                          (EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET): each change is reported
//                          once (new data arriving, send room freed, connect done, peer
//                          closing), never again for the same state; so after a short read
//                          or EAGAIN the next edge comes with the next data. Registration
//                          itself reports the current readiness.
//   poll_del(fd)           deregisters (close does it too)
//   new_token()            a token that never repeats in this environment (32-bit counter)
//   poll_spin(us, max_batch, max_registered) → previous   busy-wait budget before the loop
//                          sleeps, 0..1e6 microseconds (0 = never spin): after a batch of at
//                          most max_batch events, with at most max_registered fds registered,
//                          a loop turn that would block first
//                          polls the poller's set (timeout 0) until something is ready or the
//                          budget (capped by the next timer) runs out; once per batch, so an
//                          idle loop spins once and sleeps. Policy: sockets/busy_wait.ts.
//   poll_spin_stats() → {spins, ready, ns}   how often it spun, how often that found work
//   poll_wait_stats() → {waits, ns, timer_arms}   how often, and how long in all, the loop slept
//                          in the poller; how often it armed its timerfd for libuv's next timer
// Once per batch of readiness (one wait of the loop; up to 16 in one loop turn while libuv has
// nothing due), the handler is called ONCE:
//   handler(tokens: Uint32Array, events: Uint32Array, count: number)
// entries 0..count-1 are (token, event bits); bits are EV_IN, EV_OUT, EV_ERR, EV_HUP, EV_RDHUP.
// The arrays are reused (and may be replaced by bigger ones): read them inside the handler.
// A token whose socket was closed earlier in the same batch may still appear: look tokens
// up and ignore unknown ones; since tokens never repeat, a new socket on the same fd
// number never sees them. The poller keeps Node alive only while some fd is registered.
// With no handler installed, batches are drained and dropped (their edges are lost).
// Bits worth knowing (epoll(7), tcp_poll): every event carries all current readiness bits,
// not only the new one; a TCP socket that is not connected (fresh, or after a failed
// connect) reports EV_OUT|EV_HUP, so EV_HUP means "peer gone" only on a connected socket.
//
// `poll_batch_t0` exists for bench/poller.ts; the socket layer needs none. The other
// benchmark probes live in their own addon (bench/_probes.ts), not in this one.
import { native, k, K } from './prim/native';
import { errno_atom, errno_number, EAGAIN, EINPROGRESS } from './prim/errno';
import { encode_sockaddr, decode_sockaddr, SOCKADDR_MAX } from './prim/sockaddr';
import type { SockAddr, SockAddrIn } from './prim/sockaddr';
import { OPTIONS, encode_opt, decode_opt, shape_size } from './prim/opt_table';
import type { OptSpec, OptShape, RawOpt, OptValue } from './prim/opt_table';
import { fast_exports } from '../runtime/fast_exports';

export { errno_atom, errno_number, EAGAIN, EINPROGRESS };
export { encode_sockaddr, decode_sockaddr, SOCKADDR_MAX, OPTIONS, encode_opt, decode_opt, shape_size };
export type { SockAddr, SockAddrIn, OptSpec, OptShape, RawOpt, OptValue };
export type { InetAddr, Inet6Addr } from './prim/sockaddr';

/** Raw numeric constants from the C headers (AF_*, SOCK_*, SO_*, MSG_*, IFF_*, ...). */
export const constants: Readonly<Record<string, number>> = K;

// ---- names ↔ numbers ---------------------------------------------------------------

function table(pairs: [string, string][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const [name, c] of pairs) { const v = K[c]; if (v !== undefined) m.set(name, v); }
  return m;
}
function reverse(m: Map<string, number>): Map<number, string> {
  const r = new Map<number, string>();
  for (const [name, v] of m) if (!r.has(v)) r.set(v, name);
  return r;
}

const DOMAINS = table([['inet', 'AF_INET'], ['inet6', 'AF_INET6'], ['local', 'AF_UNIX'], ['unspec', 'AF_UNSPEC'], ['packet', 'AF_PACKET']]);
const TYPES = table([['stream', 'SOCK_STREAM'], ['dgram', 'SOCK_DGRAM'], ['raw', 'SOCK_RAW'], ['seqpacket', 'SOCK_SEQPACKET'], ['rdm', 'SOCK_RDM']]);
const PROTOCOLS = table([
  ['default', 'IPPROTO_IP'], ['ip', 'IPPROTO_IP'], ['tcp', 'IPPROTO_TCP'], ['udp', 'IPPROTO_UDP'], ['icmp', 'IPPROTO_ICMP'],
  ['igmp', 'IPPROTO_IGMP'], ['ipv6', 'IPPROTO_IPV6'], ['ipv6-icmp', 'IPPROTO_ICMPV6'], ['icmpv6', 'IPPROTO_ICMPV6'],
  ['sctp', 'IPPROTO_SCTP'], ['raw', 'IPPROTO_RAW'], ['udplite', 'IPPROTO_UDPLITE'],
  ['IP', 'IPPROTO_IP'], ['TCP', 'IPPROTO_TCP'], ['UDP', 'IPPROTO_UDP'], ['ICMP', 'IPPROTO_ICMP'], ['IPv6', 'IPPROTO_IPV6'], ['SCTP', 'IPPROTO_SCTP'],
]);
const LEVELS = table([['socket', 'SOL_SOCKET'], ['ip', 'IPPROTO_IP'], ['ipv6', 'IPPROTO_IPV6'], ['tcp', 'IPPROTO_TCP'], ['udp', 'IPPROTO_UDP']]);
const MSG_FLAGS = table([
  ['cmsg_cloexec', 'MSG_CMSG_CLOEXEC'], ['confirm', 'MSG_CONFIRM'], ['ctrunc', 'MSG_CTRUNC'], ['dontroute', 'MSG_DONTROUTE'],
  ['eor', 'MSG_EOR'], ['errqueue', 'MSG_ERRQUEUE'], ['more', 'MSG_MORE'], ['nosignal', 'MSG_NOSIGNAL'], ['oob', 'MSG_OOB'],
  ['peek', 'MSG_PEEK'], ['trunc', 'MSG_TRUNC'], ['waitall', 'MSG_WAITALL'],
]);
const IFF = table([
  ['up', 'IFF_UP'], ['broadcast', 'IFF_BROADCAST'], ['debug', 'IFF_DEBUG'], ['loopback', 'IFF_LOOPBACK'],
  ['pointopoint', 'IFF_POINTOPOINT'], ['notrailers', 'IFF_NOTRAILERS'], ['running', 'IFF_RUNNING'], ['noarp', 'IFF_NOARP'],
  ['promisc', 'IFF_PROMISC'], ['allmulti', 'IFF_ALLMULTI'], ['master', 'IFF_MASTER'], ['slave', 'IFF_SLAVE'],
  ['multicast', 'IFF_MULTICAST'], ['portsel', 'IFF_PORTSEL'], ['automedia', 'IFF_AUTOMEDIA'], ['dynamic', 'IFF_DYNAMIC'],
]);
const DOMAIN_NAMES = reverse(DOMAINS);
const TYPE_NAMES = reverse(TYPES);
const PROTOCOL_NAMES = reverse(PROTOCOLS);
const LEVEL_NAMES = reverse(LEVELS);

/** Name → number, or undefined for a name the platform lacks. Numbers pass through. */
export const domain_num = (d: string | number): number | undefined => (typeof d === 'number' ? d : DOMAINS.get(d));
export const type_num = (t: string | number): number | undefined => (typeof t === 'number' ? t : TYPES.get(t));
export const protocol_num = (p: string | number): number | undefined => (typeof p === 'number' ? p : PROTOCOLS.get(p));
export const level_num = (l: string | number): number | undefined => (typeof l === 'number' ? l : LEVELS.get(l));
/** Number → name, or the number itself when it has no name. */
export const domain_name = (n: number): string | number => DOMAIN_NAMES.get(n) ?? n;
export const type_name = (n: number): string | number => TYPE_NAMES.get(n) ?? n;
export const protocol_name = (n: number): string | number => PROTOCOL_NAMES.get(n) ?? n;
export const level_name = (n: number): string | number => LEVEL_NAMES.get(n) ?? n;

/** ['peek', 'oob'] → MSG_PEEK|MSG_OOB; the first unknown name comes back as {invalid: name}. */
export function msg_flags_num(flags: readonly string[]): number | { invalid: unknown } {
  let n = 0;
  for (const f of flags) {
    const v = typeof f === 'string' ? MSG_FLAGS.get(f) : undefined;
    if (v === undefined) return { invalid: f };
    n |= v;
  }
  return n;
}
/** MSG_* bits → names (bits without a name are dropped). */
export function msg_flags_names(n: number): string[] {
  const out: string[] = [];
  for (const [name, v] of MSG_FLAGS) if (v !== 0 && (n & v) === v) out.push(name);
  return out;
}
/** IFF_* bits → names. */
export function if_flags_names(n: number): string[] {
  const out: string[] = [];
  for (const [name, v] of IFF) if ((n & v) === v) out.push(name);
  return out;
}

export const SHUT_RD = k('SHUT_RD');
export const SHUT_WR = k('SHUT_WR');
export const SHUT_RDWR = k('SHUT_RDWR');
export const EV_IN = k('EPOLLIN');
export const EV_OUT = k('EPOLLOUT');
export const EV_ERR = k('EPOLLERR');
export const EV_HUP = k('EPOLLHUP');
export const EV_RDHUP = k('EPOLLRDHUP');

// ---- the scratch out-area ------------------------------------------------------------

const SCRATCH = Buffer.from(native.scratch);
const SCRATCH_I32 = new Int32Array(native.scratch);
const I_ADDRLEN = k('SCRATCH_ADDRLEN') >> 2;
const I_MSGFLAGS = k('SCRATCH_MSGFLAGS') >> 2;
const I_INT = k('SCRATCH_INT') >> 2;
const ADDR_OUT = Buffer.alloc(SOCKADDR_MAX + 2);

/** The sockaddr the last accept/recvfrom/recvmsg/sockname/peername wrote. */
export function last_addr(): SockAddr {
  return decode_sockaddr(SCRATCH, 0, SCRATCH_I32[I_ADDRLEN]!);
}

function addr(sa: SockAddrIn | SockAddr): number {
  const len = encode_sockaddr(sa, ADDR_OUT);
  if (len < 0) throw new TypeError(`prim_socket: not an encodable sockaddr: ${String(JSON.stringify(sa))}`);
  return len;
}

// ---- syscalls --------------------------------------------------------------------------

export const socket = (domain: number, type: number, protocol: number): number => native.socket(domain, type, protocol);
export const dup = (fd: number): number => native.dup(fd);
export const set_nonblock = (fd: number): number => native.set_nonblock(fd);
export const bind = (fd: number, sa: SockAddrIn | SockAddr): number => native.bind(fd, ADDR_OUT, addr(sa));
export const listen = (fd: number, backlog: number): number => native.listen(fd, backlog);
export const accept = (fd: number): number => native.accept(fd);
export const connect = (fd: number, sa: SockAddrIn | SockAddr): number => native.connect(fd, ADDR_OUT, addr(sa));
export const connect_result = (fd: number): number => native.connect_result(fd);
/** Reads into buf[off..off+len). The hot path: a direct addon call. */
export const recv: (fd: number, buf: Uint8Array, off: number, len: number, flags: number) => number = native.recv;
export const recvfrom: (fd: number, buf: Uint8Array, off: number, len: number, flags: number) => number = native.recvfrom;
/** Writes buf[off..off+len) (MSG_NOSIGNAL added). The hot path: a direct addon call. */
export const send: (fd: number, buf: Uint8Array, off: number, len: number, flags: number) => number = native.send;

// recv_at and send_at: recv and send for callers whose numbers are already integers in
// range (sockets/io.ts). The numbers go through the addon's io_args slots and only the
// Buffer is an argument: Node-API converts each number argument and the result with calls
// of their own. The Buffer and the range are checked in the addon as for recv and send.
const IO = new Int32Array(native.io_args);
const recv_a = native.recv_a;
const send_a = native.send_a;
/** The call's numbers into the slots (inlined into each caller by the optimizing compiler). */
function slots(fd: number, off: number, len: number, flags: number): void {
  IO[0] = fd;
  IO[1] = off;
  IO[2] = len;
  IO[3] = flags;
}
/** recv(fd, buf, off, len, flags) for int32 arguments. */
export function recv_at(fd: number, buf: Uint8Array, off: number, len: number, flags: number): number {
  slots(fd, off, len, flags);
  recv_a(buf);
  return IO[4]!;
}
/** send(fd, buf, off, len, flags) for int32 arguments. */
export function send_at(fd: number, buf: Uint8Array, off: number, len: number, flags: number): number {
  slots(fd, off, len, flags);
  send_a(buf);
  return IO[4]!;
}

// recv_slab and send_slab: recv_at and send_at in the read slab that slab_set registered
// (sockets/read_slab.ts), with off counted from the start of its ArrayBuffer. No argument
// crosses: the addon reaches the slab through the reference slab_set made, which costs it
// less than a Buffer argument's checks (native/src/hot_io.cc). The range is checked there.
const recv_s = native.recv_s;
const send_s = native.send_s;
/** Makes ab the slab recv_slab and send_slab use (the addon holds it until the next call). */
export const slab_set = (ab: ArrayBuffer): void => native.slab_set(ab);
/** recv(fd, slab, off, len, flags) for int32 arguments. */
export function recv_slab(fd: number, off: number, len: number, flags: number): number {
  slots(fd, off, len, flags);
  recv_s();
  return IO[4]!;
}
/** send(fd, slab, off, len, flags) for int32 arguments. */
export function send_slab(fd: number, off: number, len: number, flags: number): number {
  slots(fd, off, len, flags);
  send_s();
  return IO[4]!;
}
export const sendto = (fd: number, buf: Uint8Array, off: number, len: number, flags: number, sa: SockAddrIn | SockAddr): number =>
  native.sendto(fd, buf, off, len, flags, ADDR_OUT, addr(sa));
export const shutdown = (fd: number, how: number): number => native.shutdown(fd, how);
export const close = (fd: number): number => native.close(fd);

export function sockname(fd: number): SockAddr | number {
  const r = native.getsockname(fd);
  return r < 0 ? r : last_addr();
}
export function peername(fd: number): SockAddr | number {
  const r = native.getpeername(fd);
  return r < 0 ? r : last_addr();
}

// ---- control messages --------------------------------------------------------------------

/** One control message, raw: the socket layer decodes known (level, type) pairs itself. */
export interface Cmsg { level: number; type: number; data: Buffer }
export interface RecvMsg { n: number; data: Buffer; addr: SockAddr; ctrl: Cmsg[]; flags: number }

const CMSG_HDR = k('CMSG_HDR');
const CMSG_ALIGN = k('CMSG_ALIGN');
const cmsg_align = (n: number): number => (n + CMSG_ALIGN - 1) & ~(CMSG_ALIGN - 1);
/** CMSG_SPACE(n): the room one control message of n data bytes takes. */
export const cmsg_space = (n: number): number => CMSG_HDR + cmsg_align(n);

/** Parses `len` bytes of control data (struct cmsghdr list: size_t len, int level, int type). */
export function decode_cmsgs(buf: Buffer, len: number): Cmsg[] {
  const out: Cmsg[] = [];
  let off = 0;
  while (off + CMSG_HDR <= len) {
    const clen = Number(buf.readBigUInt64LE(off));
    if (clen < CMSG_HDR || off + clen > len) break;
    out.push({ level: buf.readInt32LE(off + 8), type: buf.readInt32LE(off + 12), data: Buffer.from(buf.subarray(off + CMSG_HDR, off + clen)) });
    off += cmsg_align(clen);
  }
  return out;
}
export function encode_cmsgs(list: readonly Cmsg[]): Buffer {
  let size = 0;
  for (const c of list) size += cmsg_space(c.data.length);
  const b = Buffer.alloc(size);
  let off = 0;
  for (const c of list) {
    b.writeBigUInt64LE(BigInt(CMSG_HDR + c.data.length), off);
    b.writeInt32LE(c.level, off + 8);
    b.writeInt32LE(c.type, off + 12);
    c.data.copy(b, off + CMSG_HDR);
    off += cmsg_space(c.data.length);
  }
  return b;
}

/** recvmsg with a fresh bufsz-byte Buffer (returned sliced to n, not copied) and ctrlsz bytes of control room. */
export function recvmsg(fd: number, bufsz: number, ctrlsz: number, flags: number): RecvMsg | number {
  const data = Buffer.allocUnsafe(bufsz);
  const ctrl = ctrlsz > 0 ? Buffer.alloc(ctrlsz) : null;
  const n = native.recvmsg(fd, data, 0, bufsz, ctrl, flags);
  if (n < 0) return n;
  const sa = last_addr();
  const clen = SCRATCH.readInt32LE(k('SCRATCH_CTRLLEN'));
  return { n, data: data.subarray(0, Math.min(n, bufsz)), addr: sa, ctrl: ctrl ? decode_cmsgs(ctrl, clen) : [], flags: SCRATCH_I32[I_MSGFLAGS]! };
}

export function sendmsg(fd: number, iov: readonly Uint8Array[], sa: SockAddrIn | SockAddr | undefined,
  ctrl: readonly Cmsg[] | undefined, flags: number): number {
  const alen = sa === undefined ? 0 : addr(sa);
  const cbuf = ctrl === undefined || ctrl.length === 0 ? null : encode_cmsgs(ctrl);
  return native.sendmsg(fd, iov as Uint8Array[], alen > 0 ? ADDR_OUT : null, alen, cbuf, flags);
}

// ---- options --------------------------------------------------------------------------------

export function getopt_int(fd: number, level: number, opt: number): { int: number } | number {
  const r = native.getsockopt_int(fd, level, opt);
  return r < 0 ? r : { int: SCRATCH_I32[I_INT]! };
}
export function getopt_bytes(fd: number, level: number, opt: number, size: number): Buffer | number {
  const b = Buffer.alloc(size);
  const r = native.getsockopt_bytes(fd, level, opt, b);
  return r < 0 ? r : b.subarray(0, r);
}
export function setopt(fd: number, level: number, opt: number, v: RawOpt): number {
  return 'int' in v ? native.setsockopt_int(fd, level, opt, v.int) : native.setsockopt_bytes(fd, level, opt, v.bytes);
}
/** getsockopt of a table entry, decoded by its shape. */
export function getopt(fd: number, spec: OptSpec): OptValue | number {
  const size = shape_size(spec.shape);
  const r = size === 0 ? getopt_int(fd, spec.level, spec.opt) : getopt_bytes(fd, spec.level, spec.opt, size);
  if (typeof r === 'number') return r;
  return decode_opt(spec.shape, Buffer.isBuffer(r) ? r : r.int);
}
/** setsockopt of a table entry; undefined when `v` does not fit the shape. */
export function setopt_value(fd: number, spec: OptSpec, v: unknown): number | undefined {
  const raw = encode_opt(spec.shape, v);
  return raw === undefined ? undefined : setopt(fd, spec.level, spec.opt, raw);
}

// ---- net ---------------------------------------------------------------------------------------

export interface IfAddr { name: string; flags: string[]; addr?: SockAddr; netmask?: SockAddr; broadaddr?: SockAddr }

export function gethostname(): string | number { return native.gethostname(); }
export function getifaddrs(): IfAddr[] | number {
  const rows = native.getifaddrs();
  if (typeof rows === 'number') return rows;
  return rows.map(([name, flags, a, m, b]) => {
    const e: IfAddr = { name, flags: if_flags_names(flags) };
    if (a) e.addr = decode_sockaddr(a, 0, a.length);
    if (m) e.netmask = decode_sockaddr(m, 0, m.length);
    if (b) e.broadaddr = decode_sockaddr(b, 0, b.length);
    return e;
  });
}
export const if_nametoindex = (name: string): number => native.if_nametoindex(name);
export const if_indextoname = (index: number): string | number => native.if_indextoname(index);
export const if_nameindex = (): [number, string][] | number => native.if_nameindex();

export interface AddrInfoHints { family?: number; type?: number; protocol?: number; flags?: number }
export interface AddrInfo { family: number; type: number; protocol: number; addr: SockAddr; canonname?: string }
const EAI = table([
  ['eaddrfamily', 'EAI_ADDRFAMILY'], ['again', 'EAI_AGAIN'], ['badflags', 'EAI_BADFLAGS'], ['fail', 'EAI_FAIL'],
  ['family', 'EAI_FAMILY'], ['memory', 'EAI_MEMORY'], ['nodata', 'EAI_NODATA'], ['noname', 'EAI_NONAME'],
  ['service', 'EAI_SERVICE'], ['socktype', 'EAI_SOCKTYPE'], ['overflow', 'EAI_OVERFLOW'],
]);
const EAI_NAMES = reverse(EAI);
const EAI_SYSTEM = K.EAI_SYSTEM;

/** getaddrinfo(3), blocking. Errors: {error: 'noname' | 'again' | ... | an errno atom (EAI_SYSTEM)}. */
export function getaddrinfo(host: string | undefined, service: string | undefined, hints: AddrInfoHints = {}):
  AddrInfo[] | { error: string } {
  const r = native.getaddrinfo(host ?? null, service ?? null, hints.family ?? 0, hints.type ?? 0, hints.protocol ?? 0, hints.flags ?? 0);
  if (r.length === 2 && typeof r[0] === 'number') {
    const [code, errno] = r as [number, number];
    if (code === EAI_SYSTEM) return { error: errno_atom(errno) };
    return { error: EAI_NAMES.get(code) ?? `eai_${code}` };
  }
  return (r as [number, number, number, Buffer, string | null][]).map(([family, type, protocol, a, canon]) => {
    const e: AddrInfo = { family, type, protocol, addr: decode_sockaddr(a, 0, a.length) };
    if (canon !== null) e.canonname = canon;
    return e;
  });
}

// ---- poller --------------------------------------------------------------------------------------

export type PollHandler = (tokens: Uint32Array, events: Uint32Array, count: number) => void;
const handlers: PollHandler[] = [];
function dispatch(tokens: Uint32Array, events: Uint32Array, count: number): void {
  for (const h of handlers.slice()) h(tokens, events, count);
}
// One handler is installed directly, so the common case costs no extra call per batch.
function install(): number {
  return native.poll_start(handlers.length === 1 ? handlers[0]! : dispatch);
}
export function poll_start(handler: PollHandler): number {
  if (typeof handler !== 'function') throw new TypeError('prim_socket: poll_start needs a function');
  if (!handlers.includes(handler)) handlers.push(handler);
  return install();
}
export function poll_stop(handler: PollHandler): void {
  const i = handlers.indexOf(handler);
  if (i >= 0) handlers.splice(i, 1);
  install();
}
export const poll_add = (fd: number, token: number): number => native.poll_add(fd, token);
export const poll_del = (fd: number): number => native.poll_del(fd);
export const poll_spin = (us: number, max_batch: number, max_registered: number): number =>
  native.poll_spin(us, max_batch, max_registered);
export function poll_spin_stats(): { spins: number; ready: number; ns: number } {
  const [spins, ready, ns] = native.poll_spin_stats();
  return { spins, ready, ns };
}
/**
 * How often, and for how many ns in all, the loop has slept in the poller's wait; and how
 * often the wait armed its timerfd for the loop's next timer (native/src/wait_timer.cc).
 */
export function poll_wait_stats(): { waits: number; ns: number; timer_arms: number } {
  const [waits, ns, timer_arms] = native.poll_wait_stats();
  return { waits, ns, timer_arms };
}
let next_token = 0;
/** A fresh token: 1, 2, 3, ... (4 billion per environment before it would wrap). */
export function new_token(): number {
  next_token = (next_token + 1) >>> 0;
  if (next_token === 0) throw new Error('prim_socket: poller tokens exhausted');
  return next_token;
}
const POLL_T0 = new BigUint64Array(native.scratch, k('SCRATCH_POLL_T0'), 1);
/** When the batch being delivered began in native code (process.hrtime.bigint() clock). */
export const poll_batch_t0 = (): bigint => POLL_T0[0]!;
/** How many fds this environment has open through the addon. */
export const open_fds = (): number => native.open_fds();

// Re-exported names leave this module's exports in dictionary mode: see fast_exports.
fast_exports(module.exports as object);
