// `npm run bench -- idle [--servers ...] [--conns N] [--more M]`
//
// Memory per idle connection: for every echo server in one run, open N connections (10,000
// by default), one echo on each so that the server has accepted it and started its handler,
// and read the server's resident memory (VmRSS) before and while they are held; then, with
// those still held, open M more (8,000 by default: the hard fd limit here is 20,000) and read
// it again.
//
// Two figures per server, because they measure different things:
// - first N: (RSS with N - RSS before) / N. It includes what the server grows once, whatever
//   the count: on Node, V8's young generation grows from 1-4 MiB to its 16 MiB x 2 cap while
//   thousands of long-lived objects survive their first scavenges (about 28 MiB, shown by
//   v8.getHeapSpaceStatistics() before and after), which is 2.8 KiB of the per-connection
//   figure at 10,000 connections and 0.28 KiB at 100,000.
// - marginal: (RSS with N + M - RSS with N) / M, what each further idle connection costs
//   once that growth is done: the figure that scales with the connection count.
import * as os from 'os';
import { SERVER_LABEL, ServerName, buildTools, parseOptions, printTable, ratio, rssKiB, sleep, startServer, withIdleConnections } from './_servers';

interface Idle {
  before: number;
  held: number;
  heldMore: number;
  perConnKiB: number;
  marginalKiB: number;
}

async function idleOnce(name: ServerName, conns: number, more: number): Promise<Idle> {
  const server = await startServer(name);
  try {
    await sleep(500); // let start-up allocation settle
    const before = rssKiB(server.pid);
    const [held, heldMore] = await withIdleConnections(server.port, conns, async () => {
      await sleep(1000); // the last handlers settle; no GC is forced on anyone
      const held = rssKiB(server.pid);
      if (more === 0) return [held, held];
      const heldMore = await withIdleConnections(server.port, more, async () => {
        await sleep(1000);
        return rssKiB(server.pid);
      });
      return [held, heldMore];
    });
    return { before, held, heldMore, perConnKiB: (held - before) / conns, marginalKiB: more > 0 ? (heldMore - held) / more : NaN };
  } finally {
    await server.stop();
  }
}

export async function main(args: string[]): Promise<void> {
  const { servers, flags } = parseOptions(args);
  const conns = Number(flags.get('conns') ?? 10000);
  const more = Number(flags.get('more') ?? 8000);
  buildTools();
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results = new Map<ServerName, Idle>();
  for (const s of servers) {
    const r = await idleOnce(s, conns, more);
    console.log(
      `${s.padEnd(9)} idle: RSS ${r.before} KiB -> ${r.held} KiB with ${conns} connections (${r.perConnKiB.toFixed(2)} KiB each)` +
        ` -> ${r.heldMore} KiB with ${more} more (${r.marginalKiB.toFixed(2)} KiB each)`,
    );
    results.set(s, r);
  }
  console.log(`\n${conns} idle connections (after one echo each), then ${more} more, server RSS`);
  const base = results.get('erlsock');
  printTable(
    ['server', 'RSS before KiB', `RSS with ${conns} KiB`, `KiB per connection, first ${conns}`, `RSS with ${conns + more} KiB`,
      `KiB per connection, next ${more} (marginal)`, 'erlsock / this, first', 'erlsock / this, marginal'],
    servers.map((s) => {
      const r = results.get(s)!;
      return [SERVER_LABEL[s], `${r.before}`, `${r.held}`, r.perConnKiB.toFixed(2), `${r.heldMore}`, r.marginalKiB.toFixed(2),
        s === 'erlsock' ? '-' : ratio(base?.perConnKiB, r.perConnKiB), s === 'erlsock' ? '-' : ratio(base?.marginalKiB, r.marginalKiB)];
    }),
  );
  if (base) {
    const first = base.perConnKiB;
    const marginal = base.marginalKiB;
    console.log(`\ngoal ${marginal <= 3 ? 'met   ' : 'MISSED'} idle, erlsock KiB per further idle connection incl. its handler (marginal): ${marginal.toFixed(2)} (target <= 3)`);
    console.log(`     ${first <= 3 ? 'met   ' : 'MISSED'} idle, erlsock KiB per connection over the first ${conns} (incl. one-off heap growth): ${first.toFixed(2)} (target <= 3)`);
  }
}
