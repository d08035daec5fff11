// `erlsock chat --port P [--addr A]`: the line-based chat of examples/chat.ts. Prints
// `listening ADDR PORT` when ready; exits 0 on SIGINT or SIGTERM.
import * as chat from './chat';
import { serve } from './server_args';
import { run_command } from './cli';

export function main(args: string[]): Promise<number> {
  return serve('chat', args, chat.server);
}

if (require.main === module) run_command('erlsock chat', main, process.argv.slice(2));
