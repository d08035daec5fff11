// The one errno → Erlang atom table. The native layer returns `-errno`; this names it.
//
// Built from Node's own os.constants.errno (the numbers of the platform Node was built
// for), so no number is typed by hand: the atom is the lowercase errno name, as in ERTS's
// erl_errno_id(). Where Linux gives two names one number, the table keeps the name OTP
// prints: EWOULDBLOCK is EAGAIN ('eagain'), EDEADLOCK is EDEADLK ('edeadlk'), and
// EOPNOTSUPP is ENOTSUP ('enotsup': OTP 25 answers listen on UDP with enotsup, docs/OTP25_BEHAVIOUR.md section 6).
import * as os from 'os';

const PREFERRED: Record<string, true> = { EAGAIN: true, EDEADLK: true, ENOTSUP: true };

const BY_NUMBER = new Map<number, string>();
const BY_NAME = new Map<string, number>();

for (const [name, num] of Object.entries(os.constants.errno)) {
  const atom = name.toLowerCase();
  BY_NAME.set(atom, num);
  const prev = BY_NUMBER.get(num);
  if (prev === undefined || PREFERRED[name] === true) BY_NUMBER.set(num, atom);
}

/**
 * The Erlang atom for a native result `r` (a negative errno) or a positive errno.
 * Unknown numbers become 'unknown_errno_N' rather than throwing: a result is never lost.
 */
export function errno_atom(r: number): string {
  const n = r < 0 ? -r : r;
  return BY_NUMBER.get(n) ?? `unknown_errno_${n}`;
}

/** The positive errno number of an atom ('eagain' → 11), or undefined. */
export function errno_number(atom: string): number | undefined {
  return BY_NAME.get(atom);
}

/** Negative errno results used often enough on hot paths to compare without a lookup. */
export const EAGAIN = -(os.constants.errno.EAGAIN);
export const EINPROGRESS = -(os.constants.errno.EINPROGRESS);
export const EINTR = -(os.constants.errno.EINTR);
export const EBADF = -(os.constants.errno.EBADF);
