// process_info(P, memory) and erlang:memory(): estimates, since V8 does not tell how many
// bytes one object graph holds. How the estimate is made (bytes, 64-bit V8):
// - the process record 240, its pid 32, a started generator 200 (V8's generator object
//   and its saved frame for a small body; a deep yield* chain holds more, not counted);
// - links 40 per entry, monitors 88 per entry (the Map entry and the record), a name 16;
// - each queued message: its list node 32 plus the message's size, where a number is 0
//   (a small integer) or 16, a string 16 + its length, a Buffer 96 + its bytes, an array
//   16 + 8 per slot + its elements, an object 24 + 16 per key + its values, a pid or ref 32;
//   terms nested deeper than 8 levels or beyond 10,000 parts are not counted further;
// - over 1,000 queued messages, the first 1,000 are measured and the rest counted at their
//   average (so a 139 MB backlog reads as about 139 MB, measured in bounded time).
import { Process, newest_process, monitors_list, links_list } from './process';
import { error } from './exits';

const PROCESS_BYTES = 240 + 32;
const GENERATOR_BYTES = 200;
const LINK_BYTES = 40;
const MONITOR_BYTES = 88;
const NODE_BYTES = 32;
const SAMPLE = 1000;

/** Estimated bytes of a term (bounded walk). */
export function term_bytes(t: unknown): number {
  let budget = 10000;
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): number => {
    if (--budget < 0) return 0;
    switch (typeof v) {
      case 'number': return Number.isInteger(v) && Math.abs(v) < 2 ** 30 ? 0 : 16;
      case 'string': return 16 + v.length;
      case 'bigint': return 16 + Math.ceil(v.toString(16).length / 2);
      case 'boolean': case 'undefined': case 'symbol': return 0;
      case 'function': return 64;
      case 'object': break;
      default: return 0;
    }
    if (v === null) return 0;
    if (seen.has(v)) return 0;
    seen.add(v);
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) return 96 + v.byteLength;
    if (depth >= 8) return 16;
    if (Array.isArray(v)) {
      let n = 16 + 8 * v.length;
      for (const x of v) n += walk(x, depth + 1);
      return n;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return 32; // pids, refs, sockets, class instances: their handle
    let n = 24;
    for (const k of Object.keys(v)) n += 16 + walk((v as Record<string, unknown>)[k], depth + 1);
    return n;
  };
  return walk(t, 0);
}

/** The estimated memory of p in bytes (see the top of this file). */
export function process_bytes(p: Process): number {
  let n = PROCESS_BYTES;
  if (p.gen !== null) n += GENERATOR_BYTES;
  const x = p.ext;
  if (x !== null) {
    n += 64;
    n += LINK_BYTES * links_list(x.links).length;
    n += MONITOR_BYTES * (monitors_list(x.monitors).length + monitors_list(x.monitored_by).length);
    if (x.name !== null) n += 16;
  }
  let sampled = 0;
  let bytes = 0;
  for (let node = p.mb_head; node !== null && sampled < SAMPLE; node = node.next, sampled++) bytes += NODE_BYTES + term_bytes(node.msg);
  if (sampled > 0 && p.mb_len > sampled) bytes = Math.round((bytes / sampled) * p.mb_len);
  return n + bytes;
}

export interface MemoryInfo {
  total: number;
  processes: number;
  processes_used: number;
  system: number;
  atom: number;
  atom_used: number;
  binary: number;
  code: number;
  ets: number;
}

/**
 * erlang:memory() → bytes by category, from Node's process.memoryUsage(): total = V8 heap
 * (total) + memory outside it (external, Buffers included); processes = processes_used = the
 * sum of the process estimates; binary = Buffers' bytes (arrayBuffers); system = total −
 * processes; atom, atom_used, code and ets are 0 (atoms are strings; code is not counted).
 */
export function memory(): MemoryInfo;
export function memory<K extends keyof MemoryInfo>(kind: K): number;
export function memory(kind?: keyof MemoryInfo): MemoryInfo | number {
  const u = process.memoryUsage();
  let procs = 0;
  for (let p = newest_process(); p !== null; p = p.next) procs += process_bytes(p);
  const total = u.heapTotal + u.external;
  const all: MemoryInfo = {
    total,
    processes: procs,
    processes_used: procs,
    system: Math.max(0, total - procs),
    atom: 0,
    atom_used: 0,
    binary: u.arrayBuffers,
    code: 0,
    ets: 0,
  };
  if (kind === undefined) return all;
  if (!(kind in all)) error('badarg');
  return all[kind];
}
