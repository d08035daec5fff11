// Poller token → socket, for the readiness batch: one lookup per ready socket, which a Map
// did through V8's generic hash-table builtin (a call, the key's hash, a bucket chain). Tokens
// are a counter that never repeats (prim_socket.new_token), so the sockets open at one time
// hold mostly consecutive tokens and `token & mask` spreads them over an array with few
// collisions. Open addressing, linear probing, at most three quarters full; removal shifts the probe
// run back instead of leaving tombstones. Each entry is the socket itself: its state holds
// its token, which is the key.

/** What the table needs of an entry: the token it is filed under. */
export interface Tokened {
  readonly state: { readonly token: number };
}

const MIN_SLOTS = 64;

export class TokenTable<T extends Tokened> {
  private slots: (T | undefined)[] = new Array<T | undefined>(MIN_SLOTS).fill(undefined);
  private mask = MIN_SLOTS - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The entry filed under token, or undefined (never filed, or removed since). */
  get(token: number): T | undefined {
    return this.slots[this.find(token)];
  }

  /** The slot holding token's entry, or the empty slot that ends its probe run. */
  private find(token: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = token & mask;
    let e = slots[i];
    while (e !== undefined && e.state.token !== token) {
      i = (i + 1) & mask;
      e = slots[i];
    }
    return i;
  }

  /** Every entry, in no particular order. */
  values(): T[] {
    const out: T[] = [];
    for (const e of this.slots) if (e !== undefined) out.push(e);
    return out;
  }

  /** Files e under its token (e.state.token); a token is filed once. */
  add(e: T): void {
    // At most three quarters full: the tokens of sockets open at one time are mostly
    // consecutive, so their home slots rarely collide and the probe runs stay short.
    if ((this.count + 1) * 4 > this.slots.length * 3) this.resize(this.slots.length * 2);
    this.insert(e);
    this.count++;
  }

  /** Removes the entry filed under token; false if there is none. */
  delete(token: number): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = this.find(token);
    if (slots[i] === undefined) return false;
    // Backward-shift: move later entries of the probe run into the hole when their home
    // slot does not lie (cyclically) between the hole and where they sit.
    let hole = i;
    for (;;) {
      i = (i + 1) & mask;
      const next = slots[i];
      if (next === undefined) break;
      const home = next.state.token & mask;
      const between = hole <= i ? hole < home && home <= i : hole < home || home <= i;
      if (between) continue;
      slots[hole] = next;
      hole = i;
    }
    slots[hole] = undefined;
    this.count--;
    // Shrink after a wave of closes, so a server that once held many sockets does not keep
    // the array of its peak.
    if (this.slots.length > MIN_SLOTS && this.count * 8 < this.slots.length) this.resize(this.slots.length / 2);
    return true;
  }

  private insert(e: T): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = e.state.token & mask;
    while (slots[i] !== undefined) i = (i + 1) & mask;
    slots[i] = e;
  }

  private resize(n: number): void {
    const old = this.slots;
    this.slots = new Array<T | undefined>(n).fill(undefined);
    this.mask = n - 1;
    for (const e of old) if (e !== undefined) this.insert(e);
  }
}
