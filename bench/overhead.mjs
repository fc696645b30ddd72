// Bench 2a — run-time overhead on real programs from npm that nobody here wrote: acorn (parser), terser
// (minifier), prettier (formatter), the svelte 5 compiler (≈250 ESM modules). Each driver (bench/programs)
// does 2–10 s of work and prints a checksum and the CPU time of the work alone (imports excluded). Run
// plain (`node driver.mjs`) and under `node --import jurig/register` with every ESM module of bench/node_modules
// instrumented and watched (roots: bench/node_modules, includeNodeModules), transform cache warm.
// Plain and jurig runs alternate; figures are medians. Goal: ≤ 1.03× on each program.
import { join } from 'node:path';
import { tmp, rm } from './lib.mjs';
import {
  BENCH, BENCH_NM, QUICK, REGISTER_URL, ensureBenchDeps, ensureBuilt, fmt, jurigEnv, lastJson, median, ratio, run, table,
  verdict, writeSection, writeVerdicts,
} from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const ROUNDS = Number(process.env.JURIG_BENCH_ROUNDS) || (QUICK ? 2 : 5);
const PROGRAMS = (process.env.JURIG_BENCH_PROGRAMS ?? 'acorn,terser,prettier,svelte').split(',');
// a fresh transform cache per run (filled by a warm-up run per program): entries of another jurig build never count
const cacheDir = tmp('overhead-cache');
const env = jurigEnv({ roots: [BENCH_NM], includeNodeModules: true, cacheDir });
// issue 11: the same with the effects tracking off (statement markers stay in the code, do nothing)
const envOff = { ...env, JURIG_EFFECTS: 'off' };
const short = (s) => s.split('\n').filter(Boolean).slice(0, 6).join(' | ').slice(0, 400);

const rows = [];
const lines = [];
for (const p of PROGRAMS) {
  const file = join(BENCH, 'programs', `${p}.mjs`);
  const modes = {
    plain: () => run([file], { cwd: BENCH }),
    jurig: () => run(['--import', REGISTER_URL, file], { cwd: BENCH, env }),
    off: () => run(['--import', REGISTER_URL, file], { cwd: BENCH, env: envOff }),
  };
  const res = { plain: [], jurig: [], off: [] };
  const sums = { plain: new Set(), jurig: new Set(), off: new Set() };
  let instrumented = 0, failure = null;
  { // fill the transform cache (cold start is bench 3's subject)
    const w = await modes.jurig();
    if (w.code !== 0) failure = `jurig warm-up run failed (exit ${w.code}): ${short(w.err)}`;
  }
  for (let i = 0; i < ROUNDS && !failure; i++) {
    for (const m of i % 2 ? ['jurig', 'off', 'plain'] : ['plain', 'off', 'jurig']) {
      const r = await modes[m]();
      const j = lastJson(r.out, 'checksum');
      if (r.code !== 0 || !j) { failure = `${m} run failed (exit ${r.code}): ${short(r.err)}`; break; }
      res[m].push({ cpu: j.cpuMs, wall: j.wallMs, total: r.wall });
      sums[m].add(j.checksum);
      if (m === 'jurig') instrumented = j.instrumented;
    }
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  if (failure) { rows.push([p, '—', '—', '—', '—', '—', '—', '≤ 1.03×', 'NOT MEASURED', failure]); console.error(`${p}: ${failure}`); continue; }
  const same = sums.plain.size === 1 && sums.jurig.size === 1 && [...sums.plain][0] === [...sums.jurig][0];
  const m = (mode, k) => median(res[mode].map((x) => x[k]));
  const cpuRatio = m('jurig', 'cpu') / m('plain', 'cpu');
  rows.push([p, `${instrumented}`, fmt(m('plain', 'cpu')), fmt(m('jurig', 'cpu')), ratio(cpuRatio), ratio(m('jurig', 'wall') / m('plain', 'wall')),
    ratio(m('jurig', 'cpu') / m('off', 'cpu')),
    '≤ 1.03×', same ? verdict(cpuRatio <= 1.03) : 'MISSED (checksum differs)', `whole process ${fmt(m('plain', 'total'))} → ${fmt(m('jurig', 'total'))} ms`]);
  lines.push(`${p}: checksum ${same ? 'identical' : 'DIFFERS'} (${[...sums.plain][0]?.slice(0, 12)})`);
  console.log(rows.at(-1).join('  '));
}

rm(cacheDir);
const t = table(['program', 'modules instrumented', 'plain CPU ms', 'jurig CPU ms', 'CPU ratio', 'wall ratio', 'effects tracking (on/off)', 'goal', '', 'notes'], rows);
const md = `## 2a. Run-time overhead on real npm programs (\`node bench/overhead.mjs\`)

Work only (imports and instrumentation excluded; start-up is bench 3): CPU time of the work measured in
the process, medians of ${ROUNDS} alternating plain/jurig processes, jurig's transform cache warm. Every ESM module
the program loads from bench/node_modules is instrumented and watched. "effects tracking" is jurig with
the effects tracking on over jurig with \`JURIG_EFFECTS=off\` (issue 11; mode \`als\` on Node ≥ 24,
\`sync\` on 20 and 22); Node: ${(await run(['-v'])).out.trim()} (all four programs are ESM; the
"modules instrumented" column is the runtime's count of instrumented modules). ${lines.join('; ')}.

${t}
`;
console.log(md);
writeSection('2a-overhead', md);
writeVerdicts('2a-overhead', [{ goal: 'run time ≤ 1.03× on every real program (CPU)', measured: rows.map((r) => `${r[0]} ${r[4]}`).join(', '),
  verdict: rows.length && rows.every((r) => r[7] === 'met') ? 'met' : rows.some((r) => r[7] === 'NOT MEASURED') ? 'not measured' : 'MISSED' }]);
