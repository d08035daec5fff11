// `erlsock chat --port P [--addr A]`: the line-based chat of examples/chat.ts. Prints
// `listening ADDR PORT` when ready; exits 0 on SIGINT or SIGTERM.
import { run } from '../runtime';
import * as chat from './chat';
import { parse_server_args, until_signal, run_main } from './server_args';

export async function main(args: string[]): Promise<number> {
  const p = parse_server_args('chat', args);
  if (typeof p === 'string') {
    process.stderr.write(`${p}\n`);
    return 2;
  }
  const r = await run(() => chat.server(p.port, p.addr));
  if (r[0] !== 'ok') {
    process.stderr.write(`erlsock chat: ${String(r[1])}\n`);
    return 1;
  }
  process.stdout.write(`listening ${p.addrText} ${r[1][0]}\n`);
  return until_signal();
}

if (require.main === module) run_main('chat', main);
