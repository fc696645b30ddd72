// Issue 14: when more than one process logs (a forked child that runs jurig's loader too, a cluster
// worker), each of their lines says which process it comes from; the first process keeps plain lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

test('a forked child prefixes its log lines with [pid N]; the parent does not', async () => {
  const app = makeApp({
    'lib.ts': "export function word(): string {\n  return 'one';\n}\n",
    'child.ts': "import { word } from './lib.ts';\nprocess.on('message', () => process.send!(word()));\nprocess.send!(`pid ${process.pid}`);\n",
    'app.ts': [
      "import { fork } from 'node:child_process';",
      "import { word } from './lib.ts';",
      "const child = fork('./child.ts');",
      "child.on('message', (m) => console.log(`child ${m}`));",
      "process.stdin.setEncoding('utf8');",
      "process.stdin.on('data', () => { console.log(`parent ${word()}`); child.send('?'); });",
      "process.stdin.on('end', () => child.kill());",
      '',
    ].join('\n'),
  });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    const childPid = Number((await p.waitFor(/^child pid \d+$/)).split(' ')[2]);
    await p.waitFor('Watch lib.ts', { stream: 'err' });
    await p.waitFor(`[pid ${childPid}] Watch lib.ts`, { stream: 'err' });
    assert.ok(!p.err.some((l) => l.includes(`[pid ${p.child.pid}]`)), `the first process has no prefix:\n${p.err.join('\n')}`);
    app.edit('lib.ts', "'one'", "'two'");
    await p.waitFor('Update lib.ts:word', { stream: 'err' });
    await p.waitFor(`[pid ${childPid}] Update lib.ts:word`, { stream: 'err' });
    await p.askUntil('?', (l) => l === 'parent two');
    await p.waitFor('child two');
    assert.ok(p.err.every((l) => !/^\[pid/.test(l) || l.startsWith(`[pid ${childPid}] `)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});
