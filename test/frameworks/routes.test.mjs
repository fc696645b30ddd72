// Real frameworks from npm, with routes written as inline arrows, edited the way people edit them: a route
// inserted above the others, then one route's body edited. The server keeps its port and its state, and
// every route answers with its own body (no handler runs another's code, no statement runs again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig, httpGet } from '../helpers.mjs';

/** Start the app, wait for its port; returns { p, url }. */
async function start(app) {
  const p = jurig(app, ['-v', 'server.ts']);
  const line = await p.waitFor(/^listening \d+$/);
  return { p, url: `http://127.0.0.1:${line.split(' ')[1]}` };
}

const noRerun = (p, lines) => {
  const runs = p.err.filter((l) => l.startsWith('Run '));
  assert.deepEqual(runs.filter((l) => !lines.some((x) => l.includes(x))), [], 'only the new statements ran:\n' + p.err.join('\n'));
  assert.ok(!p.err.some((l) => /jurig error|internal error|EADDRINUSE/.test(l)), p.err.join('\n'));
};

test('Express 5: a route inserted above the others, then one edited', async () => {
  const server = `import express from 'express';
const app = express();
let served = 0;
app.use((req, res, next) => { served++; next(); });
app.get('/hello/:name', (req, res) => { res.send('hello ' + req.params.name); });
app.get('/greet', (req, res) => res.send('greetings'));
app.get('/count', (req, res) => { res.send(String(served)); });
const listener = app.listen(0, '127.0.0.1', () => console.log('listening ' + (listener.address() as any).port));
`;
  const app = makeApp({ 'server.ts': server }, { frameworks: true });
  const { p, url } = await start(app);
  try {
    assert.equal(await httpGet(url + '/hello/a'), 'hello a');
    assert.equal(await httpGet(url + '/greet'), 'greetings');
    app.edit('server.ts', "app.get('/hello/:name'", "app.get('/ping', (req, res) => res.send('pong'));\napp.get('/hello/:name'");
    await p.waitFor(/^Run server\.ts:5: app\.get\('\/ping'/, { stream: 'err' });
    assert.equal(await httpGet(url + '/ping'), 'pong');
    assert.equal(await httpGet(url + '/hello/c'), 'hello c');
    assert.equal(await httpGet(url + '/greet'), 'greetings');
    app.edit('server.ts', "res.send('hello ' + req.params.name)", "res.send('hi ' + req.params.name)");
    await p.waitFor(/^Update server\.ts:6 app\.get\('\/hello\/:name'\) <arrow>$/, { stream: 'err' });
    assert.equal(await httpGet(url + '/hello/d'), 'hi d');
    assert.equal(await httpGet(url + '/greet'), 'greetings');
    assert.equal(await httpGet(url + '/ping'), 'pong');
    assert.equal(await httpGet(url + '/count'), '9', 'the request counter kept its state');
    noRerun(p, ["app.get('/ping'"]);
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('Fastify: a route added after listen is refused by Fastify and reported; the others keep their own bodies', async () => {
  const server = `import Fastify from 'fastify';
const app = Fastify();
let served = 0;
app.addHook('onRequest', async () => { served++; });
app.get('/hello/:name', async (req) => 'hello ' + (req.params as any).name);
app.get('/greet', async () => 'greetings');
app.get('/count', async () => String(served));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log('listening ' + (app.server.address() as any).port);
`;
  const app = makeApp({ 'server.ts': server }, { frameworks: true });
  const { p, url } = await start(app);
  try {
    assert.equal(await httpGet(url + '/hello/a'), 'hello a');
    app.edit('server.ts', "app.get('/hello/:name'", "app.get('/ping', async () => 'pong');\napp.get('/hello/:name'");
    // Fastify cannot add a route once listening: the statement's error is reported, nothing else changes
    await p.waitFor((l) => l.includes('server.ts:5') && l.includes('this statement threw'), { stream: 'err' });
    assert.equal(await httpGet(url + '/hello/b'), 'hello b');
    assert.equal(await httpGet(url + '/greet'), 'greetings');
    app.edit('server.ts', "async () => 'greetings'", "async () => 'greetings!'");
    await p.waitFor(/^Update server\.ts:7 app\.get\('\/greet'\) <arrow>$/, { stream: 'err' });
    assert.equal(await httpGet(url + '/greet'), 'greetings!');
    assert.equal(await httpGet(url + '/hello/c'), 'hello c');
    assert.equal(await httpGet(url + '/count'), '6', 'the request counter kept its state');
    assert.ok(!p.err.some((l) => /internal error|EADDRINUSE/.test(l)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('Hono on @hono/node-server: handlers edited after a route is inserted above them', async () => {
  const server = `import { Hono } from 'hono';
import { serve } from '@hono/node-server';
const app = new Hono();
let served = 0;
app.use(async (c, next) => { served++; await next(); });
app.get('/hello/:name', (c) => c.text('hello ' + c.req.param('name')));
app.get('/greet', (c) => c.text('greetings'));
app.get('/count', (c) => c.text(String(served)));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log('listening ' + info.port));
`;
  const app = makeApp({ 'server.ts': server }, { frameworks: true });
  const { p, url } = await start(app);
  try {
    assert.equal(await httpGet(url + '/hello/a'), 'hello a');
    // Hono's router refuses a route once it has matched a request: the error is reported, nothing else changes
    app.edit('server.ts', "app.get('/hello/:name'", "app.get('/ping', (c) => c.text('pong'));\napp.get('/hello/:name'");
    await p.waitFor((l) => l.includes('server.ts:6') && l.includes('this statement threw') && l.includes('matcher is already built'), { stream: 'err' });
    app.edit('server.ts', "c.text('hello ' + c.req.param('name'))", "c.text('hi ' + c.req.param('name'))");
    await p.waitFor(/^Update server\.ts:7 app\.get\('\/hello\/:name'\) <arrow>$/, { stream: 'err' });
    assert.equal(await httpGet(url + '/hello/b'), 'hi b');
    assert.equal(await httpGet(url + '/greet'), 'greetings');
    assert.equal(await httpGet(url + '/count'), '4', 'the request counter kept its state');
    assert.ok(!p.err.some((l) => /internal error|EADDRINUSE/.test(l)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});
