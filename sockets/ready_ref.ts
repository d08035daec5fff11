// A select handle that is a callback: parked on a socket's read queue in place of a
// process's Ref, it makes the readiness edge call a function (outside any process) instead
// of sending the select message. Used through sockets/readiness.ts by layers that deliver
// data themselves (gen_tcp's active mode), so they need no process per socket.
import { Ref } from '../runtime/terms';

export class ReadyRef<A = unknown> extends Ref {
  constructor(
    public fn: ((arg: A) => void) | null,
    public arg: A,
  ) {
    super();
  }

  /** The socket is (believed) readable: the callback runs now, once. */
  fire(): void {
    const f = this.fn;
    if (f !== null) f(this.arg);
  }
}
