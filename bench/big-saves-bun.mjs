// Bench 8 — big saves beside Bun (the saves issue): save → new behaviour on big generated TypeScript modules, jurig
// beside Bun --hot (same app and edits as bench 1, bench/peers.mjs; the two take turns per edit).
//   300 KB, statement     `CONFIG.version = 'vN';` changes (goal ≤ 50 ms)
//   300 KB, replace-all   a find-and-replace `return ` → `return N && ` that changes nearly every function of
//                         the module (and the statement, so the answer changes) (goal ≤ 1 s)
//   5 MB, statement       the statement edit on a 5 MB module (goal: applies; time, or "did not apply in N s")
// Saves are editor-style (temp file + rename); 1 s of rest after each answer.
import { createRequire } from 'node:module';
import { genModule } from './gen.mjs';
import { kill, launch, save } from './peers.mjs';
import { QUICK, writeVerdicts, ensureBenchDeps, ensureBuilt, fmt, pct, rm, shuffle, sleep, table, writeSection } from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const { parseSync } = createRequire(import.meta.url)('oxc-parser');
const TOOLS = (process.env.JURIG_BENCH_TOOLS?.split(',') ?? ['jurig', 'bun --hot']);

const STATEMENT = (v) => `const CONFIG = { version: '', mode: 'plain' };
CONFIG.version = 'v${v}';

export function handle(q: string): string {
  return CONFIG.version + ':' + q;
}
`;
function bigModule(bytes) {
  const per = genModule('z', 80).length / 80;
  const defs = Math.round(bytes / per / 2);
  const a = genModule('a', defs), b = genModule('b', defs);
  return (v, replaceAll = false) => {
    const text = `${a}\n${STATEMENT(v)}\n${b}`;
    return replaceAll && v ? text.replaceAll('return ', `return ${v} && `) : text;
  };
}

/** Functions in the module (declarations, expressions, arrows, methods, accessors) and how many contain `return `. */
function countFunctions(text) {
  const { program } = parseSync('big.ts', text);
  let fns = 0, changed = 0;
  const walk = (n) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) { for (const x of n) walk(x); return; }
    if (/^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(n.type)) {
      fns++;
      if (text.slice(n.start, n.end).includes('return ')) changed++;
    }
    for (const k in n) if (k !== 'type' && typeof n[k] === 'object') walk(n[k]);
  };
  walk(program);
  return { fns, changed };
}

const M300 = bigModule(300 * 1024), M5 = bigModule(5 * 1024 * 1024);
const rows = [
  { name: '300 KB, statement', src: M300, replaceAll: false, edits: QUICK ? 4 : 12, goal: 50, timeout: 20000 },
  { name: '300 KB, find-and-replace in every function', src: M300, replaceAll: true, edits: QUICK ? 3 : 6, goal: 1000, timeout: 30000 },
  { name: '5 MB, statement', src: M5, replaceAll: false, edits: QUICK ? 1 : 3, goal: null, timeout: QUICK ? 30000 : 60000 },
];

const out = [];
for (const row of rows) {
  const text0 = row.src(0);
  const procs = [];
  for (const tool of TOOLS) procs.push(await launch(tool, { mod: 'big', text: text0, first: 'v0:q', startTimeout: 120000 }));
  for (const p of procs) p.res = { lat: [], misses: 0 };
  await sleep(2000);
  for (let v = 1; v <= row.edits; v++) {
    for (const p of shuffle(procs)) {
      if (p.error) continue;
      const t0 = performance.now();
      save(p.dir, 'big', 'rename', row.src(v, row.replaceAll));
      let got = null;
      for (;;) {
        const a = await p.client.ask(Math.min(2000, row.timeout));
        const now = performance.now();
        if (a === `v${v}:q`) { got = now - t0; break; }
        if (now - t0 > row.timeout || p.exited) break;
      }
      if (got === null) p.res.misses++;
      else p.res.lat.push(got);
      await sleep(1000);
    }
  }
  for (const p of procs) { kill(p.child); }
  await sleep(300);
  for (const p of procs) rm(p.dir);
  const r = { row, bytes: text0.length, lines: text0.split('\n').length, ...countFunctions(text0), tools: Object.fromEntries(procs.map((p) => [p.tool, { ...p.res, error: p.error, startMs: p.startMs }])) };
  out.push(r);
  console.log(`${row.name}: ${TOOLS.map((t) => `${t} start ${fmt(r.tools[t].startMs, 0)} ms, p50 ${fmt(pct(r.tools[t].lat, 50), 1)} p90 ${fmt(pct(r.tools[t].lat, 90), 1)} ms${r.tools[t].misses ? `, ${r.tools[t].misses} not applied in ${row.timeout / 1000} s` : ''}${r.tools[t].error ? ` ERROR ${r.tools[t].error}` : ''}`).join('; ')}`);
}

const cell = (x, row) => {
  if (x.error) return `FAILED: ${x.error.slice(0, 80)}`;
  if (!x.lat.length) return `did not apply in ${row.timeout / 1000} s (${x.misses} of ${x.misses} saves)`;
  return `${fmt(pct(x.lat, 50), 1)} / ${fmt(pct(x.lat, 90), 1)}${x.misses ? ` (${x.misses} not applied in ${row.timeout / 1000} s)` : ''}`;
};
const trows = out.map(({ row, bytes, lines, fns, changed, tools }) => {
  const j = tools.jurig;
  let v = '';
  if (j) {
    const p90 = pct(j.lat, 90);
    v = row.goal === null ? (j.lat.length && !j.misses ? 'met (applies)' : 'MISSED') : (j.lat.length && !j.misses && p90 <= row.goal ? 'met' : 'MISSED');
  }
  return [row.name, `${(bytes / 1024).toFixed(0)} KB, ${lines} lines${row.replaceAll ? `; changes ${changed} of its ${fns} functions` : ''}`, ...TOOLS.map((t) => fmt(tools[t].startMs, 0)), ...TOOLS.map((t) => cell(tools[t], row)), `${row.edits}`, row.goal === null ? 'applies' : `≤ ${row.goal} ms p90`, v];
});
const t = table(['edit', 'module', ...TOOLS.map((x) => `${x} start ms`), ...TOOLS.map((x) => `${x} p50 / p90 ms`), 'saves', 'goal (jurig)', ''], trows);
const md = `## 8. Big saves beside Bun (\`node bench/big-saves-bun.mjs\`)

Save (temp file + rename) → first answer from the new code, on generated TypeScript modules of 300 KB and
5 MB (bench/gen.mjs) with \`CONFIG.version = 'vN';\` in the middle, read by \`handle()\`. jurig and Bun --hot
take turns per save, 1 s apart; "start" = spawn → first answer (cold: empty caches).
The find-and-replace row rewrites \`return \` as \`return N && \` everywhere (same behaviour, new text in
nearly every function) together with the statement.

${t}
`;
console.log(md);
writeSection('8-big-saves-bun', md);
writeVerdicts('8-big-saves-bun', trows.map((r, i) => ({ goal: `${rows[i].name}: ${r.at(-2)}`, measured: `jurig ${r[2 + TOOLS.length + TOOLS.indexOf('jurig')]} ms (p50 / p90)`, verdict: r.at(-1).startsWith('met') ? 'met' : r.at(-1) ? 'MISSED' : 'not measured' })));
