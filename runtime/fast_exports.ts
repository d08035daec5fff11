// A module's exports object back in V8's fast mode, for the modules whose names are read on
// every message (socket.recv, receive, on, prim.recv, ...).
//
// TypeScript's CommonJS output first sets every exported name to undefined, then redefines
// each re-exported name (`export { x } from './y'`) as a getter. V8 turns an object whose data
// property is redefined as an accessor into a hash table ("dictionary mode"); from then on
// every `socket.recv` read is a hash lookup plus a getter call that optimized code cannot
// inline (3% of the echo server's CPU, bench/RESULTS.md). V8 makes a dictionary-mode object
// fast again when it is the prototype of an object whose property reads have feedback: so the
// exports become the prototype of a throwaway object, which is read until V8 has done so.
// Nothing observable changes: the same object, the same properties, getters and values.

/** At most this many reads: V8 allocates a function's feedback after a few calls (8 in V8 11). */
const MAX_READS = 32;

// Reads a name no module exports: the lookup walks to the prototype, which is what makes V8
// optimize that prototype's layout.
function read_through(o: object): unknown {
  return (o as { __erlsock_fast_exports_probe__?: unknown }).__erlsock_fast_exports_probe__;
}

/** Puts exports (a module's `module.exports`) back in fast mode; call it at the module's end. */
export function fast_exports(exports: object): void {
  function Holder(): void {}
  Holder.prototype = exports;
  const probe = new (Holder as unknown as new () => object)();
  for (let i = 0; i < MAX_READS; i++) read_through(probe);
}
