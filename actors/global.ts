// OTP's global name registry, on this one node: names that are any term, one name per pid,
// register_name → 'yes' | 'no', send exits ['badarg', [Name, Msg]] for an unknown name. As
// OTP's global_name_server forgets a name when its process dies, a dead process's name is
// gone: entries are checked against the process table when looked at (and swept now and
// then), so no watcher process and no per-process hook are needed for a registry that is
// small by design. Also the via module for {global: Name} server names (gen_name.ts).
import { exit, format_term, is_process_alive, send as rt_send, Pid } from '../runtime';

interface Entry {
  name: unknown;
  pid: Pid;
}

const by_name = new Map<string, Entry>();
const by_pid = new Map<Pid, string>();
let since_sweep = 0;

/** Names are any term: an atom is its own key, another term its printed form. */
function key(name: unknown): string {
  return typeof name === 'string' ? name : `\u0000${format_term(name)}`;
}

/** The live entry under k, dropping a dead one. */
function live(k: string): Entry | undefined {
  const e = by_name.get(k);
  if (e === undefined) return undefined;
  if (is_process_alive(e.pid)) return e;
  drop(k, e);
  return undefined;
}

function drop(k: string, e: Entry): void {
  by_name.delete(k);
  if (by_pid.get(e.pid) === k) by_pid.delete(e.pid);
}

function sweep(): void {
  since_sweep = 0;
  for (const [k, e] of by_name) if (!is_process_alive(e.pid)) drop(k, e);
}

/** global:register_name(Name, Pid) → 'yes', or 'no' when the name is taken or the pid has a name. */
export function register_name(name: unknown, pid: Pid): 'yes' | 'no' {
  if (++since_sweep >= 256) sweep();
  const k = key(name);
  if (live(k) !== undefined) return 'no';
  const other = by_pid.get(pid);
  if (other !== undefined && live(other) !== undefined) return 'no';
  by_name.set(k, { name, pid });
  by_pid.set(pid, k);
  return 'yes';
}

/** global:re_register_name(Name, Pid) → 'yes': the name moves to pid. */
export function re_register_name(name: unknown, pid: Pid): 'yes' | 'no' {
  unregister_name(name);
  return register_name(name, pid);
}

/** global:unregister_name(Name) → 'ok', registered or not. */
export function unregister_name(name: unknown): 'ok' {
  const k = key(name);
  const e = by_name.get(k);
  if (e !== undefined) drop(k, e);
  return 'ok';
}

/** global:whereis_name(Name) → the pid, or 'undefined'. */
export function whereis_name(name: unknown): Pid | 'undefined' {
  return live(key(name))?.pid ?? 'undefined';
}

/** global:send(Name, Msg) → the pid sent to; exits ['badarg', [Name, Msg]] when nobody has the name. */
export function send(name: unknown, msg: unknown): Pid {
  const pid = whereis_name(name);
  if (pid === 'undefined') return exit(['badarg', [name, msg]]);
  rt_send(pid, msg);
  return pid;
}

/** global:registered_names() → the names, in no particular order (as OTP's). */
export function registered_names(): unknown[] {
  sweep();
  return [...by_name.values()].map((e) => e.name);
}

/** The module's name, as {via, global, Name} prints it. */
export const name = 'global';
