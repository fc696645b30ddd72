// Bench 2c — what the effects tracking (issue 11) costs, on the Node running this bench (JURIG_BENCH_NODE).
// A small instrumented program does one kind of work, either inside a top-level statement's owner (the
// statement runs it: its promises, timers and listeners belong to that statement) or outside any owner
// (in an HTTP request handler: a server's connections run outside owners). Three ways to run it:
// plain node, jurig with JURIG_EFFECTS=off, jurig with the tracking on (the Node line's mode).
//   promises   1M async calls of 4 awaits each (+ a Promise.all of 1000): the cost ALS has on Node 20/22
//   timers     1M setTimeout(0)/setImmediate made and fired (each recorded while an owner is current)
//   listeners  500k emitter.on + emit + off (each registration made by user code under an owner is
//              checked against the stack: is it the user's, or Node's own?)
//   memory     1M timeouts made under an owner: heap after they all fired (the owner keeps only live ones)
// CPU time of the work only, medians over alternating processes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, jurigEnv, lastJson, median, QUICK, REGISTER_URL, ratio, rm, run, table, tmp, writeSection, ensureBuilt } from './lib.mjs';

ensureBuilt();
const ROUNDS = Number(process.env.JURIG_BENCH_ROUNDS) || (QUICK ? 2 : 5);
const dir = tmp('effects');
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
writeFileSync(join(dir, 'work.mjs'), `import http from 'node:http';
import { EventEmitter } from 'node:events';
const [kind, where] = process.argv.slice(2);
async function leaf(i) { return i + 1; }
async function mid(i) { let s = 0; for (let k = 0; k < 4; k++) s += await leaf(i + k); return s; }
const kinds = {
  async promises() {
    let s = 0;
    for (let i = 0; i < 1000000; i++) s += await mid(i);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => new Promise((r) => r(i)).then((x) => x * 2)));
    return s;
  },
  async timers() {
    let n = 0;
    for (let round = 0; round < 100; round++) {
      await new Promise((resolve) => { let left = 10000; for (let i = 0; i < 5000; i++) { setTimeout(() => { n++; if (--left === 0) resolve(); }, 0); setImmediate(() => { n++; if (--left === 0) resolve(); }); } });
    }
    return n;
  },
  async listeners() {
    const e = new EventEmitter();
    let n = 0;
    const h = () => { n++; };
    for (let i = 0; i < 500000; i++) { e.on('x', h); e.emit('x'); e.off('x', h); }
    return n;
  },
  async memory() {
    let n = 0;
    for (let round = 0; round < 50; round++) await new Promise((resolve) => { let left = 20000; for (let i = 0; i < 20000; i++) setTimeout(() => { n++; if (--left === 0) resolve(); }, 0); });
    globalThis.gc?.(); globalThis.gc?.();
    return n;
  },
};
async function measure() {
  const c0 = process.cpuUsage();
  const r = await kinds[kind]();
  const c = process.cpuUsage(c0);
  return { r, cpuMs: (c.user + c.system) / 1000, heapMB: process.memoryUsage().heapUsed / 2 ** 20 };
}
await kinds[kind](); // warm-up
if (where === 'owner') {
  console.log(JSON.stringify(await measure()));
} else {
  const server = http.createServer(async (req, res) => { res.end(JSON.stringify(await measure())); });
  server.listen(0, () => http.get({ port: server.address().port, agent: false }, (res) => {
    let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => { console.log(b); server.close(); });
  }));
}
`);
const env = jurigEnv({ roots: [dir], cacheDir: null });
const modes = {
  plain: (k, w) => run(['--expose-gc', 'work.mjs', k, w], { cwd: dir }),
  off: (k, w) => run(['--expose-gc', '--import', REGISTER_URL, 'work.mjs', k, w], { cwd: dir, env: { ...env, JURIG_EFFECTS: 'off' } }),
  on: (k, w) => run(['--expose-gc', '--import', REGISTER_URL, 'work.mjs', k, w], { cwd: dir, env }),
};
const nodeVersion = (await run(['-v'])).out.trim();
const rows = [];
for (const kind of ['promises', 'timers', 'listeners', 'memory']) {
  for (const where of ['owner', 'outside']) {
    if (kind === 'memory' && where === 'outside') continue;
    const res = { plain: [], off: [], on: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const m of i % 2 ? ['on', 'off', 'plain'] : ['plain', 'off', 'on']) {
        const r = await modes[m](kind, where);
        const j = lastJson(r.out, 'cpuMs');
        if (r.code !== 0 || !j) throw new Error(`${kind}/${where}/${m} failed: ${r.err.slice(0, 600)}`);
        res[m].push(j);
      }
      process.stdout.write('.');
    }
    const med = (m, k) => median(res[m].map((x) => x[k]));
    if (kind === 'memory') {
      rows.push([kind, where, `heap ${fmt(med('plain', 'heapMB'))} MB`, `${fmt(med('off', 'heapMB'))} MB`, `${fmt(med('on', 'heapMB'))} MB`, '—', `+${fmt(med('on', 'heapMB') - med('off', 'heapMB'), 2)} MB`]);
    } else {
      rows.push([kind, where, fmt(med('plain', 'cpuMs')), fmt(med('off', 'cpuMs')), fmt(med('on', 'cpuMs')), ratio(med('on', 'cpuMs') / med('plain', 'cpuMs')), ratio(med('on', 'cpuMs') / med('off', 'cpuMs'))]);
    }
    console.log(' ' + rows.at(-1).join('  '));
  }
}
rm(dir);
const md = `## 2c. What the effects tracking costs (\`node bench/effects.mjs\`), Node ${nodeVersion}

CPU ms of the work only (medians of ${ROUNDS} alternating processes). "owner": run by a top-level statement
(what it creates is tracked); "outside": run in an HTTP request handler (no owner). Mode on this line:
${Number(nodeVersion.slice(1).split('.')[0]) >= 24 ? '`als` (AsyncLocalStorage over AsyncContextFrame)' : '`sync` (a plain variable; wrapped timer/nextTick/microtask callbacks)'}.

${table(['work', 'where', 'plain', 'jurig, effects off', 'jurig, effects on', 'on / plain', 'on / off'], rows)}
`;
console.log(md);
writeSection('2c-effects', md);
