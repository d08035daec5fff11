// The echo server (and client) of OTP's Socket Usage guide, ported to erlsock so that a
// reader can hold the two side by side: same functions, same names, same clauses in the
// same order. Erlang clauses that pick on an argument's shape become an `if` on that shape;
// tail calls that loop become `for (;;)`, so a connection can echo a million times in flat
// memory. The Windows 'completion' clauses are left out: erlsock runs on Linux.
//
// One behaviour differs from OTP on purpose: `socket.setopt(Sock, 'otp', 'owner', Pid)`
// works here (erlsock accepts `owner` as `controlling_process`), so the handler really owns
// its socket and the socket closes when the handler ends. On OTP 25 the same call returns
// {error, {invalid, {socket_option, {otp, owner}}}}, which the guide ignores, and every
// accepted socket stays open, owned by the acceptor.
import { Pid, Proc, Ref, _, demonitor, error, exit, on, receive, self, send, spawn_monitor } from '../runtime';
import * as net from '../sockets/net';
import * as socket from '../sockets/socket';
import type { Socket } from '../sockets/socket_term';
import type { SelectInfo as SelectInfoOf, SockAddrIn, SockAddrIn6 } from '../sockets/types';

type SelectInfo = SelectInfoOf<Ref>;

export type Family = 'inet' | 'inet6';
export type Addr4 = [number, number, number, number];
export type Addr6 = [number, number, number, number, number, number, number, number];
export type Addr = Addr4 | Addr6;
export type ServerSockAddr = SockAddrIn | SockAddrIn6;
/** A message: a string (Erlang's list) or a Buffer (a binary). */
export type Msg = string | Buffer;

/**
 * Not in the guide, and not changing its structure: `quiet` drops the per-echo print
 * (benchmarks, a million echoes); `nodelay` sets TCP_NODELAY on the listening socket, which
 * accepted sockets inherit on Linux (the 16 KiB benchmark); `reuseaddr` sets SO_REUSEADDR on
 * it before bind, so a server restarted at once can bind the port its previous run's
 * connections still hold in TIME_WAIT; `backlog`, when set, is listen/2's backlog in place of
 * the guide's listen/1 (5). The CLI sets all four; the module's defaults are the guide's.
 */
export const options: { quiet: boolean; nodelay: boolean; reuseaddr: boolean; backlog: number | undefined } = {
  quiet: false,
  nodelay: false,
  reuseaddr: false,
  backlog: undefined,
};

// ======================================================================

// === Client ===

export function client(ServerSockAddr: ServerSockAddr, Msg: Msg): Proc<'ok'>;
export function client(ServerPort: number, Msg: Msg): Proc<'ok'>;
export function client(ServerPort: number, ServerAddr: Addr, Msg: Msg): Proc<'ok'>;
export function* client(...args: unknown[]): Proc<'ok'> {
  if (args.length === 3) return yield* client_3(args[0], args[1], args[2]);
  const [first, Msg] = args;
  if (is_sockaddr(first) && (typeof Msg === 'string' || Buffer.isBuffer(Msg))) {
    const ServerSockAddr = first;
    const Family = ServerSockAddr.family;
    const [, Sock] = ok(socket.open(Family, 'stream', 'default'));
    match_ok(maybe_bind(Sock, Family));
    match_ok(yield* socket.connect(Sock, ServerSockAddr));
    return yield* client_exchange(Sock, Msg);
  }
  if (Number.isInteger(first) && (first as number) > 0) {
    const ServerPort = first as number;
    const Family = 'inet'; // the default family
    const Addr = get_local_addr(Family);
    const SockAddr: ServerSockAddr = { family: Family, addr: Addr as Addr4, port: ServerPort };
    return yield* client(SockAddr, Msg as Msg);
  }
  return error('function_clause');
}

function* client_3(ServerPort: unknown, ServerAddr: unknown, Msg: unknown): Proc<'ok'> {
  if (Number.isInteger(ServerPort) && (ServerPort as number) > 0 && is_tuple(ServerAddr)) {
    const Family = which_family(ServerAddr);
    const SockAddr = sockaddr(Family, ServerAddr, ServerPort as number);
    return yield* client(SockAddr, Msg as Msg);
  }
  return error('function_clause');
}

// Sends Msg, waits for all of it to come back, closes.
function* client_exchange(Sock: Socket, Msg0: Msg): Proc<'ok'> {
  const Msg = typeof Msg0 === 'string' ? Buffer.from(Msg0) : Msg0; // list_to_binary
  match_ok(yield* socket.send(Sock, Msg, 'infinity'));
  const r = yield* socket.recv(Sock, Msg.length, 'infinity');
  if (r[0] !== 'ok' || !Buffer.isBuffer(r[1]) || !r[1].equals(Msg)) return error(['badmatch', r]);
  match_ok(socket.close(Sock));
  return 'ok';
}

// ======================================================================

// === Server ===

export type ServerResult = ['ok', [number, Addr | 'any' | 'loopback', Pid]];

export function server(): Proc<ServerResult>;
export function server(SockAddr: ServerSockAddr): Proc<ServerResult>;
export function server(Port: number): Proc<ServerResult>;
export function server(Port: number, Addr: Addr): Proc<ServerResult>;
export function* server(...args: unknown[]): Proc<ServerResult> {
  if (args.length === 0) {
    // Any port, and the address get_local_addr picks
    return yield* server(0);
  }
  if (args.length === 2) return yield* server_2(args[0], args[1]);
  const [first] = args;
  // Answers the port and address in use: server/0 and server/1 let the system choose.
  if (is_sockaddr(first)) {
    const SockAddr = first;
    const { family: Family, addr: Addr } = SockAddr;
    const [, Sock] = ok(socket.open(Family, 'stream', 'tcp'));
    match_ok(maybe_nodelay(Sock));
    match_ok(maybe_reuseaddr(Sock));
    match_ok(socket.bind(Sock, SockAddr));
    match_ok(options.backlog === undefined ? socket.listen(Sock) : socket.listen(Sock, options.backlog));
    const [, { port: Port }] = ok(socket.sockname(Sock)) as ['ok', ServerSockAddr];
    const Acceptor = yield* start_acceptor(Sock);
    return ['ok', [Port, Addr, Acceptor]];
  }
  if (Number.isInteger(first)) {
    const Port = first as number;
    const Family = 'inet'; // the default family
    const Addr = get_local_addr(Family);
    const SockAddr: ServerSockAddr = { family: Family, addr: Addr as Addr4, port: Port };
    return yield* server(SockAddr);
  }
  return error('function_clause');
}

function* server_2(Port: unknown, Addr: unknown): Proc<ServerResult> {
  if (Number.isInteger(Port) && (Port as number) >= 0 && is_tuple(Addr)) {
    const Family = which_family(Addr);
    const SockAddr = sockaddr(Family, Addr, Port as number);
    return yield* server(SockAddr);
  }
  return error('function_clause');
}

// --- Echo Server - Acceptor ---

function* start_acceptor(LSock: Socket): Proc<Pid> {
  const Self = self();
  const [Pid, MRef] = spawn_monitor(acceptor_init, Self, LSock);
  return yield* receive(
    on(['DOWN', MRef, 'process', Pid, _], ([, , , , Info]: unknown[]) => error(['failed_starting_acceptor', Info])),
    on([Pid, 'started'], () => {
      // Hand the socket to the new process (works in erlsock; fails, ignored, on OTP 25)
      socket.setopt(LSock, 'otp', 'owner', Pid);
      send(Pid, [self(), 'continue']);
      demonitor(MRef);
      return Pid;
    }),
  );
}

function* acceptor_init(Parent: Pid, LSock: Socket): Proc<never> {
  send(Parent, [self(), 'started']);
  yield* receive(on([Parent, 'continue'], () => 'ok'));
  return yield* acceptor_loop(LSock, 'undefined');
}

function* acceptor_loop(LSock: Socket, Info0: 'undefined' | SelectInfo): Proc<never> {
  let Info = Info0;
  for (;;) {
    if (Info === 'undefined') {
      const r = yield* socket.accept(LSock, 'nowait');
      switch (r[0]) {
        case 'ok': {
          const ASock = r[1] as Socket;
          yield* start_handler(ASock);
          continue; // acceptor_loop(LSock, Info)
        }
        case 'select':
          Info = r[1] as SelectInfo;
          continue;
        case 'error':
          return error(['accept_failed', r[1]]);
      }
      return error(['case_clause', r]);
    }
    if (Info[0] !== 'select_info' || Info[1] !== 'accept') return error('function_clause');
    const SelectHandle = Info[2];
    Info = yield* receive(
      on(['$socket', LSock, 'select', SelectHandle], () => acceptor_selected(LSock, SelectHandle)),
      on(['$socket', LSock, 'abort', [SelectHandle, _]], ([, , , [, Reason]]) => {
        if (Reason === 'closed') return exit('normal');
        return error(['select', 'abort', Reason]);
      }),
    );
  }
}

// The body of acceptor_loop's select clause. It is a generator function of its own, not a
// `function*` written inside the loop: V8 gives every new generator closure a fresh
// prototype and object map, which would cost microseconds on every accept.
function* acceptor_selected(LSock: Socket, SelectHandle: Ref): Proc<'undefined' | SelectInfo> {
  const r = yield* socket.accept(LSock, SelectHandle);
  switch (r[0]) {
    case 'ok': {
      const ASock = r[1] as Socket;
      yield* start_handler(ASock);
      return 'undefined';
    }
    case 'select': {
      const NewSelectInfo = r[1] as SelectInfo;
      return NewSelectInfo;
    }
    case 'error': {
      const Reason = r[1];
      if (Reason === 'closed') return exit('normal');
      return error(['select', 'accept', Reason]);
    }
  }
  return error(['case_clause', r]);
}

// --- Echo Server - Handler ---

function* start_handler(Sock: Socket): Proc<Pid> {
  const Self = self();
  const [Pid, MRef] = spawn_monitor(handler_init, Self, Sock);
  return yield* receive(
    on(['DOWN', MRef, 'process', Pid, _], ([, , , , Info]: unknown[]) => error(['failed_starting_handler', Info])),
    on([Pid, 'started'], () => {
      // Hand the socket to the new process (works in erlsock; fails, ignored, on OTP 25)
      socket.setopt(Sock, 'otp', 'owner', Pid);
      send(Pid, [self(), 'continue']);
      demonitor(MRef);
      return Pid;
    }),
  );
}

function* handler_init(Parent: Pid, Sock: Socket): Proc<never> {
  send(Parent, [self(), 'started']);
  yield* receive(on([Parent, 'continue'], () => 'ok'));
  return yield* handler_loop(Sock, 'undefined');
}

function* handler_loop(Sock: Socket, Info0: 'undefined' | SelectInfo): Proc<never> {
  let Info = Info0;
  for (;;) {
    if (Info === 'undefined') {
      // No read in progress. An echo does not need nowait; the guide uses it to show how.
      const r = yield* socket.recv(Sock, 0, 'nowait');
      switch (r[0]) {
        case 'ok': {
          const Data = r[1] as Buffer;
          yield* echo(Sock, Data);
          continue; // handler_loop(Sock, undefined)
        }
        case 'select': {
          const SelectInfo = r[1] as SelectInfo;
          Info = SelectInfo;
          continue;
        }
        case 'error': {
          const Reason = r[1];
          say('handle_loop(undef) -> error: ~n   Reason: ~p~n', Reason);
          if (Reason === 'closed') return exit('normal');
          return error(['recv_failed', Reason]);
        }
      }
      return error(['case_clause', r]);
    }
    // A read is pending: wait for its select message (or the abort), then read again.
    if (Info[0] !== 'select_info' || Info[1] !== 'recv') return error('function_clause');
    const SelectHandle = Info[2];
    Info = yield* receive(
      on(['$socket', Sock, 'select', SelectHandle], () => handler_selected(Sock)),
      on(['$socket', Sock, 'abort', [SelectHandle, _]], ([, , , [, Reason]]) => {
        if (Reason === 'closed') return exit('normal');
        return error(['select', 'abort', Reason]);
      }),
    );
  }
}

// The body of handler_loop's select clause, a generator function of its own for the same
// reason as acceptor_selected: this runs once per echo.
function* handler_selected(Sock: Socket): Proc<'undefined' | SelectInfo> {
  const r = yield* socket.recv(Sock, 0, 'nowait');
  switch (r[0]) {
    case 'ok': {
      const Data = r[1] as Buffer;
      yield* echo(Sock, Data);
      return 'undefined';
    }
    case 'select': {
      const NewSelectInfo = r[1] as SelectInfo;
      return NewSelectInfo;
    }
    case 'error': {
      const Reason = r[1];
      if (Reason === 'closed') return exit('normal');
      return error(['select', 'recv', Reason]);
    }
  }
  return error(['case_clause', r]);
}

function* echo(Sock: Socket, Data: Buffer): Proc<void> {
  match_ok(yield* socket.send(Sock, Data, 'infinity'));
  say('** ECHO **~n~s~n', Data);
}

// ======================================================================

// === Utility functions ===

// On Windows the guide binds the client first; erlsock runs on Linux only.
function maybe_bind(_Sock: Socket, _Family: Family): 'ok' {
  return 'ok';
}

// Not in the guide: see `options`.
function maybe_nodelay(Sock: Socket): unknown {
  return options.nodelay ? socket.setopt(Sock, 'tcp', 'nodelay', true) : 'ok';
}

// Not in the guide: see `options`.
function maybe_reuseaddr(Sock: Socket): unknown {
  return options.reuseaddr ? socket.setopt(Sock, 'socket', 'reuseaddr', true) : 'ok';
}

// An address other hosts could reach too (up, running, not loopback), found with net.
export function get_local_addr(Family: Family): Addr {
  const Filter = (m: net.IfAddr): boolean => {
    const Fam = m.addr?.family;
    const Flags = m.flags;
    if (Fam === undefined || !Array.isArray(Flags)) return false; // (_) -> false
    return Fam === Family && Flags.includes('up') && Flags.includes('running') && !Flags.includes('loopback');
  };
  const r = net.getifaddrs(Filter);
  if (r[0] !== 'ok' || r[1].length === 0) return error(['badmatch', r]);
  const SockAddr = r[1][0];
  return (SockAddr.addr as ServerSockAddr).addr;
}

export function which_family(Addr: Addr): Family {
  if (is_tuple(Addr) && Addr.length === 4) return 'inet';
  if (is_tuple(Addr) && Addr.length === 8) return 'inet6';
  return error('function_clause');
}

// ----------------------------------------------------------------------
// What Erlang gives for free: pattern matches that crash on a mismatch (`ok = ...`,
// `{ok, X} = ...`), and io:format.

function match_ok(r: unknown): 'ok' {
  if (r !== 'ok') error(['badmatch', r]);
  return 'ok';
}

function ok<T extends unknown[]>(r: T | ['error', unknown]): T {
  if (!Array.isArray(r) || r[0] !== 'ok') return error(['badmatch', r]);
  return r as T;
}

function is_tuple(a: unknown): a is Addr {
  return Array.isArray(a) && (a.length === 4 || a.length === 8) && a.every((x) => Number.isInteger(x));
}

function is_sockaddr(a: unknown): a is ServerSockAddr {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && ((a as ServerSockAddr).family === 'inet' || (a as ServerSockAddr).family === 'inet6');
}

function sockaddr(Family: Family, Addr: Addr, Port: number): ServerSockAddr {
  return Family === 'inet'
    ? { family: 'inet', addr: Addr as Addr4, port: Port }
    : { family: 'inet6', addr: Addr as Addr6, port: Port, flowinfo: 0, scope_id: 0 };
}

/**
 * io:format/2 for the directives the guide uses (~n, ~s, ~p); nothing is formatted when quiet.
 * One difference from io:format: ~s prints a binary's control bytes escaped (see printable).
 */
function say(Format: string, ...Args: unknown[]): void {
  if (options.quiet) return;
  let i = 0;
  const text = Format.replace(/~([nsp])/g, (_m, d: string) => {
    if (d === 'n') return '\n';
    const a = Args[i++];
    if (d === 's') return Buffer.isBuffer(a) ? printable(a) : String(a);
    return typeof a === 'string' ? a : Buffer.isBuffer(a) ? `<<${[...a].join(',')}>>` : JSON.stringify(a);
  });
  process.stdout.write(text);
}

/**
 * A binary from the network as text for a terminal: bytes as latin1 (as io:format's ~s),
 * except that control bytes (C0 but newline and tab, DEL, C1) print as \xHH and a backslash
 * as \\, so a client's bytes cannot move the cursor, clear the screen or retitle the
 * terminal of whoever watches the server, and the escapes cannot be forged.
 */
export function printable(b: Buffer): string {
  let out = '';
  for (const c of b) {
    if (c === 0x5c) out += '\\\\';
    else if ((c < 0x20 && c !== 0x0a && c !== 0x09) || (c >= 0x7f && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(c);
  }
  return out;
}
