// Issue 2: closures that cannot take new code in place (a new captured variable, a new parameter) are
// re-created by their parent: closures made before the save keep their code, with a clear warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

const APP = `export function makeCounter(step: number) {
  let count = 0;
  const label = 'n';
  return () => {
    count += step;
    return count;
  };
}
export const add = (a: number) => a + 1;
const old = makeCounter(1);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(JSON.stringify([old(), makeCounter(1)(), add(1, 5)])); });
`;

test('a closure that now uses an outer variable it did not capture: new closures get it, old ones keep their code', async () => {
  const app = makeApp({ 'app.ts': APP });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), '[1,1,2]');
    app.edit('app.ts', 'return count;', 'return label + count;');
    await p.waitFor(/warning app\.ts:4: makeCounter\/<arrow> .*closures made before this save keep their old code/, { stream: 'err' });
    const [oldCount, fresh, sum] = JSON.parse(await p.askUntil('?', (l) => l.includes('"n1"')));
    assert.ok(typeof oldCount === 'number' && oldCount > 1, 'the old closure kept counting with its old code');
    assert.deepEqual([fresh, sum], ['n1', 2]);
    // an arrow that gains a parameter is re-created (importers see the new one)
    app.edit('app.ts', 'export const add = (a: number) => a + 1;', 'export const add = (a: number, b = 0) => a + b;');
    await p.waitFor(/warning app\.ts:9: add is re-created/, { stream: 'err' });
    assert.match(await p.askUntil('?', (l) => l.endsWith(',6]')), /^\[\d+,"n1",6\]$/);
  } finally {
    await p.kill();
    app.cleanup();
  }
});
