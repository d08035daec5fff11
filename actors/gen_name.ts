// Server names as OTP's gen module handles them: {local, Name} in the runtime's registry,
// {global, Name} in the global registry (global.ts), or {via, Module, Name} in a registry
// module of the user's (register_name, whereis_name, ...).
import { register, unregister, whereis, send, exit, Pid } from '../runtime';
import * as global from './global';
import type { ServerName, ServerRef, ViaModule, ViaName } from './gen_server_types';

/** {global: Name} is {via: [global, Name]}, as OTP's gen treats the two alike. */
function via_of(n: ServerName | ServerRef): [ViaModule, unknown] | null {
  if (typeof n !== 'object' || n === null || n instanceof Pid || Array.isArray(n)) return null;
  if ('global' in n) return [global, n.global];
  return Array.isArray((n as ViaName).via) ? (n as ViaName).via : null;
}

/** gen:where: the pid registered under name, or 'undefined'. */
export function where(name: ServerName): Pid | 'undefined' {
  const via = via_of(name);
  if (via !== null) return via[0].whereis_name(via[1]);
  return whereis((name as { local: string }).local);
}

/** gen:register_name: true, or false when the name is taken. */
export function register_name(name: ServerName, pid: Pid): boolean {
  const via = via_of(name);
  if (via !== null) return via[0].register_name(via[1], pid) === 'yes';
  try {
    register((name as { local: string }).local, pid);
    return true;
  } catch {
    return false;
  }
}

export function unregister_name(name: ServerName): void {
  const via = via_of(name);
  if (via !== null) via[0].unregister_name(via[1]);
  else if (whereis((name as { local: string }).local) !== 'undefined') unregister((name as { local: string }).local);
}

/** The pid a server reference names (or [Name, Node], resolved there); exits noproc when none. */
export function resolve(server: ServerRef): Pid | [string, string] {
  if (server instanceof Pid || Array.isArray(server)) return server;
  const w = typeof server === 'string' ? whereis(server) : where(server);
  return w === 'undefined' ? exit('noproc') : w;
}

/** Sends msg to server when it exists (casts never fail). */
export function send_if_exists(server: ServerRef, msg: unknown): void {
  if (server instanceof Pid || Array.isArray(server)) send(server, msg);
  else if (typeof server === 'string') {
    if (whereis(server) !== 'undefined') send(server, msg);
  } else {
    const via = via_of(server) as [ViaModule, unknown];
    try {
      via[0].send(via[1], msg);
    } catch {
      // a via module's send exits for an unknown name; a cast ignores it
    }
  }
}

/** The name as traces and status headers print it: the local name, the via name, or the pid. */
export function display_name(name: ServerName | null, pid: Pid): unknown {
  if (name === null) return pid;
  const via = via_of(name);
  return via !== null ? via[1] : (name as { local: string }).local;
}
