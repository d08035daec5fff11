// Where socket reads land, for socket:recv (sockets/io.ts) and for the active-mode reads of
// gen_tcp and gen_udp (sockets/readiness.ts) alike. Up to SLAB_READ bytes (the default read
// size, {otp, rcvbuf}'s 8192), a read goes straight into a shared slab and comes back as a
// view of exactly the bytes read: no copy, one Buffer made. The next read starts after it
// while the slab has room for a whole read, so a kept 64-byte message keeps its 32 KiB slab
// alive, as a Buffer.allocUnsafe(64) keeps Node's 8 KiB pool alive. Larger reads land in a
// scratch area and are copied out at their exact size: a short read for a large Length costs
// what came, not what was asked. Reads run one at a time on the loop's thread, so one slab
// serves them all.
//
// Buffer from node:buffer, not the global: Node defines globalThis.Buffer as a getter, so
// every bare `Buffer.x` in a hot path is a global load plus a getter call.
import { Buffer } from 'node:buffer';
import { markAsUntransferable } from 'node:worker_threads';
import * as prim from './prim_socket';

// The class Node's own Buffers are made with (Buffer[Symbol.species] is Node's FastBuffer):
// `new` of it over the slab is what Buffer.from(arrayBuffer, offset, length) does once its
// argument checks are done, checks that take() has no need of (the offsets are its own),
// and they were a third of take()'s instructions. Should a Node ever answer something else,
// Buffer.from serves.
type SlabView = new (ab: ArrayBufferLike, offset: number, length: number) => Buffer;
const species: unknown = (Buffer as unknown as Record<symbol, unknown>)[Symbol.species];
const View: SlabView = typeof species === 'function' && is_buffer_class(species as SlabView)
  ? (species as SlabView)
  : (class { constructor(ab: ArrayBufferLike, offset: number, length: number) { return Buffer.from(ab, offset, length); } } as unknown as SlabView);

function is_buffer_class(c: SlabView): boolean {
  try {
    const b = new c(new ArrayBuffer(2), 1, 1);
    return Buffer.isBuffer(b) && Object.getPrototypeOf(b) === Buffer.prototype && b.byteOffset === 1 && b.length === 1;
  } catch {
    return false;
  }
}

const SLAB = 32768;
const SLAB_READ = 8192;
// The current slab, its ArrayBuffer and offset (kept with it: .buffer and .byteOffset are
// getters on the typed array prototype, which each take() would otherwise call), and how much
// of it reads have used. All set by new_slab().
let slab!: Buffer;
let slab_ab!: ArrayBuffer;
let slab_off = 0;
let slab_used = 0;
let scratch: Buffer | null = null;
// The Buffer the last take() made in the current slab, and its offset in the slab's
// ArrayBuffer (send_from); null once the slab is replaced.
let last: Buffer | null = null;
let last_at = 0;
new_slab();

/** Where the read that read_into prepared goes: into `buf`, at offset `at`. */
export const landing: { buf: Buffer; at: number } = { buf: slab, at: 0 };

/**
 * Starts a fresh slab. It is registered with the addon, which reads into it and writes from
 * it without a Buffer argument (prim_socket recv_slab / send_slab), and it is untransferable
 * as Node's own Buffer pool is: a program that posts a received message's .buffer in a
 * transfer list to a Worker sends a copy, and the slab the next reads land in is not
 * detached under them.
 */
function new_slab(): void {
  slab = Buffer.allocUnsafeSlow(SLAB);
  slab_ab = slab.buffer as ArrayBuffer; // allocUnsafeSlow: never a SharedArrayBuffer
  slab_off = slab.byteOffset;
  slab_used = 0;
  last = null;
  markAsUntransferable(slab_ab);
  prim.slab_set(slab_ab);
}

/** Prepares landing for a read of up to want bytes. */
export function read_into(want: number): void {
  if (want <= SLAB_READ) {
    if (SLAB - slab_used < want) new_slab();
    landing.buf = slab;
    landing.at = slab_used;
    return;
  }
  if (scratch === null || scratch.length < want) scratch = Buffer.allocUnsafeSlow(Math.max(want, 65536));
  landing.buf = scratch;
  landing.at = 0;
}

/** recv(fd) of up to want bytes into landing, as read_into prepared it: n or -errno. */
export function recv_landing(fd: number, want: number, flags: number): number {
  return landing.buf === slab
    ? prim.recv_slab(fd, slab_off + landing.at, want, flags)
    : prim.recv_at(fd, landing.buf, landing.at, want, flags);
}

/**
 * send(fd) of buf[off..off+len): from the slab without a Buffer argument when buf is the
 * Buffer the last read made (an echo of what was just read), else as prim.send_at. Known by
 * identity: asking a Buffer for its ArrayBuffer (.buffer) is a call into V8's C++ that cost
 * more than the slab path saves.
 */
export function send_from(fd: number, buf: Buffer, off: number, len: number, flags: number): number {
  return buf === last
    ? prim.send_slab(fd, last_at + off, len, flags)
    : prim.send_at(fd, buf, off, len, flags);
}

/** The n bytes just read into landing, as a Buffer of their own size. */
export function take(n: number): Buffer {
  const at = landing.at;
  if (landing.buf === slab) {
    const out = new View(slab_ab, slab_off + at, n);
    slab_used = (at + n + 7) & ~7; // the next read starts 8-aligned after this one
    last = out;
    last_at = slab_off + at;
    return out;
  }
  const out = Buffer.allocUnsafe(n);
  landing.buf.copy(out, 0, 0, n);
  return out;
}
