// Receive patterns: compiled once into matcher functions, and their TypeScript types.
//
// A pattern is a literal (compared with ===), a Pid or Ref (by identity), the wildcard `_`,
// a predicate function (an element guard), a Buffer (equal bytes), an array (same length,
// each element matches), or a plain object (each listed key present and matching; other keys
// allowed, like an Erlang map pattern).
import { Pid, Ref } from './terms';

/** The wildcard pattern: matches anything. */
export const _: unique symbol = Symbol('_');
export type Wildcard = typeof _;

/** The type of message a pattern matches. */
export type Matched<P> = P extends Wildcard
  ? unknown
  : P extends (v: unknown) => v is infer T
    ? T
    : P extends (v: never) => unknown
      ? unknown
      : P extends Pid
        ? Pid
        : P extends Ref
          ? Ref
          : P extends Buffer
            ? Buffer
            : P extends readonly unknown[]
              ? { -readonly [K in keyof P]: Matched<P[K]> }
              : P extends object
                ? { -readonly [K in keyof P]: Matched<P[K]> } & Record<string, unknown>
                : P;

export type Matcher = (v: unknown) => boolean;

const any_value: Matcher = () => true;

function is_plain_object(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function guard_matcher(pred: (v: unknown) => unknown): Matcher {
  // A guard that throws fails the clause, as in Erlang.
  return (v) => {
    try {
      return !!pred(v);
    } catch {
      return false;
    }
  };
}

// Tagged pairs (['tag', X], [Ref, X]) are the common case: compared inline, no loop. Each
// shape has its own small function so its closure captures only what it uses.
function pair_any(t: unknown): Matcher {
  return (v) => Array.isArray(v) && v.length === 2 && v[0] === t;
}

function pair_literal(t: unknown, e1: unknown): Matcher {
  return (v) => Array.isArray(v) && v.length === 2 && v[0] === t && v[1] === e1;
}

function pair_match(t: unknown, m1: Matcher): Matcher {
  return (v) => Array.isArray(v) && v.length === 2 && v[0] === t && m1(v[1]);
}

function tuple_matcher(pattern: readonly unknown[]): Matcher {
  const n = pattern.length;
  const ms = pattern.map(compile_pattern);
  const lits = pattern.map((e) => is_literal(e));
  return (v) => {
    if (!Array.isArray(v) || v.length !== n) return false;
    for (let i = 0; i < n; i++) {
      if (lits[i] ? v[i] !== pattern[i] : !ms[i](v[i])) return false;
    }
    return true;
  };
}

function array_matcher(pattern: readonly unknown[]): Matcher {
  if (pattern.length === 2 && is_literal(pattern[0])) {
    const e1 = pattern[1];
    if (e1 === _) return pair_any(pattern[0]);
    if (is_literal(e1)) return pair_literal(pattern[0], e1);
    return pair_match(pattern[0], compile_pattern(e1));
  }
  return tuple_matcher(pattern);
}

function object_matcher(pattern: Record<string, unknown>): Matcher {
  const keys = Object.keys(pattern);
  const ms = keys.map((k) => compile_pattern(pattern[k]));
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      if (!(keys[i] in o) || !ms[i](o[keys[i]])) return false;
    }
    return true;
  };
}

/** True for patterns matched by ===: primitives (not NaN), Pids and Refs. */
function is_literal(p: unknown): boolean {
  if (typeof p === 'object') return p instanceof Pid || p instanceof Ref;
  return p !== _ && typeof p !== 'function' && !(typeof p === 'number' && Number.isNaN(p));
}

export function compile_pattern(p: unknown): Matcher {
  if (p === _) return any_value;
  if (typeof p === 'function') return guard_matcher(p as (v: unknown) => unknown);
  if (p === null || typeof p !== 'object' || p instanceof Pid || p instanceof Ref) {
    if (typeof p === 'number' && Number.isNaN(p)) return (v) => typeof v === 'number' && Number.isNaN(v);
    return (v) => v === p;
  }
  if (Array.isArray(p)) return array_matcher(p);
  if (Buffer.isBuffer(p)) return (v) => Buffer.isBuffer(v) && p.equals(v);
  if (is_plain_object(p)) return object_matcher(p);
  // Other objects (class instances) match by identity.
  return (v) => v === p;
}

/** Every Ref the pattern holds: a message can match only if it holds them all. */
export function refs_in(p: unknown, out: Ref[] = []): Ref[] {
  if (p instanceof Ref) out.push(p);
  else if (Array.isArray(p)) for (const e of p) refs_in(e, out);
  else if (is_plain_object(p)) for (const k of Object.keys(p)) refs_in(p[k], out);
  return out;
}

/** Whether the pattern holds ref (so only messages holding it can match). No allocation. */
export function pattern_needs(p: unknown, ref: Ref): boolean {
  if (p === ref) return true;
  if (Array.isArray(p)) {
    for (let i = 0; i < p.length; i++) if (pattern_needs(p[i], ref)) return true;
    return false;
  }
  if (is_plain_object(p)) {
    for (const k in p) if (pattern_needs(p[k], ref)) return true;
  }
  return false;
}

/** A pattern's literal first element, if it is an array pattern with one (a tuple's tag). */
const NO_TAG: unique symbol = Symbol('no tag');
export { NO_TAG };

/** One receive clause: a pattern, an optional clause guard, an optional body. M is the matched message type. */
export class Clause<R = unknown, M = unknown> {
  readonly test: Matcher;
  /** For a tagged array pattern, its length and literal first element: a cheap pre-filter. */
  readonly arity: number;
  readonly tag: unknown;

  constructor(
    readonly pattern: unknown,
    readonly body: ((msg: M) => R) | null,
    readonly guard: ((msg: M) => unknown) | null = null,
  ) {
    const m = compile_pattern(pattern);
    if (guard === null) this.test = m;
    else {
      const g = guard_matcher(guard as (v: unknown) => unknown);
      this.test = (v) => m(v) && g(v);
    }
    const tagged = Array.isArray(pattern) && pattern.length > 0 && is_literal(pattern[0]);
    this.arity = tagged ? (pattern as unknown[]).length : -1;
    this.tag = tagged ? (pattern as unknown[])[0] : NO_TAG;
  }

  /** Whether only messages holding ref can match this clause. */
  needs(ref: Ref): boolean {
    return pattern_needs(this.pattern, ref);
  }

  /** The clause with a clause-level guard (Erlang's `Pattern when Guard ->`). */
  when(guard: (msg: M) => unknown): Clause<R, M> {
    return new Clause<R, M>(this.pattern, this.body, guard);
  }
}
