// The command line shared by the gen_tcp example servers (`erlsock chat`, `erlsock http`):
// `--port P` (0, the default, picks a free port), `--addr A` (IPv4 or IPv6 text, default
// 127.0.0.1), `--observer P` (the observer page, examples/observer_flag.ts) and `--help`.
// Running until SIGINT or SIGTERM is cli.ts's until_stopped.
import { Pid, Proc, run } from '../runtime';
import { parse_address, parse_int, reason_text } from './cli_args';
import { until_stopped } from './cli';
import { parse_observer_port, start_observer } from './observer_flag';

export interface ServerArgs {
  port: number;
  addr: number[];
  addrText: string;
  /** --observer P: the observer page's port. */
  observer?: number;
  /** Flags the command accepts besides --port/--addr, with their values. */
  extra: Record<string, string>;
}

/** The usage line of `erlsock NAME`. */
export function server_usage(name: string, flags: string[] = []): string {
  return `usage: erlsock ${name} [--port P] [--addr A] [--observer P]${flags.map((f) => ` [--${f} V]`).join('')}`;
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
    } else if (a === '--observer' && v !== undefined) {
      const port = parse_observer_port(v);
      if (typeof port === 'string') return `erlsock ${name}: ${port}\n${usage}`;
      p.observer = port;
      i++;
    } else if (a.startsWith('--') && flags.includes(a.slice(2)) && v !== undefined) {
      p.extra[a.slice(2)] = v;
      i++;
    } else return `erlsock ${name}: unexpected argument: ${a}\n${usage}`;
  }
  return p;
}

/**
 * The main of `erlsock NAME`: parses args, starts server(port, addr), prints `listening ADDR
 * PORT` (then, with --observer, `observer URL`) and serves until SIGINT or SIGTERM (status
 * 0); --help is the usage (0), a bad argument 2, a failed listen or observer 1.
 */
export async function serve(
  name: string,
  args: string[],
  server: (port: number, addr: number[]) => Proc<['ok', [number, Pid]] | ['error', unknown]>,
): Promise<number> {
  const p = parse_server_args(name, args);
  if (p === 'help') {
    process.stdout.write(`${server_usage(name)}\n`);
    return 0;
  }
  if (typeof p === 'string') {
    process.stderr.write(`${p}\n`);
    return 2;
  }
  const r = await run(() => server(p.port, p.addr));
  if (r[0] !== 'ok') {
    process.stderr.write(`erlsock ${name}: cannot listen on ${p.addrText} port ${p.port}: ${reason_text(r[1])}\n`);
    return 1;
  }
  // Handlers first, then the line: a supervisor may signal as soon as it reads it.
  const stopped = until_stopped();
  process.stdout.write(`listening ${p.addrText} ${r[1][0]}\n`);
  const obs = p.observer === undefined ? undefined : await start_observer(`erlsock ${name}`, p.observer);
  if (obs === null) return 1;
  const status = await stopped;
  await obs?.stop();
  return status;
}
