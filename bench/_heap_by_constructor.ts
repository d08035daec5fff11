// `node dist/bench/_heap_by_constructor.js BEFORE.heapsnapshot AFTER.heapsnapshot N [rows]`:
// the heap that AFTER holds beyond BEFORE, per constructor (self sizes summed), divided by N
// (e.g. the number of connections held in AFTER and not in BEFORE). Not a benchmark: the
// tool behind the bytes-per-connection tables in RESULTS.md.
import * as fs from 'fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and bytes per kind of node: constructor names for objects, a bucket for the rest. */
function byKind(file: string): Map<string, [number, number]> {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const nf = s.snapshot.meta.node_fields.length;
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < s.nodes.length; i += nf) {
    const type = types[s.nodes[i]];
    const name = s.strings[s.nodes[i + 1]];
    let kind: string;
    if (type === 'object' || type === 'native') kind = `${type} ${name}`;
    else if (type === 'array' || type === 'hidden' || type === 'object shape') kind = `(${type}) ${name.slice(0, 40)}`;
    else kind = `(${type})`;
    const a = out.get(kind) ?? [0, 0];
    a[0] += 1;
    a[1] += s.nodes[i + 3];
    out.set(kind, a);
  }
  return out;
}

function main(argv: string[]): void {
  const [before, after, nArg, rowsArg] = argv;
  if (before === undefined || after === undefined || nArg === undefined) {
    console.error('usage: _heap_by_constructor BEFORE AFTER N [rows]');
    process.exit(2);
  }
  const n = Number(nArg);
  const a = byKind(before);
  const b = byKind(after);
  const rows: [string, number, number][] = [];
  let total = 0;
  for (const [kind, [count, bytes]] of b) {
    const [c0, b0] = a.get(kind) ?? [0, 0];
    rows.push([kind, (bytes - b0) / n, (count - c0) / n]);
    total += (bytes - b0) / n;
  }
  rows.sort((x, y) => y[1] - x[1]);
  console.log(`bytes per unit: ${total.toFixed(0)}`);
  for (const [kind, bytes, count] of rows.slice(0, Number(rowsArg ?? 25))) {
    console.log(`${bytes.toFixed(1).padStart(9)} ${count.toFixed(2).padStart(7)}  ${kind}`);
  }
}

main(process.argv.slice(2));
