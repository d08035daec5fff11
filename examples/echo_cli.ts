#!/usr/bin/env node
// erlsock echo (alias erlsock-echo): the guide's echo example (examples/echo.ts) from the
// command line; HELP says what it does. What the CLI adds to the guide's module, through
// echo.options: SO_REUSEADDR on the listening socket (a server restarted at once binds the
// port its previous run's connections still hold in TIME_WAIT), a larger listen backlog than
// the guide's listen/1 (5), and --quiet also silencing the handlers' crash reports (one per
// connection a client resets). Failures are one line on stderr: status 1 for a failed
// listen, a dead acceptor or a failed exchange, 2 for a bad command line.
//
// --nodelay sets TCP_NODELAY on the listening socket (accepted sockets inherit it on Linux),
// for the 16 KiB benchmark: the guide's recv(Sock, 0) reads 8192 bytes at most, so a 16 KiB
// message is echoed as two sends, the second of which waits for a delayed ACK otherwise.
import { ErlangError, ErlangExit, Pid, Proc, _, format_term, monitor, on, receive, run, set_crash_logger } from '../runtime';
import { run_command, until_stopped } from './cli';
import { parse_address, parse_int, reason_text } from './cli_args';
import * as echo from './echo';
import * as echo_gen_tcp from './echo_gen_tcp';
import { OBSERVER_HELP, parse_observer_port, start_observer } from './observer_flag';

/** The CLI's listen backlog: Node net's default, where the guide's listen/1 gives 5. */
export const DEFAULT_BACKLOG = 511;

export const USAGE =
  'usage: erlsock echo server [--addr A] [--port P] [--backlog N] [--quiet] [--nodelay]\n' +
  '                           [--gen_tcp [--active once|true|false]] [--observer P]\n' +
  '       erlsock echo client --addr A --port P MSG';

const HELP =
  `${USAGE}\n\n` +
  'server  listens on A (default 127.0.0.1) port P (default 0: a free port), prints\n' +
  '        `listening A PORT` when ready, and echoes every message back until SIGINT or\n' +
  '        SIGTERM, then exits 0. It prints each echo (control bytes escaped as \\xHH).\n' +
  `        --backlog N  the listen backlog (default ${DEFAULT_BACKLOG})\n` +
  '        --quiet      print neither the echoes nor the crash reports of connections\n' +
  '        --nodelay    TCP_NODELAY on every connection\n' +
  '        --gen_tcp    the echo written on gen_tcp (examples/echo_gen_tcp.ts), one owner\n' +
  '                     process per connection; --active once (default), true or false\n' +
  OBSERVER_HELP +
  'client  sends MSG to A port P; exits 0 when the echo matches, 1 otherwise.\n' +
  'erlsock-echo is the same command as erlsock echo.\n';

const PROG = 'erlsock echo';

export interface Parsed {
  command: 'server' | 'client';
  addr: echo.Addr;
  addrText: string;
  port: number;
  backlog: number;
  quiet: boolean;
  nodelay: boolean;
  /** --gen_tcp: the echo written on gen_tcp (examples/echo_gen_tcp.ts), with this active mode. */
  gen_tcp?: echo_gen_tcp.Active;
  /** --observer P: the observer page's port. */
  observer?: number;
  msg?: string;
}

/** Parses the command line: the options, 'help', or an error text (for status 2). */
export function parse_args(argv: string[]): Parsed | 'help' | string {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, ...rest] = argv;
  if (command !== 'server' && command !== 'client') return USAGE;
  const p: Parsed = {
    command,
    addr: [127, 0, 0, 1],
    addrText: '127.0.0.1',
    port: 0,
    backlog: DEFAULT_BACKLOG,
    quiet: false,
    nodelay: false,
  };
  let haveAddr = false;
  let havePort = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const hasValue = i + 1 < rest.length;
    if (a === '--quiet' && command === 'server') p.quiet = true;
    else if (a === '--nodelay' && command === 'server') p.nodelay = true;
    else if (a === '--gen_tcp' && command === 'server') p.gen_tcp ??= 'once';
    else if (a === '--active' && command === 'server' && ['once', 'true', 'false'].includes(rest[i + 1] ?? '')) {
      const v = rest[++i];
      p.gen_tcp = v === 'once' ? 'once' : v === 'true';
    }
    else if (a === '--observer' && hasValue && command === 'server') {
      const port = parse_observer_port(rest[++i]);
      if (typeof port === 'string') return `${PROG}: ${port}`;
      p.observer = port;
    }
    else if (a === '--addr' && hasValue) {
      const addr = parse_address(rest[++i]);
      if (addr === undefined) return `${PROG}: not an IP address: ${rest[i]}`;
      p.addr = addr;
      p.addrText = rest[i];
      haveAddr = true;
    } else if (a === '--port' && hasValue) {
      const port = parse_int(rest[++i], 0, 65535);
      if (port === undefined) return `${PROG}: bad port: ${rest[i]}`;
      p.port = port;
      havePort = true;
    } else if (a === '--backlog' && hasValue && command === 'server') {
      // The kernel caps it at net.core.somaxconn; 0 is a valid backlog (one pending connection).
      const backlog = parse_int(rest[++i], 0, 65535);
      if (backlog === undefined) return `${PROG}: bad backlog: ${rest[i]}`;
      p.backlog = backlog;
    } else if (command === 'client' && p.msg === undefined && !a.startsWith('--')) p.msg = a;
    else return `${PROG}: unexpected argument: ${a}\n${USAGE}`;
  }
  if (command === 'client' && (!haveAddr || !havePort || p.port === 0 || p.msg === undefined)) return USAGE;
  return p;
}

type Outcome<T> = ['ok', T] | ['error', unknown];

/**
 * The reason of an Erlang exception caught in a process: R of a failed `{ok, _} = ...` or
 * `ok = ...` match on ['error', R], else the error's or exit's own reason. Anything else
 * (a killed process unwinding, a bug) is thrown on.
 */
function failure_reason(e: unknown): unknown {
  if (e instanceof ErlangError) {
    const r = e.reason;
    if (Array.isArray(r) && r[0] === 'badmatch' && Array.isArray(r[1]) && r[1][0] === 'error') return r[1][1];
    return r;
  }
  if (e instanceof ErlangExit) return e.reason;
  throw e;
}

/** Starts the guide's server; catching its failure here keeps it out of the crash reports. */
function* serve(p: Parsed): Proc<Outcome<[number, Pid]>> {
  if (p.gen_tcp !== undefined) {
    const r = yield* echo_gen_tcp.server(p.port, p.addr, p.gen_tcp, p.nodelay);
    return r[0] === 'ok' ? r : ['error', r[1]];
  }
  echo.options.quiet = p.quiet;
  echo.options.nodelay = p.nodelay;
  echo.options.reuseaddr = true;
  echo.options.backlog = p.backlog;
  try {
    const [, [Port, , Acceptor]] = yield* echo.server(p.port, p.addr);
    return ['ok', [Port, Acceptor]];
  } catch (e) {
    return ['error', failure_reason(e)];
  }
}

function* exchange(p: Parsed): Proc<Outcome<'ok'>> {
  try {
    return ['ok', yield* echo.client(p.port, p.addr, p.msg!)];
  } catch (e) {
    return ['error', failure_reason(e)];
  }
}

/** Waits for the acceptor to end; returns its exit reason. */
function* acceptor_down(acceptor: Pid): Proc<unknown> {
  const ref = monitor('process', acceptor);
  return yield* receive(on(['DOWN', ref, 'process', _, _], ([, , , , reason]: unknown[]) => reason));
}

/** An exit reason without the stack an error exit carries ([R, Stack] gives R). */
function without_stack(reason: unknown): unknown {
  return Array.isArray(reason) && reason.length === 2 && Array.isArray(reason[1]) ? reason[0] : reason;
}

async function server(p: Parsed): Promise<number> {
  // eslint-disable-next-line prefer-const -- the logger below reads it before it is set
  let acceptor: Pid | undefined;
  // The acceptor's end is reported below in one line; the handlers' crash reports (a client
  // that resets its connection makes one) are printed unless --quiet.
  const print_report = set_crash_logger((r) => {
    if (acceptor !== undefined && r.pid.toString() === acceptor.toString()) return;
    if (!p.quiet) print_report(r);
  });
  const started = await run(serve, p);
  if (started[0] === 'error') {
    process.stderr.write(`${PROG}: cannot listen on ${p.addrText} port ${p.port}: ${reason_text(started[1])}\n`);
    return 1;
  }
  const [port, pid] = started[1];
  acceptor = pid;
  const stopped = until_stopped();
  process.stdout.write(`listening ${p.addrText} ${port}\n`);
  const obs = p.observer === undefined ? undefined : await start_observer(PROG, p.observer);
  if (obs === null) return 1;
  // The acceptor and the handlers are processes that live on without us: a signal ends the
  // program (status 0), or the acceptor's end does (status 1, the server no longer accepts).
  const died = run(acceptor_down, pid).then((reason) => {
    process.stderr.write(`${PROG}: the acceptor exited, no longer accepting: ${format_term(without_stack(reason))}\n`);
    return 1;
  });
  const status = await Promise.race([stopped, died]);
  await obs?.stop();
  return status;
}

async function client(p: Parsed): Promise<number> {
  const r = await run(exchange, p);
  if (r[0] === 'ok') return 0;
  process.stderr.write(`${PROG}: client failed: ${reason_text(r[1])}\n`);
  return 1;
}

/** Runs `erlsock echo ARGV`; resolves to the exit status (a server's once a signal stops it). */
export async function main(argv: string[]): Promise<number> {
  const p = parse_args(argv);
  if (p === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (typeof p === 'string') {
    process.stderr.write(`${p}\n`);
    return 2;
  }
  return p.command === 'server' ? server(p) : client(p);
}

// `node dist/examples/echo_cli.js ...` (the erlsock-echo bin, and the benchmarks' server).
if (require.main === module) run_command('erlsock-echo', main, process.argv.slice(2));
