// info/0, info/1 and the i/0..2 table. Key names and counters are OTP 25's (docs/OTP25_BEHAVIOUR.md sections 2.16-2.18);
// the table layout is informative, as in OTP.
import * as prim from './prim_socket';
import * as registry from './registry';
import type { Sock } from './core';
import type { Pid } from '../runtime/terms';
import type { SocketInfo } from './types';

export function socket_info(sock: Sock): SocketInfo<Pid> {
  const st = sock.state;
  return {
    counters: st.counters(),
    ctype: st.ctype,
    domain: st.domain,
    type: st.type,
    protocol: st.protocol,
    owner: st.owner ?? 'undefined',
    num_acceptors: st.acc_queue === null ? 0 : st.acc_queue.size,
    num_readers: st.readq.size,
    num_writers: st.write_queue === null ? 0 : st.write_queue.size,
    rstates: st.rstates(),
    wstates: st.wstates(),
  };
}

export interface GlobalInfo {
  counters: registry.GlobalCounters;
  debug: boolean;
  iow: boolean;
  iov_max: number;
  socket_debug: boolean;
  use_registry: boolean;
}

export function global_info(): GlobalInfo {
  return {
    counters: registry.global_counters(),
    debug: false,
    iow: false,
    iov_max: 1024,
    socket_debug: false,
    use_registry: registry.default_on(),
  };
}

export type InfoKey =
  | 'domain' | 'type' | 'protocol' | 'fd' | 'owner' | 'local_address' | 'remote_address'
  | 'recv' | 'sent' | 'state' | 'kind' | 'ctype' | 'rstates' | 'wstates' | 'counters';

export const INFO_KEYS: InfoKey[] = [
  'domain', 'type', 'protocol', 'fd', 'owner', 'local_address', 'remote_address',
  'recv', 'sent', 'state', 'kind', 'ctype', 'rstates', 'wstates', 'counters',
];

const DEFAULT_KEYS: InfoKey[] = [
  'domain', 'type', 'protocol', 'fd', 'owner', 'local_address', 'remote_address', 'recv', 'sent', 'state',
];

const HEADERS: Record<InfoKey, string> = {
  domain: 'Domain', type: 'Type', protocol: 'Protocol', fd: 'Fd', owner: 'Owner',
  local_address: 'Local Address', remote_address: 'Remote Address', recv: 'Recv', sent: 'Sent',
  state: 'State', kind: 'Kind', ctype: 'Ctype', rstates: 'Rstates', wstates: 'Wstates', counters: 'Counters',
};

const ABBREV: Record<string, string> = {
  bound: 'BD', listening: 'LG', accepting: 'AG', selected: 'SD', connecting: 'CG', connected: 'CD',
  closing: 'CLG', closed: 'CLD',
};

/** OTP's State column: rstates and wstates abbreviated, e.g. "BD:LG , CD" or "- , CD:SD". */
function state_column(r: string[], w: string[]): string {
  const rs = r.map((s) => ABBREV[s] ?? s).join(':');
  const ws = w.map((s) => ABBREV[s] ?? s).join(':');
  if (rs === '' && ws === '') return '';
  if (ws === '') return `${rs}, -`;
  if (rs === '') return ` - , ${ws}`;
  return `${rs} , ${ws}`;
}

function address(sa: unknown): string {
  if (typeof sa === 'number') return '';
  const a = sa as { family: string; addr?: number[]; port?: number; path?: string | Buffer };
  if (a.family === 'local') return `local:${String(a.path ?? '')}`;
  if (!Array.isArray(a.addr)) return '';
  const any = a.addr.every((x) => x === 0);
  const loop = a.family === 'inet' ? a.addr.join('.') === '127.0.0.1' : a.addr.slice(0, 7).every((x) => x === 0) && a.addr[7] === 1;
  const host = any ? '*' : loop ? 'localhost' : a.family === 'inet' ? a.addr.join('.') : a.addr.map((x) => x.toString(16)).join(':');
  return `${host}:${a.port ?? 0}`;
}

/** One i() column of sock as text (the observer reuses it). */
export function cell(sock: Sock, key: InfoKey): string {
  const st = sock.state;
  switch (key) {
    case 'domain': return st.domain;
    case 'type': return st.type.toUpperCase();
    case 'protocol': return st.protocol.toUpperCase();
    case 'fd': return st.closed ? '-' : String(st.fd);
    case 'owner': return st.owner === null ? 'undefined' : String(st.owner);
    case 'local_address': return st.closed ? '' : address(prim.sockname(st.fd));
    case 'remote_address': return st.closed ? '' : address(prim.peername(st.fd));
    case 'recv': return String(st.read_byte);
    case 'sent': return String(st.write_byte);
    case 'state': return state_column(st.rstates(), st.wstates());
    case 'kind': return 'plain';
    case 'ctype': return typeof st.ctype === 'string' ? st.ctype : `fromfd(${st.ctype[1]})`;
    case 'rstates': return st.rstates().join(',');
    case 'wstates': return st.wstates().join(',');
    case 'counters': return Object.entries(st.counters()).map(([k, v]) => `${k}=${v}`).join(',');
  }
}

/** The i() table as text: a header line and one line per socket, columns padded. */
export function print_table(socks: Sock[], keys: InfoKey[] = DEFAULT_KEYS): string {
  const rows = [keys.map((k) => HEADERS[k]), ...socks.map((s) => keys.map((k) => cell(s, k)))];
  const widths = keys.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((v, c) => v.padEnd(widths[c]!)).join(' ') + ' \n').join('');
}
