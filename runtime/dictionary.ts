// The process dictionary: put/get/erase on the calling process, as Erlang's. Kept in the
// process's rarely used part (ProcessExt.dict), so a process that never uses it costs nothing;
// proc_lib keeps '$ancestors' and '$initial_call' in it, as OTP does.
import { Pid } from './terms';
import { Process, ProcessExt, ext } from './process';
import { error } from './exits';
import { self } from './send';
import { current_process } from './scheduler';
import { set_dictionary_reader } from './info';

// A dictionary is a flat array [K1, V1, K2, V2, ...]: most hold a few keys (proc_lib's two),
// and a flat array is smaller than a Map and as fast to scan at that size.

/** The calling process (self() raises outside any; a killed one running its finally blocks is still current). */
function me(): Process {
  self();
  return current_process() as Process;
}

function dict_of(p: Process): unknown[] | undefined {
  const x = p.ext;
  return x === null || x.dict === null ? undefined : x.dict;
}

/**
 * Dictionaries that several processes hold (proc_lib's children of one parent start with the
 * same two keys): copied by the first put or erase of each process, so a supervisor's
 * 10,000 children keep one. Only the arrays given to share_dictionary are in it.
 */
const shared = new WeakSet<unknown[]>();

/** p's dictionary, its own copy if it was shared (for a change). */
function own_dict(p: Process, d: unknown[]): unknown[] {
  if (!shared.has(d)) return d;
  const c = d.slice();
  (p.ext as ProcessExt).dict = c;
  return c;
}

/**
 * Gives the calling process, whose dictionary is empty, the dictionary d ([K1, V1, ...],
 * distinct keys), shared with the other processes given the same array: none of them
 * changes it (a put or erase copies it first). d must not be changed by the caller either.
 */
export function share_dictionary(d: unknown[]): void {
  const p = me();
  if (dict_of(p) !== undefined) throw new Error('erlsock: share_dictionary on a process with a dictionary');
  shared.add(d);
  ext(p).dict = d;
}

function index_of(d: unknown[], key: unknown): number {
  for (let i = 0; i < d.length; i += 2) if (d[i] === key) return i;
  return -1;
}

/** put(Key, Value) → the old value, or 'undefined'. Keys compare as ===: atoms (strings) and numbers. */
export function put(key: unknown, value: unknown): unknown {
  const p = me();
  const d = dict_of(p);
  if (d === undefined) {
    ext(p).dict = [key, value];
    return 'undefined';
  }
  const i = index_of(d, key);
  if (i < 0) {
    // A small dictionary is copied at its new size: push() would grow its backing store by
    // half plus 16 slots (proc_lib's two keys then held 19 slots, not 4, in every process).
    if (d.length < 16) (p.ext as ProcessExt).dict = d.concat([key, value]);
    else own_dict(p, d).push(key, value);
    return 'undefined';
  }
  const old = d[i + 1];
  own_dict(p, d)[i + 1] = value;
  return old;
}

/** get(Key) → the value, or 'undefined'. */
export function get(key: unknown): unknown {
  const d = dict_of(me());
  if (d === undefined) return 'undefined';
  const i = index_of(d, key);
  return i < 0 ? 'undefined' : d[i + 1];
}

/** erase(Key) → the value it had, or 'undefined'. */
export function erase(key: unknown): unknown {
  const p = me();
  const d = dict_of(p);
  if (d === undefined) return 'undefined';
  const i = index_of(d, key);
  if (i < 0) return 'undefined';
  const old = d[i + 1];
  own_dict(p, d).splice(i, 2);
  return old;
}

/** get_keys() → the keys in the calling process's dictionary. */
export function get_keys(): unknown[] {
  const d = dict_of(me()) ?? [];
  const out: unknown[] = [];
  for (let i = 0; i < d.length; i += 2) out.push(d[i]);
  return out;
}

/**
 * process_info(Pid, dictionary)'s value: [[Key, Value], ...] of a live process, or
 * 'undefined' when it is dead (so sys and observers can read '$ancestors').
 */
export function dictionary_of(pid: Pid): Array<[unknown, unknown]> | 'undefined' {
  if (!(pid instanceof Pid)) error('badarg');
  if (pid.proc === null) return 'undefined';
  const d = dict_of(pid.proc) ?? [];
  const out: Array<[unknown, unknown]> = [];
  for (let i = 0; i < d.length; i += 2) out.push([d[i], d[i + 1]]);
  return out;
}

// process_info(P, dictionary) and the observer read a process's dictionary through info.ts,
// which does not import this module (a process that never uses it costs nothing).
set_dictionary_reader((p) => {
  const d = dictionary_of(p.pid);
  return d === 'undefined' ? [] : d;
});
