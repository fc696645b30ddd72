// What differs between Node versions: the hook style (module.register off-thread on 20, module.registerHooks
// in-thread on ≥ 22.15; tsx also switches on ≥ 22.22.3/24.11.1/26) and the deprecation of module.register
// in 26 (DEP0205). Tested by behaviour only, under whatever node JURIG_TEST_NODE names (default: this one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { makeApp, jurig, nodeRegister, NODE } from '../helpers.mjs';

const VERSION = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
const T = `[node ${VERSION}]`;

// Deprecations that jurig (or tsx under it) could cause; none may appear.
const DEPRECATION = /\[DEP\d+\]|DeprecationWarning/;
// resolves with the exit code once the process has exited and its stdout/stderr are fully read
const closed = (p) => new Promise((resolve) => p.child.once('close', (code) => setImmediate(() => resolve(code))));
const noDeprecation = (p) => {
  const bad = p.err.filter((l) => DEPRECATION.test(l));
  assert.deepEqual(bad, [], `deprecation warning printed under ${VERSION}:\n${p.err.join('\n')}`);
};

const APP = `
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { shout } from './lib.js';

enum Color { Red = 'red', Green = 'green' }
class Counter {
  #n = 0;
  inc(): number { return ++this.#n; }
}
function adder(k: number) { return (x: number) => x + k; }
export function greet(name: string): string {
  return 'hello ' + name;
}
function boom(): never {
  throw new Error('boom');
}

const require = createRequire(import.meta.url);
const cjs = require('./x.cjs');
const counter = new Counter();
const add = adder(10);

const worker = new Worker(new URL('./worker.ts', import.meta.url));
worker.on('message', (m) => { console.log('worker ' + m); worker.terminate(); });
worker.on('error', (e) => console.log('worker error ' + e.message));

process.stdin.setEncoding('utf8');
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) !== -1) {
    const cmd = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (cmd === 'greet') console.log(greet('x'));
    else if (cmd === 'state') console.log([Color.Green, counter.inc(), add(1), shout('a'), cjs.value, cjs.nested].join(' '));
    else if (cmd === 'stack') { try { boom(); } catch (e) { console.log((e as Error).stack!.split('\\n')[1].trim()); } }
    else if (cmd === 'quit') process.exit(0);
  }
});
console.log('ready');
`;

const FILES = {
  'app.ts': APP,
  'lib.ts': `export const shout = (s: string): string => s.toUpperCase() + '!';\n`,
  'worker.ts': `import { parentPort } from 'node:worker_threads';\nenum W { A = 'wa', B = 'wb' }\nparentPort!.postMessage('ran ' + W.B);\n`,
  'x.cjs': `const y = require('./y.cjs');\nmodule.exports = { value: 42, nested: y.v };\n`,
  'y.cjs': `module.exports = { v: 'nested' };\n`,
};

for (const [how, start] of [['jurig CLI', (app) => jurig(app, ['-v', 'app.ts'])], ['node --import jurig/register', (app) => nodeRegister(app, ['app.ts'], { env: { JURIG_OPTIONS: JSON.stringify({ verbose: true }) } })]]) {
  test(`${T} ${how}: enum, #private, closure, createRequire CJS, worker .ts, stack, save`, async (t) => {
    const app = makeApp(FILES);
    const p = start(app);
    const done = closed(p);
    t.after(async () => { await p.kill(); app.cleanup(); });
    await p.waitFor('ready');

    // enum + #private + closure + ESM import + createRequire('./x.cjs') with a nested require
    assert.equal(await p.ask('state'), 'green 1 11 A! 42 nested');

    // a worker started with the default (inherited) execArgv runs the --import file again, so its .ts
    // file (with an enum, which Node's own strip-only mode would reject) runs
    await p.waitFor('worker ran wb');

    // stack frames point at the user's line (the throw is on line 16, column 9 of app.ts)
    assert.match(await p.ask('stack'), /^at boom \(.*app\.ts:16:9\)$/);

    // a save is applied at the next call
    assert.equal(await p.ask('greet'), 'hello x');
    app.edit('app.ts', `return 'hello ' + name;`, `return 'bye ' + name;`, 'save');
    await p.askUntil('greet', (l) => l === 'bye x');
    await p.waitFor(/^Update app\.ts:greet/, { stream: 'err' });
    // the rest of the state survived the save
    assert.equal(await p.ask('state'), 'green 2 11 A! 42 nested');

    p.child.stdin.write('quit\n');
    assert.equal(await done, 0);
    noDeprecation(p);
  });
}

test(`${T} CommonJS entry point with nested require runs`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ name: 'cjs-app' }),
    'main.cjs': `const a = require('./a.js');\nconsole.log('main ' + a.g());\n`,
    'a.js': `const b = require('./b.cjs');\nexports.g = function g() { return 'g ' + b.v; };\n`,
    'b.cjs': `module.exports = { v: 'b' };\n`,
  });
  t.after(() => app.cleanup());
  const p = nodeRegister(app, ['main.cjs']);
  const done = closed(p);
  t.after(() => p.kill());
  assert.equal(await done, 0, p.err.join('\n'));
  assert.deepEqual(p.out, ['main g b']);
  noDeprecation(p);
});

test(`${T} .ts module in a CommonJS package (no "type") runs as ESM with an enum`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ name: 'cjs-pkg' }),
    'main.ts': `import { f } from './lib';\nimport { createRequire } from 'node:module';\nconst util = createRequire(import.meta.url)('./util.cts');\nenum K { A = 7 }\nconsole.log('main ' + f() + ' ' + K.A + ' ' + util.u());\n`,
    'lib.ts': `export function f(): string { return 'lib'; }\n`,
    'util.cts': `function u(): string { return 'u'; }\nmodule.exports = { u };\n`,
  });
  t.after(() => app.cleanup());
  const p = nodeRegister(app, ['main.ts']);
  const done = closed(p);
  t.after(() => p.kill());
  assert.equal(await done, 0, p.err.join('\n'));
  assert.deepEqual(p.out, ['main lib 7 u']);
  noDeprecation(p);
});
