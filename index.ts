// The package root: the process runtime, and the OTP `socket` and `net` modules as namespaces,
// so that ports read `socket.recv(Sock, 0, 'nowait')` as the Erlang does.
export * from './runtime';
export * as socket from './sockets/socket';
export * as net from './sockets/net';
export * as gen_server from './actors/gen_server';
export * as dirty_pool from './actors/dirty_pool';
export * as gen_tcp from './gen/gen_tcp';
export * as gen_udp from './gen/gen_udp';
export * as inet from './gen/inet';
export * as supervisor from './actors/supervisor';
export * as proc_lib from './actors/proc_lib';
export * as sys from './actors/sys';
export * as gen_statem from './actors/gen_statem';
export * as global from './actors/global';
export * as distribution from './distribution';
export * as observer from './observer';
export * as busy_wait from './sockets/busy_wait';
export { loop_utilization } from './sockets/loop_utilization';
export type { LoopUtilization } from './sockets/loop_utilization';

// The re-export above leaves the root's exports in V8's dictionary mode: see runtime/fast_exports.
import { fast_exports } from './runtime/fast_exports';
fast_exports(module.exports as object);
