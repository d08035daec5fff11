// The error report a gen_server writes when it terminates for a reason other than normal,
// shutdown or {shutdown, _}: OTP 25's gen_server:error_info and format_log_multi, through the
// runtime's crash logger. The runtime's own report of the process's exit value (OTP's
// proc_lib CRASH REPORT) still follows it, as on OTP.
import { format_term, is_process_alive, process_info, type Pid } from '../runtime';
import { log_report, report_header } from '../runtime/crash_report';
import { RemotePid } from '../runtime/remote';

/** The reasons OTP's gen_server terminates with silently. */
export function is_quiet_reason(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (Array.isArray(reason) && reason.length === 2 && reason[0] === 'shutdown')
  );
}

type ClientInfo = ['remote' | 'dead' | 'alive', unknown];

/**
 * OTP's client_stacktrace: a caller on another node is "remote", one that is gone is "dead",
 * a live one is named (its registered name, else its pid) with its stack (empty here: a
 * process's JS frames are not Erlang's, and process_info has no current_stacktrace to give).
 */
function client_info(client: Pid): ClientInfo {
  if (client instanceof RemotePid) return ['remote', client.node];
  if (!is_process_alive(client)) return ['dead', client];
  const reg = process_info(client, 'registered_name');
  return ['alive', reg !== 'undefined' && typeof reg[1] === 'string' ? reg[1] : client];
}

/** format_client_log (gen_server's and gen_statem's): the report's lines on the caller. */
export function client_lines(client: Pid | null): string {
  if (client === null) return '';
  const [kind, v] = client_info(client);
  if (kind === 'remote') return `** Client ${format_term(client)} is remote on node ${format_term(v)}\n`;
  if (kind === 'dead') return `** Client ${format_term(client)} is dead\n`;
  return `** Client ${format_term(v)} stacktrace\n** []\n`;
}

/** format_client_log_single: the same, in a single-line report. */
export function client_single(client: Pid | null): string {
  if (client === null) return '';
  const [kind, v] = client_info(client);
  if (kind === 'remote') return ` Client ${format_term(client)} is remote on node ${format_term(v)}.`;
  if (kind === 'dead') return ` Client ${format_term(client)} is dead.`;
  return ` Client ${format_term(v)} stacktrace: [].`;
}

/** The report's text, as OTP 25's logger prints it (the legacy header). */
export function terminate_report_text(
  name: unknown, last_message: unknown, state: unknown, reason: unknown, client: Pid | null, when: Date = new Date(),
): string {
  return (
    `${report_header('ERROR REPORT', when)}\n` +
    `** Generic server ${format_term(name)} terminating \n` +
    `** Last message in was ${format_term(last_message)}\n` +
    `** When Server state == ${format_term(state)}\n` +
    `** Reason for termination ==\n** ${format_term(reason)}\n` +
    client_lines(client)
  );
}

/** Logs the terminate report (the caller has checked the reason is not a quiet one). */
export function report_terminate(
  pid: Pid, name: unknown, last_message: unknown, state: unknown, reason: unknown, client: Pid | null,
): void {
  log_report({ pid, reason, label: 'error_report', text: terminate_report_text(name, last_message, state, reason, client) });
}
