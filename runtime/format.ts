// Erlang's printed form of a term (~p without line breaks; ~P with a depth), for crash
// reports and messages. Bounded whatever the term holds: a cycle prints as '...', an object
// may print itself (FORMAT_TERM), and a character limit stops a huge term early, so that
// printing an exit reason that holds a socket or a 1 MB Buffer costs little.
import { Pid, Ref } from './terms';

/**
 * The well-known method an object implements to print itself: `[FORMAT_TERM](): string`.
 * A layer's opaque term (a socket prints as #Socket<N>) uses it so that printing it never
 * walks its internals. Symbol.for, so that any copy of the runtime agrees on it.
 */
export const FORMAT_TERM: unique symbol = Symbol.for('erlsock.format_term') as never;

export interface FormatOpts {
  /**
   * Erlang's ~P depth: each level of nesting and each further element of a tuple, list or
   * map costs one; what is beyond prints as '...' ({a,[1,2|...],b} at 5). Default: none.
   */
  depth?: number;
  /** Stop after about this many characters, ending with '...'. Default: none. */
  chars?: number;
}

/** How a crash report or an exit message prints a reason: ~P 30, at most 4 KB. */
export const REPORT_FORMAT: FormatOpts = { depth: 30, chars: 4096 };

const PLAIN_ATOM = /^[a-z][a-zA-Z0-9_@]*$/;

function atom(s: string): string {
  return PLAIN_ATOM.test(s) ? s : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Nesting beyond this prints as '...' even without a depth: JS values can nest without end. */
const MAX_NEST = 100;

class Printer {
  private out = '';
  /** The objects being printed, outermost first: one met again is a cycle. */
  private readonly open: object[] = [];

  constructor(private readonly chars: number) {}

  full(): boolean {
    return this.out.length >= this.chars;
  }

  put(s: string): void {
    this.out += s;
  }

  text(): string {
    return this.out.length > this.chars ? `${this.out.slice(0, this.chars)}...` : this.out;
  }

  /** Prints t within depth d (Infinity: no limit). */
  term(t: unknown, d: number): void {
    if (d === 0 || this.full()) return this.put('...');
    switch (typeof t) {
      case 'string':
        return this.put(atom(t));
      case 'number':
      case 'bigint':
      case 'boolean':
        return this.put(String(t));
      case 'undefined':
        return this.put('undefined');
      case 'symbol':
        return this.put(t.description === '_' ? "'_'" : String(t));
      case 'function':
        return this.put(`#Fun<${t.name || 'anonymous'}>`);
    }
    if (t === null) return this.put('null');
    if (t instanceof Pid || t instanceof Ref) return this.put(t.toString());
    const self_printed = (t as { [FORMAT_TERM]?: unknown })[FORMAT_TERM];
    if (typeof self_printed === 'function') return this.put(self_print(t as object, self_printed));
    if (Buffer.isBuffer(t)) return this.binary(t, d);
    if (t instanceof Error) return this.put(`#${t.name}<${JSON.stringify(short(t.message))}>`);
    const o = t as object;
    if (this.open.includes(o) || this.open.length >= MAX_NEST) return this.put('...');
    this.open.push(o);
    const mark = this.out.length;
    try {
      if (Array.isArray(o)) this.seq('{', o, '}', ',', d);
      else if (o instanceof Map) this.pairs('#{', Array.from(o.entries()), d);
      else {
        const proto = Object.getPrototypeOf(o) as object | null;
        const plain = proto === null || proto === Object.prototype;
        const name = plain ? '' : (proto as { constructor?: { name?: string } }).constructor?.name || 'Object';
        this.pairs(`#${name}{`, Object.keys(o).map((k) => [k, (o as Record<string, unknown>)[k]]), d);
      }
    } catch {
      // A getter or a Proxy that throws: printing must not (it runs in crash reports).
      this.out = `${this.out.slice(0, mark)}#Term<>`;
    } finally {
      this.open.pop();
    }
  }

  /**
   * A tuple as io_lib writes it with a depth: the first element at d - 1, then each further
   * one a level less, and '...' once the level reaches 1 ({a,b,...} at 3).
   */
  private seq(open: string, items: readonly unknown[], close: string, sep: string, d: number): void {
    if (items.length === 0) return this.put(`${open}${close}`);
    if (d === 1) return this.put(`${open}...${close}`);
    this.put(open);
    this.term(items[0], d - 1);
    let tail = d - 1;
    for (let i = 1; i < items.length; i++) {
      if (tail === 1 || this.full()) {
        this.put(`${sep}...`);
        break;
      }
      this.put(sep);
      this.term(items[i], tail - 1);
      tail--;
    }
    this.put(close);
  }

  /** A map: every key and value at d - 1, and '...' after d - 1 pairs (#{a => 1,b => 2,...} at 3). */
  private pairs(open: string, kvs: Array<[unknown, unknown]>, d: number): void {
    if (kvs.length === 0) return this.put(`${open}}`);
    if (d === 1) return this.put(`${open}...}`);
    const d0 = d - 1;
    this.put(open);
    let body = d0;
    for (let i = 0; i < kvs.length; i++) {
      if (i > 0) {
        if (body === 1 || this.full()) {
          this.put(',...');
          break;
        }
        this.put(',');
        body--;
      }
      const [k, v] = kvs[i];
      if (typeof k === 'string') this.put(atom(k));
      else this.term(k, d0);
      this.put(' => ');
      this.term(v, d0);
    }
    this.put('}');
  }

  /** A binary: at depth d, its first (d - 1) * 4 characters, or d - 1 bytes, as io_lib. */
  private binary(b: Buffer, d: number): void {
    if (d === 1) return this.put('<<...>>');
    const printable = b.length > 0 && b.every((x) => x >= 32 && x < 127);
    const room = Math.max(16, this.chars - this.out.length);
    if (printable) {
      const n = Math.min(b.length, (d - 1) * 4, room);
      const s = JSON.stringify(b.toString('latin1', 0, n));
      return this.put(n < b.length ? `<<${s}...>>` : `<<${s}>>`);
    }
    const n = Math.min(b.length, d - 1, room);
    const bytes = Array.from(b.subarray(0, n)).join(',');
    this.put(n < b.length ? `<<${bytes},...>>` : `<<${bytes}>>`);
  }
}

function short(s: string): string {
  return s.length > 1000 ? `${s.slice(0, 1000)}...` : s;
}

function self_print(t: object, fn: Function): string {
  try {
    const s: unknown = fn.call(t);
    return typeof s === 'string' ? short(s) : '#Term<>';
  } catch {
    return '#Term<>';
  }
}

/** t as Erlang prints it; opts bound it as ~P does (see FormatOpts). */
export function format_term(t: unknown, opts?: FormatOpts): string {
  const depth = opts?.depth;
  const p = new Printer(opts?.chars ?? Infinity);
  p.term(t, depth === undefined || !(depth > 0) ? Infinity : Math.floor(depth));
  return p.text();
}
