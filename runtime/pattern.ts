// Receive patterns: how a message is matched against one, and their TypeScript types.
//
// A pattern is a literal (compared with ===), a Pid or Ref (by identity), the wildcard `_`,
// a predicate function (an element guard), a Buffer (equal bytes), an array (same length,
// each element matches), or a plain object (each listed key present and matching; other keys
// allowed, like an Erlang map pattern).
// Buffer from node:buffer, not the global: Node defines globalThis.Buffer as a getter, so
// every bare `Buffer.x` in a hot path is a global load plus a getter call.
import { Buffer } from 'node:buffer';
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

function is_plain_object(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

// Patterns are matched by walking them at each test, not compiled: a receive is built afresh
// at every loop iteration (the OTP socket idiom), and a compiled matcher cost a closure per
// element each time, both in CPU and in the memory of every process waiting in one.

/** A guard that throws fails the clause, as in Erlang. */
function guard_holds(pred: (v: never) => unknown, v: unknown): boolean {
  try {
    return !!pred(v as never);
  } catch {
    return false;
  }
}

function match_array(p: readonly unknown[], v: unknown): boolean {
  if (!Array.isArray(v) || v.length !== p.length) return false;
  for (let i = 0; i < p.length; i++) {
    const e = p[i];
    const x: unknown = v[i];
    // The common element: a literal, a Pid, a Ref, a socket, all by identity. A value that is
    // its own pattern matches (an array or object pattern compared with itself included);
    // a predicate is called even on itself.
    if (e === x && typeof e !== 'function') continue;
    if (!match_other(e, x)) return false;
  }
  return true;
}

function match_object(p: Record<string, unknown>, v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  for (const k in p) {
    if (!(k in o) || !match(p[k], o[k])) return false;
  }
  return true;
}

/** match(p, v) once p === v has failed (or p is a predicate). */
function match_other(p: unknown, v: unknown): boolean {
  switch (typeof p) {
    case 'object':
      if (p === null) return false;
      if (Array.isArray(p)) return match_array(p, v);
      if (Buffer.isBuffer(p)) return Buffer.isBuffer(v) && p.equals(v);
      // Pids, Refs and other class instances match by identity only.
      return is_plain_object(p) && match_object(p, v);
    case 'function':
      return guard_holds(p as (v: never) => unknown, v);
    case 'symbol':
      return p === _;
    case 'number':
      return p !== p && typeof v === 'number' && v !== v; // NaN matches NaN
    default:
      return false;
  }
}

/** Whether v matches pattern p. Allocates nothing (beyond what a predicate does). */
export function match(p: unknown, v: unknown): boolean {
  if (p === _) return true; // receive(on(_)): the hottest pattern of all
  return (p === v && typeof p !== 'function') || match_other(p, v);
}

/** A matcher function for p (for callers that want one; receive uses match directly). */
export function compile_pattern(p: unknown): Matcher {
  return (v) => match(p, v);
}

/** True for patterns matched by ===: primitives (not NaN), Pids and Refs. */
function is_literal(p: unknown): boolean {
  if (typeof p === 'object') return p instanceof Pid || p instanceof Ref;
  return p !== _ && typeof p !== 'function' && !(typeof p === 'number' && Number.isNaN(p));
}

/** For an array pattern with a literal first element (a tuple's tag), its length; else -1. */
export function tagged_arity(p: unknown): number {
  return Array.isArray(p) && p.length > 0 && is_literal(p[0]) ? p.length : -1;
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

/**
 * One receive clause: a pattern and an optional body. M is the matched message type. It holds
 * just those two: on() is called at every receive of a loop, and a process waiting in one
 * holds its clauses for as long as it waits. A clause guard makes a GuardedClause (when()).
 */
export class Clause<R = unknown, M = unknown> {
  // Declared, not class fields or parameter properties: a class field makes every `new`
  // call the class's field initializer first, and the constructor then outgrows V8's
  // small-function size, so a loop that builds a receive per message (the socket idiom,
  // whose own inlining budget is spent) constructs each clause through the generic stub.
  declare readonly pattern: unknown;
  declare readonly body: ((msg: M) => R) | null;

  constructor(pattern: unknown, body: ((msg: M) => R) | null) {
    this.pattern = pattern;
    this.body = body;
  }

  /** Whether msg matches the pattern (and then the guard, for a GuardedClause). */
  test(msg: unknown): boolean {
    // A tuple pattern (the socket idiom's select and abort clauses) goes straight to the
    // array walk: what match() would reach after ruling out the wildcard and identity.
    const p = this.pattern;
    return Array.isArray(p) ? p === msg || match_array(p, msg) : match(p, msg);
  }

  /** Whether only messages holding ref can match this clause. */
  needs(ref: Ref): boolean {
    return pattern_needs(this.pattern, ref);
  }

  /** The clause with a clause-level guard (Erlang's `Pattern when Guard ->`). */
  when(guard: (msg: M) => unknown): Clause<R, M> {
    return new GuardedClause<R, M>(this.pattern, this.body, guard);
  }
}

/** A clause with a clause-level guard: the pattern must match, then the guard hold. */
class GuardedClause<R, M> extends Clause<R, M> {
  declare readonly guard: (msg: M) => unknown;

  constructor(pattern: unknown, body: ((msg: M) => R) | null, guard: (msg: M) => unknown) {
    super(pattern, body);
    this.guard = guard;
  }

  override test(msg: unknown): boolean {
    return super.test(msg) && guard_holds(this.guard as (v: never) => unknown, msg);
  }

  override when(guard: (msg: M) => unknown): Clause<R, M> {
    return new GuardedClause<R, M>(this.pattern, this.body, guard);
  }
}
