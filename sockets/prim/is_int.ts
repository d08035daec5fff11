// The one test of integer arguments in sockets/ (prim and the socket module alike).

/** An integer in [lo, hi]. */
export function is_int(v: unknown, lo = -Infinity, hi = Infinity): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}
