// A 5 MB module: saves of it apply (a function body, then the data and a statement), and the program keeps
// its state. How long big saves take, and the bigger shapes (tens of thousands of functions), are measured
// by bench/big-saves.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

const big = (v, tag) => {
  const rows = [];
  for (let i = 0; i < 72000; i++) rows.push(`  '${tag}-${i}-${'x'.repeat(60)}',`);
  return `let calls = 0;\nexport const DATA: string[] = [\n${rows.join('\n')}\n];\nexport function value(): string {\n  return '${v}:' + DATA.length + ':' + DATA[71999].slice(0, 7) + ':' + ++calls;\n}\n`;
};

test('a 5 MB module: a function edit and a data edit both apply', async () => {
  const first = big('one', 'a');
  assert.ok(first.length > 5 * 2 ** 20, `${first.length} bytes`);
  const app = makeApp({ 'lib.ts': first, 'app.ts': `import { value } from './lib.ts';\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(value()); });\n` });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?', { timeout: 60000 }), 'one:72000:a-71999:1');
    app.write('lib.ts', big('two', 'a'));
    const two = await p.askUntil('?', (l) => l.startsWith('two:'), { timeout: 60000 });
    assert.match(two, /^two:72000:a-71999:\d+$/);
    app.write('lib.ts', big('three', 'b'));
    const three = await p.askUntil('?', (l) => l.startsWith('three:'), { timeout: 60000 });
    assert.match(three, /^three:72000:b-71999:\d+$/);
    assert.ok(Number(three.split(':')[3]) > Number(two.split(':')[3]), 'the counter went on');
    assert.deepEqual(p.err, []);
  } finally {
    await p.kill();
    app.cleanup();
  }
});
