#!/usr/bin/env node
// erlsock: one command for the examples, `erlsock <command> [args...]`.
//
// Each command is a module examples/<name>_cli.ts exporting `main(args)`: args are those after
// the command's name, and the promise resolves to the exit status once the program is done
// (a server's after SIGINT or SIGTERM, with 0; servers print `listening ADDR PORT` when
// ready). A command's main answers `--help` with its usage on stdout, starting
// `usage: erlsock <name> `, and status 0; a bad command line with its usage or a one-line
// error on stderr and status 2; other failures with one line on stderr and status 1.
// Adding a command is one line in COMMANDS; its module is loaded only when it runs.
// test/examples/cli.test.ts checks --help of every command in the table. Every command runs
// with its young generation capped (examples/young_gen.ts): less memory held by a server.
import { cap_young_generation } from './young_gen';

/** What a command module exports. */
export interface CommandModule {
  main(args: string[]): Promise<number>;
}

export interface Command {
  name: string;
  /** One line for `erlsock --help`. */
  summary: string;
  load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly Command[] = [
  { name: 'echo', summary: "the OTP socket guide's echo server and client", load: () => import('./echo_cli') },
  { name: 'chat', summary: 'line chat on gen_tcp {packet, line}, {active, once}', load: () => import('./chat_cli') },
  { name: 'http', summary: 'HTTP/1.1 keep-alive hello on gen_tcp {packet, http_bin}', load: () => import('./http_cli') },
  { name: 'supervised', summary: 'TCP echo server under a supervision tree', load: () => import('./supervised_cli') },
  { name: 'node', summary: 'run erlsock as an Erlang node (echo process, demo module)', load: () => import('./node_cli') },
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return (
    'usage: erlsock <command> [args...]\n' +
    '       erlsock <command> --help\n\n' +
    'commands:\n' +
    COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n`).join('')
  );
}

/** Runs `erlsock ARGV`; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    process.stderr.write(`erlsock: unknown command: ${name} (erlsock --help lists them)\n`);
    return 2;
  }
  return (await command.load()).main(rest);
}

/**
 * For a server's main: resolves to 0 on the first SIGINT or SIGTERM, keeping Node's event
 * loop alive meanwhile (the server's processes hold no Node handle of their own).
 */
export function until_stopped(): Promise<number> {
  return new Promise<number>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = (): void => {
      clearInterval(keepAlive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * A command as a program: runs main(args) and ends the Node process with the status it
 * resolves to. main is meant to report its own failures in one line; anything it throws is
 * still reported in one line, with status 1. A reader that closes stdout early
 * (`erlsock echo server | head -1`) must not take the server down: a write to the closed
 * pipe fails with EPIPE, which is dropped, as every later write to it is.
 */
export function run_command(prog: string, main: (args: string[]) => Promise<number>, args: string[]): void {
  cap_young_generation();
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  main(args).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${prog}: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) run_command('erlsock', main, process.argv.slice(2));
