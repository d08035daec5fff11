// `erlsock http --port P [--addr A]`: the HTTP/1.1 hello server of examples/http.ts. Prints
// `listening ADDR PORT` when ready; exits 0 on SIGINT or SIGTERM.
import { run } from '../runtime';
import * as http from './http';
import { parse_server_args, until_signal, run_main } from './server_args';

export async function main(args: string[]): Promise<number> {
  const p = parse_server_args('http', args);
  if (typeof p === 'string') {
    process.stderr.write(`${p}\n`);
    return 2;
  }
  const r = await run(() => http.server(p.port, p.addr));
  if (r[0] !== 'ok') {
    process.stderr.write(`erlsock http: ${String(r[1])}\n`);
    return 1;
  }
  process.stdout.write(`listening ${p.addrText} ${r[1][0]}\n`);
  return until_signal();
}

if (require.main === module) run_main('http', main);
