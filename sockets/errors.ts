// Exceptions the socket module raises, shaped like OTP's `erlang:error(Reason)`.
//
// OTP answers most failures with an `{error, Reason}` value; it raises only for arguments
// of the wrong shape (docs/OTP25_BEHAVIOUR.md section 6). Those raises become an `ErlangError` here: `reason`
// is the Erlang term OTP raises (`'badarg'`, `['invalid', ['timeout', -5]]`, ...), and
// `code` is a stable string for programs that dispatch on it, as the ws library does.

import { ErlangError } from '../runtime/exits';
import { fast_exports } from '../runtime/fast_exports';

export { ErlangError };

export type ErrorCode =
  | 'ERLSOCK_BADARG'
  | 'ERLSOCK_INVALID'
  | 'ERLSOCK_FUNCTION_CLAUSE'
  | 'ERLSOCK_NOTSUP';

/**
 * The runtime's `error(Reason)` exception, so a process that does not catch it exits with
 * `[Reason, Stack]` exactly as an Erlang process would; plus a `code`.
 */
export class SocketError extends ErlangError {
  readonly code: ErrorCode;

  constructor(reason: unknown, code: ErrorCode) {
    super(reason);
    this.name = 'SocketError';
    this.message = `erlang error: ${format_reason(reason)}`;
    this.code = code;
  }
}

function code_of(reason: unknown): ErrorCode {
  if (reason === 'badarg') return 'ERLSOCK_BADARG';
  if (reason === 'function_clause') return 'ERLSOCK_FUNCTION_CLAUSE';
  if (reason === 'notsup') return 'ERLSOCK_NOTSUP';
  return 'ERLSOCK_INVALID';
}

/** Raises `erlang:error(Reason)`. */
export function raise(reason: unknown): never {
  throw new SocketError(reason, code_of(reason));
}

export function badarg(): never {
  return raise('badarg');
}

/** `erlang:error({invalid, What})`. */
export function raise_invalid(what: unknown): never {
  return raise(['invalid', what]);
}

/** A short Erlang-like rendering for error messages; not a full term printer. */
export function format_reason(t: unknown): string {
  if (Array.isArray(t)) return `{${t.map(format_reason).join(',')}}`;
  if (typeof t === 'string') return t;
  if (Buffer.isBuffer(t)) return `<<${t.length} bytes>>`;
  if (t !== null && typeof t === 'object') {
    // Sockets, pids and refs print through their toString; a plain object falls back to JSON.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    const s = String(t);
    return s === '[object Object]' ? JSON.stringify(t) : s;
  }
  return String(t);
}

// Re-exported names leave this module's exports in dictionary mode: see fast_exports.
fast_exports(module.exports as object);
