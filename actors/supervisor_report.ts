// The supervisor's reports in OTP's shape (supervisor:format_log), through the runtime's
// crash logger: SUPERVISOR REPORT for start_error, child_terminated, shutdown_error and
// shutdown (reached_max_restart_intensity), PROGRESS REPORT for every child started.
import { format_term, self } from '../runtime';
import { log_report, report_header } from '../runtime/crash_report';
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

/** A SUPERVISOR REPORT; the report term is [{supervisor,N},{errorContext,C},{reason,R},{offender,O}]. */
export function report_error(supname: unknown, context: ErrorContext, reason: unknown, child: Child, nb?: number): void {
  const offender = extract_child(child, nb);
  const text =
    `${report_header('SUPERVISOR REPORT')}\n` +
    `    supervisor: ${show_supname(supname)}\n` +
    `    errorContext: ${context}\n` +
    `    reason: ${format_term(reason)}\n` +
    `    offender: ${show_offender(offender)}\n`;
  log_report({
    pid: self(),
    reason: [['supervisor', supname], ['errorContext', context], ['reason', reason], ['offender', offender]],
    text,
    label: 'supervisor_report',
  });
}

/** A PROGRESS REPORT for a child just started: [{supervisor,N},{started,Offender}]. */
export function report_progress(supname: unknown, child: Child): void {
  const started = extract_child(child);
  log_report({
    pid: self(),
    reason: [['supervisor', supname], ['started', started]],
    text: `${report_header('PROGRESS REPORT')}\n    supervisor: ${show_supname(supname)}\n    started: ${show_offender(started)}\n`,
    label: 'progress',
  });
}
