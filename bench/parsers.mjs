// Bench 3b — start-up options, measured only (to pick a design for the cold path): the cost per module of
// each step jurig's cold start could use, on the 300-module app of bench 3 (bench/gen.mjs, ~9 KB each).
// Each option runs in a fresh process (cold JIT and library load, as at start-up), all 300 modules in a
// row; options alternate per round; figures are medians over rounds.
//   esbuild transform     what `node --import tsx` pays per module (the baseline of the goal)
//   jurig transform       jurig's whole cold path today (dist/compiler: SWC + acorn + analysis +
//                         instrumentation + composed source map)
//   SWC transformSync     TS → JS + source map (jurig's options), the first half of today's path
//   acorn (on SWC's JS)   the second parse today
//   meriyah (on SWC's JS) a faster ESTree parser for the same JS (ranges on)
//   SWC parseSync         TS → SWC AST in JS (the AST crosses from Rust as JSON)
//   oxc-parser            TS → ESTree in JS (one parse of the TS itself)
//   oxc-transform         TS → JS + source map, instead of SWC
//   amaro strip-only      TS → JS with types blanked to spaces (positions unchanged: no source map and the
//                         JS parse has the TS positions); rejects enums/namespaces/parameter properties
// Then a worker pool of 2 threads doing jurig's transform on alternate modules, against one thread.
// Usage: node bench/parsers.mjs   (child mode: node bench/parsers.mjs --child <option> <dir>)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { genApp } from './gen.mjs';
import { BENCH, NODE, QUICK, ROOT, ensureBenchDeps, ensureBuilt, fmt, median, pct, rm, table, tmp, writeSection } from './lib.mjs';

const require = createRequire(import.meta.url);
const OPTIONS = ['esbuild transform', 'jurig transform', 'SWC transformSync', 'acorn (on SWC\'s JS)', 'meriyah (on SWC\'s JS)', 'SWC parseSync', 'oxc-parser', 'oxc-transform', 'amaro strip-only'];
const JURIG_TRANSFORM = pathToFileURL(join(ROOT, 'dist/compiler/index.js')).href;

function swcOptions(file) {
  return {
    filename: file, swcrc: false, configFile: false, sourceMaps: true, isModule: true,
    jsc: {
      parser: { syntax: 'typescript', tsx: false, decorators: true }, target: 'esnext', keepClassNames: true, preserveAllComments: true,
      transform: { decoratorVersion: '2022-03', useDefineForClassFields: true },
    },
  };
}

function readModules(dir) {
  const src = join(dir, 'src');
  return readdirSync(src).filter((f) => f.endsWith('.ts')).sort().map((f) => ({ file: join(src, f), text: readFileSync(join(src, f), 'utf8') }));
}

/** One option over all modules, in this (fresh) process: import time, per-module ms, CPU of the loop. */
async function child(option, dir) {
  const mods = readModules(dir);
  let js = null;
  if (option.includes('on SWC')) { // input: SWC's output, made before the timed part
    const swc = require('@swc/core');
    js = mods.map((m) => swc.transformSync(m.text, swcOptions(m.file)).code);
  }
  const c0 = process.cpuUsage(), t0 = performance.now();
  let fn;
  switch (option) {
    case 'esbuild transform': { const esbuild = require('esbuild'); fn = (m) => esbuild.transformSync(m.text, { loader: 'ts', format: 'esm', sourcemap: 'inline', sourcefile: m.file, target: 'node20' }); break; }
    case 'jurig transform': { const { transformModule } = await import(JURIG_TRANSFORM); fn = (m) => transformModule(m.text, m.file, pathToFileURL(m.file).href); break; }
    case 'SWC transformSync': { const swc = require('@swc/core'); fn = (m) => swc.transformSync(m.text, swcOptions(m.file)); break; }
    case 'acorn (on SWC\'s JS)': { const acorn = require('acorn'); fn = (_m, i) => acorn.parse(js[i], { ecmaVersion: 'latest', sourceType: 'module' }); break; }
    case 'meriyah (on SWC\'s JS)': { const meriyah = require('meriyah'); fn = (_m, i) => meriyah.parse(js[i], { module: true, next: true, ranges: true }); break; }
    case 'SWC parseSync': { const swc = require('@swc/core'); fn = (m) => swc.parseSync(m.text, { syntax: 'typescript', decorators: true, target: 'esnext' }); break; }
    case 'oxc-parser': { const oxc = require('oxc-parser'); fn = (m) => { const r = oxc.parseSync(m.file, m.text); return r.program.body.length; }; break; }
    case 'oxc-transform': { const oxc = require('oxc-transform'); fn = (m) => oxc.transformSync(m.file, m.text, { sourcemap: true, typescript: { onlyRemoveTypeImports: true } }); break; }
    case 'amaro strip-only': { const amaro = require('amaro'); fn = (m) => amaro.transformSync(m.text, { mode: 'strip-only' }); break; }
    default: throw new Error(`unknown option ${option}`);
  }
  const importMs = performance.now() - t0;
  const per = [];
  let failed = 0, error = '';
  for (let i = 0; i < mods.length; i++) {
    const s = performance.now();
    try { fn(mods[i], i); } catch (e) { failed++; error ||= String(e.message ?? e).split('\n')[0].slice(0, 100); }
    per.push(performance.now() - s);
  }
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ option, importMs, per, cpuMs: (c.user + c.system) / 1000, failed, error }));
}

/** jurig's transform over all modules: one thread, or `n` worker threads taking alternate modules. */
async function pool(dir, n) {
  const mods = readModules(dir);
  const c0 = process.cpuUsage(), t0 = performance.now();
  if (n === 1) {
    const { transformModule } = await import(JURIG_TRANSFORM);
    for (const m of mods) transformModule(m.text, m.file, pathToFileURL(m.file).href);
  } else {
    const code = `import { workerData, parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const { transformModule } = await import(${JSON.stringify(JURIG_TRANSFORM)});
for (const f of workerData) transformModule(readFileSync(f, 'utf8'), f, pathToFileURL(f).href);
parentPort.postMessage('done');`;
    await Promise.all(Array.from({ length: n }, (_, w) => new Promise((resolve, reject) => {
      const files = mods.filter((_, i) => i % n === w).map((m) => m.file);
      const wk = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: files });
      wk.on('message', resolve).on('error', reject);
    })));
  }
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ pool: n, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
  process.exit(0);
}
if (process.argv[2] === '--pool') {
  await pool(process.argv[4], Number(process.argv[3]));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------

ensureBuilt();
ensureBenchDeps();
const ROUNDS = QUICK ? 1 : 5;
const dir = tmp('parsers');
const bytes = genApp(dir, 300, 20);
const last = (out) => JSON.parse(out.trim().split('\n').at(-1));
const res = Object.fromEntries(OPTIONS.map((o) => [o, { per: [], totals: [], cpu: [], imp: [], failed: 0, error: '' }]));
const pools = { 1: { wall: [], cpu: [] }, 2: { wall: [], cpu: [] } };
for (let r = 0; r < ROUNDS; r++) {
  for (const o of OPTIONS) {
    const p = spawnSync(NODE, [join(BENCH, 'parsers.mjs'), '--child', o, dir], { encoding: 'utf8', cwd: BENCH });
    if (p.status !== 0) { console.error(`${o}: ${p.stderr.slice(0, 500)}`); continue; }
    const j = last(p.stdout);
    const x = res[o];
    x.per.push(...j.per);
    x.totals.push(j.per.reduce((a, b) => a + b, 0));
    x.cpu.push(j.cpuMs);
    x.imp.push(j.importMs);
    x.failed = j.failed;
    x.error = j.error;
  }
  for (const n of [1, 2]) {
    const p = spawnSync(NODE, [join(BENCH, 'parsers.mjs'), '--pool', String(n), dir], { encoding: 'utf8', cwd: BENCH });
    if (p.status !== 0) { console.error(`pool ${n}: ${p.stderr.slice(0, 500)}`); continue; }
    const j = last(p.stdout);
    pools[n].wall.push(j.wallMs);
    pools[n].cpu.push(j.cpuMs);
  }
  process.stdout.write('.');
}
process.stdout.write('\n');
const mods = readModules(dir);
rm(dir);

const base = median(res['esbuild transform'].totals);
const rows = OPTIONS.map((o) => {
  const x = res[o];
  const tot = median(x.totals);
  return [o, fmt(median(x.imp), 1), fmt(pct(x.per, 50), 2), fmt(pct(x.per, 90), 2), fmt(tot, 0), fmt(median(x.cpu), 0), `${fmt(tot / base, 2)}×`, x.failed ? `${x.failed} of ${mods.length} modules rejected (${x.error})` : ''];
});
const t = table(['option', 'load ms', 'per module p50 ms', 'p90 ms', 'all 300 ms', 'CPU ms (load + all)', '÷ esbuild', 'notes'], rows);
const w1 = median(pools[1].wall), w2 = median(pools[2].wall), c1 = median(pools[1].cpu), c2 = median(pools[2].cpu);
const tp = table(['jurig transform of 300 modules', 'wall ms', 'CPU ms'], [
  ['one thread', fmt(w1, 0), fmt(c1, 0)],
  ['2 worker threads (alternate modules)', fmt(w2, 0), fmt(c2, 0)],
  ['pool ÷ one thread', `${fmt(w2 / w1, 2)}×`, `${fmt(c2 / c1, 2)}×`],
]);
const md = `## 3b. Start-up options: cost per module (\`node bench/parsers.mjs\`)

The 300 modules of bench 3 (${(bytes / 1024 / 1024).toFixed(1)} MB, ~${(bytes / 300 / 1024).toFixed(0)} KB each), each option in a fresh process (library load and
JIT warm-up included, as at start-up), medians of ${ROUNDS} rounds. "load" = requiring the library; "CPU" =
process CPU from the load to the end of the loop (includes threads the library uses). Inputs of acorn and
meriyah are SWC's output, made before the timed part.

${t}

Worker pool (wall is what start-up waits for; on this shared 2-core machine, wall swings with the load):

${tp}
`;
console.log(md);
writeSection('3b-parsers', md);
