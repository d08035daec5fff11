// Registered names: register, unregister, whereis, registered. A dead process's name is freed.
import { Pid } from './terms';
import { Process, ext } from './process';
import { error } from './exits';
import { tracing, trace_register } from './trace';

const names = new Map<string, Process>();

/** The live process registered as name, or null. */
export function lookup(name: string): Process | null {
  return names.get(name) ?? null;
}

/** Called when p dies. */
export function forget(p: Process): void {
  const x = p.ext;
  if (x !== null && x.name !== null) {
    names.delete(x.name);
    x.name = null;
  }
}

/** register(Name, Pid) → true; badarg if the name is taken, the pid dead or already named. */
export function register(name: string, pid: Pid): true {
  if (typeof name !== 'string' || name === 'undefined' || !(pid instanceof Pid)) error('badarg');
  const p = pid.proc;
  if (p === null || (p.ext !== null && p.ext.name !== null) || names.has(name)) error('badarg');
  names.set(name, p);
  ext(p).name = name;
  if (tracing) trace_register(p, name, 'register');
  return true;
}

/** unregister(Name) → true; badarg if the name is not registered. */
export function unregister(name: string): true {
  const p = names.get(name);
  if (p === undefined) error('badarg');
  names.delete(name);
  ext(p).name = null;
  if (tracing) trace_register(p, name, 'unregister');
  return true;
}

/** whereis(Name) → the pid, or 'undefined'. */
export function whereis(name: string): Pid | 'undefined' {
  const p = names.get(name);
  return p === undefined ? 'undefined' : p.pid;
}

/** The registered names. */
export function registered(): string[] {
  return [...names.keys()];
}
