// A Node `net` echo server: what a user would write without erlsock, the peer the echo
// benchmarks compare against. The harness runs it as a program; `npm run bench -- node_net_echo`
// starts it by hand:
//
//   node dist/bench/node_net_echo.js [--addr A] [--port P] [--nodelay]
//
// Prints `listening <addr> <port>` when ready; runs until SIGINT/SIGTERM, then exits 0.
import * as net from 'net';

interface Options {
  addr: string;
  port: number;
  nodelay: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { addr: '127.0.0.1', port: 0, nodelay: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--nodelay') o.nodelay = true;
    else if (a === '--addr' && i + 1 < argv.length) o.addr = argv[++i];
    else if (a === '--port' && i + 1 < argv.length) o.port = Number(argv[++i]);
    else throw new Error(`usage: node_net_echo [--addr A] [--port P] [--nodelay] (got ${a})`);
  }
  return o;
}

function serve(o: Options): void {
  const server = net.createServer({ noDelay: o.nodelay }, (conn) => {
    // write() queues what the kernel does not take at once, like the C server's pending buffer.
    conn.on('data', (data) => conn.write(data));
    conn.on('error', () => conn.destroy());
  });
  // 511 is Node's default backlog; said explicitly because the peers' backlogs differ.
  server.listen({ host: o.addr, port: o.port, backlog: 511 }, () => {
    const a = server.address() as net.AddressInfo;
    process.stdout.write(`listening ${o.addr} ${a.port}\n`);
  });
  const stop = (): void => {
    server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function main(args: string[]): void {
  serve(parseArgs(args));
}

if (require.main === module) main(process.argv.slice(2));
