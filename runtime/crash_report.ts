// Crash reports for processes whose own code ended abnormally, printed like Erlang's
// `=ERROR REPORT====` on stderr unless a logger hook replaces the printer.
import { format_term, REPORT_FORMAT } from './format';
import type { Pid } from './terms';

export interface CrashReport {
  pid: Pid;
  reason: unknown;
  /** The report as Erlang prints it. */
  text: string;
  /**
   * What kind of report: absent for a process crash; 'supervisor_report' or 'progress' for
   * the supervisor's reports (OTP's logger drops progress reports at its default level, and so
   * does the default printer here; a logger set with set_crash_logger sees them all).
   */
  label?: 'crash_report' | 'supervisor_report' | 'progress' | 'error_report';
  /** The same report on one line (OTP's logger with single_line => true), when its maker has that form. */
  single_line?: string;
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
  if (r.label === 'progress') return;
  process.stderr.write(`${r.text}\n`);
};

let logger: CrashLogger = stderr_logger;

/** Replaces the crash report logger (null restores the stderr one); returns the previous one. */
export function set_crash_logger(fn: CrashLogger | null): CrashLogger {
  const old = logger;
  logger = fn ?? stderr_logger;
  return old;
}

/** Passes a report made by a layer above (the supervisor's) to the logger. */
export function log_report(report: CrashReport): void {
  try {
    logger(report);
  } catch {
    // A failing logger must not take the runtime down with it.
  }
}

/** Erlang's report header: `=TITLE==== 24-Nov-2026::03:47:17.108000 ===`. */
export function report_header(title: string, when: Date = new Date()): string {
  return `=${title}==== ${timestamp(when)} ===`;
}

export function report_crash(pid: Pid, reason: unknown): void {
  try {
    logger({ pid, reason, text: crash_report_text(pid, reason) });
  } catch {
    // A failing logger must not take the runtime down with it.
  }
}
