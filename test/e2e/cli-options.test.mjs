// Issue 2: the CLI's watch options: --poll, -w (what is instrumented and watched), -d, --no-cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { makeApp, jurig } from '../helpers.mjs';

const files = {
  'src/lib.ts': `export function value(): string {\n  return 'one';\n}\n`,
  'app.ts': `import { value } from './src/lib.js';\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(value()); });\n`,
};

test('--poll applies saves by polling the files', async () => {
  const app = makeApp(files);
  const p = jurig(app, ['--poll', '40', 'app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.edit('src/lib.ts', "'one'", "'two'");
    await p.askUntil('?', (l) => l === 'two');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('-w limits what is instrumented and watched; -d and --no-cache are accepted', async () => {
  const app = makeApp(files);
  const p = jurig(app, ['-v', '-w', 'src', '-d', '20', '--no-cache', 'app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    await p.waitFor('Watch src/lib.ts', { stream: 'err' });
    assert.ok(!p.err.some((l) => l === 'Watch app.ts'), 'app.ts is outside the watch root');
    app.edit('src/lib.ts', "'one'", "'two'");
    await p.askUntil('?', (l) => l === 'two');
    assert.ok(!existsSync(app.path('node_modules/.cache/jurig')), 'no transform cache written');
  } finally {
    await p.kill();
    app.cleanup();
  }
});
