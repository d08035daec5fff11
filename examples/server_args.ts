// The command line shared by the gen_tcp example servers (`erlsock chat`, `erlsock http`):
// `--port P` (0, the default, picks a free port), `--addr A` (IPv4 or IPv6 text, default
// 127.0.0.1) and `--help`. Running until SIGINT or SIGTERM is cli.ts's until_stopped.
import { parse_address, parse_int } from './cli_args';

export interface ServerArgs {
  port: number;
  addr: number[];
  addrText: string;
  /** Flags the command accepts besides --port/--addr, with their values. */
  extra: Record<string, string>;
}

/** The usage line of `erlsock NAME`. */
export function server_usage(name: string, flags: string[] = []): string {
  return `usage: erlsock ${name} [--port P] [--addr A]${flags.map((f) => ` [--${f} V]`).join('')}`;
}

/**
 * Parses args: the arguments, 'help' for --help, or an error text for anything else.
 * `flags` are further `--name value` options.
 */
export function parse_server_args(name: string, args: string[], flags: string[] = []): ServerArgs | 'help' | string {
  const usage = server_usage(name, flags);
  const p: ServerArgs = { port: 0, addr: [127, 0, 0, 1], addrText: '127.0.0.1', extra: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--port' && v !== undefined) {
      const port = parse_int(v, 0, 65535);
      if (port === undefined) return `erlsock ${name}: bad port: ${v}\n${usage}`;
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
