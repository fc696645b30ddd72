// Issue 3: true line numbers after lines move; class-level edits (fields, extends) and what they do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

const APP = `import { fail } from './lib.js';
function label(): string { return 'traced'; }
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  for (const cmd of d.trim().split('\\n')) {
    if (cmd === 'stack') { try { fail(); } catch (e) { console.log(JSON.stringify((e as Error).stack!.split('\\n')[1])); } }
    if (cmd === 'trace') { console.trace('here'); console.log(label()); }
    if (cmd === 'crash') setTimeout(() => fail(), 0);
  }
});
`;
const LIB = `export function fail(): never {
  throw new Error('boom');
}
`;

test('after lines are inserted above an unchanged function, its errors show its current line', async () => {
  const app = makeApp({ 'app.ts': APP, 'lib.ts': LIB });
  const p = jurig(app, ['app.ts']);
  try {
    assert.match(await p.ask('stack'), /lib\.ts:2:\d+\)?"$/);
    app.write('lib.ts', `// a comment\n// another\n/** and a doc\n */\n${LIB}`);
    await p.askUntil('stack', (l) => /lib\.ts:6:\d+\)?"$/.test(l));
    // console.trace shows the caller's current line too: insert a line above it in app.ts
    app.write('app.ts', `// moved down\n${APP.replace("return 'traced'", "return 'traced again'")}`);
    await p.askUntil('trace', (l) => l === 'traced again');
    const traces = p.err.filter((l) => /app\.ts:\d+:/.test(l));
    assert.match(traces.at(-1), /app\.ts:8:/, 'the handler moved from line 7 to 8:\n' + p.err.join('\n'));
    // and the uncaught-error printout
    p.child.stdin.write('crash\n');
    await p.exited;
    assert.ok(p.err.some((l) => /lib\.ts:6\b/.test(l)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('errors inside patched code and re-run statements point at the file', async () => {
  const app = makeApp({ 'app.ts': APP, 'lib.ts': LIB });
  const p = jurig(app, ['app.ts']);
  try {
    await p.ask('stack');
    app.write('lib.ts', `\n\nexport function fail(): never {\n  const x = 1;\n  throw new Error('boom ' + x);\n}\n`);
    await p.askUntil('stack', (l) => /lib\.ts:5:\d+\)?"$/.test(l));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

const SHAPES = `export class Base { kind(): string { return 'base'; } }
export class Other { kind(): string { return 'other'; } }
export class Point extends Base {
  x = 1;
  y = 2;
  sum(): number { return this.x + this.y; }
}
`;
const MAIN = `import { Point } from './shapes.js';
import * as shapes from './shapes.js';
const old = new Point();
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) { const fresh = new shapes.Point(); console.log(JSON.stringify([old.sum(), fresh.sum(), old.kind(), fresh.kind()])); } });
`;

test('a changed field initializer applies to instances made after the save; existing ones keep their data', async () => {
  const app = makeApp({ 'shapes.ts': SHAPES, 'main.ts': MAIN });
  const p = jurig(app, ['-v', 'main.ts']);
  try {
    assert.equal(await p.ask('?'), '[3,3,"base","base"]');
    app.edit('shapes.ts', 'y = 2;', 'y = 20;');
    assert.equal(await p.askUntil('?', (l) => l !== '[3,3,"base","base"]'), '[3,21,"base","base"]');
    await p.waitFor(/warning shapes\.ts:3: .*Point/, { stream: 'err' });
    // a method edit reaches the old instance and the new class alike
    app.edit('shapes.ts', 'return this.x + this.y;', 'return (this.x + this.y) * 2;');
    assert.equal(await p.askUntil('?', (l) => l.startsWith('[6')), '[6,42,"base","base"]');
    // a changed base class
    app.edit('shapes.ts', 'class Point extends Base', 'class Point extends Other');
    assert.equal(await p.askUntil('?', (l) => l.includes('other')), '[6,42,"base","other"]');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

// A save that changes many functions compiles them as one script with one source map (runtime/compile.ts):
// each function's errors still point at its own line.
test('a save changing many functions at once: each one\'s errors show its own line', async () => {
  const fns = (tag, gap) => Array.from({ length: 30 }, (_, i) => `export function f${i}(): never {${'\n'.repeat(gap)}\n  throw new Error('${tag}${i}');\n}\n`).join('');
  const app = makeApp({
    'lib.ts': fns('a', 0),
    'app.ts': `import * as lib from './lib.ts';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  for (const n of d.trim().split('\\n')) { try { (lib as Record<string, () => never>)['f' + n](); } catch (e) { console.log((e as Error).message + ' ' + JSON.stringify((e as Error).stack!.split('\\n')[1])); } }
});
`,
  });
  const p = jurig(app, ['app.ts']);
  try {
    assert.match(await p.ask('0'), /^a0 .*lib\.ts:2:\d+\)?"$/);
    // every function changes, and gains two blank lines: f<i> now throws on line 5 * i + 4
    app.write('lib.ts', fns('b', 2));
    await p.askUntil('0', (l) => l.startsWith('b0 '));
    for (const i of [0, 1, 17, 29]) assert.match(await p.ask(String(i)), new RegExp(`^b${i} .*lib\\.ts:${5 * i + 4}:\\d+\\)?"$`));
  } finally {
    await p.kill();
    app.cleanup();
  }
});
