// Bench 1 — edit → new behaviour latency, jurig beside the in-process reloaders (Bun --hot, dynohot,
// hot-hook, Vite's module runner; bench/peers.mjs says how each is run) and, as the floor, the restart
// tools (node --watch, tsx watch, nodemon).
//
// Every tool runs the same app (one stdin line in → `handle(line)` out) on the same module, in its own
// folder. A "cell" is one module (tiny, or ~2,000 lines), one kind of edit (bench/edits.mjs), one way of
// saving (in place, or temp file + rename) and one load (quiet, or a busy process per core beside it). In a
// cell all the tools run at once and take turns: each round, every tool (in random order) gets edit v,
// measured from just before the write until the first answer equal to version v's, then 200–250 ms of
// rest; so load swings hit every tool alike. Requests are ping-pong (the next as soon as the answer
// arrives), so the resolution is one round trip (printed). Goal: jurig p50 and p90 ≤ 0.5× Bun --hot in every
// body-edit cell; any edit of the 2,000-line module ≤ 10 ms p90.
// Env: QUICK=1 short run; JURIG_BENCH_TOOLS=jurig,bun --hot,... to run some tools; JURIG_BENCH_CELLS=tiny,big
// to run some cells (matched against "mod kind how load").
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { KINDS, expected, moduleText } from './edits.mjs';
import { IN_PROCESS, TOOLS, kill, launch, save } from './peers.mjs';
import {
  BENCH, BENCH_NM, NODE, QUICK, writeVerdicts, TSX_CLI, TSX_LOADER, ensureBenchDeps, ensureBuilt, fmt, median, pct, rm, shuffle, sleep, startHog, table,
  tmp, writeSection,
} from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const EDITS = QUICK ? 6 : 24;
const EDITS_RESTART = QUICK ? 4 : 12;
const onlyTools = process.env.JURIG_BENCH_TOOLS?.split(',');
const onlyCells = process.env.JURIG_BENCH_CELLS?.split(',');

// ---------------------------------------------------------------------------------------------------
// Clients

class HttpClient {
  constructor(port) {
    this.port = port;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }
  ask(timeout = 1000) {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: '/q', agent: this.agent, timeout }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve(body)).on('error', () => resolve(null));
      });
      req.on('error', () => resolve(null));
      req.on('timeout', () => { req.destroy(); resolve(null); });
    });
  }
  close() { this.agent.destroy(); }
}

// ---------------------------------------------------------------------------------------------------
// In-process tools: one cell

async function startTool(tool, mod, kind) {
  return launch(tool, { mod, text: moduleText(mod, kind, 0), first: expected(kind, 0) });
}

async function editOnce(p, { mod, kind, how, timeout }, v) {
  const next = moduleText(mod, kind, v);
  const want = expected(kind, v);
  const t0 = performance.now();
  save(p.dir, mod, how, next);
  for (;;) {
    const a = await p.client.ask(Math.max(1, Math.min(1000, timeout - (performance.now() - t0))));
    const now = performance.now();
    if (a === want) return now - t0;
    if (now - t0 > timeout || p.exited) return null;
  }
}

async function runCell(cell, tools) {
  const stopHog = cell.load === 'hog' ? startHog() : null;
  const procs = await Promise.all(tools.map((t) => startTool(t, cell.mod, cell.kind)));
  await sleep(1000); // watchers ready; jurig warms its patch path 200 ms after start
  for (let v = 1; v <= cell.edits; v++) {
    for (const p of shuffle(procs)) {
      if (p.error || p.stopped !== null) continue;
      const ms = await editOnce(p, cell, v);
      if (ms === null) {
        p.misses++;
        if (p.exited) p.error = `${p.exited} after edit ${v}: ${p.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 200)}`;
        else if (++p.consecutive >= 3) p.stopped = v - 3;
      } else {
        p.consecutive = 0;
        p.lat.push(ms);
      }
      await sleep(200 + Math.random() * 50);
    }
  }
  for (const p of procs) { kill(p.child); }
  await stopHog?.();
  await sleep(300);
  for (const p of procs) rm(p.dir);
  return Object.fromEntries(procs.map((p) => [p.tool, {
    lat: p.lat, misses: p.misses, stopped: p.stopped, error: p.error, rtt: p.rtt,
    stderr: p.tool === 'jurig' && /error/i.test(p.stderr) ? p.stderr.slice(0, 400) : undefined,
  }]));
}

// ---------------------------------------------------------------------------------------------------
// Restart tools (the floor): over HTTP (a restarted process has a fresh stdin), body edits only

const RESTART_APP = (mod) => `import { handle } from './${mod}.ts';
import { createServer } from 'node:http';
createServer((req, res) => { res.end(handle((req.url ?? '/').slice(1))); }).listen(Number(process.env.BENCH_PORT), '127.0.0.1');
`;
const RESTART = {
  'node --watch': (app) => ['--watch', '--import', TSX_LOADER, app],
  'tsx watch': (app) => [TSX_CLI, 'watch', '--clear-screen=false', app],
  nodemon: (app) => [join(BENCH_NM, 'nodemon/bin/nodemon.js'), '-q', '-e', 'ts', '--exec', `${NODE} --import ${TSX_LOADER}`, app],
};

async function runRestart(tool, mod, how) {
  const dir = tmp('lat-restart');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, `app-${mod}.ts`), RESTART_APP(mod));
  writeFileSync(join(dir, `${mod}.ts`), moduleText(mod, 'body', 0));
  const port = 20000 + Math.floor(Math.random() * 30000);
  const child = spawn(NODE, RESTART[tool](`app-${mod}.ts`), { cwd: dir, env: { ...process.env, NO_COLOR: '1', BENCH_PORT: String(port) }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const client = new HttpClient(port);
  const r = { lat: [], misses: 0, stopped: null, error: null };
  try {
    const t0 = performance.now();
    while ((await client.ask(2000)) !== 'v0:q') {
      if (performance.now() - t0 > 20000) throw new Error(`no answer within 20 s: ${stderr.slice(-300)}`);
      await sleep(20);
    }
    await sleep(1000);
    let consecutive = 0;
    for (let v = 1; v <= EDITS_RESTART; v++) {
      const t0 = performance.now();
      save(dir, mod, how, moduleText(mod, 'body', v));
      let got = null;
      for (;;) {
        const a = await client.ask(1000);
        const now = performance.now();
        if (a === `v${v}:q`) { got = now - t0; break; }
        if (now - t0 > 5000) break;
        await sleep(a === null ? 2 : 1);
      }
      if (got === null) { r.misses++; if (++consecutive >= 3) { r.stopped = v - 3; break; } } else { consecutive = 0; r.lat.push(got); }
      await sleep(300 + Math.random() * 50);
    }
  } catch (e) {
    r.error = e.message.split('\n')[0];
  } finally {
    client.close();
    kill(child);
    await sleep(300);
    rm(dir);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------

const tools = IN_PROCESS.filter((t) => !onlyTools || onlyTools.includes(t));
const cells = [];
for (const load of ['quiet', 'hog']) {
  for (const mod of ['tiny', 'big']) {
    for (const kind of mod === 'tiny' ? ['body'] : load === 'hog' ? ['body'] : KINDS) {
      for (const how of ['write', 'rename']) {
        if (QUICK && kind !== 'body' && how === 'rename') continue;
        cells.push({ mod, kind, how, load, edits: EDITS, timeout: load === 'hog' ? 5000 : 3000 });
      }
    }
  }
}
const label = (c) => `${c.mod} ${c.kind} ${c.how} ${c.load}`;
const results = [];
for (const cell of cells.filter((c) => !onlyCells || onlyCells.some((o) => label(c).includes(o)))) {
  const s = Date.now();
  const r = await runCell(cell, tools);
  results.push({ ...cell, r });
  const line = tools.map((t) => `${t} ${fmt(pct(r[t].lat, 50), 1)}/${fmt(pct(r[t].lat, 90), 1)}${r[t].misses ? ` (${r[t].misses} missed)` : ''}${r[t].error ? ' ERROR' : ''}`).join('  ');
  console.log(`${label(cell).padEnd(28)} ${line}  [${((Date.now() - s) / 1000).toFixed(0)} s]`);
  for (const t of tools) if (r[t].error) console.log(`   ${t}: ${r[t].error}`);
  if (r.jurig?.stderr) console.log(`   jurig stderr: ${r.jurig.stderr}`);
}
const restart = [];
if (!onlyTools || onlyTools.some((t) => t in RESTART)) {
  for (const tool of Object.keys(RESTART).filter((t) => !onlyTools || onlyTools.includes(t))) {
    for (const [mod, how] of [['tiny', 'write'], ['tiny', 'rename'], ['big', 'write']]) {
      const r = await runRestart(tool, mod, how);
      restart.push({ tool, mod, how, r });
      console.log(`${tool.padEnd(13)} ${mod} ${how}: p50 ${fmt(pct(r.lat, 50))} p90 ${fmt(pct(r.lat, 90))}${r.misses ? ` (${r.misses} missed)` : ''}${r.stopped !== null ? ` stopped after ${r.stopped}` : ''}${r.error ? ` ERROR ${r.error}` : ''}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Tables

const MOD = { tiny: 'tiny (3 lines)', big: '2,000 lines' };
const HOW = { write: 'in place', rename: 'rename' };
function cellText(x) {
  if (!x) return 'not run';
  if (x.error && !x.lat.length) return `FAILED: ${x.error.slice(0, 60)}`;
  let s = `${fmt(pct(x.lat, 50), 1)} / ${fmt(pct(x.lat, 90), 1)}`;
  const n = x.lat.length + x.misses;
  if (x.misses) s += ` (${x.misses} of ${n} not applied${x.stopped !== null ? `, stopped seeing saves after edit ${x.stopped}` : ''})`;
  if (x.error) s += ` (${x.error.slice(0, 60)})`;
  return s;
}
const rowsA = [], rowsB = [];
let allMet = true;
for (const { mod, kind, how, load, r } of results) {
  const j = r.jurig, b = r['bun --hot'];
  let r50 = NaN, r90 = NaN, v = '—';
  if (j && b && j.lat.length && b.lat.length) {
    r50 = pct(j.lat, 50) / pct(b.lat, 50);
    r90 = pct(j.lat, 90) / pct(b.lat, 90);
    const ok = r50 <= 0.5 && r90 <= 0.5 && !j.misses && !j.error;
    if (kind === 'body') allMet &&= ok;
    v = ok ? 'met' : 'MISSED';
  }
  rowsA.push([kind, MOD[mod], HOW[how], load, ...tools.map((t) => cellText(r[t])), fmt(r50, 2) + '×', fmt(r90, 2) + '×', v]);
  if (mod === 'big' && j) {
    const ok = j.lat.length && pct(j.lat, 90) <= 10 && !j.misses && !j.error;
    rowsB.push([kind, HOW[how], load, fmt(pct(j.lat, 50), 2), fmt(pct(j.lat, 90), 2), fmt(Math.max(...j.lat), 1), `${j.lat.length}/${j.lat.length + j.misses}`, b ? cellText(b) : '', '≤ 10 ms p90', ok ? 'met' : 'MISSED']);
  }
}
const rtt = tools.map((t) => `${t} ${fmt(median(results.map((x) => x.r[t]?.rtt).filter(Number.isFinite)), 3)} ms`).join(', ');
const tA = table(['edit', 'module', 'save', 'load', ...tools.map((t) => `${t} p50 / p90 ms`), 'jurig ÷ Bun p50', 'jurig ÷ Bun p90', 'goal ≤ 0.5×'], rowsA);
const tB = table(['edit (2,000-line module)', 'save', 'load', 'jurig p50 ms', 'p90 ms', 'max ms', 'applied', 'Bun --hot p50 / p90', 'goal', ''], rowsB);
const tC = table(['restart tool', 'module', 'save', 'p50 ms', 'p90 ms', 'max ms', 'notes'], restart.map(({ tool, mod, how, r }) => [
  tool, MOD[mod], HOW[how], fmt(pct(r.lat, 50)), fmt(pct(r.lat, 90)), fmt(Math.max(...r.lat)),
  [r.misses ? `${r.misses} of ${r.lat.length + r.misses} never applied` : '', r.stopped !== null ? `stopped seeing saves after edit ${r.stopped}` : '', r.error ?? ''].filter(Boolean).join('; '),
]));
const md = `## 1. Edit → new behaviour latency, beside the in-process peers (\`node bench/latency.mjs\`)

From just before the write until the first answer computed by the new code (ms). All tools of a row run at
once in their own folders on the same module and take turns, ${EDITS} edits each, in random order per round,
200–250 ms apart; "hog" rows have a busy process per core running beside them. Ping-pong requests over
stdin; median round trip: ${rtt}. How each tool is run (its docs' way):
${tools.map((t) => `- ${t}: ${TOOLS[t].how}`).join('\n')}

Edits (\`bench/edits.mjs\`): body = the version string \`handle()\` returns; statement = a top-level
\`CONFIG.version = 'vN';\`; several = four definitions (function, class method, arrow, \`handle\`) and a
function 1,000 lines up; method = a class method removed and another added, called on an instance made at
load; function = a new top-level function called by \`handle\`. The goal (jurig ≤ 0.5× Bun) is judged on
the body rows; "not applied" = the answer never changed within ${3} s (5 s under the hog).

${tA}

### jurig, any edit on the 2,000-line module (goal: p90 ≤ 10 ms)

${tB}

### The floor: restart tools (HTTP, ${EDITS_RESTART} edits, 300–350 ms apart, quiet machine)

${tC}

Verdict, jurig ≤ 0.5× Bun --hot at p50 and p90 in every body row: **${results.some((x) => x.kind === 'body') ? (allMet ? 'met' : 'MISSED') : 'not run'}**.
`;
console.log(md);
writeSection('1-latency', md);
const body = results.filter((x) => x.kind === 'body' && x.r.jurig?.lat.length && x.r['bun --hot']?.lat.length);
const rs = (q) => body.map((x) => pct(x.r.jurig.lat, q) / pct(x.r['bun --hot'].lat, q));
const range = (xs) => xs.length ? `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}×` : '—';
const big = results.filter((x) => x.mod === 'big' && x.load === 'quiet' && x.r.jurig);
const worst = big.map((x) => [pct(x.r.jurig.lat, 90), x]).sort((a, b) => b[0] - a[0])[0];
writeVerdicts('1-latency', [
  { goal: 'edit → new behaviour p50 and p90 ≤ 0.5× Bun --hot (body edits; tiny and 2,000 lines; in place and rename; quiet and CPU hog)',
    measured: body.length ? `jurig ÷ Bun: p50 ${range(rs(50))}, p90 ${range(rs(90))} over ${body.length} cells` : 'not run',
    verdict: body.length ? (allMet ? 'met' : 'MISSED') : 'not measured' },
  { goal: 'any edit on a 2,000-line module ≤ 10 ms p90 (body, statement, several definitions, method add/remove, new function)',
    measured: worst ? `worst p90 ${fmt(worst[0], 1)} ms (${worst[1].kind}, ${HOW[worst[1].how]}); ${big.map((x) => `${x.kind}/${HOW[x.how]} ${fmt(pct(x.r.jurig.lat, 90), 1)}`).join(', ')}` : 'not run',
    verdict: worst ? (big.every((x) => pct(x.r.jurig.lat, 90) <= 10 && !x.r.jurig.misses) ? 'met' : 'MISSED') : 'not measured' },
]);
writeFileSync(join(BENCH, '.results', 'latency.json'), JSON.stringify({ results, restart }, null, 1));
