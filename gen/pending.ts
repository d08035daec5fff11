// The bytes a GenSocket has read and not yet delivered. Appending copies into spare room
// of a buffer this module allocated (doubling), so a packet collected from many reads (a
// long line, a large {packet, 4} body) costs linear copying, not quadratic. Delivered
// packets are views of that buffer; appends only write past the bytes still pending, so
// they never change a delivered packet.
import type { GenSocket } from './gen_socket';

// Buffers allocated here: only their spare room may be written (a pooled Buffer's may not).
const owned = new WeakSet<ArrayBufferLike>();

/** Below this a packet is collected by plain concatenation (no spare room kept). */
const GROW_FROM = 65536;

/** Appends data to g.pending. Returns the length pending had before (where new bytes begin). */
export function append(g: GenSocket, data: Buffer): number {
  const p = g.pending;
  if (p === null) {
    g.pending = data;
    return 0;
  }
  const old = p.length;
  const n = old + data.length;
  const ab = p.buffer;
  if (owned.has(ab) && p.byteOffset + n <= ab.byteLength) {
    const room = Buffer.from(ab, p.byteOffset, n);
    data.copy(room, old);
    g.pending = room;
    return old;
  }
  const size = n < GROW_FROM ? n : n * 2;
  const nb = Buffer.allocUnsafeSlow(size);
  if (size > n) owned.add(nb.buffer);
  p.copy(nb, 0);
  data.copy(nb, old);
  g.pending = nb.subarray(0, n);
  return old;
}
