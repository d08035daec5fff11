// Command-line values shared by the erlsock commands: addresses, ports, counts, and the
// one-line text of a socket error.
import { isIP } from 'net';
import { format_term } from '../runtime';

export type Addr4 = [number, number, number, number];
export type Addr6 = [number, number, number, number, number, number, number, number];

/** inet:parse_address/1 for the two forms a command line gives: dotted IPv4 and IPv6 text. */
export function parse_address(text: string): Addr4 | Addr6 | undefined {
  const kind = isIP(text);
  if (kind === 4) return text.split('.').map(Number) as Addr4;
  if (kind !== 6 || text.includes('%')) return undefined;
  let s = text;
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two 16-bit groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    s = s.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(zeros).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 ? (groups as Addr6) : undefined;
}

/** A decimal integer in [min, max], or undefined ('', '1.5', '0x10', ' 7' are not). */
export function parse_int(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

const POSIX_TEXT: Record<string, string> = {
  eaddrinuse: 'address already in use',
  eaddrnotavail: 'address not available',
  eacces: 'permission denied',
  econnrefused: 'connection refused',
  econnreset: 'connection reset by peer',
  ehostunreach: 'host unreachable',
  enetunreach: 'network unreachable',
  etimedout: 'timed out',
  emfile: 'too many open files',
  closed: 'the peer closed the connection',
};

/** A socket error reason for a person: `eaddrinuse (address already in use)`, else the term. */
export function reason_text(reason: unknown): string {
  if (typeof reason === 'string' && POSIX_TEXT[reason] !== undefined) return `${reason} (${POSIX_TEXT[reason]})`;
  return format_term(reason);
}
