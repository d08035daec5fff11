// The public types of the socket module, as Erlang terms in TypeScript (docs/DESIGN.md):
// atoms are strings, tuples arrays, binaries Buffers, maps plain objects.
import type { Socket } from './socket_term';

export type { Socket };

export type Domain = 'inet' | 'inet6' | 'local';
export type Type = 'stream' | 'dgram' | 'seqpacket' | 'raw';
export type Protocol = 'tcp' | 'udp' | 'ip' | 'sctp' | 'icmp' | 'default';

export interface SockAddrIn {
  family: 'inet';
  addr: [number, number, number, number];
  port: number;
}
export interface SockAddrIn6 {
  family: 'inet6';
  addr: [number, number, number, number, number, number, number, number];
  port: number;
  flowinfo: number;
  scope_id: number;
}
export interface SockAddrLocal {
  family: 'local';
  path: string | Buffer;
}
/** What TCP recvfrom reports as the source; for connect, AF_UNSPEC (`addr` optional). */
export interface SockAddrUnspec {
  family: 'unspec';
  addr: Buffer;
}
export type SockAddr = SockAddrIn | SockAddrIn6 | SockAddrLocal | SockAddrUnspec;

/**
 * A sockaddr as bind/connect/sendto/sendmsg accept it: `addr` may be a tuple or 'any' /
 * 'loopback' (and 'broadcast' for inet); `port`, `flowinfo` and `scope_id` default to 0,
 * `addr` to 'any'. One shape per family, so a key the family does not have (a typo such
 * as `adr`) is a compile error; at run time such a map gets OTP 25's
 * {invalid, {sockaddr, {keys, Keys}, SA}}.
 */
export type SockAddrInput =
  | { family: 'inet'; addr?: [number, number, number, number] | 'any' | 'loopback' | 'broadcast'; port?: number }
  | {
    family: 'inet6'; addr?: [number, number, number, number, number, number, number, number] | 'any' | 'loopback';
    port?: number; flowinfo?: number; scope_id?: number;
  }
  | { family: 'local'; path: string | Buffer }
  | { family: 'unspec'; addr?: Buffer };

/** `{select_info, Tag, Handle}`; the tag of send is `['send', 0]`. */
export type SelectTag = 'accept' | 'connect' | 'recv' | 'recvfrom' | 'recvmsg' | ['send', 0] | ['sendto', 0] | ['sendmsg', unknown];
export type SelectInfo<H = unknown> = ['select_info', SelectTag, H];

/** A waiting call's last argument: 'infinity', milliseconds, 'nowait', or a caller-made Ref. */
export type Timeout<H = unknown> = 'infinity' | number | 'nowait' | H;

export type Posix = string;
export type Ok<T> = ['ok', T];
export type Err<E = unknown> = ['error', E];
export type Select<H = unknown> = ['select', SelectInfo<H>];
export type SelectRest<R, H = unknown> = ['select', [SelectInfo<H>, R]];

export type MsgFlag = 'peek' | 'oob' | 'nosignal' | 'dontroute' | 'eor' | 'more' | 'confirm' | 'errqueue' | 'cmsg_cloexec' | 'trunc' | 'ctrunc';

export interface OpenOpts {
  debug?: unknown;
  use_registry?: unknown;
  dup?: boolean;
  domain?: Domain;
  type?: Type;
  protocol?: Protocol;
  [other: string]: unknown;
}

/** recvmsg's result map; TCP omits addr. */
export interface MsgRecv {
  addr?: SockAddr;
  iov: Buffer[];
  ctrl: unknown[];
  flags: string[];
}

/** sendmsg's argument. */
export interface MsgSend {
  iov: Buffer[];
  addr?: SockAddrInput;
  ctrl?: unknown[];
}

export interface SocketCounters {
  acc_fails: number;
  acc_success: number;
  acc_tries: number;
  acc_waits: number;
  read_byte: number;
  read_fails: number;
  read_pkg: number;
  read_pkg_max: number;
  read_tries: number;
  read_waits: number;
  write_byte: number;
  write_fails: number;
  write_pkg: number;
  write_pkg_max: number;
  write_tries: number;
  write_waits: number;
}

/**
 * How the socket was made (info/1 ctype), as OTP 25 shows it: 'normal' from open/2,3,4 or
 * accept; ['fromfd', FD] from open(FD) (FD is the caller's fd; the socket uses a dup of it);
 * 'fromfd' from open(FD, #{dup => false}) (the socket uses FD itself).
 */
export type CType = 'normal' | 'fromfd' | ['fromfd', number];

export interface SocketInfo<P = unknown> {
  counters: SocketCounters;
  ctype: CType;
  domain: string;
  type: string;
  protocol: string;
  owner: P | 'undefined';
  num_acceptors: number;
  num_readers: number;
  num_writers: number;
  rstates: string[];
  wstates: string[];
}
