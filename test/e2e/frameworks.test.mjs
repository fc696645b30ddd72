// Issue 11, frameworks: what happens to real Express (4 and 5) and Fastify apps when a route statement's
// path changes. The generic tracking cannot see a route (it is an entry in the framework's router, not a
// timer or a listener): without help both paths answer (Express), or the re-run is refused after listen
// (Fastify). With `liveRoutes(app)` (Express) or the dispatch-table recipe with `onDispose` (Fastify, as
// in the README) the changed route replaces the old one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { makeApp, jurig, ROOT } from '../helpers.mjs';

/** node_modules of the temp app: jurig itself, and the frameworks from jurig's devDependencies. */
function link(app, names) {
  mkdirSync(app.path('node_modules'), { recursive: true });
  symlinkSync(ROOT, app.path('node_modules/jurig'), 'dir');
  for (const n of names) symlinkSync(join(ROOT, 'node_modules', n), app.path(`node_modules/${n}`), 'dir');
}

async function freePort() {
  const s = createServer().listen(0);
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** GET → "status body" */
function get(port, path) {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve(`${res.statusCode} ${b}`));
    }).on('error', reject).end();
  });
}

async function untilAnswer(port, path, expected, p) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < 15000) {
    last = await get(port, path).catch((e) => e.code);
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`GET :${port}${path} never answered ${expected} (last: ${last})\nstderr:\n${p.err.join('\n')}`);
}

for (const pkg of ['express', 'express4']) {
  test(`${pkg === 'express' ? 'Express 5' : 'Express 4'}: a changed route path, without and with liveRoutes(app)`, async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const app = makeApp({
      'app.ts': `import express from '${pkg}';
import { liveRoutes } from 'jurig/api';
const plain = express();
const live = liveRoutes(express());
plain.get('/a', (req, res) => { res.send('plain route'); });
live.get('/a', (req, res) => { res.send('live route'); });
live.use((req, res) => { res.status(404).send('none'); });
plain.listen(${p1});
live.listen(${p2}, () => console.log('ready'));
`,
    });
    link(app, [pkg]);
    const p = jurig(app, ['-v', 'app.ts']);
    try {
      await p.waitFor('ready');
      assert.equal(await get(p2, '/a'), '200 live route');
      app.edit('app.ts', "plain.get('/a'", "plain.get('/b'");
      app.edit('app.ts', "live.get('/a'", "live.get('/b'");
      await untilAnswer(p2, '/b', '200 live route', p);
      assert.equal(await get(p2, '/a'), '404 none', 'with liveRoutes the old path is gone');
      await untilAnswer(p1, '/b', '200 plain route', p);
      assert.equal(await get(p1, '/a'), '200 plain route', 'without it both paths answer (the router is not a tracked effect)');
      assert.ok(p.err.includes('Dispose app.ts:6: 1 cleanup'), p.err.join('\n'));
    } finally {
      await p.kill();
      app.cleanup();
    }
  });
}

test('Fastify: a changed route path is refused after listen; the onDispose dispatch-table recipe replaces it', async () => {
  const [p1, p2] = [await freePort(), await freePort()];
  const app = makeApp({
    'app.ts': `import Fastify from 'fastify';
import { onDispose } from 'jurig/api';
type Handler = (req: unknown, reply: unknown) => unknown;

const plain = Fastify();
plain.get('/a', async () => 'plain route');

// the recipe: routes live in a table that a catch-all route dispatches through
const live = Fastify();
const routes = new Map<string, Handler>();
function route(method: string, url: string, handler: Handler) {
  const key = method + ' ' + url;
  routes.set(key, handler);
  onDispose(() => { if (routes.get(key) === handler) routes.delete(key); });
}
live.all('/*', (req, reply) => {
  const handler = routes.get(req.method + ' ' + req.url.split('?')[0]);
  return handler ? handler(req, reply) : reply.code(404).send('none');
});
route('GET', '/a', async () => 'live route');

await plain.listen({ port: ${p1}, host: '127.0.0.1' });
await live.listen({ port: ${p2}, host: '127.0.0.1' });
console.log('ready');
`,
  });
  link(app, ['fastify']);
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    await p.waitFor('ready');
    assert.equal(await get(p2, '/a'), '200 live route');
    app.edit('app.ts', "plain.get('/a'", "plain.get('/b'");
    app.edit('app.ts', "route('GET', '/a'", "route('GET', '/b'");
    await untilAnswer(p2, '/b', '200 live route', p);
    assert.equal(await get(p2, '/a'), '404 none', 'with the recipe the old path is gone');
    await p.waitFor(/jurig error app\.ts:6:1: this statement threw.*(already listening|Cannot add route)/, { stream: 'err' });
    assert.equal(await get(p1, '/a'), '200 plain route', 'without it Fastify refuses the new route and keeps the old');
    assert.match(await get(p1, '/b'), /^404 /);
  } finally {
    await p.kill();
    app.cleanup();
  }
});
