// The supervisor's reports in OTP's shape (supervisor:format_log), through the runtime's
// crash logger: SUPERVISOR REPORT for start_error, child_terminated, shutdown_error and
// shutdown (reached_max_restart_intensity), PROGRESS REPORT for every child started.
import { format_term, self } from '../runtime';
import { log_report, report_header } from '../runtime/crash_report';
import type { CrashReport } from '../runtime/crash_report';
import { extract_child, type Child } from './supervisor_spec';

export type ErrorContext = 'start_error' | 'child_terminated' | 'shutdown_error' | 'shutdown';

/** A module as reports print it: its name when it has one. */
function mod_name(m: unknown): string {
  if (typeof m === 'string') return m;
  if (typeof m === 'function') return m.name || 'anonymous';
  const n = (m as { name?: unknown } | null)?.name;
  return typeof n === 'string' ? n : 'undefined';
}

/** The offender list, with the start MFA's module printed by name. */
function show_offender(offender: unknown[]): string {
  return `[${offender
    .map((kv) => {
      const [k, v] = kv as [string, unknown];
      if (k === 'mfargs' && Array.isArray(v)) {
        const [m, f, a] = v as [unknown, string, unknown];
        const args = Array.isArray(a) ? `[${a.map((x) => format_term(x)).join(',')}]` : format_term(a);
        return `{mfargs,{${mod_name(m)},${format_term(f)},${args}}}`;
      }
      return format_term(kv);
    })
    .join(',\n               ')}]`;
}

export function show_supname(name: unknown): string {
  if (Array.isArray(name) && name.length === 2 && name[0] === 'local') return `{local,${format_term(name[1])}}`;
  if (Array.isArray(name) && name.length === 2) return `{${format_term(name[0])},${mod_name(name[1])}}`;
  return format_term(name);
}

/**
 * A report whose text is made when first read: a restart makes two reports, and a logger
 * that keeps only the terms (or drops progress reports, as the default one) never pays for
 * printing them.
 */
class Report implements CrashReport {
  readonly pid = self();
  /** When it was made, in ms: the Date is made only when the text is (two per restart cost 0.2-0.5 us). */
  private readonly at = Date.now();
  private printed: string | null = null;
  constructor(
    readonly reason: unknown[][],
    readonly label: 'supervisor_report' | 'progress',
  ) {}

  get text(): string {
    if (this.printed !== null) return this.printed;
    const r = this.reason;
    const supname = show_supname(r[0][1]);
    const when = new Date(this.at);
    this.printed =
      this.label === 'progress'
        ? `${report_header('PROGRESS REPORT', when)}\n    supervisor: ${supname}\n    started: ${show_offender(r[1][1] as unknown[])}\n`
        : `${report_header('SUPERVISOR REPORT', when)}\n` +
          `    supervisor: ${supname}\n` +
          `    errorContext: ${String(r[1][1])}\n` +
          `    reason: ${format_term(r[2][1])}\n` +
          `    offender: ${show_offender(r[3][1] as unknown[])}\n`;
    return this.printed;
  }
}

/** A SUPERVISOR REPORT; the report term is [{supervisor,N},{errorContext,C},{reason,R},{offender,O}]. */
export function report_error(supname: unknown, context: ErrorContext, reason: unknown, child: Child, nb?: number): void {
  const offender = extract_child(child, nb);
  log_report(new Report([['supervisor', supname], ['errorContext', context], ['reason', reason], ['offender', offender]], 'supervisor_report'));
}

/** A PROGRESS REPORT for a child just started: [{supervisor,N},{started,Offender}]. */
export function report_progress(supname: unknown, child: Child): void {
  log_report(new Report([['supervisor', supname], ['started', extract_child(child)]], 'progress'));
}
