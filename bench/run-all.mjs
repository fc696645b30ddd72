// `npm run bench`: every benchmark, one after another (each is also one command on its own), then
// bench/RESULTS.md with the date, Node version and machine, a verdict per goal (from each bench's
// .results/<name>.verdicts.json), each bench's tables, and the hand-written analysis of missed goals and
// start-up options (bench/findings.md). QUICK=1 (or JURIG_BENCH_QUICK=1) runs a short version.
// `node bench/run-all.mjs latency memory` re-runs some benches and keeps the other sections.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, NODE, QUICK, ensureBenchDeps, ensureBuilt, machine, table } from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const BENCHES = [
  ['1-latency', 'latency.mjs'],
  ['2a-overhead', 'overhead.mjs'],
  ['2b-calls', 'calls.mjs'],
  ['2c-effects', 'effects.mjs'],
  ['3-startup', 'startup.mjs'],
  ['3b-parsers', 'parsers.mjs'],
  ['3c-parse-scopes', 'parse-scopes.mjs'],
  ['4-memory', 'memory.mjs'],
  ['5-heapsize', 'heapsize.mjs'],
  ['6-saves', 'saves.mjs'],
  ['7-big-saves', 'big-saves.mjs'],
  ['8-big-saves-bun', 'big-saves-bun.mjs'],
  ['9-test-loop', 'test-loop.mjs'],
];
const only = process.argv.slice(2);
const m = machine();
const t0 = Date.now();
const timings = [];
if (!only.length) rmSync(join(BENCH, '.results'), { recursive: true, force: true }); // `run-all.mjs 2a 3` re-runs some, keeps the rest
for (const [name, file] of BENCHES) {
  if (only.length && !only.some((o) => name.includes(o) || file.includes(o))) continue;
  console.log(`\n=== ${file} ===`);
  const s = Date.now();
  const r = spawnSync(NODE, [join(BENCH, file)], { cwd: join(BENCH, '..'), stdio: 'inherit' });
  timings.push(`${file} ${((Date.now() - s) / 1000).toFixed(0)} s${r.status ? ` (exit ${r.status})` : ''}`);
}
const sections = BENCHES.map(([name, file]) => {
  const p = join(BENCH, '.results', `${name}.md`);
  return existsSync(p) ? readFileSync(p, 'utf8') : `## ${name}\n\n**Not run or failed: see the output of \`node bench/${file}\`.**\n`;
});
const verdicts = BENCHES.flatMap(([name, file]) => {
  const p = join(BENCH, '.results', `${name}.verdicts.json`);
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')).map((v) => ({ ...v, file })) : [];
});
const summary = table(['goal', 'measured (this run)', 'verdict', 'bench'], verdicts.map((v) => [v.goal, v.measured, v.verdict === 'met' ? 'met' : `**${v.verdict}**`, `\`${v.file}\``]));
const findings = existsSync(join(BENCH, 'findings.md')) ? readFileSync(join(BENCH, 'findings.md'), 'utf8') : '';
const md = `# jurig benchmark results

- Date: ${m.date}
- Node: ${m.node}
- Machine: ${m.cpu}, ${m.memory}, ${m.platform}
- Command: \`npm run bench\`${QUICK ? ' (JURIG_BENCH_QUICK=1: fewer rounds)' : ''}; ${timings.join(', ')}; total ${((Date.now() - t0) / 60000).toFixed(1)} min

The machine is a shared 2-core VM: absolute times swing between runs; ratios are measured side by side
in the same run (interleaved processes) and are the figures to read.

## Goals (issue 12): verdicts of this run

${summary}

${sections.join('\n')}
${findings}`;
writeFileSync(join(BENCH, 'RESULTS.md'), md);
console.log(`\nwrote bench/RESULTS.md (${((Date.now() - t0) / 60000).toFixed(1)} min)`);
