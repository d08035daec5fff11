// gen_tcp:unrecv(S, Data): pushes Data back in front of the bytes not yet delivered, so the
// next recv (or active message) decodes it first, as OTP 25's default (inet) backend does
// ({inet_backend, socket} answers {error, enotsup}). Values checked on erl
// (test/otp/43_unrecv.escript): 'ok'; ['error', 'einval'] for data that is not iodata;
// ['error', 'closed'] after close; ['error', 'enotconn'] on a listener. Two deliberate
// differences (docs/GEN_TCP.md's table): on an active socket the data is delivered at once
// (inet waits for the next bytes from the peer), and an empty push is a no-op (inet's next
// recv answers emsgsize).
import { error } from '../runtime';
import { GenSocket, ACT_FALSE } from './gen_socket';
import { pump } from './active';

/** Data as bytes, or null when it is not iodata (bytes 0..255, Buffers, strings, nested lists). */
function bytes_of(d: unknown): Buffer | null {
  if (Buffer.isBuffer(d)) return d;
  if (typeof d === 'string') return Buffer.from(d, 'latin1');
  if (!Array.isArray(d)) return null;
  const parts: Buffer[] = [];
  const walk = (x: unknown): boolean => {
    if (Array.isArray(x)) return x.every(walk);
    if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255) parts.push(Buffer.of(x));
    else if (Buffer.isBuffer(x)) parts.push(x);
    else if (typeof x === 'string') parts.push(Buffer.from(x, 'latin1'));
    else return false;
    return true;
  };
  return walk(d) ? Buffer.concat(parts) : null;
}

/** gen_tcp:unrecv(S, Data) → 'ok' | ['error', einval | closed | enotconn]. */
export function unrecv(s: GenSocket, data: unknown): 'ok' | ['error', string] {
  // gen_tcp:unrecv/2 has a clause for ports only.
  if (!(s instanceof GenSocket) || s.proto !== 'tcp') return error('function_clause');
  const b = bytes_of(data);
  if (b === null) return ['error', 'einval'];
  if (s.closed) return ['error', 'closed'];
  if (s.listening) return ['error', 'enotconn'];
  if (b.length === 0) return 'ok';
  // A copy: the caller may reuse its buffer, and pending's spare room (gen/pending.ts) is
  // only ever that of a buffer it allocated itself.
  s.pending = s.pending === null ? Buffer.from(b) : Buffer.concat([b, s.pending]);
  if (s.active !== ACT_FALSE) pump(s);
  return 'ok';
}
