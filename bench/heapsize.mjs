// Bench 5 — patch cost vs heap size: the time to apply a patch (plan + apply, through the runtime's
// `applySource`) to a class method and to a closure, with 1,000 vs 1,000,000 live instances of the class
// and live closures of the closure kept in the heap. Each process applies 40 patches (alternating the
// method and the closure body) and checks after each that a live instance and a live closure run the new
// code; medians over processes. Goal: no growth (ratio ≈ 1).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  QUICK, REGISTER_URL, ensureBuilt, fmt, jurigEnv, lastJson, median, pct, ratio, rm, run, table, tmp, verdict, writeSection,
} from './lib.mjs';

ensureBuilt();
const PROCS = QUICK ? 2 : 4;
const PATCHES = 40;

const dir = tmp('heapsize');
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
const file = join(dir, 'live.ts');
const SRC = (m, c) => `export class Point {
  x: number;
  y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }
  version(): number {
    return ${m} + this.x * 0;
  }
}

export function makeClosure(k: number): () => number {
  return () => {
    return ${c} + k * 0;
  };
}
`;
writeFileSync(file, SRC(0, 0));

const DRIVER = `
const file = ${JSON.stringify(file)};
const { Point, makeClosure } = await import('file://' + file);
const rt = globalThis[Symbol.for('jurig')];
const SRC = ${SRC.toString()};
const N = Number(process.env.BENCH_N);
const points = new Array(N), closures = new Array(N);
for (let i = 0; i < N; i++) { points[i] = new Point(i, i); closures[i] = makeClosure(i); }
globalThis.gc?.();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let m = 0, c = 0;
const apply = async () => { const t0 = performance.now(); const r = await rt.applySource(file, SRC(m, c)); const t = performance.now() - t0; if (!r.ok) throw r.error; return t; };
// warm-up: first save analyses the loaded version, loads the patch code, JITs
for (let i = 0; i < 6; i++) { m++; c++; await apply(); }
const method = [], closure = [];
for (let i = 0; i < ${PATCHES}; i++) {
  await sleep(5);
  if (i % 2 === 0) { m++; method.push(await apply()); }
  else { c++; closure.push(await apply()); }
  const k = (i * 7919) % N;
  if (points[k].version() !== m || closures[k]() !== c) throw new Error('patch not visible on a live instance/closure');
}
console.log(JSON.stringify({ method, closure, heapMB: process.memoryUsage().heapUsed / 2 ** 20 }));
`;
const driver = join(dir, '..', `${dir.split('/').pop()}-driver.mjs`);
writeFileSync(driver, DRIVER);
const env = jurigEnv({ roots: [dir], cacheDir: join(dir, '.cache') });

const res = {};
let failure = null;
for (let p = 0; p < PROCS && !failure; p++) {
  for (const n of [1000, 1000000]) {
    const r = await run(['--expose-gc', '--import', REGISTER_URL, driver], { cwd: dir, env: { ...env, BENCH_N: String(n) } });
    const j = lastJson(r.out, 'method');
    if (r.code !== 0 || !j) { failure = `N=${n} failed (exit ${r.code}): ${r.err.split('\n').slice(0, 6).join(' | ').slice(0, 400)}`; break; }
    const x = (res[n] ??= { method: [], closure: [], heap: [] });
    x.method.push(...j.method); x.closure.push(...j.closure); x.heap.push(j.heapMB);
  }
  process.stdout.write('.');
}
process.stdout.write('\n');
rm(dir); rm(driver);
if (failure) console.error(failure);

const rows = [];
for (const kind of ['method', 'closure']) {
  const a = res[1000]?.[kind] ?? [], b = res[1000000]?.[kind] ?? [];
  const r = median(b) / median(a);
  rows.push([`${kind} patch`, fmt(median(res[1000]?.heap ?? []), 0), fmt(median(a), 2), fmt(pct(a, 90), 2), fmt(median(res[1000000]?.heap ?? []), 0), fmt(median(b), 2), fmt(pct(b, 90), 2), ratio(r), 'no growth (≤ 1.1×)', failure ? 'NOT MEASURED' : verdict(r <= 1.1)]);
}
const t = table(['patch of', 'heap MB (1e3)', 'p50 ms (1e3)', 'p90 ms (1e3)', 'heap MB (1e6)', 'p50 ms (1e6)', 'p90 ms (1e6)', 'ratio p50', 'goal', ''], rows);
const md = `## 5. Patch cost vs heap size (\`node bench/heapsize.mjs\`)

Time of \`applySource\` (plan + apply; what a save runs minus the file read) for a class method and for a
closure, with 1,000 vs 1,000,000 live instances of the class and 1,000 vs 1,000,000 live closures of the
patched closure; ${PATCHES / 2} patches of each per process after 6 warm-up patches, every patch checked on a live
instance and a live closure; ${PROCS} processes per size, all patch times pooled. "No growth" is read as a p50
ratio ≤ 1.1.${failure ? `\n\n**Not measured: ${failure}**` : ''}

${t}
`;
console.log(md);
writeSection('5-heapsize', md);
