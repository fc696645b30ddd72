// Issue 14: in an npm/yarn/pnpm workspace, the packages the program imports (through node_modules links)
// are live wherever jurig starts in it, with `node --preserve-symlinks` too; a package linked from outside
// the roots is named once in a warning, and JURIG_WATCH adds a root for `node --import` users.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeApp, jurig, nodeRegister } from '../helpers.mjs';

const LIB = "export function word(): string {\n  return 'one';\n}\n";
const APP = "import { word } from '@acme/lib';\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', () => console.log(word()));\n";

/** A workspace: root package.json (npm/yarn) or pnpm-workspace.yaml, packages/app importing @acme/lib. */
function workspace({ pnpm = false } = {}) {
  const app = makeApp({
    'package.json': JSON.stringify(pnpm ? { name: 'root', private: true } : { name: 'root', private: true, workspaces: ['packages/*'] }),
    ...(pnpm ? { 'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n" } : {}),
    'packages/lib/package.json': JSON.stringify({ name: '@acme/lib', type: 'module', exports: './index.ts' }),
    'packages/lib/index.ts': LIB,
    'packages/app/package.json': JSON.stringify({ name: 'app', type: 'module', dependencies: { '@acme/lib': 'workspace:*' } }),
    'packages/app/app.ts': APP,
  });
  // npm and yarn link workspace packages in the root's node_modules; pnpm in the importing package's
  const link = app.path(pnpm ? 'packages/app/node_modules/@acme/lib' : 'node_modules/@acme/lib');
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(pnpm ? '../../../lib' : '../../packages/lib', link);
  return { ...app, dir: app.dir, appDir: { ...app, dir: app.path('packages/app') } };
}

async function liveLib(ws, p, watchLine) {
  try {
    assert.equal(await p.ask('?'), 'one');
    await p.waitFor(watchLine, { stream: 'err' });
    ws.edit('packages/lib/index.ts', "'one'", "'two'");
    await p.askUntil('?', (l) => l === 'two');
    assert.ok(!p.err.some((l) => l.includes('warning')), p.err.join('\n'));
  } finally {
    await p.kill();
    ws.cleanup();
  }
}

test('npm workspace: run from packages/app, the workspace package @acme/lib is live', async () => {
  const ws = workspace();
  await liveLib(ws, jurig(ws.appDir, ['-v', 'app.ts']), 'Watch ../lib/index.ts');
});

test('npm workspace with -w: the workspace packages stay live', async () => {
  const ws = workspace();
  await liveLib(ws, jurig(ws.appDir, ['-v', '-w', '.', 'app.ts']), 'Watch ../lib/index.ts');
});

test('pnpm workspace, node --import: the workspace package is live', async () => {
  const ws = workspace({ pnpm: true });
  await liveLib(ws, nodeRegister(ws.appDir, ['app.ts'], { env: { JURIG_OPTIONS: JSON.stringify({ verbose: true }) } }), 'Watch ../lib/index.ts');
});

test('pnpm workspace with --preserve-symlinks: the package runs under node_modules and is live', async () => {
  const ws = workspace({ pnpm: true });
  await liveLib(ws, jurig(ws.appDir, ['--preserve-symlinks', '-v', 'app.ts']), 'Watch node_modules/@acme/lib/index.ts');
});

test('npm workspace with node --preserve-symlinks --import: live', async () => {
  const ws = workspace();
  await liveLib(ws, nodeRegister(ws.appDir, ['--preserve-symlinks', 'app.ts'], { env: { JURIG_OPTIONS: JSON.stringify({ verbose: true }) } }), 'Watch ../../node_modules/@acme/lib/index.ts');
});

/** A project (not a workspace) that imports a package linked from a folder beside it (npm link, file:). */
function linkedOutside() {
  const all = makeApp({
    'extlib/package.json': JSON.stringify({ name: 'extlib', type: 'module', exports: './index.ts' }),
    'extlib/index.ts': LIB,
    'proj/package.json': JSON.stringify({ name: 'proj', type: 'module' }),
    'proj/app.ts': APP.replace('@acme/lib', 'extlib'),
  });
  mkdirSync(all.path('proj/node_modules'), { recursive: true });
  symlinkSync('../../extlib', all.path('proj/node_modules/extlib'));
  return { all, proj: { ...all, dir: all.path('proj') } };
}

test('a linked package outside the roots is named once in a warning; JURIG_WATCH makes it live', async () => {
  const { all, proj } = linkedOutside();
  let p = jurig(proj, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    const warn = await p.waitFor(/warning.*extlib.*not live/, { stream: 'err' });
    assert.match(warn, /JURIG_WATCH=\.\.\/extlib/);
    assert.equal(p.err.filter((l) => l.includes('not live')).length, 1, p.err.join('\n'));
  } finally {
    await p.kill();
  }
  p = nodeRegister(proj, ['app.ts'], { env: { JURIG_WATCH: join('..', 'extlib'), JURIG_OPTIONS: JSON.stringify({ verbose: true }) } });
  try {
    assert.equal(await p.ask('?'), 'one');
    await p.waitFor('Watch ../extlib/index.ts', { stream: 'err' });
    all.edit('extlib/index.ts', "'one'", "'two'");
    await p.askUntil('?', (l) => l === 'two');
    assert.ok(!p.err.some((l) => l.includes('not live')), p.err.join('\n'));
  } finally {
    await p.kill();
    all.cleanup();
  }
});
