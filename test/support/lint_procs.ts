// A compile-time check for the misuse runtime/undriven.ts catches at run time: a call whose
// result is a Proc (a Generator) used as a statement, as in `socket.send(C, Buf);` without
// `yield*`. Uses the TypeScript checker, so it knows which calls return a Proc whatever
// they are named. `void f()` marks a deliberate drop (the tests of the misuse itself).
import * as ts from 'typescript';
import * as path from 'path';

export interface Dropped {
  file: string;
  line: number;
  text: string;
}

function returns_generator(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  const t = checker.getTypeAtLocation(call);
  const types = t.isUnion() ? t.types : [t];
  return types.some((u) => {
    const name = (u.aliasSymbol ?? u.getSymbol())?.getName();
    return name === 'Generator' || name === 'Proc';
  });
}

/** Every statement of the program's own files that drops a Proc a call returned. */
export function dropped_procs(program: ts.Program, root: string): Dropped[] {
  const checker = program.getTypeChecker();
  const out: Dropped[] = [];
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || !path.resolve(sf.fileName).startsWith(root)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node)) {
        let e: ts.Expression = node.expression;
        while (ts.isParenthesizedExpression(e)) e = e.expression;
        if (ts.isCallExpression(e) && returns_generator(checker, e)) {
          const { line } = sf.getLineAndCharacterOfPosition(e.getStart(sf));
          out.push({ file: path.relative(root, sf.fileName), line: line + 1, text: e.getText(sf).slice(0, 80) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** The program of a tsconfig.json. */
export function program_of(tsconfig: string): ts.Program {
  const cfg = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (cfg === undefined) throw new Error(`cannot read ${tsconfig}`);
  return ts.createProgram(cfg.fileNames, cfg.options);
}

/** `node dist/test/support/lint_procs.js [tsconfig.json]`: lists dropped Procs; exit 1 if any. */
if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..', '..');
  const found = dropped_procs(program_of(process.argv[2] ?? path.join(root, 'tsconfig.json')), root + path.sep);
  for (const d of found) console.log(`${d.file}:${d.line}: a Proc dropped without yield*: ${d.text}`);
  console.log(`${found.length} dropped Proc${found.length === 1 ? '' : 's'}`);
  process.exitCode = found.length === 0 ? 0 : 1;
}
