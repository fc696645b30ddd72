// Watcher faults: a watched folder renamed away and created again, and native watching failing for lack of
// inotify watches (ENOSPC) or instances (EMFILE). A test cannot use up the system's inotify limits, so the
// runtime's test hook JURIG_TEST_WATCH_ERROR=<code> makes every fs.watch call fail with that code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { makeApp, jurig } from '../helpers.mjs';

const lib = (v) => `export function value(): string {\n  return '${v}';\n}\n`;
const APP = `import { value } from './src/lib.ts';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(value()); });
`;

test('a watched folder renamed away and created again is watched again', async () => {
  const app = makeApp({ 'src/lib.ts': lib('one'), 'app.ts': APP });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.write('src/lib.ts', lib('one-b')); // the watcher is running
    await p.askUntil('?', (l) => l === 'one-b');
    renameSync(app.path('src'), app.path('src.old'));
    mkdirSync(app.path('src'));
    app.write('src/lib.ts', lib('two')); // a checkout writes the folder again
    await p.askUntil('?', (l) => l === 'two');
    app.write('src/lib.ts', lib('three')); // and the new folder is watched
    await p.askUntil('?', (l) => l === 'three');
    app.write('src.old/lib.ts', lib('old')); // the folder that went away is not
    app.write('src/lib.ts', lib('four'));
    await p.askUntil('?', (l) => l === 'four');
    assert.ok(!p.out.includes('old'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

for (const [code, limit] of [['ENOSPC', 'fs.inotify.max_user_watches'], ['EMFILE', 'fs.inotify.max_user_instances']]) {
  test(`${code} from the file watcher: one warning naming ${limit}, then saves are polled`, async () => {
    const files = { 'app.ts': APP.replace("import { value } from './src/lib.ts';", "import { value } from './src/lib.ts';\nimport './more/index.ts';"), 'src/lib.ts': lib('one') };
    const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const n of names) files[`more/${n}/${n}.ts`] = `export const ${n} = 1;\n`;
    files['more/index.ts'] = names.map((n) => `import './${n}/${n}.ts';`).join('\n') + '\n';
    const app = makeApp(files);
    const p = jurig(app, ['app.ts'], { env: { JURIG_TEST_WATCH_ERROR: code } });
    try {
      assert.equal(await p.ask('?'), 'one');
      const warning = await p.waitFor(new RegExp(`jurig warning:? .*\\(${code}\\); raise ${limit.replace(/\./g, '\\.')}.*polls the watched files`), { stream: 'err' });
      app.edit('src/lib.ts', "'one'", "'two'");
      await p.askUntil('?', (l) => l === 'two');
      app.save('src/lib.ts', lib('three'));
      await p.askUntil('?', (l) => l === 'three');
      assert.deepEqual(p.err, [warning], 'one line for all 22 folders');
    } finally {
      await p.kill();
      app.cleanup();
    }
  });
}

test('a module imported through a symbolic link: the link pointed elsewhere, then replaced by a rename save', async () => {
  const app = makeApp({ 'shared/lib.ts': lib('one'), 'v2/lib.ts': lib('two'), 'app.ts': APP.replace('./src/lib.ts', './lib.ts') });
  symlinkSync('shared/lib.ts', app.path('lib.ts'));
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    await p.waitFor('Watch shared/lib.ts', { stream: 'err' }); // Node runs it under its real path
    app.write('lib.ts', lib('one-b')); // through the link: the target changes
    await p.askUntil('?', (l) => l === 'one-b');
    // a tool points the link at another file (a new link renamed over it)
    symlinkSync('v2/lib.ts', app.path('lib.ts.tmp'));
    renameSync(app.path('lib.ts.tmp'), app.path('lib.ts'));
    await p.askUntil('?', (l) => l === 'two');
    app.write('v2/lib.ts', lib('two-b')); // its new target is watched
    await p.askUntil('?', (l) => l === 'two-b');
    app.save('lib.ts', lib('three')); // an editor's rename save: a regular file where the link was
    await p.askUntil('?', (l) => l === 'three');
    app.write('lib.ts', lib('four'));
    await p.askUntil('?', (l) => l === 'four');
    assert.ok(!p.err.some((l) => /error/.test(l)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});
