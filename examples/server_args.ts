// The command line shared by the gen_tcp example servers (`erlsock chat`, `erlsock http`):
// `--port P` (0, the default, picks a free port) and `--addr A` (IPv4 or IPv6 text,
// default 127.0.0.1); and running until SIGINT or SIGTERM, then exit status 0.
import { parse_address } from './cli_args';

export interface ServerArgs {
  port: number;
  addr: number[];
  addrText: string;
  /** Flags the command accepts besides --port/--addr, with their values. */
  extra: Record<string, string>;
}

/** Parses args; an error text for anything else. `flags` are further `--name value` options. */
export function parse_server_args(name: string, args: string[], flags: string[] = []): ServerArgs | string {
  const usage = `usage: erlsock ${name} [--port P] [--addr A]${flags.map((f) => ` [--${f} V]`).join('')}`;
  const p: ServerArgs = { port: 0, addr: [127, 0, 0, 1], addrText: '127.0.0.1', extra: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    if (a === '--port' && v !== undefined) {
      const port = Number(v);
      if (!/^\d+$/.test(v) || port > 65535) return `erlsock ${name}: bad port: ${v}\n${usage}`;
      p.port = port;
      i++;
    } else if (a === '--addr' && v !== undefined) {
      const addr = parse_address(v);
      if (addr === undefined) return `erlsock ${name}: not an IP address: ${v}\n${usage}`;
      p.addr = addr;
      p.addrText = v;
      i++;
    } else if (a.startsWith('--') && flags.includes(a.slice(2)) && v !== undefined) {
      p.extra[a.slice(2)] = v;
      i++;
    } else return `erlsock ${name}: unexpected argument: ${a}\n${usage}`;
  }
  return p;
}

/** Resolves 0 at SIGINT or SIGTERM (the servers' processes live on until then). */
export function until_signal(): Promise<number> {
  return new Promise<number>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = (): void => {
      clearInterval(keepAlive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Runs a `main` as the program when its module is the entry point. */
export function run_main(name: string, main: (args: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (e: unknown) => {
      process.stderr.write(`erlsock ${name}: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
