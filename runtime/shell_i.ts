// i(): the process table as the Erlang shell's c:i/0 prints it, two lines per process:
//   Pid  Initial Call  Heap  Reds  Msgs
//   Registered  Current Function  Stack
// Heap is the memory estimate in words (8 bytes), Stack is 0 (a generator's frames are not
// measurable). Returns the text; print_i() writes it to stdout and returns 'ok' as i() does.
import { newest_process, Process } from './process';
import { process_bytes } from './memory';

function mfa(p: Process): string {
  return `undefined:${p.init.name || 'anonymous'}/${p.init.length}`;
}

function row(a: string, b: string, c: string, d: string, e: string): string {
  return `${a.padEnd(21)} ${b.padEnd(33)} ${c.padStart(8)} ${d.padStart(8)} ${e.padStart(4)}\n`;
}

export function i_text(): string {
  const procs: Process[] = [];
  for (let p = newest_process(); p !== null; p = p.next) procs.push(p);
  procs.reverse();
  let out = row('Pid', 'Initial Call', 'Heap', 'Reds', 'Msgs') + row('Registered', 'Current Function', 'Stack', '', '');
  let heap = 0;
  let reds = 0;
  let msgs = 0;
  for (const p of procs) {
    const words = Math.ceil(process_bytes(p) / 8);
    heap += words;
    reds += p.reds;
    msgs += p.mb_len;
    out += row(p.pid.toString(), mfa(p), String(words), String(p.reds), String(p.mb_len));
    out += row(p.ext?.name ?? '', mfa(p), '0', '', '');
  }
  out += row('Total', '', String(heap), String(reds), String(msgs));
  out += row('', '', '0', '', '');
  return out;
}

/** i(): prints the table → 'ok'. */
export function i(): 'ok' {
  process.stdout.write(i_text());
  return 'ok';
}
