// The modules the user exported to other nodes: the only code rpc and spawn requests run.
import { me } from './identity';

/** A function callable from other nodes: plain, or a generator function (run as the process). */
export type Exported = (...args: never[]) => unknown;

const modules = new Map<string, Record<string, Exported>>();

/**
 * Makes module `name`'s functions callable by rpc:call/erpc:call from other nodes. Arity is
 * the JS function's length unless the function is variadic (length 0 accepts any).
 */
export function export_module(name: string, fns: Record<string, Exported>): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('module name must be a non-empty string');
  modules.set(name, { ...fns });
}

export function unexport_module(name: string): boolean {
  return modules.delete(name);
}

/** The exported function M:F/Arity, or null. */
export function lookup_function(m: unknown, f: unknown, arity: number): Exported | null {
  if (typeof m !== 'string' || typeof f !== 'string') return null;
  if (m === 'erlang' && f === 'node' && arity === 0) return () => me.name;
  const mod = modules.get(m);
  if (mod === undefined || !Object.prototype.hasOwnProperty.call(mod, f)) return null;
  const fn = mod[f];
  return fn.length === arity || fn.length === 0 ? fn : null;
}

