// Encoding erlsock terms in the external term format (see docs/DISTRIBUTION.md for the mapping).
import { Pid, Ref } from '../runtime/terms';
import { RemotePid } from '../runtime/remote';
import { List, Float, BitString, ExtRef, ExtPort, Opaque } from './terms';
import { me, local_pid_out, local_ref_ids } from './identity';
import { EtfError, MAX_DEPTH, T, VERSION } from './etf_tags';


export class Writer {
  buf: Buffer;
  pos = 0;
  /**
   * Gathered output (a connection's queue): sealed pieces of buf and, in between, large
   * binaries themselves, in order. null: everything is copied into buf.
   */
  segs: Buffer[] | null = null;
  /** Where the bytes not yet sealed into segs start. */
  seal_start = 0;
  /** How many bytes have been sealed into segs (a packet's length spans pieces). */
  sealed = 0;
  /** A place that must follow buf when it grows (a packet's length field, written last). */
  mark_buf: Buffer | null = null;
  mark_at = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // Sealed bytes stay where they are (segs holds views of them): only the live tail moves.
    const from = this.seal_start;
    const live = this.pos - from;
    let size = from > 0 ? this.buf.length : this.buf.length * 2;
    while (size < live + n) size *= 2;
    const old = this.buf;
    const b = size >= 4096 ? Buffer.allocUnsafeSlow(size) : Buffer.allocUnsafe(size);
    old.copy(b, 0, from, this.pos);
    this.buf = b;
    this.pos = live;
    this.seal_start = 0;
    if (this.mark_buf === old && this.mark_at >= from) {
      this.mark_buf = b;
      this.mark_at -= from;
    }
  }
  /** Bytes written since the writer was made (or the count was reset), sealed or not. */
  total(): number {
    return this.sealed + this.pos - this.seal_start;
  }
  /** Moves the live bytes into segs (as a view: no copy). */
  seal(): void {
    if (this.segs === null || this.pos === this.seal_start) return;
    this.segs.push(this.buf.subarray(this.seal_start, this.pos));
    this.sealed += this.pos - this.seal_start;
    this.seal_start = this.pos;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }
  put(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
}

/**
 * Binaries at least this large go into a gathering writer's queue as they are (the socket
 * writes them from the sender's Buffer) instead of being copied: the copy, and the fresh
 * memory a burst of them would take, cost more than the extra write call.
 */
export const GATHER_MIN = 16384;

/** term_to_binary (uncompressed). */
export function encode(t: unknown): Buffer {
  const w = new Writer(64);
  encode_into(w, t);
  return w.buf.subarray(0, w.pos);
}

/** A Writer with `reserve` bytes left free at the front (for a packet header). */
export function writer(reserve = 0): Writer {
  const w = new Writer(256);
  w.pos = reserve;
  return w;
}

/** Appends 131 and the term. */
export function encode_into(w: Writer, t: unknown): void {
  w.u8(VERSION);
  put_term(w, t, 0);
}

/** Appends the term without the version byte (as after a distribution header). */
export function encode_bare_into(w: Writer, t: unknown): void {
  put_term(w, t, 0);
}

// Encoded atoms, by name: the same few atoms (node names, message tags) go out in every
// packet, and copying their bytes beats encoding UTF-8 each time. Bounded: atoms from the
// wire could be many.
const atom_cache = new Map<string, Buffer>();
const ATOM_CACHE_MAX = 4096;

function put_atom(w: Writer, s: string): void {
  let b = atom_cache.get(s);
  if (b === undefined) {
    b = atom_bytes(s);
    if (atom_cache.size < ATOM_CACHE_MAX) atom_cache.set(s, b);
  }
  const n = b.length;
  w.room(n);
  if (n < 16) for (let i = 0; i < n; i++) w.buf[w.pos + i] = b[i];
  else b.copy(w.buf, w.pos);
  w.pos += n;
}

function atom_bytes(s: string): Buffer {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > 255 && [...s].length > 255) throw new EtfError(`atom longer than 255 characters: ${s.slice(0, 40)}...`);
  const head = n < 256 ? 2 : 3;
  const b = Buffer.alloc(head + n);
  if (n < 256) {
    b[0] = T.SMALL_ATOM_UTF8;
    b[1] = n;
  } else {
    b[0] = T.ATOM_UTF8;
    b.writeUInt16BE(n, 1);
  }
  b.write(s, head, 'utf8');
  return b;
}

function put_int(w: Writer, v: number | bigint): void {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    if (v >= 0 && v < 256) {
      w.u8(T.SMALL_INTEGER);
      w.u8(v);
      return;
    }
    if (v >= -0x80000000 && v <= 0x7fffffff) {
      w.room(5);
      w.buf[w.pos++] = T.INTEGER;
      w.buf.writeInt32BE(v, w.pos);
      w.pos += 4;
      return;
    }
  }
  let b = BigInt(v);
  if (b >= -0x80000000n && b <= 0x7fffffffn) return put_int(w, Number(b));
  const sign = b < 0n ? 1 : 0;
  if (sign) b = -b;
  let hex = b.toString(16);
  if (hex.length & 1) hex = '0' + hex;
  const digits = Buffer.from(hex, 'hex').reverse();
  if (digits.length < 256) {
    w.u8(T.SMALL_BIG);
    w.u8(digits.length);
  } else {
    w.u8(T.LARGE_BIG);
    w.u32(digits.length);
  }
  w.u8(sign);
  w.put(digits);
}

function put_float(w: Writer, v: number): void {
  if (!Number.isFinite(v)) throw new EtfError(`cannot encode ${v}: Erlang floats are finite`);
  w.room(9);
  w.buf[w.pos++] = T.NEW_FLOAT;
  w.buf.writeDoubleBE(v, w.pos);
  w.pos += 8;
}

function put_pid(w: Writer, node: string, id: number, serial: number, creation: number): void {
  w.u8(T.NEW_PID);
  put_atom(w, node);
  w.u32(id);
  w.u32(serial);
  w.u32(creation);
}

function is_plain_object(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function put_term(w: Writer, t: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new EtfError(`term nested deeper than ${MAX_DEPTH} (or cyclic)`);
  switch (typeof t) {
    case 'string': return put_atom(w, t);
    case 'boolean': return put_atom(w, t ? 'true' : 'false');
    case 'number': return Number.isInteger(t) ? put_int(w, t) : put_float(w, t);
    case 'bigint': return put_int(w, t);
    case 'object': break;
    default: throw new EtfError(`cannot encode a JS ${typeof t}`);
  }
  if (t === null) throw new EtfError('cannot encode null');
  if (Array.isArray(t)) {
    const n = t.length;
    if (n < 256) {
      w.u8(T.SMALL_TUPLE);
      w.u8(n);
    } else {
      w.u8(T.LARGE_TUPLE);
      w.u32(n);
    }
    for (let i = 0; i < n; i++) put_term(w, t[i], depth + 1);
    return;
  }
  if (Buffer.isBuffer(t)) {
    if (w.segs !== null && t.length >= GATHER_MIN) {
      w.room(5);
      w.buf[w.pos++] = T.BINARY;
      w.buf.writeUInt32BE(t.length, w.pos);
      w.pos += 4;
      w.seal();
      w.segs.push(t);
      w.sealed += t.length;
      return;
    }
    w.room(5 + t.length);
    w.buf[w.pos++] = T.BINARY;
    w.buf.writeUInt32BE(t.length, w.pos);
    w.pos += 4;
    t.copy(w.buf, w.pos);
    w.pos += t.length;
    return;
  }
  if (t instanceof List) return put_list(w, t, depth);
  if (t instanceof Pid) {
    if (t instanceof RemotePid) return put_pid(w, t.node, t.id, t.serial, t.creation);
    local_pid_out(t);
    return put_pid(w, me.name, t.id, 0, me.creation);
  }
  if (t instanceof Ref) {
    const [node, creation, ids] = t instanceof ExtRef ? [t.node, t.creation, t.ids] : [me.name, me.creation, local_ref_ids(t)];
    w.u8(T.NEWER_REFERENCE);
    w.u16(ids.length);
    put_atom(w, node);
    w.u32(creation);
    for (const id of ids) w.u32(id);
    return;
  }
  if (t instanceof Float) return put_float(w, t.value);
  if (t instanceof Map) {
    w.u8(T.MAP);
    w.u32(t.size);
    for (const [k, v] of t) {
      put_term(w, k, depth + 1);
      put_term(w, v, depth + 1);
    }
    return;
  }
  if (t instanceof BitString) {
    w.u8(T.BIT_BINARY);
    w.u32(t.bytes.length);
    w.u8(t.last_bits);
    w.put(t.bytes);
    return;
  }
  if (t instanceof ExtPort) {
    if (t.id <= 0xffffffffn) {
      w.u8(T.NEW_PORT);
      put_atom(w, t.node);
      w.u32(Number(t.id));
    } else {
      w.u8(T.V4_PORT);
      put_atom(w, t.node);
      w.room(8);
      w.buf.writeBigUInt64BE(t.id, w.pos);
      w.pos += 8;
    }
    w.u32(t.creation);
    return;
  }
  if (t instanceof Opaque) return w.put(t.bytes);
  if (is_plain_object(t)) {
    const keys = Object.keys(t);
    w.u8(T.MAP);
    w.u32(keys.length);
    for (const k of keys) {
      put_atom(w, k);
      put_term(w, t[k], depth + 1);
    }
    return;
  }
  throw new EtfError(`cannot encode ${(t as object).constructor?.name ?? 'object'}`);
}

function put_list(w: Writer, l: List, depth: number): void {
  const items = l.items;
  const n = items.length;
  if (n === 0) {
    if (!l.proper) throw new EtfError('an improper list needs at least one element');
    w.u8(T.NIL);
    return;
  }
  if (l.proper && n < 65536 && items.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 256)) {
    w.room(3 + n);
    w.buf[w.pos++] = T.STRING;
    w.buf.writeUInt16BE(n, w.pos);
    w.pos += 2;
    for (let i = 0; i < n; i++) w.buf[w.pos++] = items[i] as number;
    return;
  }
  w.u8(T.LIST);
  w.u32(n);
  for (let i = 0; i < n; i++) put_term(w, items[i], depth + 1);
  if (l.proper) w.u8(T.NIL);
  else put_term(w, l.tail, depth + 1);
}

