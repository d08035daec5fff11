// Server names as OTP's gen module handles them: {local, Name} in the runtime's registry, or
// {via, Module, Name} in a registry module of the user's (register_name, whereis_name, ...).
import { register, unregister, whereis, send, exit, Pid } from '../runtime';
import type { ServerName, ServerRef, ViaName } from './gen_server_types';

function is_via(n: unknown): n is ViaName {
  return typeof n === 'object' && n !== null && !(n instanceof Pid) && Array.isArray((n as ViaName).via);
}

/** gen:where: the pid registered under name, or 'undefined'. */
export function where(name: ServerName): Pid | 'undefined' {
  if (is_via(name)) return name.via[0].whereis_name(name.via[1]);
  return whereis(name.local);
}

/** gen:register_name: true, or false when the name is taken. */
export function register_name(name: ServerName, pid: Pid): boolean {
  if (is_via(name)) return name.via[0].register_name(name.via[1], pid) === 'yes';
  try {
    register(name.local, pid);
    return true;
  } catch {
    return false;
  }
}

export function unregister_name(name: ServerName): void {
  if (is_via(name)) name.via[0].unregister_name(name.via[1]);
  else if (whereis(name.local) !== 'undefined') unregister(name.local);
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
    try {
      server.via[0].send(server.via[1], msg);
    } catch {
      // a via module's send exits for an unknown name; a cast ignores it
    }
  }
}

/** The name as traces and status headers print it: the local name, the via name, or the pid. */
export function display_name(name: ServerName | null, pid: Pid): unknown {
  if (name === null) return pid;
  return is_via(name) ? name.via[1] : name.local;
}
