// `npm run bench -- idle [--servers ...] [--conns N]`
//
// Memory per idle connection: for every echo server in one run, open N connections (10,000
// by default), one echo on each so that the server has accepted it and started its handler,
// and read the server's resident memory (VmRSS) before and while they are held.
import * as os from 'os';
import { SERVER_LABEL, ServerName, buildTools, parseOptions, printTable, ratio, rssKiB, sleep, startServer, withIdleConnections } from './_servers';

interface Idle {
  before: number;
  held: number;
  perConnKiB: number;
}

async function idleOnce(name: ServerName, conns: number): Promise<Idle> {
  const server = await startServer(name);
  try {
    await sleep(500); // let start-up allocation settle
    const before = rssKiB(server.pid);
    const held = await withIdleConnections(server.port, conns, async () => {
      await sleep(1000); // the last handlers settle; no GC is forced on anyone
      return rssKiB(server.pid);
    });
    return { before, held, perConnKiB: (held - before) / conns };
  } finally {
    await server.stop();
  }
}

export async function main(args: string[]): Promise<void> {
  const { servers, flags } = parseOptions(args);
  const conns = Number(flags.get('conns') ?? 10000);
  buildTools();
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results = new Map<ServerName, Idle>();
  for (const s of servers) {
    const r = await idleOnce(s, conns);
    console.log(`${s.padEnd(9)} idle: RSS ${r.before} KiB -> ${r.held} KiB with ${conns} connections: ${r.perConnKiB.toFixed(2)} KiB each`);
    results.set(s, r);
  }
  console.log(`\n${conns} idle connections (after one echo each), server RSS`);
  const base = results.get('erlsock');
  printTable(
    ['server', 'RSS before KiB', 'RSS held KiB', 'KiB per connection', 'erlsock / this'],
    servers.map((s) => {
      const r = results.get(s)!;
      return [SERVER_LABEL[s], `${r.before}`, `${r.held}`, r.perConnKiB.toFixed(2), s === 'erlsock' ? '-' : ratio(base?.perConnKiB, r.perConnKiB)];
    }),
  );
  if (base) {
    const v = base.perConnKiB;
    console.log(`\ngoal ${v <= 3 ? 'met   ' : 'MISSED'} idle, erlsock KiB per connection incl. its handler: ${v.toFixed(2)} (target <= 3)`);
  }
}
