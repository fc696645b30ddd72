// Issue 14: the debugger is true after saves. A save that adds lines above unchanged code leaves V8 with the
// source map the module had at load; with the inspector open, jurig compiles the moved definitions again as
// new scripts with right maps, so a breakpoint on the line the user sees pauses at that statement. Stepping
// into a function skips jurig's guard: it maps to an ignore-listed source (what DevTools and VS Code skip).
// Driven over the inspector protocol (`jurig --inspect=0`), with breakpoints set as DevTools sets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { makeApp, jurig } from '../helpers.mjs';
import { connect, sourceMapped } from './cdp.mjs';

const LIB = [
  'export function f(x: number): number {',
  '  const y = x + 1;',
  '  return y * 2;',
  '}',
  'export function g(): number {',
  '  return 7;',
  '}',
  '',
].join('\n');
const ADDED = 'export function h(): number {\n  return 1;\n}\n';
const APP = [
  "import { f } from './lib.ts';",
  "process.stdin.setEncoding('utf8');",
  'process.stdin.on(\'data\', (d) => {',
  '  const r = f(Number(d));',
  '  console.log(`f ${r}`);',
  '});',
  '',
].join('\n');

async function start(env = {}) {
  const app = makeApp({ 'lib.ts': LIB, 'app.ts': APP });
  const p = jurig(app, ['--inspect=0', '-v', 'app.ts'], { env });
  const ws = (await p.waitFor(/Debugger listening on ws:/, { stream: 'err' })).match(/ws:\S+/)[0];
  await p.waitFor('Watch lib.ts', { stream: 'err' });
  const cdp = await connect(ws);
  const dbg = await sourceMapped(cdp);
  await cdp.send('Runtime.runIfWaitingForDebugger').catch(() => {});
  assert.equal(await p.ask('1'), 'f 4');
  return { app, p, cdp, dbg, lib: pathToFileURL(app.path('lib.ts')).href, appUrl: pathToFileURL(app.path('app.ts')).href };
}

/** Save lines added above f, and wait for the program to run the saved version. */
async function insertAbove(app, p) {
  app.save('lib.ts', ADDED + LIB);
  await p.waitFor('Add lib.ts:h', { stream: 'err' });
}

test('after a save that adds lines above f, a breakpoint on f\'s line pauses at that statement', async () => {
  const { app, p, cdp, dbg, lib } = await start();
  try {
    await insertAbove(app, p);
    // f's `const y = x + 1;` is on line 5 now (2 before the save)
    await dbg.breakAt(lib, 5);
    await dbg.mapped(/\?jurig=/, lib, 5); // the moved f, compiled again (its breakpoint bound)
    const paused = cdp.next('Debugger.paused');
    p.child.stdin.write('1\n');
    const { callFrames } = await paused;
    const top = callFrames[0].location;
    assert.deepEqual(dbg.original(top), { file: lib, line: 5, ignored: false });
    const text = await dbg.text(top.scriptId, top.lineNumber);
    assert.match(text, /^\s*const y = x \+ 1;\s*$/, `paused at the statement the user sees: ${text}`);
    await cdp.send('Debugger.resume');
    assert.equal(await p.waitFor('f 4'), 'f 4');
  } finally {
    cdp.close();
    await p.kill();
    app.cleanup();
  }
});

test('after a save that adds a comment line above f, a breakpoint on `const y` does not stop at `return y`', async () => {
  const { app, p, cdp, dbg, lib } = await start();
  try {
    app.save('lib.ts', '// a note\n' + LIB);
    await dbg.breakAt(lib, 3);
    await dbg.mapped(/\?jurig=/, lib, 3);
    const paused = cdp.next('Debugger.paused');
    p.child.stdin.write('1\n');
    const top = (await paused).callFrames[0].location;
    assert.deepEqual(dbg.original(top), { file: lib, line: 3, ignored: false });
    assert.match(await dbg.text(top.scriptId, top.lineNumber), /^\s*const y = x \+ 1;\s*$/);
    await cdp.send('Debugger.resume');
    await p.waitFor('f 4', { from: 1 });
  } finally {
    cdp.close();
    await p.kill();
    app.cleanup();
  }
});

test('stepping into a function skips jurig\'s guard (mapped to an ignore-listed source)', async () => {
  const { app, p, cdp, dbg, lib, appUrl } = await start();
  try {
    await insertAbove(app, p);
    await dbg.mapped(/\?jurig=/, lib, 5);
    await dbg.breakAt(appUrl, 4); // const r = f(Number(d));
    let paused = cdp.next('Debugger.paused');
    p.child.stdin.write('2\n');
    let frame = (await paused).callFrames[0];
    assert.equal(dbg.original(frame.location)?.line, 4);
    // a plain step into stops first in the guard of the function loaded at start: a source-mapped debugger
    // sees an ignore-listed place there, never a line of lib.ts
    paused = cdp.next('Debugger.paused');
    await cdp.send('Debugger.stepInto');
    frame = (await paused).callFrames[0];
    const first = dbg.original(frame.location);
    assert.equal(first?.ignored, true, `the first stop is jurig's guard, ignore-listed: ${JSON.stringify(first)}`);
    await cdp.send('Debugger.resume');
    await p.waitFor('f 6');
    // as a debugger that honours the ignore list steps (skipping those ranges): one stop, at f's first
    // statement, on the line it has now
    paused = cdp.next('Debugger.paused');
    p.child.stdin.write('2\n');
    await paused;
    paused = cdp.next('Debugger.paused');
    await cdp.send('Debugger.stepInto', { skipList: dbg.ignoredRanges() });
    frame = (await paused).callFrames[0];
    assert.deepEqual(dbg.original(frame.location), { file: lib, line: 5, ignored: false });
    assert.match(await dbg.text(frame.location.scriptId, frame.location.lineNumber), /^\s*const y = x \+ 1;\s*$/);
    await cdp.send('Debugger.resume');
    await p.waitFor((l) => l === 'f 6' && p.out.filter((x) => x === 'f 6').length === 2);
  } finally {
    cdp.close();
    await p.kill();
    app.cleanup();
  }
});

// The recompilation compiles an arrow together with the arrows inside it: an arrow inside a patched arrow
// must get its `this` from the code compiled around it. (Found by the recompilation; two ordinary saves
// hit it too: patch the inner arrow, then the outer one.)
const QUEUE = [
  'export class Queue {',
  '  #pending = 0;',
  '  #jobs: (() => Promise<void>)[] = [];',
  '  add(job: () => Promise<number>): Promise<number> {',
  '    return new Promise((resolve) => {',
  '      const run = async () => {',
  '        this.#pending++;',
  '        resolve(await job());',
  '        this.#pending--;',
  '      };',
  '      this.#jobs.push(run);',
  '    });',
  '  }',
  '  async drain(): Promise<number> { for (const r of this.#jobs.splice(0)) await r(); return this.#pending; }',
  '}',
  '',
].join('\n');
const QUEUE_APP = [
  "import { Queue } from './queue.ts';",
  'const q = new Queue();',
  'let n = 0;',
  "process.stdin.setEncoding('utf8');",
  "process.stdin.on('data', async () => { const p = q.add(async () => ++n); console.log(`pending ${await q.drain()} got ${await p}`); });",
  '',
].join('\n');

for (const [name, env, saves] of [
  ['two saves: the inner arrow, then the arrow around it', { JURIG_DEBUGGER: '0' }, [['this.#pending++;', 'this.#pending += 1;'], ['this.#jobs.push(run);', 'this.#jobs.push(run); void 0;']]],
  ['with a debugger: lines added above the class recompile both arrows', { JURIG_DEBUGGER: '1' }, [['export class Queue {', '// a note\n// another\nexport class Queue {']]],
]) {
  test(`an arrow inside a recompiled arrow keeps its \`this\` (${name})`, async () => {
    const app = makeApp({ 'queue.ts': QUEUE, 'app.ts': QUEUE_APP });
    const p = jurig(app, ['-v', 'app.ts'], { env: { ...env, JURIG_REALIGN_LOG: '1' } });
    try {
      assert.equal(await p.ask('?'), 'pending 0 got 1');
      let k = 1;
      for (const [from, to] of saves) {
        const errs = p.err.length;
        app.edit('queue.ts', from, to);
        await p.waitFor(env.JURIG_DEBUGGER === '1' ? /^jurig realign: [1-9]/ : /^Update queue\.ts/, { stream: 'err', from: errs });
        assert.equal(await p.ask('?'), `pending 0 got ${++k}`, p.err.join('\n'));
      }
    } finally {
      await p.kill();
      app.cleanup();
    }
  });
}
