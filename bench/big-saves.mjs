// Bench 7 — big saves. A TypeScript module of N small functions (2,500 functions ≈ 300 KB), and what a
// save of it costs: from just before the write to the first answer from the new code, and the longest the
// program's event loop was blocked meanwhile (a 2 ms interval timer in the program measures its gaps).
// The first save comes 4 s after start; the "slowest" column is usually that first save.
//   statement — one top-level statement changed in the 300 KB module       goal ≤ 50 ms
//   body      — one function body changed in the 300 KB module              (the fast path)
//   replace   — find-and-replace changing all 2,500 functions of it         goal ≤ 1 s
//   new N     — the module replaced by one of N new small functions (256 KB, 1 MB, 5 MB): must apply
// Run: node bench/big-saves.mjs   (JURIG_BENCH_QUICK=1: fewer rounds; JURIG_BENCH_BASE=<built checkout>
// runs the same saves on that version too)
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseCli, CLI, NODE, QUICK, ensureBuilt, fmt, median, rm, sleep, table, tmp, writeSection } from './lib.mjs';

ensureBuilt();
const ROUNDS = QUICK ? 2 : 5;
const BUILDS = [['this version', CLI], ...(process.env.JURIG_BENCH_BASE ? [['base', baseCli(process.env.JURIG_BENCH_BASE)]] : [])];
const ONLY = process.env.JURIG_BENCH_ONLY?.split(',');

/** n functions of ~120 bytes, `op` in each body; a statement MID; probe() reports the version. */
function mod(n, { op = '+', mid = 'm0', v = 'v0', prefix = 'f' } = {}) {
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(`export function ${prefix}${i}(x: number): number {\n  if (x < 0) return ${i};\n  const y = x * ${i % 97} ${op} ${i};\n  return y ${op} (x > ${i} ? 1 : 0);\n}\n`);
  parts.splice(n >> 1, 0, `export const MID = '${mid}';\n`);
  parts.push(`export function probe(): string {\n  return '${v}:' + MID + ':' + ${prefix}0(1) + ':' + ${prefix}${n - 1}(1);\n}\n`);
  return parts.join('');
}
const APP = `import * as m from './mod.ts';
let last = performance.now(), gap = 0;
setInterval(() => { const now = performance.now(); gap = Math.max(gap, now - last); last = now; }, 2);
process.stdin.setEncoding('utf8');
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) !== -1) {
    const l = buf.slice(0, i); buf = buf.slice(i + 1);
    if (l === 'gap') { process.stdout.write(gap.toFixed(1) + '\\n'); gap = 0; }
    else process.stdout.write(m.probe() + '\\n');
  }
});
`;

class App {
  constructor(dir, cli) {
    this.child = spawn(NODE, [cli, 'app.ts'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.buf = '';
    this.err = '';
    this.waiting = null;
    this.child.stderr.setEncoding('utf8').on('data', (d) => (this.err += d));
    this.child.stdout.setEncoding('utf8').on('data', (d) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) !== -1) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const w = this.waiting;
        this.waiting = null;
        w?.(line);
      }
    });
  }
  ask(q = 'q', timeout = 120_000) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting = null; resolve(null); }, timeout);
      this.waiting = (l) => { clearTimeout(timer); resolve(l); };
      this.child.stdin.write(q + '\n');
    });
  }
  async until(pred, t0, timeout) {
    for (;;) {
      const a = await this.ask('q', Math.max(1, timeout - (performance.now() - t0)));
      if (a !== null && pred(a)) return performance.now() - t0;
      if (performance.now() - t0 > timeout) return null;
      await sleep(1);
    }
  }
  kill() { this.child.kill('SIGKILL'); }
}

const dirs = [];
async function start(text, cli) {
  const dir = tmp('big');
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'app.ts'), APP);
  writeFileSync(join(dir, 'mod.ts'), text);
  const app = new App(dir, cli);
  app.file = join(dir, 'mod.ts');
  if ((await app.ask('q', 120_000)) === null) throw new Error('no answer: ' + app.err.slice(-2000));
  // watcher ready, and a big module's analysis made ahead (runtime/off-thread.ts, 1.5 s after it loads) is
  // ready too: as when a user saves a few seconds after start. A save before that waits for it.
  await sleep(4000);
  await app.ask('gap');
  return app;
}

/** One scenario on one build: `saves` = [text, expected answer prefix] in order. */
async function scenario(cli, first, saves, timeout) {
  const app = await start(first, cli);
  const lat = [], gaps = [];
  let failed = null;
  try {
    for (const [text, want] of saves) {
      const t0 = performance.now();
      writeFileSync(app.file, text);
      const t = await app.until((a) => a.startsWith(want), t0, timeout);
      if (t === null) { failed = `not applied after ${timeout / 1000} s`; break; }
      lat.push(t);
      gaps.push(Number(await app.ask('gap')));
      await sleep(300);
    }
  } finally {
    app.kill();
  }
  if (/jurig (error|warning)|internal error/.test(app.err)) failed = (failed ? failed + '; ' : '') + app.err.split('\n').find((l) => /jurig|internal/.test(l)).slice(0, 160);
  return { lat, gaps, failed };
}

const N = 2500;
const SCENARIOS = [
  ['statement edit, 300 KB', 50, () => {
    const saves = [];
    for (let r = 1; r <= ROUNDS; r++) saves.push([mod(N, { mid: `m${r}` }), `v0:m${r}:`]);
    return [mod(N), saves, 30_000];
  }],
  ['one function body, 300 KB', null, () => {
    const saves = [];
    for (let r = 1; r <= ROUNDS; r++) saves.push([mod(N, { v: `v${r}` }), `v${r}:`]);
    return [mod(N), saves, 30_000];
  }],
  ['find-and-replace in all 2,500 functions, 300 KB', 1000, () => {
    const saves = [];
    for (let r = 1; r <= ROUNDS; r++) saves.push([mod(N, { op: r % 2 ? '-' : '+', v: `v${r}` }), `v${r}:`]);
    return [mod(N), saves, 120_000];
  }],
  ...[[2100, '256 KB'], [8400, '1 MB'], [42000, '5 MB']].map(([n, size]) => [`replaced by ${n} new functions, ${size}`, null, () => {
    return [mod(16), [[mod(n, { v: 'v1' }), 'v1:']], 180_000];
  }]),
];

const rows = [];
for (const [name, goal, make] of SCENARIOS) {
  if (ONLY && !ONLY.some((o) => name.includes(o))) continue;
  const [first, saves, timeout] = make();
  for (const [label, cli] of BUILDS) {
    const r = await scenario(cli, first, saves, timeout);
    const p50 = median(r.lat);
    const verdict = goal === null ? (r.failed ? 'MISSED' : '') : r.lat.length && !r.failed && Math.max(...r.lat) <= goal ? 'met' : 'MISSED';
    rows.push([name + (BUILDS.length > 1 ? ` (${label})` : ''), `${(first.length / 1024).toFixed(0)} → ${(saves[0][0].length / 1024).toFixed(0)} KB`, fmt(p50, 1), fmt(Math.max(...r.lat), 1), fmt(Math.max(...r.gaps), 1), goal === null ? 'applies' : `≤ ${goal} ms`, verdict, r.failed ?? '']);
    console.log(rows.at(-1).join('  '));
  }
}
for (const d of dirs) rm(d);

const md = `## 7. Big saves (\`node bench/big-saves.mjs\`)

A module of N small TypeScript functions (~120 bytes each: 2,500 ≈ 300 KB), \`jurig app.ts\`. "to new code": from
just before the in-place write to the first answer from the new code (median of ${ROUNDS} saves, and the
slowest: usually the first, which also receives the running version's analysis); "blocked": the longest gap
of a 2 ms interval timer in the program over the saves, i.e. how long the program could not answer. Texts
of 64 KB and more are analysed on a worker thread; the first save comes 4 s after start, when the running
version's analysis made ahead on that worker is ready.

${table(['save', 'size', 'to new code ms (median)', 'slowest ms', 'blocked ms', 'goal', '', 'notes'], rows)}
`;
console.log(md);
writeSection('7-big-saves', md);
