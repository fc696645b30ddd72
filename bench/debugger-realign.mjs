// With a debugger attached, a save that moves code compiles the moved definitions again (runtime/debug-lines.ts).
// What that costs: a ~2,000-line TypeScript module (bench/gen.mjs) whose first function gets one more line
// (every definition below it moves; the next save takes it away again), saved in place; from just before the write to the first answer from the
// new code, p50 / p90, in three setups: no inspector; JURIG_DEBUGGER=1 (the recompilation alone); `--inspect=0`
// with a protocol client attached (Debugger.enable: V8 reports every new script to it, as to DevTools).
// Also the time jurig spends recompiling and how many definitions (JURIG_REALIGN_LOG).
// Run: node bench/debugger-realign.mjs   (JURIG_BENCH_QUICK=1: fewer rounds)
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { genModule } from './gen.mjs';
import { CLI, NODE, QUICK, ensureBuilt, fmt, pct, rm, table, tmp } from './lib.mjs';
import { connect } from '../test/newcomer/cdp.mjs';

ensureBuilt();
const ROUNDS = QUICK ? 8 : 30;
const body = genModule('a', 100);
const MODULE = (v, extra) => `export function handle(q: string): string {\n${'  const pad = 0;\n'.repeat(extra)}  return '${v}:' + q;\n}\n${body}`;
const APP = `import { handle } from './mod.ts';
import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (l) => { process.stdout.write(handle(l) + '\\n'); });
`;

async function measure(label, args, env, attach) {
  const dir = tmp('jurig-realign-');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'mod.ts'), MODULE('v0', 0));
  writeFileSync(join(dir, 'app.ts'), APP);
  const child = spawn(NODE, [CLI, ...args, 'app.ts'], { cwd: dir, env: { ...process.env, ...env, JURIG_REALIGN_LOG: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  const waiters = [];
  child.stdout.on('data', (d) => { out += d; for (const w of [...waiters]) w(); });
  child.stderr.on('data', (d) => { err += d; for (const w of [...waiters]) w(); });
  const until = (test) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout\n${err}`)), 30000);
    const w = () => { const v = test(); if (v) { clearTimeout(t); waiters.splice(waiters.indexOf(w), 1); resolve(v); } };
    waiters.push(w); w();
  });
  let cdp = null;
  if (attach) {
    const ws = await until(() => /ws:\/\/\S+/.exec(err)?.[0]);
    cdp = await connect(ws);
    await cdp.send('Debugger.enable');
  }
  const ask = async (want) => {
    for (;;) {
      const from = out.length;
      child.stdin.write('q\n');
      const line = await until(() => { const i = out.indexOf('\n', from); return i === -1 ? null : out.slice(from, i); });
      if (line.startsWith(want)) return;
    }
  };
  await ask('v0:');
  await new Promise((r) => setTimeout(r, 1500)); // the watcher and the patch path warmed up
  await ask('v0:');
  // a first save, not measured: it analyses the loaded version once (and the recompilation's first run)
  writeFileSync(join(dir, 'mod.ts'), MODULE('w', 0));
  await ask('w:');
  if (env.JURIG_DEBUGGER !== '0') await new Promise((r) => setTimeout(r, 1000));
  const first = (err.match(/jurig realign:/g) ?? []).length;
  const ms = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const t0 = performance.now();
    writeFileSync(join(dir, 'mod.ts'), MODULE(`v${i}`, i % 2));
    await ask(`v${i}:`);
    ms.push(performance.now() - t0);
    // the recompilation runs after the answer: wait for it before the next save (or 100 ms without it)
    const n = i;
    if (env.JURIG_DEBUGGER !== '0') await until(() => (err.match(/jurig realign:/g) ?? []).length >= first + n);
    else await new Promise((r) => setTimeout(r, 100));
  }
  const realign = [...err.matchAll(/jurig realign: (\d+) definitions in ([\d.]+) ms/g)].map((m) => [Number(m[1]), Number(m[2])]).slice(first);
  cdp?.close();
  child.kill();
  rm(dir);
  return [label, `${fmt(pct(ms, 50))} / ${fmt(pct(ms, 90))}`, realign.length ? `${realign.at(-1)[0]}` : '-', realign.length ? `${fmt(pct(realign.map((r) => r[1]), 50))} / ${fmt(pct(realign.map((r) => r[1]), 90))}` : '-'];
}

const rows = [];
rows.push(await measure('no inspector', [], { JURIG_DEBUGGER: '0' }, false));
rows.push(await measure('JURIG_DEBUGGER=1', [], { JURIG_DEBUGGER: '1' }, false));
rows.push(await measure('--inspect=0, client attached', ['--inspect=0'], {}, true));
const version = (await import('node:child_process')).execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
console.log(`${MODULE('v0', 0).split('\n').length}-line module, ${ROUNDS} saves, Node ${version}`);
console.log(table(['setup', 'save → new answer p50 / p90 (ms)', 'definitions recompiled', 'recompiling p50 / p90 (ms)'], rows));
