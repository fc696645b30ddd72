// Issue 11: a re-run statement replaces what its last run set up. Counts are observed from inside the app
// (distinct intervals that fired in a window, emitter.listenerCount, ports answering) and compared with a
// fresh run of the final version of the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { makeApp, jurig, httpGet, ROOT } from '../helpers.mjs';

function linkJurig(app) { mkdirSync(app.path('node_modules'), { recursive: true }); symlinkSync(ROOT, app.path('node_modules/jurig'), 'dir'); }

// `?` → after a 300 ms window: how many distinct intervals fired in it, and the bus's listener counts
const PROBE = `
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) { live.clear(); setTimeout(() => console.log(JSON.stringify({ intervals: live.size, x: bus.listenerCount('x'), y: bus.listenerCount('y'), out })), 300); } });
`;
const HEAD = `import { EventEmitter } from 'node:events';
const live = new Set<unknown>();
const bus = new EventEmitter();
let out = '';
function tick(this: unknown) { live.add(this); }
`;

async function counts(p, pred = () => true) {
  return JSON.parse(await p.askUntil('?', (l) => { try { return pred(JSON.parse(l)); } catch { return false; } }));
}

/** The counts a fresh jurig run of `text` shows. */
async function fresh(files, name = 'app.ts') {
  const app = makeApp(files);
  linkJurig(app);
  const p = jurig(app, [name]);
  try { return await counts(p); } finally { await p.kill(); app.cleanup(); }
}

async function freePort() {
  const s = createServer().listen(0);
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

test('an edited setInterval delay leaves exactly one interval; a changed event name leaves one listener', async () => {
  const v1 = HEAD + `setInterval(tick, 20);\nbus.on('x', () => { out = 'x'; });\n` + PROBE;
  const v2 = HEAD + `setInterval(tick, 30);\nbus.on('y', () => { out = 'x'; });\n` + PROBE;
  const app = makeApp({ 'app.ts': v1 });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.deepEqual(await counts(p), { intervals: 1, x: 1, y: 0, out: '' });
    app.write('app.ts', v2);
    await p.waitFor(/^Run app\.ts:7: bus\.on\('y'/, { stream: 'err' });
    const after = await counts(p, (c) => c.y === 1);
    assert.deepEqual(after, { intervals: 1, x: 0, y: 1, out: '' });
    assert.ok(p.err.includes('Dispose app.ts:7: 1 listener'), p.err.join('\n'));
    assert.ok(p.err.includes('Dispose app.ts:6: 1 interval'), p.err.join('\n'));
    // the same again: still one of each
    app.write('app.ts', v2.replace('tick, 30', 'tick, 25'));
    await p.waitFor('Run app.ts:6: setInterval(tick, 25);', { stream: 'err' });
    assert.deepEqual(await counts(p), after);
    assert.deepEqual(after, await fresh({ 'app.ts': v2 }));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a deleted setInterval statement stops its timer; a listener body edit stays a patch', async () => {
  const v1 = HEAD + `setInterval(tick, 20);\nbus.on('x', () => { out = 'a'; });\nsetInterval(() => bus.emit('x'), 20);\n` + PROBE;
  const app = makeApp({ 'app.ts': v1 });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.deepEqual(await counts(p, (c) => c.out === 'a'), { intervals: 1, x: 1, y: 0, out: 'a' });
    // the listener's body changes: a patch, the listener stays registered, nothing is disposed
    const v2 = app.edit('app.ts', "out = 'a';", "out = 'b';");
    assert.deepEqual(await counts(p, (c) => c.out === 'b'), { intervals: 1, x: 1, y: 0, out: 'b' });
    assert.ok(!p.err.some((l) => l.startsWith('Dispose') || l.startsWith('Run')), p.err.join('\n'));
    // the interval's statement is deleted: its timer stops
    const v3 = app.edit('app.ts', 'setInterval(tick, 20);\n', '');
    await p.waitFor('Dispose app.ts:6: 1 interval', { stream: 'err' });
    const after = await counts(p, (c) => c.intervals === 0);
    assert.deepEqual(after, { intervals: 0, x: 1, y: 0, out: 'b' });
    assert.deepEqual((await counts(p)).intervals, 0, 'and stays stopped');
    assert.ok(v2 && v3);
    const f = await fresh({ 'app.ts': v3 });
    assert.deepEqual({ ...f, out: 'b' }, after);
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a changed listen(port) moves the server to the new port and closes the old one', async () => {
  const [a, b, c] = [await freePort(), await freePort(), await freePort()];
  const v1 = `import http from 'node:http';
const server = http.createServer((req, res) => res.end('one server'));
server.listen(${a});
http.createServer((req, res) => res.end('inline')).listen(${b});
console.log('ready');
process.stdin.resume();
`;
  const app = makeApp({ 'app.ts': v1 });
  const p = jurig(app, ['-v', 'app.ts']);
  const refused = (port) => httpGet(`http://127.0.0.1:${port}/`).then(() => false, (e) => e.code === 'ECONNREFUSED');
  try {
    await p.waitFor('ready');
    assert.equal(await httpGet(`http://127.0.0.1:${a}/`), 'one server');
    assert.equal(await httpGet(`http://127.0.0.1:${b}/`), 'inline');
    // the same server object moves from a to c; the inline server is re-created on the same port b
    app.write('app.ts', v1.replace(`server.listen(${a})`, `server.listen(${c})`).replace("'inline'", "'inline 2'").replace('.listen(' + b + ')', '.listen(' + b + ', () => console.log("listening again"))'));
    await p.waitFor('listening again');
    assert.equal(await httpGet(`http://127.0.0.1:${c}/`), 'one server');
    assert.ok(await refused(a), `port ${a} is closed`);
    assert.equal(await httpGet(`http://127.0.0.1:${b}/`), 'inline 2');
    assert.ok(p.err.includes('Dispose app.ts:3: 1 server'), p.err.join('\n'));
    assert.ok(p.err.includes('Dispose app.ts:4: 1 server'), p.err.join('\n'));
    assert.ok(!p.err.some((l) => /EADDRINUSE|ERR_SERVER_ALREADY_LISTEN|jurig error/.test(l)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('onDispose runs exactly once per re-run; keepEffects keeps a statement\'s timers', async () => {
  const v = (tag) => `import { onDispose, keepEffects } from 'jurig/api';
import { EventEmitter } from 'node:events';
const live = new Set<unknown>();
const bus = new EventEmitter();
let out = '';
function tick(this: unknown) { live.add(this); }
{
  const tag = '${tag}';
  onDispose(() => console.log('dispose ' + tag));
}
{ keepEffects(); setInterval(tick, 20); const kept = '${tag}'; }
` + PROBE;
  const app = makeApp({ 'app.ts': v('v1') });
  linkJurig(app);
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal((await counts(p)).intervals, 1);
    app.write('app.ts', v('v2'));
    await p.waitFor("Run app.ts:11: { keepEffects(); setInterval(tick, 20); const kept = 'v2'; }", { stream: 'err' });
    app.write('app.ts', v('v3'));
    await p.waitFor("Run app.ts:11: { keepEffects(); setInterval(tick, 20); const kept = 'v3'; }", { stream: 'err' });
    await p.waitFor('dispose v2');
    assert.deepEqual(p.out.filter((l) => l.startsWith('dispose')), ['dispose v1', 'dispose v2']);
    // kept: the intervals of all three runs tick
    assert.equal((await counts(p, (c) => c.intervals === 3)).intervals, 3);
    assert.ok(p.err.includes('Dispose app.ts:7: 1 cleanup'), p.err.join('\n'));
    assert.ok(!p.err.some((l) => l.startsWith('Dispose app.ts:11')), 'a kept statement with nothing else to run logs nothing');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('statements of a module with top-level await: an effect after the await belongs to its statement', async () => {
  const v = (d) => HEAD + `await new Promise((r) => setTimeout(r, 5));
const handle = (await Promise.resolve(tick)) && setInterval(tick, ${d});
bus.on('x', () => {});
` + PROBE;
  const app = makeApp({ 'app.ts': v(20) });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.deepEqual(await counts(p), { intervals: 1, x: 1, y: 0, out: '' });
    app.write('app.ts', v(25));
    await p.waitFor(/^Run app\.ts:7: const handle = /, { stream: 'err' });
    assert.ok(p.err.includes('Dispose app.ts:7: 1 interval'), p.err.join('\n'));
    const after = await counts(p);
    assert.deepEqual(after, { intervals: 1, x: 1, y: 0, out: '' }, 'the listener (after the awaits) is not attributed to the await statement');
    assert.deepEqual(after, await fresh({ 'app.ts': v(25) }));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('after an await inside a function: attributed on Node 24+, not on Node 20/22 (documented)', async () => {
  const major = Number((await import('node:child_process')).execFileSync(process.env.JURIG_TEST_NODE || process.execPath, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.')[0]);
  const v = (d) => HEAD + `async function main(delay: number) { await new Promise((r) => setTimeout(r, 5)); await Promise.resolve(); setInterval(tick, delay); }
main(${d});
` + PROBE;
  const app = makeApp({ 'app.ts': v(20) });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal((await counts(p)).intervals, 1);
    app.write('app.ts', v(25));
    await p.waitFor('Run app.ts:7: main(25);', { stream: 'err' });
    const expected = major >= 24 ? 1 : 2;
    assert.equal((await counts(p, (c) => c.intervals === expected)).intervals, expected);
  } finally {
    await p.kill();
    app.cleanup();
  }
});
