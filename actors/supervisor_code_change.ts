// The supervisor's code_change, as OTP 25's supervisor:code_change/3: run by sys.change_code
// on a suspended supervisor, it calls the callback module's init again and takes the new
// flags and child specs. Running children keep their pids (under a changed spec when their
// id is still there); new ids are added without a pid (restart_child starts them); children
// whose id is gone are kept as they are. Any error changes nothing.
import type { Proc } from '../runtime';
import { apply } from './callback';
import { check_flags, check_startspec, id_key, is_spec_error, Child } from './supervisor_spec';
import type { SupState } from './supervisor_server';

/** code_change(OldVsn, State, Extra) → ['ok', State] | ['error', E] | what init returned. */
export function* code_change(_old_vsn: unknown, s: SupState, _extra: unknown): Proc<unknown> {
  const v = yield* apply(() => s.module.init(s.args));
  if (v === 'ignore') return ['ok', s];
  if (!(Array.isArray(v) && v.length === 2 && v[0] === 'ok' && Array.isArray(v[1]) && v[1].length === 2)) return v;
  const [flags, specs] = v[1] as [unknown, unknown];
  const f = check_flags(flags);
  if (Array.isArray(f)) {
    const e = f[1] as unknown[];
    return ['error', e[0] === 'invalid_type' ? ['bad_flags', e[1]] : e];
  }
  if (!Array.isArray(specs)) return ['error', ['invalid_child_spec', specs]];
  const children = check_startspec(specs, f.auto_shutdown);
  if (is_spec_error(children)) return ['error', children[1]];
  if (f.strategy === 'simple_one_for_one') {
    // OTP answers a list of other than one spec with its internal children term; erlsock says which.
    if (children.length !== 1) return ['error', ['bad_start_spec', specs]];
    Object.assign(s, f);
    s.children = children;
    return ['ok', s];
  }
  const old = new Map<unknown, Child>(s.children.map((c) => [id_key(c.id), c]));
  const fresh = new Set(children.map((c) => id_key(c.id)));
  // As OTP's update_childspec: the new specs in their order (each with its old pid), then the
  // old children not among them, in their start order.
  const merged = children.map((c) => {
    const was = old.get(id_key(c.id));
    return was === undefined ? c : c.with_pid(was.pid);
  });
  for (const c of s.children) if (!fresh.has(id_key(c.id))) merged.push(c);
  Object.assign(s, f);
  s.children = merged;
  return ['ok', s];
}
