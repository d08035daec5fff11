#!/usr/bin/env node
// erlsock-echo: the guide's echo example (examples/echo.ts) from the command line.
//
//   erlsock-echo server [--addr A] [--port P] [--quiet] [--nodelay]
//       prints `listening <addr> <port>` when ready, echoes (printing each echo as the guide
//       does, unless --quiet) until SIGINT or SIGTERM, then exits 0
//   erlsock-echo client --addr A --port P MSG
//       sends MSG, exits 0 when the echo matches, 1 when it does not or the exchange fails
//
// --nodelay sets TCP_NODELAY on the listening socket (accepted sockets inherit it on Linux),
// for the 16 KiB benchmark: the guide's recv(Sock, 0) reads 8192 bytes at most, so a 16 KiB
// message is echoed as two sends, the second of which waits for a delayed ACK otherwise.
import { isIP } from 'net';
import { Proc, run } from '../runtime';
import * as echo from './echo';
import * as echo_gen_tcp from './echo_gen_tcp';

export const USAGE =
  'usage: erlsock-echo server [--addr A] [--port P] [--quiet] [--nodelay] [--gen_tcp [--active once|true|false]]\n' +
  '       erlsock-echo client --addr A --port P MSG';

interface Parsed {
  command: 'server' | 'client';
  addr: echo.Addr;
  addrText: string;
  port: number;
  quiet: boolean;
  nodelay: boolean;
  /** --gen_tcp: the echo written on gen_tcp (examples/echo_gen_tcp.ts), with this active mode. */
  gen_tcp?: echo_gen_tcp.Active;
  msg?: string;
}

/** Parses the command line; returns an error text for anything it does not understand. */
export function parse_args(argv: string[]): Parsed | string {
  const [command, ...rest] = argv;
  if (command !== 'server' && command !== 'client') return USAGE;
  const p: Parsed = { command, addr: [127, 0, 0, 1], addrText: '127.0.0.1', port: 0, quiet: false, nodelay: false };
  let haveAddr = false;
  let havePort = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--quiet') p.quiet = true;
    else if (a === '--nodelay') p.nodelay = true;
    else if (a === '--gen_tcp' && command === 'server') p.gen_tcp ??= 'once';
    else if (a === '--active' && command === 'server' && ['once', 'true', 'false'].includes(rest[i + 1] ?? '')) {
      const v = rest[++i];
      p.gen_tcp = v === 'once' ? 'once' : v === 'true';
    }
    else if (a === '--addr' && i + 1 < rest.length) {
      const addr = parse_address(rest[++i]);
      if (addr === undefined) return `erlsock-echo: not an IP address: ${rest[i]}`;
      p.addr = addr;
      p.addrText = rest[i];
      haveAddr = true;
    } else if (a === '--port' && i + 1 < rest.length) {
      const port = Number(rest[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return `erlsock-echo: bad port: ${rest[i]}`;
      p.port = port;
      havePort = true;
    } else if (command === 'client' && p.msg === undefined && !a.startsWith('--')) p.msg = a;
    else return `erlsock-echo: unexpected argument: ${a}\n${USAGE}`;
  }
  if (command === 'client' && (!haveAddr || !havePort || p.port === 0 || p.msg === undefined)) return USAGE;
  return p;
}

/** inet:parse_address/1 for the two forms a command line gives: dotted IPv4 and IPv6 text. */
export function parse_address(text: string): echo.Addr | undefined {
  const kind = isIP(text);
  if (kind === 4) return text.split('.').map(Number) as echo.Addr4;
  if (kind !== 6 || text.includes('%')) return undefined;
  let s = text;
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two 16-bit groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    s = s.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(zeros).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 ? (groups as echo.Addr6) : undefined;
}

function* serve(p: Parsed): Proc<void> {
  if (p.gen_tcp !== undefined) {
    const r = yield* echo_gen_tcp.server(p.port, p.addr, p.gen_tcp, p.nodelay);
    if (r[0] !== 'ok') throw new Error(`listen: ${String(r[1])}`);
    process.stdout.write(`listening ${p.addrText} ${r[1][0]}\n`);
    return;
  }
  echo.options.quiet = p.quiet;
  echo.options.nodelay = p.nodelay;
  const [, [Port]] = yield* echo.server(p.port, p.addr);
  process.stdout.write(`listening ${p.addrText} ${Port}\n`);
}

/** Runs the command; resolves to the exit status (the server's only on a signal). */
export async function main(argv: string[]): Promise<number> {
  const p = parse_args(argv);
  if (typeof p === 'string') {
    process.stderr.write(`${p}\n`);
    return 2;
  }
  if (p.command === 'client') {
    try {
      await run(() => echo.client(p.port, p.addr, p.msg!));
      return 0;
    } catch (e) {
      process.stderr.write(`erlsock-echo: client failed: ${String(e)}\n`);
      return 1;
    }
  }
  await run(serve, p);
  // The acceptor and the handlers are processes that live on without us; a signal ends them.
  return new Promise<number>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = (): void => {
      clearInterval(keepAlive);
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (e: unknown) => {
      process.stderr.write(`erlsock-echo: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
