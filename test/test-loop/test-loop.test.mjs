// `jurig --test`: node:test files in one live process. A failing test waits for the fix (driven through
// stdin with JURIG_TEST_INTERACTIVE=1, and through a pseudo terminal with `script`), `--test --watch`
// re-runs only the tests that ran the changed code, and without a terminal the counts and exit code are
// node --test's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { makeApp, jurig, Proc, CLI, NODE } from '../helpers.mjs';

// Edit a file and wait for pred; the edit is written again every second (a save made while the file
// watcher is still starting is not seen).
async function editUntil(app, name, from, to, waitFn) {
  const text = app.edit(name, from, to);
  const timer = setInterval(() => app.write(name, text), 1000);
  try { return await waitFn(); } finally { clearInterval(timer); }
}

const LIB = `export function add(a: number, b: number): number {
  return a - b;
}
export function mul(a: number, b: number): number {
  return a * b;
}
`;

const MATH_TEST = `import test, { describe, it, before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { add, mul } from './lib.ts';
let fixtures = 0, each = 0, after = 0;
describe('math', () => {
  before(() => { fixtures++; console.log('# before ran ' + fixtures); });
  beforeEach(() => { each++; });
  afterEach(() => { after++; });
  test.after(() => { console.log('# after ran'); });
  it('adds', () => {
    console.log('# adds run: fixtures=' + fixtures + ' beforeEach=' + each + ' afterEach=' + after);
    assert.equal(add(2, 3), 5);
  });
  it('muls', () => { assert.equal(mul(2, 3), 6); });
});
test('default export test()', () => { assert.equal(mul(1, 1), 1); });
`;

const count = (lines, re) => lines.filter((l) => re.test(l)).length;

test('a failing test waits; the fix saved runs it again at once, before fixture kept, each-hooks around it (stdin)', async () => {
  const app = makeApp({ 'lib.ts': LIB, 'math.test.ts': MATH_TEST });
  const p = jurig(app, ['--test'], { env: { JURIG_TEST_INTERACTIVE: '1' } });
  try {
    await p.waitFor(/✖ math > adds \(math\.test\.ts\) failed/);
    await p.waitFor(/5 !== -1|-1 !== 5/);
    await editUntil(app, 'lib.ts', 'return a - b;', 'return a + b;', () => p.waitFor(/jurig: ✔ math > adds passes \(run 2\)/));
    const { code } = await p.exited;
    assert.equal(code, 0, p.err.join('\n'));
    const out = p.out.join('\n');
    // the before fixture ran once; the second run of the body had beforeEach and afterEach around it
    assert.equal(count(p.out, /# before ran/), 1, out);
    assert.equal(count(p.out, /# after ran/), 1, out);
    assert.match(out, /# adds run: fixtures=1 beforeEach=1 afterEach=0/);
    assert.match(out, /# adds run: fixtures=1 beforeEach=2 afterEach=1/);
    assert.match(out, /(# pass|ℹ pass) 3/);
    assert.match(out, /(# fail|ℹ fail) 0/);
  } finally { await p.kill(); app.cleanup(); }
});

test('keys: c lets the test fail and goes on, s skips it, r runs it again', async () => {
  const app = makeApp({
    'lib.ts': LIB,
    'k.test.mjs': `import { test } from 'node:test';
import assert from 'node:assert/strict';
let runs = 0;
test('one', () => { runs++; console.log('# one run ' + runs); assert.equal(1, 2); });
test('two', () => { assert.equal(1, 2); });
test('three', () => { assert.equal(1, 1); });
`,
  });
  const p = jurig(app, ['--test'], { env: { JURIG_TEST_INTERACTIVE: '1' } });
  try {
    await p.waitFor(/✖ one \(k\.test\.mjs\) failed/);
    p.child.stdin.write('r\n');
    await p.waitFor(/✖ one \(k\.test\.mjs\) failed \(run 2\)/);
    p.child.stdin.write('c\n');
    await p.waitFor(/✖ two \(k\.test\.mjs\) failed/);
    p.child.stdin.write('s\n');
    const { code } = await p.exited;
    const out = p.out.join('\n');
    assert.equal(code, 1, out);
    assert.match(out, /# one run 2/);
    assert.match(out, /(# fail|ℹ fail) 1/);
    assert.match(out, /(# skipped|ℹ skipped) 1/);
    assert.match(out, /(# pass|ℹ pass) 1/);
  } finally { await p.kill(); app.cleanup(); }
});

// util-linux `script` runs jurig on a pseudo terminal: a real TTY, keys read one at a time in raw mode
const hasScript = spawnSync('script', ['--version']).status === 0;

test('in a terminal (pseudo terminal): the failing test waits for the fix, q quits', { skip: !hasScript && 'no util-linux script' }, async () => {
  const app = makeApp({ 'lib.ts': LIB, 'math.test.ts': MATH_TEST });
  const cmd = `${JSON.stringify(NODE)} ${JSON.stringify(CLI)} --test --watch`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: app.dir, env: { ...process.env, NO_COLOR: '1', JURIG_TEST_INTERACTIVE: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const p = new Proc(child);
  try {
    await p.waitFor(/✖ math > adds \(math\.test\.ts\) failed/);
    await editUntil(app, 'lib.ts', 'return a - b;', 'return a + b;', () => p.waitFor(/jurig: ✔ math > adds passes \(run 2\)/));
    await p.waitFor(/jurig: watching/);
    assert.equal(count(p.out, /# before ran/), 1, p.out.join('\n'));
    // with --watch, after() hooks wait for the quit (the fixtures stay for the re-runs)
    assert.equal(count(p.out, /# after ran/), 0, p.out.join('\n'));
    p.child.stdin.write('q');
    await p.waitFor(/jurig: quit/);
    await p.waitFor(/# after ran/);
    await p.exited;
  } finally { await p.kill(); app.cleanup(); }
});

test('--test --watch: a save re-runs only the tests that called the changed function, and a saved test file its tests', async () => {
  const app = makeApp({
    'lib.ts': LIB.replace('a - b', 'a + b'),
    'a.test.ts': `import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { add, mul } from './lib.ts';
let fixtures = 0, open = false;
before(() => { fixtures++; open = true; });
after(() => { open = false; });
test('adds', () => { console.log('# adds ran, fixtures=' + fixtures); assert.ok(open, 'the fixture is open'); assert.equal(add(1, 2), 3); });
test('muls', () => { console.log('# muls ran'); assert.equal(mul(2, 3), 6); });
`,
    'b.test.ts': `import { test, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mul } from './lib.ts';
test('b muls', () => { console.log('# b muls ran'); assert.equal(mul(3, 3), 9); });
describe.skip('skipped suite', () => { it('never runs', () => { console.log('# skipped ran'); mul(1, 1); }); });
`,
  });
  const p = jurig(app, ['--test', '--watch']);
  try {
    await p.waitFor(/jurig: watching/);
    const first = p.out.length;
    await editUntil(app, 'lib.ts', 'return a + b;', 'return b + a;', () => p.waitFor(/jurig: lib\.ts saved: 1 test re-run, 1 passed/, { from: first }));
    const round1 = p.out.slice(first);
    assert.equal(count(round1, /# adds ran, fixtures=1/), 1, round1.join('\n'));
    assert.equal(count(round1, /# muls ran|# b muls ran/), 0, round1.join('\n'));

    const second = p.out.length;
    await editUntil(app, 'lib.ts', 'return a * b;', 'return b * a;', () => p.waitFor(/jurig: lib\.ts saved: 2 tests re-run, 2 passed/, { from: second }));
    const round2 = p.out.slice(second);
    assert.equal(count(round2, /# muls ran/), 1, round2.join('\n'));
    assert.equal(count(round2, /# b muls ran/), 1, round2.join('\n'));
    assert.equal(count(round2, /# adds ran/), 0, round2.join('\n'));

    // a saved test file: its tests run again; a failure in watch mode without a terminal is reported
    const third = p.out.length;
    await editUntil(app, 'b.test.ts', 'mul(3, 3), 9', 'mul(3, 3), 10', () => p.waitFor(/jurig: b\.test\.ts saved: 1 test re-run, 0 passed, 1 failed/, { from: third }));
    assert.equal(count(p.out.slice(third), /# (adds|muls) ran/), 0);
    assert.equal(count(p.out, /# skipped ran/), 0);
  } finally { await p.kill(); app.cleanup(); }
});

test('without a terminal, jurig --test gives node --test\'s counts and exit code', async () => {
  const app = makeApp({
    'src/m.js': 'export const sq = (x) => x * x;\n',
    'test/one.test.mjs': `import { test, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sq } from '../src/m.js';
test('sq', () => assert.equal(sq(3), 9));
test('sq wrong', () => assert.equal(sq(3), 10));
test.skip('skipped', () => {});
test.todo('todo one');
describe('group', () => { it('a', () => {}); it('b', () => { throw new Error('b fails'); }); });
`,
    'test/helper.mjs': `import { test } from 'node:test';\ntest('any file in a test folder', () => {});\n`,
    'two_test.cjs': `const test = require('node:test');\nconst assert = require('node:assert');\ntest('cjs default', () => { assert.ok(true); });\ntest('cjs sub', async (t) => { await t.test('inner', () => {}); });\n`,
    'notatest.mjs': `throw new Error('not a test file: must not run');\n`,
  });
  // this file runs under node --test: a node --test started from here would report to it in its wire format
  const { NODE_TEST_CONTEXT: _, ...env } = { ...process.env, NO_COLOR: '1' };
  const summary = (text) => Object.fromEntries([...text.matchAll(/^(?:#|ℹ) (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  try {
    const node = spawnSync(NODE, ['--test'], { cwd: app.dir, encoding: 'utf8', env });
    const ours = spawnSync(NODE, [CLI, '--test'], { cwd: app.dir, encoding: 'utf8', env });
    const want = summary(node.stdout);
    assert.equal(want.tests, 10, node.stdout);
    assert.deepEqual(summary(ours.stdout), want, ours.stdout + ours.stderr);
    assert.equal(ours.status, node.status);
    assert.equal(ours.status, 1);
    // all passing: 0, as node's
    app.edit('test/one.test.mjs', 'sq(3), 10', 'sq(3), 9');
    app.edit('test/one.test.mjs', "throw new Error('b fails')", '');
    const pass = spawnSync(NODE, [CLI, '--test', 'test'], { cwd: app.dir, encoding: 'utf8', env });
    assert.equal(pass.status, 0, pass.stdout + pass.stderr);
    assert.equal(summary(pass.stdout).pass, 5);
  } finally { app.cleanup(); }
});
