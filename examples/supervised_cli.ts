#!/usr/bin/env node
// erlsock supervised: the supervised echo server (examples/supervised_server.ts).
//
//   erlsock supervised [--port P] [--acceptors N] [--observer P]
//       prints `listening 127.0.0.1 <port>` when ready (then, with --observer, the observer
//       page's `observer URL`), echoes on loopback until SIGINT or
//       SIGTERM, then stops the supervision tree (children in reverse start order) and exits 0
import { Pid, Proc, run, self, spawn, send, receive, on, after, _ } from '../runtime';
import * as gen_server from '../actors/gen_server';
import * as server from './supervised_server';
import { parse_int } from './cli_args';
import { run_command, until_stopped } from './cli';
import { parse_observer_port, start_observer } from './observer_flag';

export const USAGE = 'usage: erlsock supervised [--port P] [--acceptors N] [--observer P]';

/** The arguments, 'help' for --help, or an error text. */
export function parse_args(argv: string[]): { port: number; acceptors: number; observer?: number } | 'help' | string {
  const o: { port: number; acceptors: number; observer?: number } = { port: 0, acceptors: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    const v = argv[i + 1];
    const port = v === undefined ? undefined : parse_int(v, 0, 65535);
    const acceptors = v === undefined ? undefined : parse_int(v, 1, 1000);
    if (a === '--observer' && v !== undefined) {
      const obs = parse_observer_port(v);
      if (typeof obs === 'string') return `erlsock supervised: ${obs}\n${USAGE}`;
      o.observer = obs;
    } else if (a === '--port' && port !== undefined) o.port = port;
    else if (a === '--acceptors' && acceptors !== undefined) o.acceptors = acceptors;
    else return `erlsock supervised: bad argument: ${a}\n${USAGE}`;
    i++;
  }
  return o;
}

// The tree's parent: a process that lives until told to stop (a supervisor ends with its parent).
function* owner(o: { port: number; acceptors: number }, ready: (port: number | string) => void): Proc<void> {
  const r = yield* server.start_link({ name: 'supervised', port: o.port, acceptors: o.acceptors });
  if (r === 'ignore' || r[0] !== 'ok') {
    ready(`cannot start: ${String(r)}`);
    return;
  }
  ready(yield* server.port('supervised'));
  const from = yield* receive(on(['stop', _], (m) => m[1] as Pid));
  yield* gen_server.stop(r[1]);
  send(from, 'stopped');
}

export async function main(argv: string[]): Promise<number> {
  const o = parse_args(argv);
  if (o === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof o === 'string') {
    process.stderr.write(`${o}\n`);
    return 2;
  }
  let owner_pid: Pid | null = null;
  const port = await new Promise<number | string>((resolve) => {
    owner_pid = spawn(owner, o, resolve);
  });
  if (typeof port === 'string') {
    process.stderr.write(`erlsock supervised: ${port}\n`);
    return 1;
  }
  // Handlers first, then the line: a supervisor may signal as soon as it reads it.
  const stopped = until_stopped();
  process.stdout.write(`listening 127.0.0.1 ${port}\n`);
  const obs = o.observer === undefined ? undefined : await start_observer('erlsock supervised', o.observer);
  const status = obs === null ? 1 : await stopped;
  await obs?.stop();
  const pid = owner_pid as Pid | null;
  if (pid !== null) {
    await run(function* () {
      send(pid, ['stop', self()]);
      yield* receive(on('stopped'), after(10000));
    });
  }
  return status;
}

if (require.main === module) run_command('erlsock supervised', main, process.argv.slice(2));
