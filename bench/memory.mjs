// Bench 4 — memory per patch: a 100 KB TypeScript module (generated definitions + one target function) is
// patched 1,000 times, each version changing the target's body (it returns the version number); the
// heap is measured after forced GC every 100 patches. Patches go through the runtime's plan/apply
// (`applySource`, what a save runs minus the file read); a second run does 200 real saves (file writes
// picked up by the watcher) to check that path too. Goal: ≤ 10 KB per patch, and flat.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { genModule } from './gen.mjs';
import {
  QUICK, REGISTER_URL, ensureBuilt, fmt, jurigEnv, lastJson, median, rm, run, table, tmp, verdict, writeSection,
} from './lib.mjs';

ensureBuilt();
const PATCHES = QUICK ? 300 : 1000;
const SAVES = QUICK ? 60 : 200;

const dir = tmp('memory');
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
const filler = genModule('f', 230);
const TARGET = (v) => `export function target(x: number): number {
  const base = ${v};
  return base + x * 0;
}
`;
// split at a definition boundary so the module stays valid
const cut = filler.indexOf('\nexport ', filler.length >> 1);
const src = (v) => `${filler.slice(0, cut)}\n\n${TARGET(v)}${filler.slice(cut)}`;
const file = join(dir, 'big.ts');
writeFileSync(file, src(0));
const size = src(0).length;

const DRIVER = `
const file = ${JSON.stringify(file)};
const mod = await import('file://' + file);
const rt = globalThis[Symbol.for('jurig')];
const { writeFileSync } = await import('node:fs');
const mode = process.env.BENCH_MODE, n = Number(process.env.BENCH_N), step = Number(process.env.BENCH_STEP);
const src = ${src.toString().replace('filler.slice(0, cut)', 'F.slice(0, C)').replace('filler.slice(cut)', 'F.slice(C)').replace('TARGET(v)', 'T(v)')};
const F = ${JSON.stringify(filler)}, C = ${cut};
const T = ${TARGET.toString()};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// GC between event-loop turns: WeakRefs deref'd in a job stay alive until the job ends
const heap = async () => { for (let i = 0; i < 4; i++) { globalThis.gc(); await sleep(5); } return process.memoryUsage().heapUsed; };
const WARM = Number(process.env.BENCH_WARM);
if (mod.target(0) !== 0) throw new Error('v0 not running');
// warm-up versions (first-save analysis, lazily loaded patch code, JIT), reported apart
const h0 = await heap();
for (let v = 1; v <= WARM; v++) { const r = await rt.applySource(file, src(v)); if (!r.ok) throw r.error; }
const hw = await heap();
const points = [[WARM, hw]];
for (let v = WARM + 1; v <= WARM + n; v++) {
  if (mode === 'apply') {
    const r = await rt.applySource(file, src(v));
    if (!r.ok) throw r.error;
  } else {
    writeFileSync(file, src(v));
    const t0 = Date.now();
    while (mod.target(0) !== v) { if (Date.now() - t0 > 5000) throw new Error('save ' + v + ' never applied'); await sleep(1); }
  }
  if (mod.target(0) !== v) throw new Error('version ' + v + ' not running');
  if ((v - WARM) % step === 0) points.push([v, await heap()]);
}
console.log(JSON.stringify({ points, warm: [h0, hw], rss: process.memoryUsage().rss }));
`;
const driver = join(dir, '..', `${dir.split('/').pop()}-driver.mjs`);
writeFileSync(driver, DRIVER);
const env = jurigEnv({ roots: [dir], cacheDir: join(dir, '.cache') });

const results = {};
for (const [mode, n, step] of [['apply', PATCHES, PATCHES / 10], ['save', SAVES, SAVES / 4]]) {
  const r = await run(['--expose-gc', '--import', REGISTER_URL, driver], { cwd: dir, env: { ...env, BENCH_MODE: mode, BENCH_N: String(n), BENCH_STEP: String(step), BENCH_WARM: '20' } });
  const j = lastJson(r.out, 'points');
  if (r.code !== 0 || !j) { results[mode] = { error: r.err.split('\n').slice(0, 6).join(' | ').slice(0, 400) }; console.error(`${mode}: ${results[mode].error}`); continue; }
  results[mode] = j;
}
rm(dir); rm(driver);

const kb = (b) => b / 1024;
const rows = [];
const detail = [];
for (const [mode, r] of Object.entries(results)) {
  const label = mode === 'apply' ? `${PATCHES} patches (applySource)` : `${SAVES} saves (file writes)`;
  if (r.error) { rows.push([label, '—', '—', '—', '—', '≤ 10 KB', 'NOT MEASURED', 'flat', 'NOT MEASURED', r.error]); continue; }
  const p = r.points;
  const [n0, h0] = p[0], [n1, h1] = p.at(-1);
  const per = kb(h1 - h0) / (n1 - n0);
  const mid = p[Math.floor(p.length / 2)];
  const first = kb(mid[1] - h0) / (mid[0] - n0), second = kb(h1 - mid[1]) / (n1 - mid[0]);
  const flat = second <= 0.5;
  rows.push([label, fmt(kb(h0) / 1024, 2), fmt(kb(h1) / 1024, 2), fmt(per, 2), `${fmt(first, 2)} / ${fmt(second, 2)}`, '≤ 10 KB', verdict(per <= 10), 'flat', flat ? 'met' : 'MISSED (grows steadily)', `first 20 patches (warm-up, not counted): +${fmt(kb(r.warm[1] - r.warm[0]), 0)} KB`]);
  detail.push(`${label}: heap after GC (MB) at ${p.map(([n, h]) => `${n}: ${(h / 2 ** 20).toFixed(2)}`).join(', ')}`);
}
const t = table(['run', 'heap before MB', 'heap after MB', 'KB per patch', 'KB/patch 1st half / 2nd half', 'goal', '', 'goal', '', 'notes'], rows);
const md = `## 4. Memory per patch (\`node bench/memory.mjs\`)

A ${(size / 1024).toFixed(0)} KB TypeScript module; each version changes one function's body; heap used after six forced
GCs (\`--expose-gc\`). One process per row; 20 warm-up patches first (the first save analyses the\nloaded version and loads the patch code once; their cost is in the notes). Each save is written as soon as the\nprevious one is running. Flat = the second half of the patches retains ≤ 0.5 KB per patch.

${t}

${detail.map((d) => '- ' + d).join('\n')}
`;
console.log(md);
writeSection('4-memory', md);
