// Repro: two saves of the same file less than 50 ms apart — the second one is never applied (the running
// code stays at the first save's version although the file holds the second). Cause: chokidar throttles
// 'change' events per path for 50 ms and drops (does not defer) the ones inside the window
// (node_modules/chokidar/index.js, `_throttle(EV.CHANGE, path, 50)`); jurig's watcher relies on 'change'.
// Run: node bench/repro/rapid-saves.mjs   (exit 1 = bug reproduced)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = mkdtempSync(join(tmpdir(), 'jurig-rapid-'));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
const src = (v) => `export function version(): number {\n  return ${v};\n}\n`;
writeFileSync(join(dir, 'mod.ts'), src(0));
writeFileSync(join(dir, 'main.mjs'), `
import { writeFileSync } from 'node:fs';
const { version } = await import('./mod.ts');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(500);
const src = ${src.toString()};
const save = (v) => writeFileSync(new URL('./mod.ts', import.meta.url), src(v));
save(1);                                           // the first save is slow (analysis): warm up
while (version() !== 1) await sleep(1);
await sleep(300);
save(2);
while (version() !== 2) await sleep(1);            // applied within a few ms
await sleep(Number(process.env.GAP ?? 20));
save(3);                                           // next save, GAP ms after the previous one was applied
await sleep(2000);
console.log('file holds version 3, running version is', version());
process.exit(version() === 3 ? 0 : 1);
`);
const register = new URL('../../dist/entry/register.js', import.meta.url).href;
for (const gap of [20, 100]) {
  const r = spawnSync(process.execPath, ['--import', register, 'main.mjs'], { cwd: dir, env: { ...process.env, GAP: String(gap), JURIG_OPTIONS: JSON.stringify({ roots: [dir] }) }, encoding: 'utf8' });
  console.log(`saves ${gap} ms apart: ${r.stdout.trim()} -> ${r.status === 0 ? 'ok' : 'BUG: last save lost'}`);
  if (gap === 20) process.exitCode = r.status;
}
