// `--observer PORT` for the CLI's servers: starts the observer page (observer/) on
// 127.0.0.1:PORT (0 picks a free port) and prints `observer http://127.0.0.1:PORT/`.
import * as observer from '../observer';
import { parse_int } from './cli_args';

export const OBSERVER_HELP = '        --observer P the observer page on http://127.0.0.1:P/ (0: a free port)\n';

/** The port of `--observer P` at args[i], or an error text. */
export function parse_observer_port(value: string | undefined): number | string {
  const port = value === undefined ? undefined : parse_int(value, 0, 65535);
  return port === undefined ? `bad observer port: ${String(value)}` : port;
}

/** Starts the observer, or reports why not in one line → null. */
export async function start_observer(prog: string, port: number): Promise<observer.Observer | null> {
  try {
    return await observer.start({ port });
  } catch (e) {
    process.stderr.write(`${prog}: cannot start the observer on 127.0.0.1 port ${port}: ${(e as Error).message}\n`);
    return null;
  }
}
