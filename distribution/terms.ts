// The terms that erlsock's in-memory model cannot tell apart on the wire, each given a class
// (see docs/DISTRIBUTION.md, "Terms on the wire"):
//   - a list is a List (a tuple is a JS array), so [1,2] and {1,2} stay different;
//   - a float whose value is integral is a Float (1.0 must not come back as the integer 1);
//   - a bitstring whose size is not whole bytes is a BitString (whole bytes are Buffers);
//   - a ref from another node is an ExtRef, a port an ExtPort, a fun or export an Opaque.
import { inspect } from 'util';
import { Ref } from '../runtime/terms';

/** An Erlang list: items, and the tail (NIL for a proper list). */
export class List {
  constructor(
    readonly items: unknown[],
    readonly tail: unknown = NIL_TAIL,
  ) {}

  get proper(): boolean {
    return this.tail === NIL_TAIL;
  }

  /** The characters of a charlist (a proper list of code points). */
  to_string(): string {
    return String.fromCodePoint(...(this.items as number[]));
  }

  toString(): string {
    const inner = this.items.map(String).join(',');
    return this.proper ? `[${inner}]` : `[${inner}|${String(this.tail)}]`;
  }
}

/** The tail of a proper list (Erlang's []); never seen by users except as List.tail. */
export const NIL_TAIL: unique symbol = Symbol('[]');

/** Erlang's []. */
export const nil = (): List => new List([]);

/** A proper list of the given items. */
export function list(...items: unknown[]): List {
  return new List(items);
}

/** An Erlang string (a charlist): the list of s's code points. */
export function charlist(s: string): List {
  return new List(Array.from(s, (c) => c.codePointAt(0) as number));
}

/** A float. Only needed when the value is integral: other JS non-integers are floats already. */
export class Float {
  constructor(readonly value: number) {}

  valueOf(): number {
    return this.value;
  }

  toString(): string {
    return Number.isInteger(this.value) ? this.value.toFixed(1) : String(this.value);
  }
}

/** A bitstring of `bits` bits (not a whole number of bytes): the last byte holds the rest, high bits first. */
export class BitString {
  constructor(
    readonly bytes: Buffer,
    /** bits used in the last byte, 1..7 */
    readonly last_bits: number,
  ) {}

  get bits(): number {
    return (this.bytes.length - 1) * 8 + this.last_bits;
  }
}

/** A reference made on another node (or by an earlier run of this one). */
export class ExtRef extends Ref {
  constructor(
    readonly node: string,
    readonly creation: number,
    readonly ids: readonly number[],
  ) {
    super();
  }

  override toString(): string {
    return `#Ref<${this.node}.${[...this.ids].reverse().join('.')}>`;
  }

  override [inspect.custom](): string {
    return this.toString();
  }
}

/** A port (of any node): only carried, never used. */
export class ExtPort {
  constructor(
    readonly node: string,
    readonly id: bigint,
    readonly creation: number,
  ) {}

  toString(): string {
    return `#Port<${this.node}.${this.id}>`;
  }
}

/** A fun or an export (fun M:F/A): kept as its encoded bytes (tag first) and sent back unchanged. */
export class Opaque {
  constructor(readonly bytes: Buffer) {}

  toString(): string {
    return this.bytes[0] === 113 ? '#Fun<export>' : '#Fun<>';
  }
}
