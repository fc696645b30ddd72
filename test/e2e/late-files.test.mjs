// A save whose new import names a file that does not exist yet (a checkout writes files one by one) waits
// for that file and applies when it appears; one warning if it does not appear within a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

const APP = `import { value } from './lib.ts';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(value()); });
`;

test('an import of a file created 300 ms after the save is applied when the file appears', async () => {
  const app = makeApp({ 'lib.ts': `export function value(): string {\n  return 'one';\n}\n`, 'app.ts': APP });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.ts', `import { two } from './new.js';\nexport function value(): string {\n  return 'one+' + two();\n}\n`);
    await new Promise((r) => setTimeout(r, 300)); // the checkout writes the next file 300 ms later: the input
    assert.equal(await p.ask('?'), 'one', 'nothing applied while new.ts is missing');
    app.write('new.ts', `export function two(): string {\n  return 'two';\n}\n`);
    await p.askUntil('?', (l) => l === 'one+two');
    // the new module is watched like the others
    app.edit('new.ts', "'two'", "'deux'");
    await p.askUntil('?', (l) => l === 'one+deux');
    assert.deepEqual(p.err, [], 'no internal error and no warning');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('an import that never appears is reported once; a later save without it applies', async () => {
  const app = makeApp({ 'lib.ts': `export function value(): string {\n  return 'one';\n}\n`, 'app.ts': APP });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.ts', `export function value(): string {\n  return 'one' + gone;\n}\nimport { gone } from './sub/gone.ts';\n`);
    const warning = await p.waitFor(/jurig warning lib\.ts:4: .*'\.\/sub\/gone\.ts'.*does not exist yet/, { stream: 'err' });
    assert.match(warning, /it is applied when the file appears/);
    app.write('lib.ts', `export function value(): string {\n  return 'three';\n}\n`);
    await p.askUntil('?', (l) => l === 'three');
    assert.equal(p.err.length, 1, p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});
