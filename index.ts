// The package root: the process runtime, and the OTP `socket` and `net` modules as namespaces,
// so that ports read `socket.recv(Sock, 0, 'nowait')` as the Erlang does.
export * from './runtime';
export * as socket from './sockets/socket';
export * as net from './sockets/net';
export * as gen_server from './actors/gen_server';
export * as dirty_pool from './actors/dirty_pool';
export * as observer from './observer';
