// `erlsock http --port P [--addr A]`: the HTTP/1.1 hello server of examples/http.ts. Prints
// `listening ADDR PORT` when ready; exits 0 on SIGINT or SIGTERM.
import { run } from '../runtime';
import * as http from './http';
import { parse_server_args, server_usage } from './server_args';
import { reason_text } from './cli_args';
import { run_command, until_stopped } from './cli';

export async function main(args: string[]): Promise<number> {
  const p = parse_server_args('http', args);
  if (p === 'help') {
    process.stdout.write(`${server_usage('http')}\n`);
    return 0;
  }
  if (typeof p === 'string') {
    process.stderr.write(`${p}\n`);
    return 2;
  }
  const r = await run(() => http.server(p.port, p.addr));
  if (r[0] !== 'ok') {
    process.stderr.write(`erlsock http: cannot listen on ${p.addrText} port ${p.port}: ${reason_text(r[1])}\n`);
    return 1;
  }
  process.stdout.write(`listening ${p.addrText} ${r[1][0]}\n`);
  return until_stopped();
}

if (require.main === module) run_command('erlsock http', main, process.argv.slice(2));
