// The process dictionary: put/get/erase on the calling process, as Erlang's. Kept apart from
// the process record (a WeakMap from the pid), so a process that never uses it costs nothing;
// proc_lib keeps '$ancestors' and '$initial_call' in it, as OTP does.
import { Pid } from './terms';
import { error } from './exits';
import { self } from './send';

const dicts = new WeakMap<Pid, Map<unknown, unknown>>();

function mine(create: boolean): Map<unknown, unknown> | undefined {
  const me = self();
  let d = dicts.get(me);
  if (d === undefined && create) {
    d = new Map();
    dicts.set(me, d);
  }
  return d;
}

/** put(Key, Value) → the old value, or 'undefined'. Keys compare as ===: atoms (strings) and numbers. */
export function put(key: unknown, value: unknown): unknown {
  const d = mine(true) as Map<unknown, unknown>;
  const old = d.has(key) ? d.get(key) : 'undefined';
  d.set(key, value);
  return old;
}

/** get(Key) → the value, or 'undefined'. */
export function get(key: unknown): unknown {
  const d = mine(false);
  return d !== undefined && d.has(key) ? d.get(key) : 'undefined';
}

/** erase(Key) → the value it had, or 'undefined'. */
export function erase(key: unknown): unknown {
  const d = mine(false);
  if (d === undefined || !d.has(key)) return 'undefined';
  const old = d.get(key);
  d.delete(key);
  return old;
}

/** get_keys() → the keys in the calling process's dictionary. */
export function get_keys(): unknown[] {
  return [...(mine(false)?.keys() ?? [])];
}

/**
 * process_info(Pid, dictionary)'s value: [[Key, Value], ...] of a live process, or
 * 'undefined' when it is dead (so sys and observers can read '$ancestors').
 */
export function dictionary_of(pid: Pid): Array<[unknown, unknown]> | 'undefined' {
  if (!(pid instanceof Pid)) error('badarg');
  if (pid.proc === null) return 'undefined';
  return [...(dicts.get(pid) ?? new Map<unknown, unknown>())];
}
