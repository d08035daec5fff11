// The supervisor's reports in OTP's shape (supervisor:format_log), through the runtime's
// crash logger: SUPERVISOR REPORT for start_error, child_terminated, shutdown_error and
// shutdown (reached_max_restart_intensity), PROGRESS REPORT for every child started.
import { format_term, self, type Pid } from '../runtime';
import { log_report, report_header } from '../runtime/crash_report';
import type { CrashReport } from '../runtime/crash_report';
import { extract_child, type Child, type ChildSlot } from './supervisor_spec';

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
 * A report whose term and text are made when first read: a restart makes two reports, and a
 * logger that drops them (the default one drops progress reports) or keeps only some never
 * pays for building them. What the report shows of the child is taken now (its pid and start
 * args, the fields a record changes; the others never change).
 */
class Report implements CrashReport {
  // Declared and set by the constructor (no initializers or parameter properties: each is
  // emitted as a definition and then an assignment, in an initializer function).
  declare readonly pid: Pid;
  declare readonly label: 'supervisor_report' | 'progress';
  private declare readonly supname: unknown;
  /** The errorContext (a supervisor report), or null (progress). */
  private declare readonly context: ErrorContext | null;
  private declare readonly why: unknown;
  private declare readonly child: Child | null;
  private declare readonly child_pid: ChildSlot;
  private declare readonly mfargs: Child['mfargs'] | null;
  private declare readonly nb: number | undefined;
  /** When it was made, in ms: the Date is made only when the text is (two per restart cost 0.2-0.5 us). */
  private declare readonly at: number;
  private declare term: unknown[][] | null;
  private declare printed: string | null;

  constructor(
    pid: Pid, label: 'supervisor_report' | 'progress', supname: unknown, context: ErrorContext | null, why: unknown,
    child: Child | null, child_pid: ChildSlot, nb: number | undefined,
  ) {
    this.pid = pid;
    this.label = label;
    this.supname = supname;
    this.context = context;
    this.why = why;
    this.child = child;
    this.child_pid = child_pid;
    this.mfargs = child === null ? null : child.mfargs;
    this.nb = nb;
    this.at = Date.now();
    this.term = null;
    this.printed = null;
  }

  /** [{supervisor,N},{errorContext,C},{reason,R},{offender,O}], or [{supervisor,N},{started,O}]. */
  get reason(): unknown[][] {
    if (this.term !== null) return this.term;
    const offender = extract_child(this.child as Child, this.child_pid, this.mfargs as Child['mfargs'], this.nb);
    this.term = this.context === null
      ? [['supervisor', this.supname], ['started', offender]]
      : [['supervisor', this.supname], ['errorContext', this.context], ['reason', this.why], ['offender', offender]];
    return this.term;
  }

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

/**
 * A report kept for as long as the module is loaded: reports are short-lived (a logger drops
 * or prints them), and once every one of them has died V8 collects the hidden classes their
 * fields were added through, and throws away the optimized code of the restart path that
 * embeds them ("weak objects" in --trace-deopt): the next restarts run unoptimized until it
 * is compiled again. One live report keeps them.
 */
const _shape = new Report(null as unknown as Pid, 'progress', null, null, undefined, null, 'undefined', undefined);

/** A SUPERVISOR REPORT; the report term is [{supervisor,N},{errorContext,C},{reason,R},{offender,O}]. */
export function report_error(supname: unknown, context: ErrorContext, reason: unknown, child: Child, nb?: number): void {
  log_report(new Report(self(), 'supervisor_report', supname, context, reason, child, child.pid, nb));
}

/** A PROGRESS REPORT for a child just started as pid: [{supervisor,N},{started,Offender}]. */
export function report_progress(supname: unknown, child: Child, pid: Pid): void {
  log_report(new Report(self(), 'progress', supname, null, undefined, child, pid, undefined));
}

