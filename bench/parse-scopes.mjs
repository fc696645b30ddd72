// Bench 3c — the parse of a module with many top-level declarations: stock acorn against jurig's parser
// (compiler/parser.ts: the same parse, its redeclaration checks in Sets instead of arrays). Modules like
// the big saves' (bench 7): n exported functions and n consts. Medians over rounds, in one process.
// Run: node bench/parse-scopes.mjs   (JURIG_BENCH_QUICK=1: fewer rounds)
import { Parser } from 'acorn';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { QUICK, ROOT, ensureBuilt, fmt, median, table, writeSection } from './lib.mjs';

ensureBuilt();
const { ScopeSetParser } = await import(pathToFileURL(join(ROOT, 'dist/compiler/parser.js')).href);
const ROUNDS = QUICK ? 3 : 7;
const src = (n) => Array.from({ length: n }, (_, i) => `export function f${i}(x: number) { return x + ${i}; }\nconst c${i} = ${i};\n`.replace(': number', '')).join('');
const time = (P, text) => { const t = performance.now(); P.parse(text, { ecmaVersion: 'latest', sourceType: 'module' }); return performance.now() - t; };

const rows = [];
for (const n of [1000, 2500, 10000, 40000]) {
  const text = src(n);
  const stock = [], ours = [];
  for (let r = 0; r < (n >= 40000 ? Math.min(ROUNDS, 3) : ROUNDS); r++) { stock.push(time(Parser, text)); ours.push(time(ScopeSetParser, text)); }
  const s = median(stock), o = median(ours);
  rows.push([`${n} functions + ${n} consts`, `${(text.length / 1024).toFixed(0)} KB`, fmt(s), fmt(o), `${(o / s).toFixed(2)}×`]);
  console.log(rows.at(-1).join('  '));
}
const md = `### Parse of a module with many top-level declarations (ms, median)\n\n${table(['module', 'size', 'stock acorn', 'jurig (Set scopes)', 'ratio'], rows)}\n`;
console.log('\n' + md);
writeSection('3c-parse-scopes', md);
