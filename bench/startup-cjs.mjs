// Start-up of a CommonJS app under jurig: the same 300 generated modules as bench 3 (~20 definitions,
// ~9 KB each), compiled to CommonJS `.js` files (require chains, exports) by SWC once, run to exit with
// plain `node`, `node --import tsx`, and `node --import jurig/register` cold (empty transform cache) and
// warm. Rounds interleave the variants; figures are medians. Not part of `npm run bench` (which measures
// the ES module app); run it on its own: `node bench/startup-cjs.mjs` (JURIG_BENCH_NODE=<node> for
// another Node line).
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { genApp } from './gen.mjs';
import { QUICK, REGISTER_URL, TSX_LOADER, ensureBuilt, fmt, jurigEnv, lastJson, median, ratio, rm, run, table, tmp } from './lib.mjs';

ensureBuilt();
const swc = createRequire(import.meta.url)('@swc/core');
const ROUNDS = QUICK ? 3 : 9;
const MODULES = 300;

const dir = tmp('startup-cjs');
genApp(dir, MODULES, 20);
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-bench', private: true }));
const toCjs = (file, out) => {
  const src = readFileSync(join(dir, file), 'utf8').replace(/from '(\.[^']*)\.ts'/g, "from '$1.js'");
  const { code } = swc.transformSync(src, { filename: file, swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
  writeFileSync(join(dir, out), code);
  return code.length;
};
let bytes = toCjs('main.ts', 'main.js');
for (const f of readdirSync(join(dir, 'src'))) { bytes += toCjs(join('src', f), join('src', f.replace(/\.ts$/, '.js'))); rmSync(join(dir, 'src', f)); }
rmSync(join(dir, 'main.ts'));
let coldN = 0;

const variants = {
  'node': () => run(['main.js'], { cwd: dir }),
  'node --import tsx': () => run(['--import', TSX_LOADER, 'main.js'], { cwd: dir }),
  'jurig cold (empty cache)': () => run(['--import', REGISTER_URL, 'main.js'], { cwd: dir, env: jurigEnv({ roots: [dir], cacheDir: join(dir, `.cache-cold-${coldN++}`) }) }),
  'jurig warm': () => run(['--import', REGISTER_URL, 'main.js'], { cwd: dir, env: jurigEnv({ roots: [dir], cacheDir: join(dir, '.cache-warm') }) }),
};
const res = Object.fromEntries(Object.keys(variants).map((k) => [k, { wall: [], cpu: [], sum: new Set() }]));
for (const [k, f] of Object.entries(variants)) { const r = await f(); if (r.code !== 0) { console.error(`${k} failed:\n${r.err}`); process.exit(1); } }
for (let i = 0; i < ROUNDS; i++) {
  for (const [k, f] of Object.entries(variants)) {
    const r = await f();
    const j = lastJson(r.out, 'checksum');
    if (r.code !== 0 || !j) { console.error(`${k} failed (code ${r.code}):\n${r.err.slice(0, 2000)}`); continue; }
    res[k].wall.push(r.wall);
    res[k].cpu.push(j.cpuMs);
    res[k].sum.add(j.checksum);
  }
  process.stdout.write('.');
}
process.stdout.write('\n');
rm(dir);
const bc = median(res['node --import tsx'].cpu), bw = median(res['node --import tsx'].wall);
const sums = new Set(Object.values(res).flatMap((r) => [...r.sum]));
const rows = Object.entries(res).map(([k, r]) => [k, fmt(median(r.cpu)), fmt(median(r.wall)), ratio(median(r.cpu) / bc), ratio(median(r.wall) / bw)]);
const v = (await run(['--version'])).out.trim();
console.log(`Node ${v}: ${MODULES} CommonJS modules (${(bytes / 1024 / 1024).toFixed(1)} MB), medians of ${ROUNDS} rounds; checksums ${sums.size === 1 ? 'identical' : 'DIFFER'}\n`);
console.log(table(['variant', 'CPU ms (p50)', 'wall ms (p50)', 'CPU ÷ tsx', 'wall ÷ tsx'], rows));
