// Workers run the loader again and patch their own copy of the modules on a save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

test('a worker thread importing a TypeScript module is patched on save, like the main thread', async () => {
  const app = makeApp({
    'lib.ts': `export function who(): string { return 'v1'; }\n`,
    'worker.ts': `import { parentPort } from 'node:worker_threads';\nimport { who } from './lib.js';\nparentPort!.on('message', () => parentPort!.postMessage(who()));\n`,
    'main.ts': `import { Worker } from 'node:worker_threads';\nimport { who } from './lib.js';\nconst w = new Worker(new URL('./worker.ts', import.meta.url));\nlet pending: ((s: string) => void)[] = [];\nw.on('message', (m) => pending.shift()!(m));\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) { pending.push((m) => console.log(m + ' ' + who())); w.postMessage('?'); } });\nprocess.stdin.on('end', () => w.terminate());\n`,
  });
  const p = jurig(app, ['-v', 'main.ts']);
  try {
    assert.equal(await p.ask('?'), 'v1 v1');
    await p.waitFor(/^\[worker \d+\] Watch worker\.ts/, { stream: 'err' });
    app.edit('lib.ts', "'v1'", "'v2'");
    assert.equal(await p.askUntil('?', (l) => l === 'v2 v2'), 'v2 v2');
  } finally {
    await p.kill();
    app.cleanup();
  }
});
