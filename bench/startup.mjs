// Bench 3 — start-up: a generated TypeScript app of 300 modules (~20 definitions, ~9 KB each) run to exit
// with `node --import tsx` (tsx's own transform cache warm, as users run it) and with
// `node --import jurig/register`, cold (empty transform cache) and warm. Rounds interleave the variants;
// figures are medians of the rounds. Goal: cold ≤ 1.3× tsx, warm ≤ 1.05× tsx.
import { join } from 'node:path';
import { genApp } from './gen.mjs';
import {
  CLI, QUICK, REGISTER_URL, TSX_LOADER, ensureBenchDeps, ensureBuilt, fmt, jurigEnv, lastJson, median, ratio,
  rm, run, table, tmp, verdict, writeSection, writeVerdicts,
} from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const ROUNDS = Number(process.env.JURIG_BENCH_ROUNDS) || (QUICK ? 3 : 9);
const MODULES = 300;

const dir = tmp('startup');
const bytes = genApp(dir, MODULES, 20);
const warmCache = join(dir, '.cache-warm');
let coldN = 0;

const variants = {
  'node --import tsx': () => run(['--import', TSX_LOADER, 'main.ts'], { cwd: dir }),
  'node --import tsx (tsx cache off)': () => run(['--import', TSX_LOADER, 'main.ts'], { cwd: dir, env: { TSX_DISABLE_CACHE: '1' } }),
  'jurig cold (empty cache)': () => run(['--import', REGISTER_URL, 'main.ts'], { cwd: dir, env: jurigEnv({ roots: [dir], cacheDir: join(dir, `.cache-cold-${coldN++}`) }) }),
  'jurig warm': () => run(['--import', REGISTER_URL, 'main.ts'], { cwd: dir, env: jurigEnv({ roots: [dir], cacheDir: warmCache }) }),
  // issue 11: the statement markers run, but record nothing
  'jurig warm, effects off': () => run(['--import', REGISTER_URL, 'main.ts'], { cwd: dir, env: { ...jurigEnv({ roots: [dir], cacheDir: warmCache }), JURIG_EFFECTS: 'off' } }),
  'jurig CLI warm (`jurig main.ts`)': () => run([CLI, 'main.ts'], { cwd: dir }),
};

const res = Object.fromEntries(Object.keys(variants).map((k) => [k, { wall: [], cpu: [], sum: new Set() }]));
// warm-up: fill tsx's cache, jurig's warm cache and the CLI's default cache (<cwd>/node_modules/.cache/jurig)
for (const [k, f] of Object.entries(variants)) {
  const r = await f();
  if (r.code !== 0) { console.error(`${k} failed:\n${r.err}`); process.exitCode = 1; }
}
for (let i = 0; i < ROUNDS; i++) {
  for (const [k, f] of Object.entries(variants)) {
    const r = await f();
    const j = lastJson(r.out, 'checksum');
    if (r.code !== 0 || !j) { console.error(`${k} failed (code ${r.code}):\n${r.err.slice(0, 2000)}`); continue; }
    res[k].wall.push(r.wall);
    res[k].cpu.push(j.cpuMs);
    res[k].sum.add(j.checksum);
  }
  process.stdout.write(`.`);
}
process.stdout.write('\n');
rm(dir);

const base = res['node --import tsx'];
const bw = median(base.wall), bc = median(base.cpu);
const sums = new Set(Object.values(res).flatMap((r) => [...r.sum]));
const goals = { 'jurig cold (empty cache)': 1.3, 'jurig warm': 1.05 };
const rows = Object.entries(res).map(([k, r]) => {
  const w = median(r.wall), c = median(r.cpu);
  const g = goals[k];
  return [k, fmt(c), fmt(w), ratio(c / bc), ratio(w / bw), g ? `≤ ${g}×` : '', g ? verdict(c / bc <= g) : ''];
});
const t = table(['variant', 'CPU ms (p50)', 'wall ms (p50)', 'CPU ÷ tsx', 'wall ÷ tsx', 'goal (CPU)', ''], rows);
const md = `## 3. Start-up (\`node bench/startup.mjs\`)

${MODULES} generated TypeScript modules (20 definitions each, ${(bytes / 1024 / 1024).toFixed(1)} MB) plus an entry importing
all of them; each process runs to exit. Wall time is spawn→exit measured by the harness; CPU time is
\`process.cpuUsage()\` at the end of the entry (all threads, including the off-thread loader on Node 20).
Medians of ${ROUNDS} interleaved rounds. Goal verdicts use the CPU ratio (the machine is shared and noisy: wall
times swing ±50% between identical runs, CPU times ±5%); wall ratios are shown beside them. Checksums ${sums.size === 1 ? 'identical in every run' : 'DIFFER: ' + [...sums].join(', ')}.

${t}
`;
console.log(md);
writeSection('3-startup', md);
writeVerdicts('3-startup', Object.entries(goals).map(([k, g]) => {
  const c = median(res[k].cpu) / bc;
  return { goal: `start-up ${k.startsWith('jurig cold') ? 'cold' : 'warm'} ≤ ${g}× \`node --import tsx\` (CPU, 300 modules)`, measured: `${fmt(c, 2)}×`, verdict: Number.isFinite(c) ? (c <= g ? 'met' : 'MISSED') : 'not measured' };
}));
