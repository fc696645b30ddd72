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
//              callback that keeps the new `handle` (Vite's HMR API).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUN, CLI, DYNOHOT_URL, HOT_HOOK_URL, NODE, TSX_LOADER, VITE_RUN } from './lib.mjs';

const GC_NODE = `() => { for (let i = 0; i < 6; i++) (globalThis as any).gc?.(); return process.memoryUsage().heapUsed; }`;
const GC_BUN = `() => { for (let i = 0; i < 6; i++) (globalThis as any).Bun.gc(true); return process.memoryUsage().heapUsed; }`;
const answer = (h) => `(l: string) => l === 'gc' ? JSON.stringify({ heap: heap() }) : ${h}(l)`;

export const TOOLS = {
  jurig: {
    app: (mod) => `import { handle } from './${mod}.ts';
import { createInterface } from 'node:readline';
const heap = ${GC_NODE};
const answer = ${answer('handle')};
createInterface({ input: process.stdin }).on('line', (l) => { process.stdout.write(answer(l) + '\\n'); });
`,
    cmd: (app, { gc } = {}) => [NODE, [...(gc ? ['--expose-gc'] : []), CLI, app]],
    how: '`jurig app.ts`',
  },
  'bun --hot': {
    app: (mod) => `import { handle } from './${mod}.ts';
import { createInterface } from 'node:readline';
const g = globalThis as any;
const heap = ${GC_BUN};
g.__answer = ${answer('handle')};
if (!g.__reader) {
  g.__reader = createInterface({ input: process.stdin });
  g.__reader.on('line', (l: string) => { process.stdout.write(g.__answer(l) + '\\n'); });
}
`,
    cmd: (app) => [BUN, ['--hot', app]],
    how: '`bun --hot app.ts`',
  },
  dynohot: {
    app: (mod) => `import { handle } from './${mod}.ts';
import { createInterface } from 'node:readline';
const heap = ${GC_NODE};
const answer = ${answer('handle')};
createInterface({ input: process.stdin }).on('line', (l) => { process.stdout.write(answer(l) + '\\n'); });
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
  const answer = ${answer('handle')};
  process.stdout.write(answer(l) + '\\n');
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
import.meta.hot?.accept('./${mod}.ts', (m) => { if (m) h = m.handle; });
const answer = ${answer('h')};
createInterface({ input: process.stdin }).on('line', (l) => { process.stdout.write(answer(l) + '\\n'); });
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
