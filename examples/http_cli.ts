// `erlsock http --port P [--addr A]`: the HTTP/1.1 hello server of examples/http.ts. Prints
// `listening ADDR PORT` when ready; exits 0 on SIGINT or SIGTERM.
import * as http from './http';
import { serve } from './server_args';
import { run_command } from './cli';

export function main(args: string[]): Promise<number> {
  return serve('http', args, http.server);
}

if (require.main === module) run_command('erlsock http', main, process.argv.slice(2));
