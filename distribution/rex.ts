// `rex`, the rpc server a BEAM node expects on its peers: `rpc:block_call` still goes
// through it in OTP 25, and visible peers ask it which features we have (erpc).
import { Pid, Proc, _, on, receive, register, self, send } from '../runtime';
import { ErlangError, ErlangExit } from '../runtime/exits';
import { me } from './identity';
import { List, list } from './terms';
import { lookup_function } from './exports';

function is_gen(v: unknown): v is Generator<unknown, unknown, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Generator).next === 'function' && typeof (v as Generator).throw === 'function';
}

/** The reply rpc expects for M:F(A): the value, or {badrpc, {'EXIT', Reason}}. */
function* call(m: unknown, f: unknown, a: unknown): Proc<unknown> {
  const args = a instanceof List && a.proper ? a.items : null;
  const fn = args === null ? null : lookup_function(m, f, args.length);
  if (fn === null || args === null) return ['badrpc', ['EXIT', ['undef', list([m, f, a, list()])]]];
  try {
    let v = (fn as (...x: unknown[]) => unknown)(...args);
    if (is_gen(v)) v = yield* v;
    return v === undefined ? 'ok' : v;
  } catch (e) {
    if (e instanceof ErlangExit) return ['badrpc', ['EXIT', e.reason]];
    if (e instanceof ErlangError) return ['badrpc', ['EXIT', [e.reason, list()]]];
    if (e instanceof Error) return ['badrpc', ['EXIT', [['js_error', Buffer.from(e.message)], list()]]];
    return e;
  }
}

export function* rex(): Proc<void> {
  register('rex', self());
  for (;;) {
    const m = yield* receive(on(_));
    if (!Array.isArray(m)) continue;
    if (m.length === 2 && m[0] instanceof Pid && m[1] === 'features_request') {
      send(m[0], ['features_reply', me.name, list('erpc')]);
    } else if (m[0] === '$gen_call' && Array.isArray(m[1]) && Array.isArray(m[2]) && m[2][0] === 'block_call') {
      const [from, tag] = m[1] as [Pid, unknown];
      const [, mod, fun, args] = m[2] as unknown[];
      send(from, [tag, yield* call(mod, fun, args)]);
    }
  }
}
