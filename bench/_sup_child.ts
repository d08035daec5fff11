// The gen_server child the supervisor benchmarks start (bench/supervisor.ts and
// bench/supervisor_breakdown.ts): its init tells the watcher it passed, when there is one.
import { self, send, Pid } from '../runtime';
import * as gen_server from '../actors/gen_server';

export const child: gen_server.GenServerModule<Pid | null, null> = {
  name: 'supervisor_bench',
  init(watcher) {
    if (watcher !== null) send(watcher, ['started', self()]);
    return ['ok', null];
  },
  handle_call: (_r, _f, s) => ['reply', 'ok', s],
  handle_cast: (_m, s) => ['noreply', s],
};
