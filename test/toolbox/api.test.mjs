// jurig/api: watch() with onBefore/onAfter listeners (one throws), the event stream, register() from a dev server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { makeApp, jurig, Proc, NODE, ROOT } from '../helpers.mjs';

function linkJurig(app) { mkdirSync(app.path('node_modules'), { recursive: true }); symlinkSync(ROOT, app.path('node_modules/jurig'), 'dir'); }

// one save, then wait (a save made before the watcher is ready is compared with what runs when it starts)
async function editUntil(app, name, from, to, waitFn) {
  app.edit(name, from, to);
  return waitFn();
}

const ROUTES = `export function home(): string {
  return 'home v1';
}
`;

const SERVER = `import { watch, on, type JurigEvent } from 'jurig/api';
import * as routes from './routes.ts';

let table: Record<string, () => string> = {};
const register = () => { table = { ...routes }; };
register();

const w = watch('routes.ts');
w.onBefore((file) => console.log('before ' + file.split('/').pop()));
w.onBefore(() => { throw new Error('a broken listener'); });
w.onAfter((file, summary) => { register(); console.log('after ' + summary.events.map((e) => e.type + ' ' + ('path' in e ? e.path : '')).join(', ')); });
watch('other/**/*.ts').onAfter(() => console.log('must not be called'));
on((e: JurigEvent) => { if (e.type === 'update' || e.type === 'add') console.log('event ' + e.type + ' ' + e.path + ' line ' + e.line); });

setInterval(() => {}, 1000);
process.stdin.on('data', () => console.log(Object.keys(table).map((k) => k + '=' + table[k]()).join(' ')));
console.log('ready');
`;

test('watch(): onBefore/onAfter around a save, a throwing listener is reported and patching goes on; on() streams events', async () => {
  const app = makeApp({ 'routes.ts': ROUTES, 'server.ts': SERVER });
  linkJurig(app);
  const p = jurig(app, ['server.ts']);
  try {
    await p.waitFor('ready');
    assert.equal(await p.ask('?'), 'home=home v1');
    await editUntil(app, 'routes.ts', "'home v1'", "'home v2'", () => p.waitFor('after update home'));
    assert.ok(p.out.includes('before routes.ts'));
    assert.ok(p.out.includes('event update home line 1'));
    await p.waitFor('a watch() onBefore listener threw (patching goes on): Error: a broken listener', { stream: 'err' });
    const from = p.out.length;
    await editUntil(app, 'routes.ts', 'home v2\';\n}\n', "home v2';\n}\nexport function about(): string {\n  return 'about';\n}\n", () => p.waitFor('after add about', { from }));
    assert.ok(p.out.includes('event add about line 4'));
    assert.equal(await p.ask('?'), 'home=home v2'); // (a new export reaches importers after a restart)
    assert.ok(!p.out.includes('must not be called'));
  } finally { await p.kill(); app.cleanup(); }
});

const DEV_SERVER = `// what a framework's dev server does: install jurig, then import the app
import { register, watch } from 'jurig/api';
const jurig = await register({ watch: 'src' });
const app = await import('./src/app.ts');
watch().onAfter(() => console.log('re-render: ' + app.render()));
console.log('first render: ' + app.render());
process.stdin.on('data', async () => { await jurig.close(); console.log('closed'); process.stdin.pause(); });
`;

test('register(): a dev server installs jurig programmatically; the result closes', async () => {
  const app = makeApp({
    'dev.mjs': DEV_SERVER,
    'src/app.ts': `export function render(): string {\n  return '<h1>v1</h1>';\n}\n`,
  });
  linkJurig(app);
  const p = new Proc(spawn(NODE, ['dev.mjs'], { cwd: app.dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] }));
  try {
    await p.waitFor('first render: <h1>v1</h1>');
    await editUntil(app, 'src/app.ts', 'v1', 'v2', () => p.waitFor('re-render: <h1>v2</h1>'));
    p.child.stdin.write('close\n');
    await p.waitFor('closed');
    p.child.stdin.end();
    const { code } = await p.exited;
    assert.equal(code, 0, p.err.join('\n'));
  } finally { await p.kill(); app.cleanup(); }
});
