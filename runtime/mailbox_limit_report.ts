// The error report a tripped message queue limit prints, in the shape of Erlang's
// max_heap_size report.
import type { Pid } from './terms';

export function report_text(pid: Pid, len: number, size: number, action: 'kill' | 'report'): string {
  return (
    `=ERROR REPORT==== ${new Date().toISOString()} ===\n` +
    `     Process:          ${pid.toString()}\n` +
    `     Context:          message_queue_limit ${action === 'kill' ? 'reached, process killed' : 'reached'}\n` +
    `     Limit:            ${size} messages\n` +
    `     Message queue:    ${len} messages\n`
  );
}
