// The socket registry (OTP's socket_registry): the set of open sockets that opted in, for
// number_of/0, which_sockets/0,1 and i/0; plus the counters info/0 reports, which count
// every open socket, registered or not.
import type { Socket } from './socket_term';

/** ESOCK_USE_SOCKET_REGISTRY, read once at start as OTP's kernel does: 'false' turns it off. */
function env_default(): boolean {
  const v = process.env.ESOCK_USE_SOCKET_REGISTRY;
  return v === undefined ? true : v.trim().toLowerCase() !== 'false';
}

let use_by_default = env_default();

// No Set of its own: a registered socket carries a flag in its record, and the list is made
// from core's table of open sockets when asked (number_of/0, which_sockets/0,1, i/0 are rare;
// a Set entry per socket cost an idle connection 33-41 bytes, its table doubling as it grew).
let registered = 0;
let open_sockets: () => Socket[] = () => [];

/** Where the open sockets come from, and which of them are registered (core.ts sets it). */
export function set_source(fn: () => Socket[]): void {
  open_sockets = fn;
}

/** The default for sockets opened from now on (use_registry/1). */
export function set_default(on: boolean): void {
  use_by_default = on;
}

export function default_on(): boolean {
  return use_by_default;
}

export function add(_sock: Socket): void {
  registered++;
}

export function remove(_sock: Socket): void {
  registered--;
}

export function count(): number {
  return registered;
}

/** Registered sockets, in opening order. */
export function all(): Socket[] {
  return open_sockets().sort((a, b) => a.id - b.id);
}

/** info/0 counters: every open socket by domain, type and protocol. */
export interface GlobalCounters {
  num_cnt_bits: number;
  num_dinet: number;
  num_dinet6: number;
  num_dlocal: number;
  num_pip: number;
  num_psctp: number;
  num_ptcp: number;
  num_pudp: number;
  num_sockets: number;
  num_tdgrams: number;
  num_tseqpkgs: number;
  num_tstreams: number;
}

const counters: GlobalCounters = {
  num_cnt_bits: 64,
  num_dinet: 0,
  num_dinet6: 0,
  num_dlocal: 0,
  num_pip: 0,
  num_psctp: 0,
  num_ptcp: 0,
  num_pudp: 0,
  num_sockets: 0,
  num_tdgrams: 0,
  num_tseqpkgs: 0,
  num_tstreams: 0,
};

const DOMAIN_KEY: Record<string, keyof GlobalCounters> = {
  inet: 'num_dinet', inet6: 'num_dinet6', local: 'num_dlocal',
};
const TYPE_KEY: Record<string, keyof GlobalCounters> = {
  stream: 'num_tstreams', dgram: 'num_tdgrams', seqpacket: 'num_tseqpkgs',
};
const PROTO_KEY: Record<string, keyof GlobalCounters> = {
  ip: 'num_pip', tcp: 'num_ptcp', udp: 'num_pudp', sctp: 'num_psctp',
};

/** Counts an opened (delta 1) or closed (delta -1) socket. */
export function count_open(domain: string, type: string, protocol: string, delta: 1 | -1): void {
  counters.num_sockets += delta;
  const d = DOMAIN_KEY[domain];
  if (d) counters[d] += delta;
  const t = TYPE_KEY[type];
  if (t) counters[t] += delta;
  const p = PROTO_KEY[protocol];
  if (p) counters[p] += delta;
}

export function global_counters(): GlobalCounters {
  return { ...counters };
}
