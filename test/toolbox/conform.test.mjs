// jurig/api conform: a multiple-dispatch registry and a memoizing decorator rebuild what they derived
// when the definition is patched, and drop it when it is deleted; the [Symbol.for('jurig.conform')] carrier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { makeApp, jurig, ROOT } from '../helpers.mjs';

// Edit a file and ask until the answer shows the edit; the edit is written again every second (a save
// made while the file watcher is still starting is not seen).
// one save, then ask until the answer shows it (a save made before the watcher is ready is compared
// with what runs when it starts: no need to save again)
async function editUntil(p, app, name, from, to, question, pred) {
  app.edit(name, from, to);
  return p.askUntil(question, pred);
}

function linkJurig(app) { mkdirSync(app.path('node_modules'), { recursive: true }); symlinkSync(ROOT, app.path('node_modules/jurig'), 'dir'); }

const DISPATCH = `import { conform } from 'jurig/api';
type Impl = (x: unknown) => string;
const table: { type: string; fn: Impl }[] = [];
export const log: string[] = [];
/** multiple dispatch on typeof: register implementations, call the one whose type matches */
export function defmethod(type: string, fn: Impl): Impl {
  const entry = { type, fn };
  table.push(entry);
  conform(fn, (next) => {
    log.push(next ? 'update ' + type : 'delete ' + type);
    if (next) entry.fn = next; else table.splice(table.indexOf(entry), 1);
  });
  return fn;
}
export function describe(x: unknown): string {
  const e = table.find((t) => t.type === typeof x);
  return e ? e.fn(x) : 'no method for ' + typeof x;
}
`;

const MEMO = `import { conform } from 'jurig/api';
export const calls: string[] = [];
/** a memoizing decorator: its cache is stale once the function changes */
export function memo<T extends (x: number) => unknown>(fn: T): T {
  const cache = new Map<number, unknown>();
  conform(fn, () => cache.clear());
  return ((x: number) => { if (!cache.has(x)) cache.set(x, fn(x)); return cache.get(x); }) as T;
}
/** the same, as a carrier: the wrapper has a [Symbol.for('jurig.conform')] method */
export function memo2<T extends (x: number) => unknown>(fn: T): T {
  const cache = new Map<number, unknown>();
  const w = ((x: number) => { if (!cache.has(x)) cache.set(x, fn(x)); return cache.get(x); }) as T & { [k: symbol]: unknown };
  w[Symbol.for('jurig.conform')] = (next: Function | null) => { calls.push(next ? 'carrier update ' + typeof next : 'carrier delete'); cache.clear(); };
  return w;
}
`;

const APP = `import { defmethod, describe, log } from './dispatch.ts';
import { memo, memo2, calls } from './memo.ts';
import { createInterface } from 'node:readline';

defmethod('number', (x) => 'number ' + x);
defmethod('string', function str(x) { return 'string ' + x; });

function slowSquare(x: number): number { return x * x; }
export const square = memo(slowSquare);
export const cube = memo2(function cube(x: number): number { return x * x * x; });

console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'describe') console.log(describe(2) + ' | ' + describe('s') + ' | log=' + log.join(','));
  if (line === 'math') console.log('square=' + square(3) + ' cube=' + cube(2) + ' calls=' + calls.join(','));
}
`;

test('conform: a dispatch registry is told on update (new function) and on delete (null)', async () => {
  const app = makeApp({ 'dispatch.ts': DISPATCH, 'memo.ts': MEMO, 'app.ts': APP });
  linkJurig(app);
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    await p.waitFor('ready');
    assert.equal(await p.ask('describe'), 'number 2 | string s | log=');
    await editUntil(p, app, 'app.ts', "'number ' + x", "'NUMBER ' + x", 'describe', (l) => l.startsWith('NUMBER 2'));
    assert.equal(await p.ask('describe'), 'NUMBER 2 | string s | log=update number');
    // a patched function declaration passed by name
    assert.equal(await editUntil(p, app, 'app.ts', "return 'string ' + x;", "return 'STRING ' + x;", 'describe', (l) => l.includes('STRING')), 'NUMBER 2 | STRING s | log=update number,update string');
    // deleting the statement that registered it deletes the definition: the handler gets null
    assert.equal(await editUntil(p, app, 'app.ts', "defmethod('string', function str(x) { return 'STRING ' + x; });\n", '', 'describe', (l) => l.includes('delete')), 'NUMBER 2 | no method for string | log=update number,update string,delete string');
  } finally { await p.kill(); app.cleanup(); }
});

test('conform: a memoizing decorator clears its cache on update; a carrier value is called too', async () => {
  const app = makeApp({ 'dispatch.ts': DISPATCH, 'memo.ts': MEMO, 'app.ts': APP });
  linkJurig(app);
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    await p.waitFor('ready');
    assert.equal(await p.ask('math'), 'square=9 cube=8 calls=');
    assert.equal(await editUntil(p, app, 'app.ts', 'return x * x; }', 'return x * x + 1; }', 'math', (l) => l.startsWith('square=10')), 'square=10 cube=8 calls=');
    assert.equal(await editUntil(p, app, 'app.ts', 'return x * x * x;', 'return -x * x * x;', 'math', (l) => l.includes('cube=-8')), 'square=10 cube=-8 calls=carrier update function');
  } finally { await p.kill(); app.cleanup(); }
});
