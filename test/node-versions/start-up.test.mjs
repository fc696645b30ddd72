// Start-up cases: --experimental-default-type=module (Node 20 hung with no output), a TypeScript file
// outside the watch roots that runs as CommonJS imported by name (Node 20 lost its named exports), the
// NODE_ENV=production warning, and the transform cache folder written only when something is instrumented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { makeApp, jurig, nodeRegister, NODE } from '../helpers.mjs';

const LIB = `export function v(): string {\n  return 'one';\n}\n`;
const READER = (from) => `import { v } from '${from}';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(v()); });
`;
let hasDefaultType = true;
try { execFileSync(NODE, ['--experimental-default-type=module', '-e', '0'], { stdio: 'ignore' }); } catch { hasDefaultType = false; }

test('node --experimental-default-type=module --import jurig/register runs an .mjs program, and saves apply', { skip: !hasDefaultType && 'this node has no --experimental-default-type' }, async () => {
  const app = makeApp({ 'lib.ts': LIB, 'app.mjs': READER('./lib.ts'), 'package.json': '{}' });
  const p = nodeRegister(app, ['app.mjs'], { env: { NODE_OPTIONS: '--experimental-default-type=module' } });
  try {
    assert.equal(await p.ask('?'), 'one');
    app.edit('lib.ts', "'one'", "'two'");
    await p.askUntil('?', (l) => l === 'two');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a TypeScript file outside the watch roots, in a folder without "type": "module", keeps its named exports', async () => {
  const app = makeApp({
    'outside/lib.ts': `export function two(): number { return 2; }\nexport const name = 'outside';\n`,
    'app/package.json': '{"type":"module"}',
    'app/main.ts': `import { two, name } from '../outside/lib.ts';\n${READER('./v.ts')}process.stdin.once('data', () => console.log(two(), name));\n`,
    'app/v.ts': LIB,
    'package.json': '{}',
  });
  const p = jurig(app, ['-w', 'app', 'app/main.ts']);
  try {
    const answers = [await p.ask('?')];
    answers.push(await p.waitFor(/^2 outside$/));
    assert.deepEqual(answers, ['one', '2 outside']);
    app.edit('app/v.ts', "'one'", "'two'");
    await p.askUntil('?', (l) => l === 'two');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('NODE_ENV=production: one warning that jurig is a development tool', async () => {
  const app = makeApp({ 'app.ts': `console.log('ran');\n` });
  const p = jurig(app, ['app.ts'], { env: { NODE_ENV: 'production' } });
  await p.exited;
  assert.deepEqual(p.out, ['ran']);
  assert.equal(p.err.length, 1, p.err.join('\n'));
  assert.match(p.err[0], /^jurig warning: NODE_ENV is production, but jurig is a development tool/);
  app.cleanup();
});

test('the transform cache folder is created only when a module is instrumented', async () => {
  const app = makeApp({ 'app.ts': `console.log('ran');\n`, 'src/lib.ts': `console.log('lib');\n` });
  let p = nodeRegister(app, ['app.ts'], { env: { JURIG_OPTIONS: JSON.stringify({ roots: [app.path('src')] }) } });
  await p.exited;
  assert.deepEqual(p.out, ['ran']);
  assert.ok(!existsSync(app.path('node_modules/.cache/jurig')), 'nothing instrumented: no cache folder');
  p = nodeRegister(app, ['app.ts']);
  await p.exited;
  assert.ok(existsSync(app.path('node_modules/.cache/jurig')), 'app.ts instrumented: cached');
  app.cleanup();
});
