// A big module's texts (64 KB and more) are compiled, parsed and analysed on a worker thread, so the
// program keeps answering while a save is analysed, and its loaded version is analysed there ahead of the
// first save. What a user sees must not change: the same patches, the same errors with the same lines,
// state kept, and a program that ends by itself still does. (How long the program is blocked is measured
// by bench/big-saves.mjs.) The program counts the worker threads in its process with process.report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { makeApp, jurig, nodeRegister, ROOT } from '../helpers.mjs';

/** ~100 KB of TypeScript: 800 small functions, a class with a private field, a closure, a module state. */
function lib({ op = '+', mid = 'm0', greet = 'hi', step = 1, extra = '' } = {}) {
  const fns = [];
  for (let i = 0; i < 800; i++) fns.push(`export function f${i}(x: number): number {\n  if (x < 0) return ${i};\n  const y = x * ${i % 97} ${op} ${i};\n  return y ${op} (x > ${i} ? 1 : 0);\n}\n`);
  fns.splice(400, 0, `export const MID: string = '${mid}';\n`);
  return `let calls = 0;
export class Counter {
  #n = 0;
  next(): number {
    this.#n += ${step};
    return this.#n;
  }
}
export function makeGreeter(name: string): () => string {
  return () => '${greet} ' + name;
}
${fns.join('')}${extra}
export function probe(): string {
  return MID + ':' + f0(1) + ':' + f799(1) + ':' + ++calls;
}
`;
}
/** What probe() answers before its call count: MID, f0(1), f799(1). */
function values(mid, op = '+') {
  const f = (i) => { const y = op === '+' ? 1 * (i % 97) + i : 1 * (i % 97) - i; const b = 1 > i ? 1 : 0; return op === '+' ? y + b : y - b; };
  return `${mid}:${f(0)}:${f(799)}`;
}
const APP = `import { Counter, makeGreeter, probe } from './lib.ts';
const counter = new Counter();
const greet = makeGreeter('ada');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  for (const l of d.trim().split('\\n')) {
    if (l === 'workers') console.log('workers ' + process.report.getReport().workers.length);
    else console.log([probe(), counter.next(), greet()].join(' '));
  }
});
`;

test('a big module: analysed ahead on a worker, its saves apply as they would without one', async () => {
  assert.ok(lib().length > 64 * 1024, `${lib().length} bytes`);
  const last = lib({ mid: 'm1', op: '-', greet: 'hello', step: 10 });

  // a fresh run of the last text, with no worker (JURIG_OFF_THREAD=0): what the live run must answer, and
  // how many worker threads the process has without jurig's (on Node 20 the loader's hooks have one)
  const fresh = makeApp({ 'lib.ts': last, 'app.ts': APP });
  const q = jurig(fresh, ['app.ts'], { env: { JURIG_OFF_THREAD: '0' } });
  let hooksThreads;
  try {
    assert.equal(await q.ask('?'), `${values('m1', '-')}:1 10 hello ada`);
    hooksThreads = Number((await q.ask('workers')).split(' ')[1]);
  } finally {
    await q.kill();
    fresh.cleanup();
  }

  const app = makeApp({ 'lib.ts': lib(), 'app.ts': APP });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal(await p.ask('?'), `${values('m0')}:1 1 hi ada`);
    await p.waitFor('Watch lib.ts', { stream: 'err' });
    // the worker starts on its own a moment after start-up, to analyse the big module ahead of a save
    await p.askUntil('workers', (l) => l === `workers ${hooksThreads + 1}`, { timeout: 30000 });

    // a statement: the first save, planned from the analysis made ahead
    app.write('lib.ts', lib({ mid: 'm1' }));
    await p.askUntil('?', (l) => l.startsWith('m1:'));

    // a find-and-replace in every function: the whole new text goes to the worker
    app.write('lib.ts', lib({ mid: 'm1', op: '-' }));
    await p.askUntil('?', (l) => l.startsWith(values('m1', '-') + ':'));

    // a syntax error comes back from the worker with its place in the file; the running code stays
    const broken = lib({ mid: 'm1', op: '-', extra: 'export function oops( {\n' });
    app.write('lib.ts', broken);
    // (the parser sees the mistake at the next declaration's `export`)
    const line = broken.split('\n').findIndex((l) => l.startsWith('export function probe')) + 1;
    await p.waitFor(new RegExp(`^jurig error lib\\.ts:${line}:1: .*\\(nothing was changed\\)`), { stream: 'err' });
    assert.ok((await p.ask('?')).startsWith(values('m1', '-') + ':'), 'the running version stays');

    // a method of a class with a private field and a closure already made: their new code runs
    app.write('lib.ts', last);
    const answer = await p.askUntil('?', (l) => l.endsWith(' hello ada'));
    const [probe, n] = answer.split(' ');
    assert.equal(probe.split(':').slice(0, 3).join(':'), values('m1', '-'));
    assert.ok(Number(probe.split(':')[3]) > 4, `the module's call count went on: ${answer}`);
    assert.ok(Number(n) >= 14, `the instance made at start kept its count and steps by 10 now: ${answer}`);
    assert.equal(await p.ask('workers'), `workers ${hooksThreads + 1}`, 'one worker, however many saves');
    assert.ok(!p.err.some((l) => /internal error|Delete |Add /.test(l)), p.err.join('\n'));
    // idle for 30 s, the worker is stopped (its memory goes back); the next big save starts it again
    await p.askUntil('workers', (l) => l === `workers ${hooksThreads}`, { timeout: 60000 });
    app.write('lib.ts', lib({ mid: 'm4', op: '+', greet: 'hello', step: 10 }));
    await p.askUntil('?', (l) => l.startsWith(values('m4') + ':'));
    assert.equal(await p.ask('workers'), `workers ${hooksThreads + 1}`);
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('the first save of a big module, written while its running version is analysed, applies; the program still ends by itself', async () => {
  const app = makeApp({ 'lib.ts': lib(), 'app.ts': APP });
  const p = nodeRegister(app, ['app.ts'], { env: { JURIG_OPTIONS: JSON.stringify({ verbose: true }) } });
  try {
    assert.equal(await p.ask('?'), `${values('m0')}:1 1 hi ada`);
    await p.waitFor('Watch lib.ts', { stream: 'err' });
    // emptied (a formatter, an editor's truncation), then written: its events come while the worker
    // analyses the running version; the text read after that analysis is the one applied
    // (how long the analysis takes varies: the pause is the test's input, not a wait for a result)
    app.write('lib.ts', '');
    await new Promise((r) => setTimeout(r, 250));
    app.write('lib.ts', lib({ mid: 'm2' }));
    await p.askUntil('?', (l) => l.startsWith('m2:'), { timeout: 30000 });
    assert.ok(!p.err.some((l) => /empty|internal error|Delete /.test(l)), p.err.join('\n'));
    // the analysis worker does not keep a program alive: its input ends, it ends
    p.child.stdin.end();
    assert.deepEqual(await p.exited, { code: 0, signal: null });
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('with every text analysed on the worker (JURIG_OFF_THREAD=1), deep nesting is still reported, not fatal', async () => {
  const small = `export function value(): string {\n  return 'one';\n}\n`;
  const app = makeApp({
    'lib.ts': small,
    'app.ts': `import { value } from './lib.ts';\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(value()); });\n`,
  });
  const p = jurig(app, ['app.ts'], { env: { JURIG_OFF_THREAD: '1' } });
  try {
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.ts', small.replace("'one'", "'two'") + `export const deep = ${'['.repeat(8000)}${']'.repeat(8000)};\n`);
    await p.waitFor(/jurig error lib\.ts:4:\d+: this text is nested too deeply to compile safely.*\(nothing was changed\)/, { stream: 'err' });
    assert.equal(await p.ask('?'), 'one');
    // deep enough to take the analysis far down the stack, not too deep to compile: it applies
    app.write('lib.ts', small.replace("'one'", "'three'") + `export const deep = ${'['.repeat(500)}${']'.repeat(500)};\n`);
    await p.askUntil('?', (l) => l === 'three');
    assert.ok(!p.err.some((l) => l.includes('internal error')), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
  assert.equal(p.exitInfo.signal, 'SIGKILL', 'the program was still running');
});

test('a Recoder patch applied while a big save is analysed on the worker: the save is planned again, nothing is mixed', async () => {
  const app = makeApp({
    'lib.ts': lib(),
    'app.ts': `import * as lib from './lib.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { makeRecoder } from 'jurig/api';
const greet = lib.makeGreeter('ada');
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (d) => {
  for (const l of d.trim().split('\\n')) {
    if (l === 'save') {
      // the save goes to the worker; the Recoder's patch is planned and applied meanwhile
      writeFileSync(new URL('./lib.ts', import.meta.url), readFileSync(new URL('./next.txt', import.meta.url)));
      await new Promise((r) => setTimeout(r, 20));
      const r = makeRecoder(lib.makeGreeter);
      await r.patch("function makeGreeter(name: string): () => string {\\n  return () => 'yo ' + name;\\n}");
      console.log('patched ' + r.status);
    } else console.log(lib.probe() + ' ' + greet());
  }
});
`,
  });
  mkdirSync(app.path('node_modules'), { recursive: true });
  symlinkSync(ROOT, app.path('node_modules/jurig'), 'dir'); // (jurig/api, as an installed package)
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), `${values('m0')}:1 hi ada`);
    app.write('next.txt', lib({ mid: 'm3', op: '-' }));
    assert.equal(await p.ask('save'), 'patched live');
    // the save lands last, on top of the patch: the module is the file's text, every part of it
    const a = await p.askUntil('?', (l) => l.startsWith(values('m3', '-') + ':'), { timeout: 30000 });
    assert.match(a, /:\d+ (hi|yo) ada$/);
    assert.ok(!p.err.some((l) => /internal error|StalePlan|changed while/.test(l)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});
