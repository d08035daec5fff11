// Pids and references: opaque identities that print as Erlang prints them.
// A Pid points at its live process (cleared at death), so `send` needs no table look-up.
import { inspect } from 'util';
import type { Process } from './process';

export class Pid {
  /** The live process, or null once it has died (or for a pid that never existed). */
  proc: Process | null;
  readonly id: number;

  constructor(id: number, proc: Process | null = null) {
    this.id = id;
    this.proc = proc;
  }

  toString(): string {
    return `<0.${this.id}.0>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

// Erlang refs print as #Ref<0.A.B.C>; A and B are fixed per runtime, C counts.
const REF_A = (Math.random() * 0x100000000) >>> 0;
const REF_B = (Math.random() * 0x100000000) >>> 0;
let ref_counter = 0;

export class Ref {
  // Declared, not a class field: a field would make every `new Ref` call the class's field
  // initializer first (a ref per select of the socket idiom).
  declare readonly n: number;

  constructor() {
    this.n = ++ref_counter;
  }

  toString(): string {
    return `#Ref<0.${REF_A}.${REF_B}.${this.n}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
