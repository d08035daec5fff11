// docs/ACTORS.md's TypeScript snippets run: each ```ts block (not ```ts excerpt) is compiled
// to JavaScript and run in its own Node process, importing the package by its name.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const doc = fs.readFileSync(path.join(root, 'docs', 'ACTORS.md'), 'utf8');
const snippets = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const outDir = path.join(root, 'dist', 'docs-actors-snippets');

describe('docs/ACTORS.md snippets', () => {
  it('has runnable snippets', () => {
    expect(snippets.length).to.be.at.least(3);
  });

  snippets.forEach((source, i) => {
    it(`snippet ${i + 1} compiles and runs`, () => {
      const { outputText, diagnostics } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        reportDiagnostics: true,
      });
      expect(diagnostics ?? []).to.have.length(0);
      fs.mkdirSync(outDir, { recursive: true });
      const file = path.join(outDir, `snippet_${i + 1}.js`);
      fs.writeFileSync(file, outputText);
      execFileSync(process.execPath, [file], { cwd: root, timeout: 20000, stdio: 'pipe' });
    });
  });
});
