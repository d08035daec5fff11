// run()'s rejection when its process exits abnormally (apart from run.ts so that
// never_wakes.ts can extend it without an import cycle).
import { format_term, REPORT_FORMAT } from './format';

/** The rejection of run() when the process exits abnormally; reason is the exit reason. */
export class ExitError extends Error {
  constructor(
    readonly pid_text: string,
    readonly reason: unknown,
  ) {
    super(`process ${pid_text} exited: ${format_term(reason, REPORT_FORMAT)}`);
    this.name = 'ExitError';
  }
}
