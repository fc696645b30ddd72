// Bench 6 — saves as tools write them. A 1,100-line TypeScript module answers stdin lines; the harness
// saves it the ways editors, formatters and checkouts do and reads jurig's `-v` log (every statement run,
// with its text) to see what ran:
//   latency  — an edit inside a function body, and an edit of a top-level statement, in place and as a
//              rename save: from just before the write to the first answer from the new code (p50 / p90),
//              and how many saves took more than 40 ms (the hold for a torn write must not hit them);
//   torn     — a two-piece write (the first piece cut where it still parses, e.g. `LIMIT = 2` of
//              `LIMIT = 2000`), 1–5 ms apart: did jurig ever run the first piece?
//   emptied  — the file emptied, then written 0–500 ms later: did a statement that was already running
//              run again (state reset), or did the empty file apply?
// Run: node bench/saves.mjs   (JURIG_BENCH_QUICK=1: fewer rounds)
import { spawn } from 'node:child_process';
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { genModule } from './gen.mjs';
import { baseCli, CLI, NODE, QUICK, ensureBuilt, fmt, pct, rm, sleep, table, tmp, writeSection } from './lib.mjs';

ensureBuilt();
const ROUNDS = QUICK ? 10 : 40;

const MODULE = (v, mid, limit) => `let count = 0;
setInterval(() => { count++; }, 1000).unref();
${genModule('a', 24)}
export function handle(q: string): string {
  return '${v}:' + q;
}
export const MID = '${mid}';
${genModule('b', 24)}
export const LIMIT = ${limit};
`;
const APP = `import { handle, MID, LIMIT } from './mod.ts';
import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (l) => { process.stdout.write(handle(l) + ' ' + MID + ' ' + LIMIT + '\\n'); });
`;

// JURIG_BENCH_BASE=<a checkout of another version, built>: its latency is measured side by side, the
// saves of the two alternating (the machine's load changes by the second)
const BUILDS = [['this version', CLI], ...(process.env.JURIG_BENCH_BASE ? [['base', baseCli(process.env.JURIG_BENCH_BASE)]] : [])];
const dirs = [];
function appDir() {
  const dir = tmp('saves');
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'app.ts'), APP);
  return dir;
}
let tmpN = 0;

class App {
  constructor(dir, cli = CLI) {
    this.dir = dir;
    this.file = join(dir, 'mod.ts');
    this.child = spawn(NODE, [cli, '-v', 'app.ts'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.buf = '';
    this.waiting = null;
    this.err = [];
    let ebuf = '';
    this.child.stderr.setEncoding('utf8').on('data', (d) => {
      ebuf += d;
      let i;
      while ((i = ebuf.indexOf('\n')) !== -1) { this.err.push(ebuf.slice(0, i)); ebuf = ebuf.slice(i + 1); }
    });
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
  ask(timeout = 2000) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting = null; resolve(null); }, timeout);
      this.waiting = (l) => { clearTimeout(timer); resolve(l); };
      this.child.stdin.write('q\n');
    });
  }
  /** Ask until an answer satisfies pred; the time from t0 until then, or null after `timeout` ms. */
  async until(pred, t0 = performance.now(), timeout = 5000) {
    for (;;) {
      const a = await this.ask();
      if (a !== null && pred(a)) return performance.now() - t0;
      if (performance.now() - t0 > timeout) return null;
    }
  }
  runs(from = 0) { return this.err.slice(from).filter((l) => l.startsWith('Run ')); }
  save(text, how) {
    if (how === 'write') return writeFileSync(this.file, text);
    const t = join(this.dir, `.mod.ts.${tmpN++}.tmp`);
    writeFileSync(t, text);
    renameSync(t, this.file);
  }
  kill() { this.child.kill('SIGKILL'); }
}

async function start(text, cli = CLI) {
  const dir = appDir();
  writeFileSync(join(dir, 'mod.ts'), text);
  const app = new App(dir, cli);
  if ((await app.until(() => true, performance.now(), 20000)) === null) throw new Error('the app did not start:\n' + app.err.join('\n'));
  await sleep(1000); // watcher ready, patch path warmed
  return app;
}

const rows = [];
const label = (k) => (BUILDS.length > 1 ? ` (${BUILDS[k][0]})` : '');
const state = { v: 0, mid: 0, limit: 1000 };
const text = () => MODULE(`v${state.v}`, `m${state.mid}`, state.limit);

// ---- latency -----------------------------------------------------------------------------------------
for (const [what, how] of [['function body', 'write'], ['function body', 'rename'], ['top-level statement', 'write'], ['top-level statement', 'rename']]) {
  const apps = [];
  for (const [, cli] of BUILDS) apps.push(await start(text(), cli));
  const lat = apps.map(() => []);
  const missed = apps.map(() => 0);
  for (let i = 0; i < ROUNDS; i++) {
    let want;
    if (what === 'function body') { state.v++; want = (a) => a.startsWith(`v${state.v}:`); }
    else { state.mid++; want = (a) => a.includes(` m${state.mid} `); }
    for (const [k, app] of apps.entries()) {
      const t0 = performance.now();
      app.save(text(), how);
      const t = await app.until(want, t0, 3000);
      if (t === null) missed[k]++; else lat[k].push(t);
      await sleep(60 + Math.random() * 60);
    }
  }
  for (const [k, app] of apps.entries()) {
    app.kill();
    const l = lat[k];
    rows.push([`${what}, ${how === 'write' ? 'in place' : 'rename'}${label(k)}`, fmt(pct(l, 50), 2), fmt(pct(l, 90), 2), fmt(Math.max(...l), 1), `${l.filter((x) => x > 40).length} of ${l.length}`, missed[k] ? `${missed[k]} never applied` : '']);
    console.log(rows.at(-1).join('  '));
  }
}

// ---- torn two-piece writes ------------------------------------------------------------------------------
for (const [k, [, cli]] of BUILDS.entries()) {
  const app = await start(text(), cli);
  const from = app.err.length;
  const finals = new Set();
  let wrong = 0;
  for (let i = 0; i < ROUNDS; i++) {
    state.limit = 2000 + i; // the first piece ends at `LIMIT = 2`, which parses
    const full = text();
    finals.add(String(state.limit));
    const cut = full.lastIndexOf('LIMIT = ') + 'LIMIT = 2'.length;
    const fd = openSync(app.file, 'w');
    writeSync(fd, full.slice(0, cut));
    const pause = 1 + (i % 5);
    const t = performance.now();
    while (performance.now() - t < pause) { /* the pause is the input: spin, timers are too coarse */ }
    writeSync(fd, full.slice(cut));
    closeSync(fd);
    if ((await app.until((a) => a.endsWith(` ${state.limit}`), performance.now(), 3000)) === null) wrong++;
    await sleep(100 + Math.random() * 50);
  }
  const torn = app.runs(from).filter((l) => { const m = /LIMIT = (\d+)/.exec(l); return m && !finals.has(m[1]); });
  app.kill();
  rows.push([`two-piece write cut at \`LIMIT = 2\`, 1–5 ms pause${label(k)}`, '', '', '', '', `${torn.length} of ${ROUNDS} ran the first piece${wrong ? `; ${wrong} did not end on the full text` : ''}`]);
  console.log(rows.at(-1).join('  '));
}

// ---- emptied, then written ----------------------------------------------------------------------------
for (const [k, [, cli]] of BUILDS.entries()) {
  const app = await start(text(), cli);
  const from = app.err.length;
  const gaps = [0, 1, 5, 20, 60, 200, 500];
  let wrong = 0;
  for (let i = 0; i < (QUICK ? gaps.length : gaps.length * 2); i++) {
    state.mid++;
    writeFileSync(app.file, '');
    await sleep(gaps[i % gaps.length]);
    writeFileSync(app.file, text());
    if ((await app.until((a) => a.includes(` m${state.mid} `), performance.now(), 3000)) === null) wrong++;
    await sleep(100);
  }
  const reran = app.runs(from).filter((l) => !l.includes('export const MID'));
  app.kill();
  rows.push([`emptied, then written 0–500 ms later${label(k)}`, '', '', '', '', `${reran.length} statements that were running ran again${wrong ? `; ${wrong} did not end on the full text` : ''}`]);
  console.log(rows.at(-1).join('  '));
}
for (const d of dirs) rm(d);

const md = `## 6. Saves as tools write them (\`node bench/saves.mjs\`)

A ${MODULE('v0', 'm0', 1000).split('\n').length}-line TypeScript module (\`jurig -v app.ts\`, default options). Latency: from just before
the write until the first answer from the new code, ${ROUNDS} saves per row, 60–120 ms apart${BUILDS.length > 1 ? ' (this version and the base alternating)' : ''}; "> 40 ms" counts
the saves that waited (a hold for the rest of a write would show there). Torn and emptied writes: what
jurig's \`-v\` log says ran.

${table(['save', 'p50 ms', 'p90 ms', 'max ms', '> 40 ms', 'result'], rows)}
`;
console.log(md);
writeSection('6-saves', md);
