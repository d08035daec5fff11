// Runs a short script in a fresh Node process, for tests of what happens when the event loop
// runs dry or the process exits.
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..', '..', 'index.js');

/** Runs body with `E` bound to erlsock's package root → [exit status, stdout, stderr]. */
export function node_script(body: string, timeout = 10000): [number | null, string, string] {
  const r = spawnSync(process.execPath, ['-e', `const E = require(${JSON.stringify(root)});\n${body}`], {
    encoding: 'utf8',
    timeout,
  });
  return [r.status, r.stdout, r.stderr];
}
