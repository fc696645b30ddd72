// Issue 14: a cluster primary with two workers under jurig. Every worker runs jurig's loader (cluster.fork
// inherits it), logs with its `[pid N]` prefix while the primary's lines stay plain, and gets every save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

test('cluster: each worker logs with [pid N] and gets the patch', async () => {
  const app = makeApp({
    'lib.ts': "export function word(): string {\n  return 'one';\n}\n",
    'app.ts': [
      "import cluster from 'node:cluster';",
      "import { word } from './lib.ts';",
      'if (cluster.isPrimary) {',
      '  const workers = [cluster.fork(), cluster.fork()];',
      "  for (const w of workers) w.on('message', (m) => console.log(`worker ${w.process.pid} ${m}`));",
      "  process.stdin.setEncoding('utf8');",
      "  process.stdin.on('data', () => { console.log(`primary ${word()}`); for (const w of workers) w.send('?'); });",
      "  process.stdin.on('end', () => { for (const w of workers) w.kill(); });",
      '} else {',
      "  process.on('message', () => process.send!(word()));",
      "  process.send!('ready');",
      '}',
      '',
    ].join('\n'),
  });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    const pids = [];
    for (let i = 0; i < 2; i++) {
      const line = await p.waitFor((l) => /^worker \d+ ready$/.test(l) && !pids.includes(Number(l.split(' ')[1])));
      pids.push(Number(line.split(' ')[1]));
    }
    await p.waitFor('Watch lib.ts', { stream: 'err' });
    for (const pid of pids) await p.waitFor(`[pid ${pid}] Watch lib.ts`, { stream: 'err' });
    app.edit('lib.ts', "'one'", "'two'");
    await p.waitFor('Update lib.ts:word', { stream: 'err' });
    for (const pid of pids) await p.waitFor(`[pid ${pid}] Update lib.ts:word`, { stream: 'err' });
    await p.askUntil('?', (l) => l === 'primary two');
    for (const pid of pids) await p.waitFor(`worker ${pid} two`);
    // every line is the primary's (plain) or a worker's, with its own pid
    const own = new Set(pids.map((pid) => `[pid ${pid}] `));
    for (const l of p.err) if (l.startsWith('[pid')) assert.ok(own.has(l.slice(0, l.indexOf(']') + 2)), `a line from an unknown process: ${l}`);
    assert.ok(!p.err.some((l) => l.includes(`[pid ${p.child.pid}]`)), `the primary has no prefix:\n${p.err.join('\n')}`);
    // each process said each thing once
    for (const pid of pids) assert.equal(p.err.filter((l) => l === `[pid ${pid}] Update lib.ts:word`).length, 1, p.err.join('\n'));
    assert.equal(p.err.filter((l) => l === 'Update lib.ts:word').length, 1, p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});
