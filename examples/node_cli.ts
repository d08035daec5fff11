#!/usr/bin/env node
// erlsock node: this runtime as a node any Erlang shell can try.
//
//   erlsock node --sname NAME | --name NAME [--cookie C] [--hidden | --visible] [--ticktime S]
//
// Prints `node NAME@HOST up` when registered in epmd; then serves until SIGINT or SIGTERM,
// and exits 0. It has a process registered as `echo` (sends ['echo', Msg] to From for each
// [From, Msg]) and exports a module `demo` with echo/1 and add/2:
//
//   net_adm:ping('NAME@HOST').                      % pong
//   {echo, 'NAME@HOST'} ! {self(), hi}, flush().    % Shell got {echo,hi}
//   rpc:call('NAME@HOST', demo, add, [1, 2]).       % 3
import { Pid, Proc, _, on, receive, register, run, self, send, spawn } from '../runtime';
import { export_module, net_kernel, node_name, StartOpts } from '../distribution';
import { run_command, until_stopped } from './cli';

export const USAGE = 'usage: erlsock node --sname NAME | --name NAME [--cookie C] [--hidden | --visible] [--ticktime S]';

interface Parsed {
  name: string;
  mode: 'shortnames' | 'longnames';
  opts: StartOpts;
}

/** The arguments, 'help' for --help, or an error text. */
export function parse_args(argv: string[]): Parsed | 'help' | string {
  let name: string | undefined;
  let mode: 'shortnames' | 'longnames' = 'shortnames';
  const opts: StartOpts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--help' || a === '-h') return 'help';
    if ((a === '--sname' || a === '--name') && v !== undefined) {
      name = v;
      mode = a === '--sname' ? 'shortnames' : 'longnames';
      i++;
    } else if (a === '--cookie' && v !== undefined) {
      opts.cookie = v;
      i++;
    } else if (a === '--ticktime' && v !== undefined && Number(v) > 0) {
      opts.ticktime = Number(v);
      i++;
    } else if (a === '--hidden') opts.hidden = true;
    else if (a === '--visible') opts.hidden = false;
    else return `erlsock node: unexpected argument: ${a}\n${USAGE}`;
  }
  if (name === undefined || !/^[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+)?$/.test(name)) return USAGE;
  return { name, mode, opts };
}

function* echo(): Proc<void> {
  register('echo', self());
  for (;;) {
    const m = yield* receive(on(_));
    if (Array.isArray(m) && m.length === 2 && m[0] instanceof Pid) send(m[0], ['echo', m[1]]);
  }
}

export async function main(args: string[]): Promise<number> {
  const p = parse_args(args);
  if (p === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof p === 'string') {
    process.stderr.write(p + '\n');
    return 2;
  }
  const r = await run(function* () {
    return yield* net_kernel.start([p.name, p.mode], p.opts);
  });
  if (r[0] !== 'ok') {
    process.stderr.write(`erlsock node: cannot start: ${String(r[1])}\n`);
    return 1;
  }
  spawn(echo);
  export_module('demo', {
    echo: (x: never) => x,
    add: (a: number, b: number) => a + b,
  });
  // Handlers first, then the line: a supervisor may signal as soon as it reads it.
  // (until_stopped keeps the event loop alive until a signal: the node's sockets alone may not.)
  const stopped = until_stopped();
  process.stdout.write(`node ${node_name()} up\n`);
  await stopped;
  net_kernel.stop();
  return 0;
}

if (require.main === module) run_command('erlsock node', main, process.argv.slice(2));
