// The compile-time side of runtime/undriven.ts: test/support/lint_procs.ts finds call
// statements that drop a Proc (no yield*). Over the whole repository it is a script, as a
// full type check is too slow for the suite: `node dist/test/support/lint_procs.js`.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dropped_procs, program_of } from './support/lint_procs';

describe('lint: Procs dropped without yield*', function () {
  this.timeout(30000);

  it('finds socket.send(...) and a generator call used as statements, not yield*, void or returned ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erlsock-lint-'));
    try {
      const sample = path.join(dir, 'sample.ts');
      fs.writeFileSync(sample, [
        'type Proc<T = void> = Generator<unknown, T, unknown>;',
        "declare const socket: { send(s: number, d: string): Proc<'ok'>; recv(s: number): Proc<string>; close(s: number): 'ok' };",
        'function* helper(): Proc<number> { return 1; }',
        'export function* body(c: number): Proc<unknown> {',
        "  socket.send(c, 'x');",
        '  (helper());',
        "  yield* socket.send(c, 'y');",
        "  void socket.send(c, 'z');",
        '  const later = socket.recv(c);',
        '  yield* later;',
        '  socket.close(c);',
        '  return socket.recv(c);',
        '}',
      ].join('\n'));
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { strict: true, target: 'ES2022', lib: ['ES2022'], module: 'commonjs', noEmit: true, types: [] },
        files: ['sample.ts'],
      }));
      const found = dropped_procs(program_of(path.join(dir, 'tsconfig.json')), fs.realpathSync(dir));
      expect(found.map((d) => [d.line, d.text])).to.deep.equal([[5, "socket.send(c, 'x')"], [6, 'helper()']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
