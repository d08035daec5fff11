// The process runtime's public API (the package root re-exports it).
import { fast_exports } from './fast_exports';
export { Pid, Ref } from './terms';
export { _, Clause } from './pattern';
export type { Matched, Wildcard } from './pattern';
export { receive, on, after, After } from './receive';
export type { Proc, ReceiveResult, BodyResult, ReceiveClause } from './receive';
export { self, send, bang, make_ref } from './send';
export { spawn, spawn_link, spawn_monitor, spawn_opt } from './spawn';
export type { SpawnOpts } from './spawn';
export { exit, link, unlink, process_flag } from './signals';
export { error, ErlangExit, ErlangError } from './exits';
export { monitor, demonitor } from './monitors';
export { register, unregister, whereis, registered } from './registry';
export { send_after, start_timer, cancel_timer } from './timers';
export { is_process_alive, processes, process_info } from './info';
export type { ProcessInfo, ProcessInfoExtra, AllProcessInfo, ProcessInfoItem, ProcessStatus } from './info';
export { memory, term_bytes } from './memory';
export type { MemoryInfo } from './memory';
export { i, i_text } from './shell_i';
export { run, await_promise, ExitError } from './run';
export { NeverWakesError } from './never_wakes';
export { UndrivenProc } from './scheduler';
export { set_process_limit, process_limit } from './process';
export { set_crash_logger } from './crash_report';
export type { CrashReport, CrashLogger } from './crash_report';
export { format_term, FORMAT_TERM } from './format';
export type { FormatOpts } from './format';
export { put, get, erase, get_keys, dictionary_of } from './dictionary';
export { trace, trace_info, add_trace_sink } from './trace';
export type { PidSpec, TraceOpts, Tracer, TracerFn, TraceMessage, TraceSink } from './trace';
export * as dbg from './dbg';
export type { QueueLimit } from './mailbox_limit';
export { set_limit_reporter } from './mailbox_limit';

// Re-exported names leave this module's exports in dictionary mode: see fast_exports.
fast_exports(module.exports as object);
