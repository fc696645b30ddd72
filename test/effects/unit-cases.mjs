// In-process tests of runtime/effects.ts, run once per mode (unit-als.test.mjs, unit-sync.test.mjs set
// JURIG_EFFECTS before importing this file): what a statement's owner records, what dispose undoes, what
// is never tracked, and that the wrappers look like the originals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import * as timersEsm from 'node:timers';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import * as fsEsm from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fx = await import('../../dist/runtime/effects.js');
const origOn = EventEmitter.prototype.on;
const origLength = setTimeout.length;
fx.installEffects();
const MODE = fx.effectsMode();
const require = createRequire(import.meta.url);
const reports = [];
fx.setDisposeReporter((r) => reports.push(r));
const owner = (line = 1) => new fx.Owner('/app.ts', line);
const settle = (ms = 5) => new Promise((r) => fx.outsideOwners(() => setTimeout(r, ms)));

test(`[${MODE}] the wrappers look like the originals`, () => {
  assert.equal(setTimeout.name, 'setTimeout');
  assert.equal(setTimeout.length, origLength);
  assert.equal(globalThis.setTimeout, require('node:timers').setTimeout);
  assert.equal(timersEsm.setTimeout, globalThis.setTimeout, 'ESM named export synced');
  assert.equal(fsEsm.watch, require('node:fs').watch);
  assert.equal(EventEmitter.prototype.on, EventEmitter.prototype.addListener);
  assert.equal(EventEmitter.prototype.on.name, origOn.name);
  assert.equal(EventEmitter.prototype.on.length, 2);
  assert.equal(typeof setTimeout[promisify.custom], 'function');
  const { Worker } = require('node:worker_threads');
  assert.equal(Worker.name, 'Worker');
});

test(`[${MODE}] timers, intervals and immediates made during a run are cleared by dispose`, async () => {
  const o = owner();
  let fired = 0;
  const long = fx.runAs(o, () => {
    setTimeout(() => fired++, 20);
    setInterval(() => fired++, 20);
    setImmediate(() => fired++);
    setTimeout(() => {}, 0).unref();
    clearTimeout(setTimeout(() => fired++, 5)); // cleared by the program: not pending
    return setTimeout(() => fired++, 5000);
  });
  const r = await fx.dispose(o);
  assert.deepEqual(r.summary, { timeout: 3, interval: 1, immediate: 1 });
  assert.equal(long._destroyed, true, 'a long timeout is cleared');
  await settle(40);
  assert.equal(fired, 0, 'short ones fire and do nothing');
});

test(`[${MODE}] what ended is not counted; nothing is tracked outside an owner`, async () => {
  const o = owner();
  fx.runAs(o, () => { setTimeout(() => {}, 0); setImmediate(() => {}); });
  await settle(10);
  const t = setInterval(() => {}, 1000); // outside any owner
  const r = await fx.dispose(o);
  assert.deepEqual(r.summary, {});
  clearInterval(t);
});

test(`[${MODE}] async continuations of a run belong to it`, async () => {
  const o = owner();
  let inner;
  await fx.runAs(o, async () => {
    await new Promise((r) => setTimeout(r, 1)); // resumes from a timer callback of the run
    if (MODE === 'sync') return; // sync mode: code after an await inside a function is not attributed
    inner = setInterval(() => {}, 1000);
  });
  fx.runAs(o, () => setTimeout(() => { setInterval(() => {}, 1000); }, 1)); // a timer callback's own timers
  await settle(10);
  const r = await fx.dispose(o);
  assert.equal(r.summary.interval, MODE === 'sync' ? 1 : 2);
  if (inner) assert.equal(inner._destroyed, true);
});

test(`[${MODE}] listeners: on, once, prepend, EventTarget with capture; removed by dispose`, async () => {
  const bus = new EventEmitter();
  const target = new EventTarget();
  const h = () => {};
  const o = owner();
  fx.runAs(o, () => {
    bus.on('a', h);
    bus.once('b', h);
    bus.prependListener('c', h);
    bus.once('fired', h);
    target.addEventListener('t', h, { capture: true });
    target.addEventListener('u', h);
  });
  bus.emit('fired');
  bus.on('a', () => {}); // outside: stays
  const r = await fx.dispose(o);
  assert.deepEqual(r.summary, { listener: 5 });
  assert.deepEqual([bus.listenerCount('a'), bus.listenerCount('b'), bus.listenerCount('c')], [1, 0, 0]);
  assert.deepEqual(EventEmitter.getEventListeners(target, 't').length + EventEmitter.getEventListeners(target, 'u').length, 0);
});

test(`[${MODE}] listeners Node adds for itself are never tracked`, async () => {
  const o = owner();
  const a = new PassThrough(), b = new PassThrough();
  let data = '';
  fx.runAs(o, () => {
    a.pipe(b); // pipe() adds listeners to both streams: Node's own
    b.on('data', (d) => { data += d; }); // the user's (Readable.on forwards to EventEmitter.on)
  });
  const internal = a.listenerCount('data') + a.listenerCount('end') + b.listenerCount('drain');
  const r = await fx.dispose(o);
  assert.deepEqual(r.summary, { listener: 1 });
  assert.equal(a.listenerCount('data') + a.listenerCount('end') + b.listenerCount('drain'), internal);
  let after = '';
  b.on('data', (d) => { after += d; });
  a.write('x');
  await settle();
  assert.equal(data, '', "the user's data listener was removed");
  assert.equal(after, 'x', 'the pipe still works');
});

test(`[${MODE}] a server closed by dispose frees its port at once`, async () => {
  const o = owner();
  const s = fx.runAs(o, () => createServer(() => {}).listen(0));
  await once(s, 'listening');
  const port = s.address().port;
  const r = await fx.dispose(o);
  assert.deepEqual(r.summary, { server: 1 });
  const again = createServer(() => {}).listen(port);
  await once(again, 'listening');
  again.close();
});

test(`[${MODE}] fs.watch and fs.watchFile watchers are closed`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jurig-fx-'));
  const file = join(dir, 'f.txt');
  writeFileSync(file, 'x');
  try {
    const o = owner();
    const w = fx.runAs(o, () => { fsEsm.watchFile(file, { interval: 50 }, () => {}); return fsEsm.watch(dir, () => {}); });
    const r = await fx.dispose(o);
    assert.deepEqual(r.summary, { watcher: 2 });
    assert.equal(w._handle, null);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test(`[${MODE}] child processes are killed and workers terminated`, async () => {
  const { spawn } = require('node:child_process');
  const { Worker } = require('node:worker_threads');
  const o = owner();
  const [child, worker] = fx.runAs(o, () => [
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']),
    new Worker('setInterval(() => {}, 1000)', { eval: true }),
  ]);
  assert.ok(worker instanceof Worker);
  await once(worker, 'online');
  const r = await fx.dispose(o);
  assert.deepEqual(r.summary, { worker: 1, 'child process': 1 });
  await once(child, 'exit');
  if (worker.threadId !== -1) await once(worker, 'exit');
});

test(`[${MODE}] onDispose: reverse order with the rest, once, awaited; errors reported`, async () => {
  const o = owner();
  const order = [];
  fx.runAs(o, () => {
    fx.addCleanup(o, () => order.push('first'));
    setInterval(() => {}, 1000);
    fx.addCleanup(o, () => { order.push('second'); return new Promise((r) => fx.outsideOwners(() => setTimeout(() => { order.push('awaited'); r(); }, 20))); });
    fx.addCleanup(o, () => { throw new Error('boom'); });
  });
  const r = await fx.dispose(o);
  assert.deepEqual(order, ['second', 'first', 'awaited']);
  assert.deepEqual(r.summary, { cleanup: 3, interval: 1 });
  assert.equal(r.errors.length, 1);
  const again = await fx.dispose(o);
  assert.deepEqual(again.summary, {});
});

test(`[${MODE}] keep: effects stay, cleanups still run`, async () => {
  const o = owner();
  let cleaned = 0;
  const t = fx.runAs(o, () => { o.keep = true; fx.addCleanup(o, () => cleaned++); return setInterval(() => {}, 1000); });
  const r = await fx.dispose(o);
  assert.equal(r.kept, true);
  assert.deepEqual(r.summary, { cleanup: 1 });
  assert.equal(t._destroyed, false);
  clearInterval(t);
});

test(`[${MODE}] a late continuation of a disposed run has its effects undone at once`, async () => {
  const o = owner();
  let late;
  fx.runAs(o, () => setTimeout(() => { late = setInterval(() => {}, 1000); }, 10));
  await fx.dispose(o); // clears the timeout; an effect made under o after this is undone immediately
  fx.runAs(o, () => { late = setInterval(() => {}, 1000); });
  assert.equal(late._destroyed, true);
});

test(`[${MODE}] millions of timeouts: the owner keeps only the live ones`, async () => {
  const o = owner();
  const N = 1_000_000;
  let done = 0, peak = 0;
  await new Promise((resolve) => {
    fx.runAs(o, () => {
      let made = 0;
      const step = () => {
        for (let i = 0; i < 20_000 && made < N; i++, made++) setTimeout(() => { if (++done === N) resolve(); }, 0);
        peak = Math.max(peak, o.shortTimeouts);
        if (made < N) setImmediate(step);
      };
      step();
    });
  });
  assert.ok(peak >= 20_000 && peak < 100_000, `peak ${peak} pending`);
  await settle();
  assert.equal(o.shortTimeouts + o.shortImmediates, 0, 'none pending');
  assert.equal(o.timers, null, 'short timeouts are never held');
  assert.equal(o.list, null);
  await fx.dispose(o);
});
