// The types `jurig/api` and `jurig/register` ship name only what users work with: no runtime internals
// (module records, running versions, the compiler's analysis) in any exported signature. Read with the
// TypeScript checker from dist/*.d.ts, as a user's editor reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ENTRIES = ['../../dist/entry/api.d.ts', '../../dist/entry/register.d.ts'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
const INTERNAL = /\b(ModuleRecord|RunningState|Analysed|ModuleInfo|CellEntry|Location|Def|ClassInfo|RuntimeGlobal|Owner)\b/;

test('the shipped API types expose no internal type', () => {
  const program = ts.createProgram(ENTRIES, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: ['node'] });
  const checker = program.getTypeChecker();
  const leaks = [];
  let exported = 0;
  for (const entry of ENTRIES) {
    const sf = program.getSourceFile(entry);
    const mod = checker.getSymbolAtLocation(sf);
    for (const sym of checker.getExportsOfModule(mod)) {
      exported++;
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      for (const decl of target.declarations ?? []) {
        // the declaration's own text: signatures, members, type aliases (not the bodies, there are none in .d.ts)
        const text = decl.getText();
        const m = INTERNAL.exec(text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''));
        if (m) leaks.push(`${sym.name} (${decl.getSourceFile().fileName.replace(/.*\/dist\//, 'dist/')}) mentions ${m[1]}`);
      }
    }
  }
  assert.ok(exported > 10, `the API exports ${exported} names`);
  assert.deepEqual(leaks, []);
});
