// Bench 2b — call-kind microbenchmarks: function, method, getter, #private method, closure, generator, each
// called in a hot loop from the same module, measured (ns per call, CPU time) with the module plain (run
// through tsx) and instrumented by jurig: unpatched, after one patch of every target and after ten.
// Patches go through the runtime's real plan/apply path (`applySource`: the same as a save, minus the file
// read). Medians over several processes; each process measures every phase.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  QUICK, REGISTER_URL, TSX_LOADER, ensureBenchDeps, ensureBuilt, fmt, jurigEnv, lastJson, median, ratio, rm, run, table, tmp,
  writeSection, writeVerdicts,
} from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const PROCS = QUICK ? 2 : 5;

// version v of the module: every target's body gets a (result-neutral) extra constant
const KINDS = (v) => {
  const z = v === 0 ? '' : `const z = ${v} - ${v};`;
  const zr = v === 0 ? '' : ' + z';
  return `export function fn(x: number): number {
  ${z}return ((x * 3 + 1) & 1023)${zr};
}

export class K {
  #p = 1;
  v = 1;
  m(x: number): number {
    ${z}return ((x * 3 + this.v) & 1023)${zr};
  }
  get g(): number {
    ${z}return ((this.v * 3 + 1) & 1023)${zr};
  }
  #priv(x: number): number {
    ${z}return ((x * 3 + this.#p) & 1023)${zr};
  }
  static loopPriv(o: K, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s = (s + o.#priv(i)) | 0;
    return s;
  }
}

export function makeClosure(k: number): (x: number) => number {
  return (x: number) => {
    ${z}return ((x * 3 + k) & 1023)${zr};
  };
}

export function* gen(n: number): Generator<number> {
  ${z}for (let i = 0; i < n; i++) yield ((i * 3 + 1) & 1023)${zr};
}

export const loops: Record<string, (n: number) => number> = {
  function(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + fn(i)) | 0; return s; },
  method(n) { const o = new K(); let s = 0; for (let i = 0; i < n; i++) s = (s + o.m(i)) | 0; return s; },
  getter(n) { const o = new K(); let s = 0; for (let i = 0; i < n; i++) s = (s + o.g + i) | 0; return s; },
  '#private': (n) => K.loopPriv(new K(), n),
  closure(n) { const c = makeClosure(1); let s = 0; for (let i = 0; i < n; i++) s = (s + c(i)) | 0; return s; },
  generator(n) { let s = 0; for (let i = 0; i < n; i++) for (const v of gen(4)) s = (s + v + i) | 0; return s; },
};
`;
};

const DRIVER = (file) => `
const mod = await import(${JSON.stringify('file://' + file)});
const rt = globalThis[Symbol.for('jurig')];
const { readFileSync } = await import('node:fs');
const N = { function: 3e7, method: 3e7, getter: 3e7, '#private': 3e7, closure: 3e7, generator: 2e6 };
const out = {};
function measure(phase) {
  const r = {};
  for (const [k, loop] of Object.entries(mod.loops)) {
    loop(N[k] / 20); // warm up
    const c0 = process.cpuUsage();
    const s = loop(N[k]);
    const c = process.cpuUsage(c0);
    r[k] = { ns: ((c.user + c.system) * 1000) / N[k], s };
  }
  out[phase] = r;
}
measure('unpatched');
if (rt) {
  const versions = JSON.parse(process.env.BENCH_VERSIONS);
  const apply = async (v) => { const r = await rt.applySource(${JSON.stringify(file)}, versions[v]); if (!r.ok) throw r.error; };
  await apply(1);
  measure('1 patch');
  for (let v = 2; v <= 10; v++) await apply(v);
  measure('10 patches');
}
console.log(JSON.stringify({ out }));
`;

const dir = tmp('calls');
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
const file = join(dir, 'kinds.ts');
writeFileSync(file, KINDS(0));
const driver = join(dir, '..', `${dir.split('/').pop()}-driver.mjs`); // outside the watch root: not instrumented
writeFileSync(driver, DRIVER(file));
const versions = Array.from({ length: 11 }, (_, v) => KINDS(v));
const env = { ...jurigEnv({ roots: [dir], cacheDir: join(dir, '.cache') }), BENCH_VERSIONS: JSON.stringify(versions) };

const samples = {}; // kind → phase → [ns]
const sums = new Set();
let failure = null;
for (let p = 0; p < PROCS && !failure; p++) {
  for (const [mode, args, e] of [['plain', ['--import', TSX_LOADER, driver], {}], ['jurig', ['--import', REGISTER_URL, driver], env]]) {
    const r = await run(args, { cwd: dir, env: e });
    const j = lastJson(r.out, 'out');
    if (r.code !== 0 || !j) { failure = `${mode} failed (exit ${r.code}): ${r.err.split('\n').slice(0, 6).join(' | ').slice(0, 400)}`; break; }
    for (const [phase, res] of Object.entries(j.out)) {
      for (const [k, { ns, s }] of Object.entries(res)) {
        const key = mode === 'plain' ? 'plain' : phase;
        ((samples[k] ??= {})[key] ??= []).push(ns);
        sums.add(`${k}:${s}`);
      }
    }
  }
  process.stdout.write('.');
}
process.stdout.write('\n');
rm(dir); rm(driver);
if (failure) console.error(failure);

const kinds = Object.keys(samples);
const consistent = kinds.every((k) => [...sums].filter((s) => s.startsWith(k + ':')).length === 1);
const rows = kinds.map((k) => {
  const m = (ph) => median(samples[k][ph] ?? []);
  const base = m('plain');
  return [k, fmt(base, 2), `${fmt(m('unpatched'), 2)} (${ratio(m('unpatched') / base)})`, `${fmt(m('1 patch'), 2)} (${ratio(m('1 patch') / base)})`, `${fmt(m('10 patches'), 2)} (${ratio(m('10 patches') / base)})`];
});
const t = table(['call kind', 'plain ns/call', 'jurig unpatched', 'after 1 patch', 'after 10 patches'], rows);
const md = `## 2b. Call-kind microbenchmarks (\`node bench/calls.mjs\`)

ns per call (CPU time) in a hot loop in the same module, tiny bodies (the worst case for an indirection;
the generator row is per generator call with 4 yields). "plain" runs the module through tsx; jurig rows
are the same module instrumented, then patched through the runtime's plan/apply path (every target once,
then ten times). Medians of ${PROCS} processes. Results ${consistent ? 'identical across all variants' : 'DIFFER between variants'}.${failure ? `\n\n**Not measured: ${failure}**` : ''}

${t}
`;
console.log(md);
writeSection('2b-calls', md);
{
  const m = (k, ph) => median(samples[k]?.[ph] ?? []);
  const closure = m('closure', 'unpatched') / m('closure', 'plain');
  const cliff = ['function', 'method'].map((k) => m(k, '10 patches') / m(k, '1 patch'));
  writeVerdicts('2b-calls', [
    { goal: 'closures ≤ 1.5× (unpatched, microbenchmark)', measured: `${fmt(closure, 2)}×`, verdict: Number.isFinite(closure) ? (closure <= 1.5 ? 'met' : 'MISSED') : 'not measured' },
    { goal: 'no megamorphic cliff: a function/method patched 10 times costs ≤ 1.25× one patched once', measured: `function ${fmt(cliff[0], 2)}×, method ${fmt(cliff[1], 2)}× (after 10 ÷ after 1 patch)`,
      verdict: cliff.every(Number.isFinite) ? (cliff.every((x) => x <= 1.25) ? 'met' : 'MISSED') : 'not measured' },
  ]);
}
