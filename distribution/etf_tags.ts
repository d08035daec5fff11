// The external term format's tags and limits, shared by the decoder and the encoder.
export class EtfError extends Error {
  override name = 'EtfError';
}

/** Deepest nesting of tuples, lists' elements, maps accepted either way. */
export const MAX_DEPTH = 1000;
/** Largest uncompressed size accepted for a compressed term. */
export const MAX_INFLATED = 64 * 1024 * 1024;

export const T = {
  NEW_FLOAT: 70, BIT_BINARY: 77, ATOM_CACHE_REF: 82, COMPRESSED: 80, NEW_PID: 88, NEW_PORT: 89,
  NEWER_REFERENCE: 90, SMALL_INTEGER: 97, INTEGER: 98, FLOAT: 99, ATOM: 100, REFERENCE: 101,
  PORT: 102, PID: 103, SMALL_TUPLE: 104, LARGE_TUPLE: 105, NIL: 106, STRING: 107, LIST: 108,
  BINARY: 109, SMALL_BIG: 110, LARGE_BIG: 111, NEW_FUN: 112, EXPORT: 113, NEW_REFERENCE: 114,
  SMALL_ATOM: 115, MAP: 116, ATOM_UTF8: 118, SMALL_ATOM_UTF8: 119, V4_PORT: 120,
} as const;

export const VERSION = 131;
