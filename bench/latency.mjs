// Bench 1 — edit → new behaviour latency. A small TypeScript app answers requests (stdin lines, or HTTP
// GETs); the harness changes the version string returned by `handle()` in a tiny module or in a
// 2,000-line module, with an in-place write or an editor-style save (temp file + rename), and measures from
// just before the write until the first answer produced by the new code. Requests are sent ping-pong (the
// next one as soon as the previous answer arrives), so the resolution is one round trip (printed).
// jurig runs with default options (`jurig app.ts`); restart-based peers (node --watch, tsx watch, nodemon,
// all running the app through tsx) are measured over HTTP until the restarted process answers.
// Goal: jurig p50 ≤ 3 ms, p90 ≤ 8 ms on the tiny module, ≤ 10 ms on the 2,000-line module.
import { spawn } from 'node:child_process';
import { writeFileSync, renameSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { genModule } from './gen.mjs';
import {
  BENCH_NM, CLI, NODE, QUICK, TSX_CLI, TSX_LOADER, ensureBenchDeps, ensureBuilt, fmt, machine, median, pct, rm, sleep, table,
  tmp, verdict, writeSection,
} from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const EDITS_JURIG = QUICK ? 10 : 30;
const EDITS_PEER = QUICK ? 6 : 20;

// ---------------------------------------------------------------------------------------------------
// The app

const HANDLE = (v) => `export function handle(q: string): string {
  return '${v}:' + q;
}
`;
function bigModule() {
  const a = genModule('a', 58), b = genModule('b', 58);
  return `${a}\n${HANDLE('v0')}\n${b}`;
}
const APP = (mod) => `import { handle } from './${mod}.ts';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

if (process.env.BENCH_PORT) {
  createServer((req, res) => { res.end(handle(req.url ?? '/')); }).listen(Number(process.env.BENCH_PORT), '127.0.0.1');
} else {
  createInterface({ input: process.stdin }).on('line', (l) => { process.stdout.write(handle(l) + '\\n'); });
}
`;

const dir = tmp('latency');
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
const SOURCES = { tiny: HANDLE('v0'), big: bigModule() };
const LINES = { tiny: SOURCES.tiny.split('\n').length - 1, big: SOURCES.big.split('\n').length - 1 };
for (const mod of ['tiny', 'big']) writeFileSync(join(dir, `app-${mod}.ts`), APP(mod));

function resetModule(mod) {
  writeFileSync(join(dir, `${mod}.ts`), SOURCES[mod]);
}
let tmpN = 0;
function save(mod, how, text) {
  const p = join(dir, `${mod}.ts`);
  if (how === 'write') writeFileSync(p, text);
  else {
    const t = join(dir, `.${mod}.ts.${tmpN++}.tmp`);
    writeFileSync(t, text);
    renameSync(t, p);
  }
}

// ---------------------------------------------------------------------------------------------------
// Clients

class StdinClient {
  constructor(child) {
    this.child = child;
    this.buf = '';
    this.waiting = null;
    child.stdout.setEncoding('utf8').on('data', (d) => {
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
  ask(timeout = 1000) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting = null; resolve(null); }, timeout);
      this.waiting = (l) => { clearTimeout(timer); resolve(l); };
      this.child.stdin.write('q\n');
    });
  }
}

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
// One configuration: start the tool, wait for v0, then `edits` edits

async function measure({ tool, mod, how, transport, edits, gap, timeout, pause }) {
  resetModule(mod);
  const port = 20000 + Math.floor(Math.random() * 30000);
  const env = { ...process.env, NO_COLOR: '1', ...(transport === 'http' ? { BENCH_PORT: String(port) } : {}) };
  const app = `app-${mod}.ts`;
  const cmd = {
    jurig: [CLI, app],
    'node --watch': ['--watch', '--import', TSX_LOADER, app],
    'tsx watch': [TSX_CLI, 'watch', '--clear-screen=false', app],
    nodemon: [join(BENCH_NM, 'nodemon/bin/nodemon.js'), '-q', '-e', 'ts', '--exec', `${NODE} --import ${TSX_LOADER}`, app],
  }[tool];
  const child = spawn(NODE, cmd, { cwd: dir, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  if (transport === 'http') child.stdout.resume();
  const client = transport === 'stdin' ? new StdinClient(child) : new HttpClient(port);
  const result = { tool, mod, how, transport, lat: [], misses: 0, stopped: null, rtt: NaN, error: null };
  try {
    // wait for the first answer from v0
    const t0 = performance.now();
    for (;;) {
      const a = await client.ask(2000);
      if (a?.startsWith('v0:')) break;
      if (performance.now() - t0 > 20000) throw new Error(`no answer within 20 s; stderr:\n${stderr.slice(-2000)}`);
      await sleep(20);
    }
    const rtts = [];
    for (let i = 0; i < 100; i++) { const s = performance.now(); await client.ask(); rtts.push(performance.now() - s); }
    result.rtt = median(rtts);
    await sleep(1000); // watchers ready, jurig's patch path warmed (it warms itself 200 ms after start)
    let text = SOURCES[mod];
    let consecutiveMisses = 0;
    for (let v = 1; v <= edits; v++) {
      const next = text.replace(`'v${v - 1}:'`, `'v${v}:'`);
      const tag = `v${v}:`;
      const t0 = performance.now();
      save(mod, how, next);
      text = next;
      let got = null;
      for (;;) {
        const a = await client.ask(Math.max(1, timeout - (performance.now() - t0)));
        const now = performance.now();
        if (a?.startsWith(tag)) { got = now - t0; break; }
        if (now - t0 > timeout) break;
        if (a === null) await sleep(2); // restarting: connection refused
        else if (pause) await sleep(pause);
      }
      if (got === null) {
        result.misses++;
        if (++consecutiveMisses >= 3) { result.stopped = v - 3; break; }
      } else {
        consecutiveMisses = 0;
        result.lat.push(got);
      }
      await sleep(gap + Math.random() * 50);
    }
  } catch (e) {
    result.error = e.message.split('\n')[0];
    console.error(`${tool} ${mod} ${how}: ${e.message}`);
  } finally {
    client.close?.();
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    await sleep(300);
  }
  if (/error|Error/.test(stderr) && tool === 'jurig') result.stderr = stderr.slice(0, 500);
  return result;
}

// ---------------------------------------------------------------------------------------------------

const configs = [];
for (const mod of ['tiny', 'big']) for (const how of ['write', 'rename']) configs.push({ tool: 'jurig', mod, how, transport: 'stdin', edits: EDITS_JURIG, gap: 150, timeout: 3000, pause: 0 });
for (const how of ['write', 'rename']) configs.push({ tool: 'jurig', mod: 'tiny', how, transport: 'http', edits: EDITS_JURIG, gap: 150, timeout: 3000, pause: 0 });
for (const tool of ['node --watch', 'tsx watch', 'nodemon']) {
  for (const [mod, how] of [['tiny', 'write'], ['tiny', 'rename'], ['big', 'write']]) configs.push({ tool, mod, how, transport: 'http', edits: EDITS_PEER, gap: 300, timeout: 5000, pause: 1 });
}

const only = process.env.JURIG_BENCH_TOOLS?.split(',');
const results = [];
for (const c of configs.filter((c) => !only || only.includes(c.tool))) {
  const r = await measure(c);
  results.push(r);
  console.log(`${c.tool.padEnd(13)} ${c.mod.padEnd(5)} ${c.how.padEnd(7)} ${c.transport.padEnd(6)} p50 ${fmt(pct(r.lat, 50), 2)} ms  p90 ${fmt(pct(r.lat, 90), 2)} ms  (${r.lat.length} ok, ${r.misses} missed${r.stopped !== null ? `, stopped detecting after edit ${r.stopped}` : ''}${r.error ? `, ERROR ${r.error}` : ''})`);
  if (r.stderr) console.log(`   jurig stderr: ${r.stderr}`);
}
rm(dir);

const rows = results.map((r) => {
  const p50 = pct(r.lat, 50), p90 = pct(r.lat, 90);
  let goal = '', ok = null;
  if (r.tool === 'jurig') {
    if (r.mod === 'tiny') { goal = 'p50 ≤ 3, p90 ≤ 8'; ok = p50 <= 3 && p90 <= 8; }
    else { goal = 'p50, p90 ≤ 10'; ok = p50 <= 10 && p90 <= 10; }
    if (r.misses || r.error) ok = false;
  }
  const notes = [
    r.misses ? `${r.misses} of ${r.lat.length + r.misses} edits never seen` : '',
    r.stopped !== null ? `stopped detecting changes after edit ${r.stopped}` : '',
    r.error ? `ERROR: ${r.error}` : '',
  ].filter(Boolean).join('; ');
  return [r.tool, `${r.mod} (${LINES[r.mod]} lines)`, r.how === 'write' ? 'in place' : 'rename', r.transport, fmt(p50, 2), fmt(p90, 2), fmt(Math.max(...r.lat), 1), `${r.lat.length}`, fmt(r.rtt, 3), goal, r.tool === 'jurig' ? verdict(ok) : '', notes];
});
const t = table(['tool', 'module', 'save', 'via', 'p50 ms', 'p90 ms', 'max ms', 'edits seen', 'round trip ms', 'goal', '', 'notes'], rows);
const md = `## 1. Edit → new behaviour latency (\`node bench/latency.mjs\`)

From just before the write until the first answer computed by the new code. Requests are ping-pong (next
request as soon as the answer arrives; the peers poll HTTP with a 1 ms pause, 2 ms after a refused
connection), so the resolution is one round trip (column "round trip"). jurig: \`jurig app.ts\` with default
options, ${EDITS_JURIG} edits per row, 150–200 ms apart; peers: ${EDITS_PEER} edits, 300–350 ms apart, run through tsx
(\`node --watch --import tsx\`, \`tsx watch\`, \`nodemon --exec 'node --import tsx'\`), measured until the
restarted process answers. "rename" is an editor-style save (temp file in the same folder renamed over
the module). Peer figures published elsewhere: Bun --hot 3.5 ms, hot-hook 8 ms, Vite module runner 10 ms,
dynohot 114 ms, node --watch ~400 ms, tsx watch ~900 ms.

${t}
`;
console.log(md);
writeSection('1-latency', md);
