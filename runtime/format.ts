// Erlang's printed form of a term (~p without line breaks), for crash reports and messages.
import { Pid, Ref } from './terms';

const PLAIN_ATOM = /^[a-z][a-zA-Z0-9_@]*$/;

function atom(s: string): string {
  return PLAIN_ATOM.test(s) ? s : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function format_term(t: unknown, depth = 0): string {
  if (depth > 20) return '...';
  switch (typeof t) {
    case 'string':
      return atom(t);
    case 'number':
    case 'bigint':
      return String(t);
    case 'boolean':
      return String(t);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return t.description === '_' ? "'_'" : String(t);
    case 'function':
      return `#Fun<${t.name || 'anonymous'}>`;
  }
  if (t === null) return 'null';
  if (t instanceof Pid || t instanceof Ref) return t.toString();
  if (Array.isArray(t)) return `{${t.map((e) => format_term(e, depth + 1)).join(',')}}`;
  if (Buffer.isBuffer(t)) {
    const printable = t.length > 0 && t.every((b) => b >= 32 && b < 127);
    return printable ? `<<${JSON.stringify(t.toString('latin1'))}>>` : `<<${Array.from(t).join(',')}>>`;
  }
  if (t instanceof Error) return `#${t.name}<${JSON.stringify(t.message)}>`;
  const o = t as Record<string, unknown>;
  return `#{${Object.keys(o)
    .map((k) => `${atom(k)} => ${format_term(o[k], depth + 1)}`)
    .join(',')}}`;
}
