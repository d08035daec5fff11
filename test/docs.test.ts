// The docs tell the truth: every TypeScript snippet in README.md and docs/*.md is checked.
// The convention, by the words after a fence's ```ts:
//   ```ts                    a complete program. Type-checked (strict) and run twice: as an ES
//                            module (.mts, verbatimModuleSyntax, so types come in by
//                            `import type`) and as CommonJS. Each run must exit 0 within 20 s.
//                            It imports the package by its name, 'erlsock' (which resolves to
//                            this package through its "exports", as it would for a user).
//   ```ts cjs                the same, CommonJS only (for a program that uses __dirname).
//   ```ts module NAME.ts     a CommonJS module beside the page's programs (one may load
//                            ./NAME.js): type-checked and compiled, not run.
//   ```ts excerpt PATH       lines quoted from the repository file PATH: they must appear in
//                            it, consecutively and in order (runs of spaces compare as one).
// Any other words after ```ts fail the test, as do ```typescript and ```js fences; fences of
// other languages (```sh, ```erlang, plain ```) are not checked.
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const outRoot = path.join(root, 'dist', 'doc-snippets');

type Kind = 'program' | 'cjs' | 'module' | 'excerpt';
interface Snippet { page: string; line: number; kind: Kind; arg: string; source: string }

const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

const bad_fences: string[] = [];

function snippets_of(page: string): Snippet[] {
  const text = fs.readFileSync(path.join(root, page), 'utf8');
  const out: Snippet[] = [];
  for (const m of text.matchAll(/^```(typescript|tsx|js|javascript|mjs|cjs)\b.*$/gm)) {
    bad_fences.push(`${page}:${text.slice(0, m.index).split('\n').length}: ${m[0]} (write TypeScript snippets as \`\`\`ts)`);
  }
  for (const m of text.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const line = text.slice(0, m.index).split('\n').length;
    const words = m[1].trim().split(/\s+/).filter((w) => w !== '');
    const [kind = 'program', arg = ''] = words;
    if (words.length > 2 || !['program', 'cjs', 'module', 'excerpt'].includes(kind)
      || ((kind === 'module' || kind === 'excerpt') !== (arg !== '')) || (kind === 'module' && !arg.endsWith('.ts'))) {
      bad_fences.push(`${page}:${line}: \`\`\`ts${m[1]}`);
      continue;
    }
    out.push({ page, line, kind: kind as Kind, arg, source: m[2] });
  }
  return out;
}

const all = pages.flatMap(snippets_of);
const dir_of = (page: string): string => page.replace(/\.md$/, '').replace(/\//g, '_');
const name_of = (s: Snippet): string => `${dir_of(s.page)}/line_${s.line}`;

/** Writes the snippets of one module system and type-checks them in one program; returns the diagnostics per file. */
function compile(esm: boolean): Map<string, string[]> {
  const base = path.join(outRoot, esm ? 'esm' : 'cjs');
  fs.rmSync(base, { recursive: true, force: true });
  const files: string[] = [];
  for (const s of all) {
    if (s.kind === 'excerpt' || (esm && s.kind !== 'program')) continue;
    const file = s.kind === 'module' ? path.join(base, dir_of(s.page), s.arg) : path.join(base, `${name_of(s)}.${esm ? 'mts' : 'ts'}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, s.source);
    files.push(file);
  }
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'], types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')],
    strict: true, esModuleInterop: true, skipLibCheck: true, verbatimModuleSyntax: esm,
  };
  const program = ts.createProgram(files, options);
  const result = new Map<string, string[]>(files.map((f) => [f, []]));
  const emit = program.emit();
  for (const d of [...ts.getPreEmitDiagnostics(program), ...emit.diagnostics]) {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const key = d.file?.fileName ?? '';
    result.set(key, [...(result.get(key) ?? []), `snippet line ${where}: ${msg}`]);
  }
  return result;
}

function run_node(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { cwd: root, timeout: 20000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve();
    });
  });
}

const squash = (s: string): string => s.trim().replace(/\s+/g, ' ');

describe('docs snippets (README.md, docs/*.md)', () => {
  let checked: { esm: Map<string, string[]>; cjs: Map<string, string[]> } | undefined;
  before(function () {
    this.timeout(120000);
    checked = { esm: compile(true), cjs: compile(false) };
  });

  it('every page with TypeScript has programs, and nothing compiled outside the snippets is wrong', () => {
    expect(all.filter((s) => s.page === 'README.md' && s.kind === 'program').length).to.be.greaterThan(2);
    for (const m of [checked!.esm, checked!.cjs]) expect(m.get('') ?? [], 'global diagnostics').to.deep.equal([]);
  });

  it('every ```ts fence follows the convention above', () => {
    expect(bad_fences).to.deep.equal([]);
  });

  for (const s of all) {
    const label = `${s.page}:${s.line} (${s.kind}${s.arg ? ` ${s.arg}` : ''})`;
    if (s.kind === 'excerpt') {
      it(`${label} appears in ${s.arg}`, () => {
        const file = squash(fs.readFileSync(path.join(root, s.arg), 'utf8').split('\n').map(squash).join('\n'));
        const quoted = squash(s.source.split('\n').map(squash).filter((l) => l !== '').join('\n'));
        expect(file.includes(quoted), `${s.page}:${s.line} is not in ${s.arg}`).to.equal(true);
      });
      continue;
    }
    const systems: ('esm' | 'cjs')[] = s.kind === 'program' ? ['esm', 'cjs'] : ['cjs'];
    for (const sys of systems) {
      it(`${label} type-checks${s.kind === 'module' ? '' : ' and runs'} as ${sys === 'esm' ? 'an ES module' : 'CommonJS'}`, async function () {
        this.timeout(30000);
        const base = path.join(outRoot, sys);
        const src = s.kind === 'module' ? path.join(base, dir_of(s.page), s.arg) : path.join(base, `${name_of(s)}.${sys === 'esm' ? 'mts' : 'ts'}`);
        expect(checked![sys].get(src), `${s.page}:${s.line}`).to.deep.equal([]);
        if (s.kind !== 'module') await run_node(src.replace(/\.mts$/, '.mjs').replace(/\.ts$/, '.js'));
      });
    }
  }
});
