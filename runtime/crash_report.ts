// Crash reports for processes whose own code ended abnormally, printed like Erlang's
// `=ERROR REPORT====` on stderr unless a logger hook replaces the printer.
import { format_term, REPORT_FORMAT } from './format';
import type { Pid } from './terms';

export interface CrashReport {
  pid: Pid;
  reason: unknown;
  /** The report as Erlang prints it. */
  text: string;
}

export type CrashLogger = (report: CrashReport) => void;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function timestamp(d: Date): string {
  const us = String(d.getMilliseconds() * 1000).padStart(6, '0');
  return (
    `${two(d.getDate())}-${MONTHS[d.getMonth()]}-${d.getFullYear()}::` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${us}`
  );
}

export function crash_report_text(pid: Pid, reason: unknown, when: Date = new Date()): string {
  return `=ERROR REPORT==== ${timestamp(when)} ===\nError in process ${pid.toString()} with exit value:\n${format_term(reason, REPORT_FORMAT)}\n`;
}

const stderr_logger: CrashLogger = (r) => {
  process.stderr.write(`${r.text}\n`);
};

let logger: CrashLogger = stderr_logger;

/** Replaces the crash report logger (null restores the stderr one); returns the previous one. */
export function set_crash_logger(fn: CrashLogger | null): CrashLogger {
  const old = logger;
  logger = fn ?? stderr_logger;
  return old;
}

export function report_crash(pid: Pid, reason: unknown): void {
  try {
    logger({ pid, reason, text: crash_report_text(pid, reason) });
  } catch {
    // A failing logger must not take the runtime down with it.
  }
}
