// The socket layer's trace events, under the 'sockets' trace flag (trace(Pid, true,
// ['sockets'])). Each is emitted by the process concerned, as OTP tuples:
//   ['trace', Owner, 'socket_open', Sock, Domain, Type, Protocol]
//   ['trace', Acceptor, 'socket_accept', ListenSock, NewSock]
//   ['trace', Pid, 'socket_connect', Sock]
//   ['trace', OldOwner, 'socket_owner', Sock, OldOwner, NewOwner]
//   ['trace', Waiter, 'socket_select', Sock, Handle]         (the select message was sent)
//   ['trace', Waiter, 'socket_abort', Sock, Handle, Reason]  (the abort message was sent)
//   ['trace', Watcher, 'socket_down', Sock, Ref]             (a socket monitor fired)
//   ['trace', Owner, 'socket_close', Sock]
// A close caused by the owner's death comes after that owner is dead: only trace sinks
// (the observer) see it. Callers test `tracing` first, so these cost nothing when off.
import { define_trace_flag, trace_event, event_wanted } from '../runtime/trace';
import { fast_exports } from '../runtime/fast_exports';
import type { Pid } from '../runtime/terms';

export { tracing } from '../runtime/trace';

export const SOCKETS = define_trace_flag('sockets');

/** Whether a tag's event can reach anyone: tested before building a frequent one. */
export function wants(tag: string): boolean {
  return event_wanted(SOCKETS, tag);
}

export function sock_event(pid: Pid | null, body: unknown[]): void {
  trace_event(pid, SOCKETS, body);
}

// The `tracing` re-export leaves this module's exports in V8's dictionary mode, and the
// socket layer reads `tracing` from them at every select message: see runtime/fast_exports.
fast_exports(module.exports as object);
