// Decoding the external term format. Never trusts a length: every size is checked against
// the bytes left before anything is allocated, nesting is bounded, and any fault is an
// EtfError (never a crash).
import { inflateSync } from 'zlib';
import { List, Float, BitString, ExtPort, Opaque } from './terms';
import { pid_in, ref_in } from './identity';
import { EtfError, MAX_DEPTH, MAX_INFLATED, T, VERSION } from './etf_tags';
import { encode_bare_into, writer } from './etf_encode';

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos: number;
  /** the atoms a distribution header's cache references name, by index (null: no header) */
  refs: string[] | null = null;
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
    case T.ATOM_CACHE_REF: return cached_atom(r);
    default: throw new EtfError(`expected an atom, got tag ${tag}`);
  }
}

function cached_atom(r: Reader): string {
  const i = r.u8();
  if (r.refs === null) throw new EtfError('atom cache reference outside a distribution header');
  if (i >= r.refs.length) throw new EtfError(`atom cache reference ${i} past the header's ${r.refs.length}`);
  return r.refs[i];
}

/**
 * A term after a distribution header (no version byte), whose ATOM_CACHE_REFs index refs.
 * Returns the term and where it ended.
 */
export function decode_dist_term(buf: Buffer, start: number, end: number, refs: string[]): [unknown, number] {
  const r = new Reader(buf, start, end);
  r.refs = refs;
  try {
    return [term(r, 0), r.pos];
  } catch (e) {
    if (e instanceof RangeError && /call stack/.test(e.message)) throw new EtfError('term nested too deep for the stack');
    throw e;
  }
}

/**
 * Reads a distribution header (after 131, 68) at buf[start], updating the connection's atom
 * cache (2048 entries, 8 segments of 256) with new entries; returns the header's atom
 * references by index and where the header ended.
 */
export function decode_dist_header(buf: Buffer, start: number, end: number, cache: Array<string | undefined>): [string[], number] {
  const r = new Reader(buf, start, end);
  const n = r.u8();
  const refs: string[] = [];
  if (n === 0) return [refs, r.pos];
  const flags = r.bytes((n >> 1) + 1);
  const long_atoms = ((flags[n >> 1] >> ((n & 1) * 4)) & 1) === 1;
  for (let i = 0; i < n; i++) {
    const f = (flags[i >> 1] >> ((i & 1) * 4)) & 0xf;
    const slot = ((f & 7) << 8) | r.u8();
    if ((f & 8) !== 0) {
      const len = long_atoms ? r.u16() : r.u8();
      const text = atom_text(r, len, true);
      cache[slot] = text;
      refs.push(text);
    } else {
      const known = cache[slot];
      if (known === undefined) throw new EtfError(`atom cache slot ${slot} used before it was set`);
      refs.push(known);
    }
  }
  return [refs, r.pos];
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
    case T.BINARY: {
      // A view of the packet, but a small binary from a large read is copied, as the BEAM
      // copies binaries of up to 64 bytes: holding it must not hold the whole read.
      const b = r.bytes(r.u32());
      return b.length <= 64 && r.buf.length > 65536 ? Buffer.from(b) : b;
    }
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
      const end = start + 1 + size;
      r.need(size - 4);
      if (r.refs === null) {
        r.pos = end;
        return new Opaque(Buffer.from(r.buf.subarray(start, end)));
      }
      return fun_without_cache_refs(r, start, end, depth);
    }
    case T.EXPORT: {
      const start = r.pos - 1;
      const m = atom_only(r);
      const f = atom_only(r);
      if (r.u8() !== T.SMALL_INTEGER) throw new EtfError('bad export arity');
      const arity = r.u8();
      if (r.refs === null) return new Opaque(Buffer.from(r.buf.subarray(start, r.pos)));
      const w = writer(0);
      w.u8(T.EXPORT);
      encode_bare_into(w, m);
      encode_bare_into(w, f);
      w.u8(T.SMALL_INTEGER);
      w.u8(arity);
      return new Opaque(Buffer.from(w.buf.subarray(0, w.pos)));
    }
    case T.ATOM_CACHE_REF: return atom_value(cached_atom(r));
    default: throw new EtfError(`unknown term tag ${tag}`);
  }
}

/**
 * A fun that came after a distribution header: its atoms may be cache references, which
 * mean nothing outside that packet, so it is kept re-encoded with plain atoms.
 */
function fun_without_cache_refs(r: Reader, start: number, end: number, depth: number): Opaque {
  r.pos = start + 5;
  const fixed = r.bytes(1 + 16 + 4); // Arity, Uniq, Index
  const num_free = r.u32();
  const parts: unknown[] = [atom_only(r)]; // Module
  for (let i = 0; i < 3 + num_free; i++) parts.push(term(r, depth + 1)); // OldIndex, OldUniq, Pid, FreeVars
  if (r.pos !== end) throw new EtfError('fun size does not match its contents');
  const w = writer(0);
  w.u8(T.NEW_FUN);
  w.u32(0);
  w.put(fixed);
  w.u32(num_free);
  for (const p of parts) encode_bare_into(w, p);
  w.buf.writeUInt32BE(w.pos - 1, 1);
  return new Opaque(Buffer.from(w.buf.subarray(0, w.pos)));
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

