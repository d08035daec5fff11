// The socket term. OTP's is `{'$socket', Ref}`; here it is a frozen object compared by
// identity, so `on(['$socket', sock, 'select', _])` in a receive matches exactly this
// socket, and the object can sit in Sets and Maps. It prints as `#Socket<N>` (like OTP's
// `socket:to_list/1`), N counting sockets opened by this Node environment.
import { inspect } from 'util';
import { FORMAT_TERM } from '../runtime/format';

let next_id = 1;

export class Socket<S extends object = object> {
  /** Distinct per socket; only for printing. */
  readonly id: number;
  /**
   * The socket's mutable state, owned by socket.ts. Kept on the term itself so that every
   * call reaches it without a Map lookup.
   * @internal
   */
  readonly state: S;

  constructor(state: S) {
    this.id = next_id++;
    this.state = state;
    Object.freeze(this);
  }

  toString(): string {
    return `#Socket<${this.id}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** format_term (crash reports, exit messages) prints the term, never its state. */
  [FORMAT_TERM](): string {
    return this.toString();
  }
}

/** socket:to_list/1. */
export function to_list(sock: Socket): string {
  return sock.toString();
}
