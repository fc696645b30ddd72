// The tools the latency and memory benches run side by side, each used the way its docs show a user
// using it. Every tool gets its own folder with the same edited module(s) (`<mod>.ts`) and its own app
// file (`app-<mod>.ts`) that answers one line per stdin line with `handle(line)`, and, for the memory
// bench, a heap figure after GC for the line `gc`.
//   jurig      `jurig app.ts`: the app as written, nothing added.
//   bun --hot  `bun --hot app.ts`: Bun re-evaluates every module on a save and keeps globalThis; the app
//              keeps its stdin reader on globalThis and points it at the newest `handle` (Bun's docs:
//              state that must survive a reload lives on globalThis).
//   dynohot    `node --enable-source-maps --import tsx --import dynohot app.ts`: the app accepts updates
//              of the module it imports (`import.meta.hot.accept('./mod.ts')`); dynohot's live bindings
//              then give it the new `handle`. (dynohot's docs chain a TS loader; its own, @loaderkit/ts,
//              is not on npm, so tsx.)
//   hot-hook   `node --import tsx --import hot-hook/register app.ts`: the module is a boundary imported
//              with `await import('./mod.ts', import.meta.hot?.boundary)` on each request (its docs).
//   vite       Vite's module runner with HMR (peers/vite-run.mjs); the app accepts the module with a
//              callback that keeps the new `handle` (Vite's HMR API). The callback ignores a version
//              without `handle`: Vite applies the empty file an in-place write shows for a moment (torn
//              read), and the app would then crash on its next request.
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUN, CLI, DYNOHOT_URL, HOT_HOOK_URL, NODE, TSX_LOADER, VITE_RUN, median, sleep, tmp } from './lib.mjs';

// `gc` → heap used and RSS after forced GCs, between event-loop turns (a WeakRef read in a job keeps its
// target alive until the job ends)
const heap = (gc) => `async () => {
  for (let i = 0; i < 4; i++) { ${gc}; await new Promise((r) => setTimeout(r, 5)); }
  const m = process.memoryUsage();
  return JSON.stringify({ heap: m.heapUsed, rss: m.rss });
}`;
const GC_NODE = heap('(globalThis as any).gc?.()');
const GC_BUN = heap('(globalThis as any).Bun.gc(true)');
/** The stdin line handler: `gc` → heap figures, anything else → handle(line). */
const onLine = (h) => `(l: string) => {
  if (l === 'gc') heap().then((s) => process.stdout.write(s + '\\n'));
  else process.stdout.write(${h}(l) + '\\n');
}`;

export const TOOLS = {
  jurig: {
    app: (mod) => `import { handle } from './${mod}.ts';
import { createInterface } from 'node:readline';
const heap = ${GC_NODE};
createInterface({ input: process.stdin }).on('line', ${onLine('handle')});
`,
    cmd: (app, { gc } = {}) => [NODE, [...(gc ? ['--expose-gc'] : []), CLI, app]],
    how: '`jurig app.ts`',
  },
  'bun --hot': {
    app: (mod) => `import { handle } from './${mod}.ts';
import { createInterface } from 'node:readline';
const g = globalThis as any;
const heap = ${GC_BUN};
g.__onLine = ${onLine('handle')};
if (!g.__reader) {
  g.__reader = createInterface({ input: process.stdin });
  g.__reader.on('line', (l: string) => g.__onLine(l));
}
`,
    cmd: (app) => [BUN, ['--hot', app]],
    how: '`bun --hot app.ts`',
  },
  dynohot: {
    app: (mod) => `import { handle } from './${mod}.ts';
import { createInterface } from 'node:readline';
const heap = ${GC_NODE};
createInterface({ input: process.stdin }).on('line', ${onLine('handle')});
import.meta.hot?.accept('./${mod}.ts');
`,
    cmd: (app, { gc } = {}) => [NODE, [...(gc ? ['--expose-gc'] : []), '--enable-source-maps', '--import', TSX_LOADER, '--import', DYNOHOT_URL, app]],
    how: '`node --enable-source-maps --import tsx --import dynohot app.ts`, `import.meta.hot.accept(\'./mod.ts\')`',
  },
  'hot-hook': {
    app: (mod) => `import { createInterface } from 'node:readline';
const heap = ${GC_NODE};
createInterface({ input: process.stdin }).on('line', async (l) => {
  const { handle } = await import('./${mod}.ts', import.meta.hot?.boundary);
  (${onLine('handle')})(l);
});
`,
    cmd: (app, { gc } = {}) => [NODE, [...(gc ? ['--expose-gc'] : []), '--import', TSX_LOADER, '--import', HOT_HOOK_URL, app]],
    how: '`node --import tsx --import hot-hook/register app.ts`, `await import(\'./mod.ts\', import.meta.hot?.boundary)` per request',
  },
  vite: {
    app: (mod) => `import { handle } from './${mod}.ts';
import { createInterface } from 'node:readline';
const heap = ${GC_NODE};
let h = handle;
import.meta.hot?.accept('./${mod}.ts', (m) => { if (m?.handle) h = m.handle; });
createInterface({ input: process.stdin }).on('line', ${onLine('h')});
`,
    cmd: (app, { gc } = {}) => [NODE, [...(gc ? ['--expose-gc'] : []), VITE_RUN, `./${app}`]],
    how: 'Vite 8 `createServerModuleRunner` with HMR (bench/peers/vite-run.mjs), `import.meta.hot.accept(\'./mod.ts\', cb)`',
  },
};
export const IN_PROCESS = Object.keys(TOOLS);

/** Write tool's app for module `mod` into dir; returns the command [exe, args]. */
export function prepare(tool, dir, mod, opts) {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const app = `app-${mod}.ts`;
  writeFileSync(join(dir, app), TOOLS[tool].app(mod));
  return TOOLS[tool].cmd(app, opts);
}

/** Line protocol over the child's stdin/stdout; an answer counts only if it answers the latest request. */
export class StdinClient {
  constructor(child) {
    this.child = child;
    this.buf = '';
    this.sent = 0;
    this.recv = 0;
    this.waiting = null;
    child.stdin.on('error', () => { /* the child is gone: asks time out */ });
    child.stdout.setEncoding('utf8').on('data', (d) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) !== -1) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (!/^v\d+:|^\{/.test(line)) continue; // a tool's own log line on stdout
        if (++this.recv !== this.sent) continue; // late answer to a request that timed out
        const w = this.waiting;
        this.waiting = null;
        w?.(line);
      }
    });
  }
  ask(timeout = 1000, line = 'q') {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting = null; resolve(null); }, timeout);
      this.waiting = (l) => { clearTimeout(timer); resolve(l); };
      this.sent++;
      this.child.stdin.write(line + '\n');
    });
  }
}

let tmpN = 0;
export function save(dir, mod, how, text) {
  const p = join(dir, `${mod}.ts`);
  if (how === 'write') writeFileSync(p, text);
  else {
    const t = join(dir, `.${mod}.ts.${tmpN++}.tmp`);
    writeFileSync(t, text);
    renameSync(t, p);
  }
}

export function kill(child) {
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
}

/**
 * Start `tool` on a fresh folder holding `<mod>.ts` = text; resolves once it answers `first` (or with
 * .error set). The result carries the client, the folder and counters the benches fill in.
 */
export async function launch(tool, { mod, text, first, gc = false, startTimeout = 30000 }) {
  const dir = tmp(`peer-${tool.replace(/\W+/g, '')}`);
  writeFileSync(join(dir, `${mod}.ts`), text);
  const [exe, args] = prepare(tool, dir, mod, { gc });
  const child = spawn(exe, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const p = { tool, dir, mod, child, client: new StdinClient(child), stderr: '', lat: [], misses: 0, stopped: null, error: null, rtt: NaN, consecutive: 0, exited: null };
  child.stderr.setEncoding('utf8').on('data', (d) => { if (p.stderr.length < 20000) p.stderr += d; });
  child.on('exit', (code, signal) => { p.exited = `exited (${signal ?? code})`; });
  const t0 = performance.now();
  for (;;) {
    const a = await p.client.ask(2000);
    if (a === first) break;
    if (p.exited || performance.now() - t0 > startTimeout) {
      p.error = `never answered v0 (${p.exited ?? 'timeout'}): ${p.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`;
      return p;
    }
    await sleep(50);
  }
  p.startMs = performance.now() - t0;
  const rtts = [];
  for (let i = 0; i < 50; i++) { const s = performance.now(); await p.client.ask(); rtts.push(performance.now() - s); }
  p.rtt = median(rtts);
  return p;
}
