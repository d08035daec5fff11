// Which node this runtime is (name and creation), and the tables that give a pid or ref
// decoded from the wire the same JS object each time, so that receive patterns (which compare
// pids and refs by identity) match a pid that went out and came back.
import { Pid, Ref } from '../runtime/terms';
import { RemotePid } from '../runtime/remote';
import { ExtRef } from './terms';

/** This node: 'nonode@nohost' and creation 0 until the distribution starts. */
export const me = { name: 'nonode@nohost', creation: 0 };

const local_pids = new Map<number, WeakRef<Pid>>();
const local_refs = new Map<number, WeakRef<Ref>>();
const remote_pids = new Map<string, WeakRef<RemotePid>>();
const ext_refs = new Map<string, WeakRef<ExtRef>>();
const gone = new FinalizationRegistry<[Map<unknown, WeakRef<object>>, unknown]>(([table, key]) => {
  const w = table.get(key);
  if (w !== undefined && w.deref() === undefined) table.delete(key);
});

function remember<K, V extends object>(table: Map<K, WeakRef<V>>, key: K, v: V): void {
  const w = table.get(key);
  if (w !== undefined && w.deref() === v) return;
  table.set(key, new WeakRef(v));
  gone.register(v, [table as unknown as Map<unknown, WeakRef<object>>, key]);
}

/** A local pid about to be encoded: remembered so that it decodes back to itself. */
export function local_pid_out(pid: Pid): void {
  remember(local_pids, pid.id, pid);
}

/** The ids a local ref is encoded with. */
export function local_ref_ids(ref: Ref): number[] {
  remember(local_refs, ref.n, ref);
  return [ref.n & 0x3ffff, Math.floor(ref.n / 0x40000) >>> 0, 0];
}

export function pid_in(node: string, id: number, serial: number, creation: number): Pid {
  if (node === me.name && creation === me.creation && serial === 0) {
    const p = local_pids.get(id)?.deref();
    if (p !== undefined) return p;
    // A local pid we never sent: no live process can have it, so it is a dead pid.
    if (me.name !== 'nonode@nohost') return new Pid(id, null);
  }
  const key = `${node}/${id}/${serial}/${creation}`;
  const r = remote_pids.get(key)?.deref();
  if (r !== undefined) return r;
  const fresh = new RemotePid(node, id, serial, creation);
  remember(remote_pids, key, fresh);
  return fresh;
}

export function ref_in(node: string, creation: number, ids: number[]): Ref {
  if (node === me.name && creation === me.creation && ids.length === 3 && ids[2] === 0) {
    const r = local_refs.get(ids[0] + ids[1] * 0x40000)?.deref();
    if (r !== undefined) return r;
  }
  const key = `${node}/${creation}/${ids.join('.')}`;
  const known = ext_refs.get(key)?.deref();
  if (known !== undefined) return known;
  const fresh = new ExtRef(node, creation, ids);
  remember(ext_refs, key, fresh);
  return fresh;
}
