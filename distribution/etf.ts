// The external term format (term_to_binary/binary_to_term, and the distribution's payloads).
// Decoding never trusts a length: every size is checked against the bytes left before
// anything is allocated, nesting is bounded, and any fault is an EtfError (never a crash).
import { inflateSync } from 'zlib';
import { Pid, Ref } from '../runtime/terms';
import { RemotePid } from '../runtime/remote';
import { List, NIL_TAIL, Float, BitString, ExtRef, ExtPort, Opaque } from './terms';
import { me, local_pid_out, local_ref_ids, pid_in, ref_in } from './identity';

export class EtfError extends Error {
  override name = 'EtfError';
}

/** Deepest nesting of tuples, lists' elements, maps accepted either way. */
export const MAX_DEPTH = 1000;
/** Largest uncompressed size accepted for a compressed term. */
export const MAX_INFLATED = 64 * 1024 * 1024;

const T = {
  NEW_FLOAT: 70, BIT_BINARY: 77, ATOM_CACHE_REF: 82, COMPRESSED: 80, NEW_PID: 88, NEW_PORT: 89,
  NEWER_REFERENCE: 90, SMALL_INTEGER: 97, INTEGER: 98, FLOAT: 99, ATOM: 100, REFERENCE: 101,
  PORT: 102, PID: 103, SMALL_TUPLE: 104, LARGE_TUPLE: 105, NIL: 106, STRING: 107, LIST: 108,
  BINARY: 109, SMALL_BIG: 110, LARGE_BIG: 111, NEW_FUN: 112, EXPORT: 113, NEW_REFERENCE: 114,
  SMALL_ATOM: 115, MAP: 116, ATOM_UTF8: 118, SMALL_ATOM_UTF8: 119, V4_PORT: 120,
} as const;

const VERSION = 131;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// ================= decode =================

class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  need(n: number): void {
    if (n > this.end - this.pos) throw new EtfError(`truncated term at byte ${this.pos}: need ${n}, have ${this.end - this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

/** Decodes one term starting with the version byte 131 at buf[start]; returns the term and where it ended. */
export function decode_at(buf: Buffer, start = 0, end = buf.length): [unknown, number] {
  try {
    return decode_checked(buf, start, end);
  } catch (e) {
    // A caller already deep in its own stack can run out before MAX_DEPTH: still a clear error.
    if (e instanceof RangeError && /call stack/.test(e.message)) throw new EtfError('term nested too deep for the stack');
    throw e;
  }
}

function decode_checked(buf: Buffer, start: number, end: number): [unknown, number] {
  const r = new Reader(buf, start, end);
  if (r.u8() !== VERSION) throw new EtfError('bad version byte (expected 131)');
  if (r.pos < end && buf[r.pos] === T.COMPRESSED) {
    r.pos++;
    const size = r.u32();
    if (size > MAX_INFLATED) throw new EtfError(`compressed term too large: ${size} bytes`);
    let raw: Buffer;
    try {
      raw = inflateSync(r.buf.subarray(r.pos, end), { maxOutputLength: Math.max(size, 1) });
    } catch (e) {
      throw new EtfError(`bad compressed term: ${(e as Error).message}`);
    }
    if (raw.length !== size) throw new EtfError('compressed term has the wrong size');
    const inner = new Reader(raw, 0, raw.length);
    const t = term(inner, 0);
    if (inner.pos !== raw.length) throw new EtfError('trailing bytes in compressed term');
    return [t, end];
  }
  return [term(r, 0), r.pos];
}

/** binary_to_term: exactly one term, nothing after it. */
export function decode(buf: Buffer): unknown {
  const [t, end] = decode_at(buf);
  if (end !== buf.length) throw new EtfError(`${buf.length - end} trailing bytes after the term`);
  return t;
}

function atom_text(r: Reader, n: number, is_utf8: boolean): string {
  const b = r.bytes(n);
  let s: string;
  if (is_utf8) {
    try {
      s = utf8.decode(b);
    } catch {
      throw new EtfError('atom is not valid UTF-8');
    }
  } else s = b.toString('latin1');
  if (n > 255 && [...s].length > 255) throw new EtfError('atom longer than 255 characters');
  return s;
}

function atom_value(s: string): unknown {
  return s === 'true' ? true : s === 'false' ? false : s;
}

/** An atom where the format requires one (node names, fun/export parts). */
function atom_only(r: Reader): string {
  const tag = r.u8();
  switch (tag) {
    case T.ATOM: return atom_text(r, r.u16(), false);
    case T.SMALL_ATOM: return atom_text(r, r.u8(), false);
    case T.ATOM_UTF8: return atom_text(r, r.u16(), true);
    case T.SMALL_ATOM_UTF8: return atom_text(r, r.u8(), true);
    default: throw new EtfError(`expected an atom, got tag ${tag}`);
  }
}

function big(r: Reader, n: number): number | bigint {
  const sign = r.u8();
  if (sign > 1) throw new EtfError('bad bignum sign');
  const d = r.bytes(n);
  // Through hex text: linear, where shifting a BigInt byte by byte is quadratic.
  let v = n === 0 ? 0n : BigInt('0x' + Buffer.from(d).reverse().toString('hex'));
  if (sign === 1) v = -v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function float_value(v: number): number | Float {
  if (!Number.isFinite(v)) throw new EtfError('float is not finite');
  return Number.isInteger(v) ? new Float(v) : v;
}

function term(r: Reader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new EtfError(`term nested deeper than ${MAX_DEPTH}`);
  const tag = r.u8();
  switch (tag) {
    case T.SMALL_INTEGER: return r.u8();
    case T.INTEGER: {
      r.need(4);
      const v = r.buf.readInt32BE(r.pos);
      r.pos += 4;
      return v;
    }
    case T.SMALL_BIG: return big(r, r.u8());
    case T.LARGE_BIG: return big(r, r.u32());
    case T.NEW_FLOAT: {
      r.need(8);
      const v = r.buf.readDoubleBE(r.pos);
      r.pos += 8;
      return float_value(v);
    }
    case T.FLOAT: {
      const s = r.bytes(31).toString('latin1').replace(/\0+$/, '');
      if (!/^[-+]?\d+\.\d+e[-+]?\d+$/.test(s)) throw new EtfError('bad FLOAT_EXT text');
      return float_value(parseFloat(s));
    }
    case T.ATOM: return atom_value(atom_text(r, r.u16(), false));
    case T.SMALL_ATOM: return atom_value(atom_text(r, r.u8(), false));
    case T.ATOM_UTF8: return atom_value(atom_text(r, r.u16(), true));
    case T.SMALL_ATOM_UTF8: return atom_value(atom_text(r, r.u8(), true));
    case T.SMALL_TUPLE: return tuple(r, r.u8(), depth);
    case T.LARGE_TUPLE: return tuple(r, r.u32(), depth);
    case T.NIL: return new List([]);
    case T.STRING: {
      const b = r.bytes(r.u16());
      return new List(Array.from(b));
    }
    case T.LIST: return list(r, depth);
    case T.BINARY: return r.bytes(r.u32());
    case T.BIT_BINARY: {
      const n = r.u32();
      const bits = r.u8();
      if (bits < 1 || bits > 8 || n === 0) throw new EtfError('bad bitstring size');
      const b = r.bytes(n);
      return bits === 8 ? b : new BitString(b, bits);
    }
    case T.MAP: return map(r, depth);
    case T.PID: {
      const node = atom_only(r);
      const id = r.u32();
      const serial = r.u32();
      return pid_in(node, id, serial, r.u8());
    }
    case T.NEW_PID: {
      const node = atom_only(r);
      const id = r.u32();
      const serial = r.u32();
      return pid_in(node, id, serial, r.u32());
    }
    case T.REFERENCE: {
      const node = atom_only(r);
      const id = r.u32();
      return ref_in(node, r.u8(), [id]);
    }
    case T.NEW_REFERENCE:
    case T.NEWER_REFERENCE: {
      const n = r.u16();
      if (n < 1 || n > 5) throw new EtfError(`reference with ${n} ids`);
      const node = atom_only(r);
      const creation = tag === T.NEW_REFERENCE ? r.u8() : r.u32();
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(r.u32());
      return ref_in(node, creation, ids);
    }
    case T.PORT: {
      const node = atom_only(r);
      const id = r.u32();
      return new ExtPort(node, BigInt(id), r.u8());
    }
    case T.NEW_PORT: {
      const node = atom_only(r);
      const id = r.u32();
      return new ExtPort(node, BigInt(id), r.u32());
    }
    case T.V4_PORT: {
      const node = atom_only(r);
      r.need(8);
      const id = r.buf.readBigUInt64BE(r.pos);
      r.pos += 8;
      return new ExtPort(node, id, r.u32());
    }
    case T.NEW_FUN: {
      const start = r.pos - 1;
      const size = r.u32();
      if (size < 4) throw new EtfError('bad fun size');
      r.pos = start + 1;
      r.bytes(size); // the size counts itself
      return new Opaque(Buffer.from(r.buf.subarray(start, start + 1 + size)));
    }
    case T.EXPORT: {
      const start = r.pos - 1;
      atom_only(r);
      atom_only(r);
      if (r.u8() !== T.SMALL_INTEGER) throw new EtfError('bad export arity');
      r.u8();
      return new Opaque(Buffer.from(r.buf.subarray(start, r.pos)));
    }
    case T.ATOM_CACHE_REF: throw new EtfError('atom cache reference outside a distribution header');
    default: throw new EtfError(`unknown term tag ${tag}`);
  }
}

function tuple(r: Reader, n: number, depth: number): unknown[] {
  r.need(n); // each element takes at least one byte
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = term(r, depth + 1);
  return out;
}

function list(r: Reader, depth: number): List {
  const items: unknown[] = [];
  // A tail that is itself a list continues this one (the same term); loop, not recurse.
  for (;;) {
    const n = r.u32();
    r.need(n + 1);
    for (let i = 0; i < n; i++) items.push(term(r, depth + 1));
    if (r.buf[r.pos] === T.LIST && r.pos < r.end) {
      r.pos++;
      continue;
    }
    const tail = term(r, depth + 1);
    if (tail instanceof List) {
      for (const x of tail.items) items.push(x);
      return new List(items, tail.tail);
    }
    if (items.length === 0) throw new EtfError('LIST_EXT with no elements and a non-list tail');
    return new List(items, tail);
  }
}

function map(r: Reader, depth: number): Record<string, unknown> | Map<unknown, unknown> {
  const n = r.u32();
  r.need(n * 2);
  const keys = new Array<unknown>(n);
  const vals = new Array<unknown>(n);
  let all_atoms = true;
  for (let i = 0; i < n; i++) {
    keys[i] = term(r, depth + 1);
    vals[i] = term(r, depth + 1);
    if (typeof keys[i] !== 'string') all_atoms = false;
  }
  if (all_atoms) {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const k = keys[i] as string;
      if (Object.prototype.hasOwnProperty.call(o, k)) throw new EtfError(`duplicate map key ${k}`);
      Object.defineProperty(o, k, { value: vals[i], enumerable: true, writable: true, configurable: true });
    }
    return o;
  }
  const m = new Map<unknown, unknown>();
  for (let i = 0; i < n; i++) m.set(keys[i], vals[i]);
  return m;
}

// ================= encode =================

class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
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

export type { Writer };

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

export { NIL_TAIL };
