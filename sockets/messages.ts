// Every message the socket module sends to processes is built here, so that one search
// finds them all:
//   ['$socket', Sock, 'select', Handle]               the socket is ready for the operation
//   ['$socket', Sock, 'abort', [Handle, 'closed']]    the socket closed under a pending select
//   ['DOWN', Ref, 'socket', Sock, 'closed']            a socket monitor fired
import type { Socket } from './socket_term';

export type SelectMessage<H> = ['$socket', Socket, 'select', H];
export type AbortMessage<H> = ['$socket', Socket, 'abort', [H, 'closed']];

export function socket_message<H>(sock: Socket, what: 'select', info: H): SelectMessage<H>;
export function socket_message<H>(sock: Socket, what: 'abort', info: [H, 'closed']): AbortMessage<H>;
export function socket_message<H>(
  sock: Socket,
  what: 'select' | 'abort',
  info: H | [H, 'closed'],
): SelectMessage<H> | AbortMessage<H> {
  return ['$socket', sock, what, info] as SelectMessage<H> | AbortMessage<H>;
}

export type DownMessage<R> = ['DOWN', R, 'socket', Socket, 'closed'];

export function down_message<R>(ref: R, sock: Socket): DownMessage<R> {
  return ['DOWN', ref, 'socket', sock, 'closed'];
}

/** Whether msg is the select message for (sock, handle): what cancel/2 flushes. */
export function is_select_message(msg: unknown, sock: Socket, handle: unknown): boolean {
  return (
    Array.isArray(msg) &&
    msg.length === 4 &&
    msg[0] === '$socket' &&
    msg[1] === sock &&
    msg[2] === 'select' &&
    msg[3] === handle
  );
}
