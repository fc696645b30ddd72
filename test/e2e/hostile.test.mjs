// Hostile input: a save nested deeper than SWC's stack allows (it would crash the process with SIGSEGV),
// or deeper than acorn's (a RangeError), is reported and changes nothing; code frames show control
// characters escaped, never raw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

const LIB = `export function value(): string {\n  return 'one';\n}\n`;
const APP = (lib) => `import { value } from './${lib}';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(value()); });
`;
const deepArray = (n) => `export const deep = ${'['.repeat(n)}${']'.repeat(n)};\n`;
const elseIfs = (n) => `export function pick(x: number): number {\n  if (x === 0) return 0;\n${Array.from({ length: n }, (_, i) => `  else if (x === ${i + 1}) return ${i + 1};\n`).join('')}  return -1;\n}\n`;

test('a TypeScript save nested 8,000 deep or with 20,000 `else if` branches is reported, not fatal', async () => {
  const app = makeApp({ 'lib.ts': LIB, 'app.ts': APP('lib.ts') });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.ts', LIB.replace("'one'", "'two'") + deepArray(8000));
    await p.waitFor(/jurig error lib\.ts:4:\d+: this text is nested too deeply to compile safely: about \d+ levels of nested brackets.*\(nothing was changed\)/, { stream: 'err' });
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.ts', LIB.replace("'one'", "'three'") + elseIfs(20000));
    await p.waitFor(/jurig error lib\.ts:\d+:\d+: this text is nested too deeply to compile safely: an `else if` chain of \d+ links/, { stream: 'err' });
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.ts', LIB.replace("'one'", "'four'") + elseIfs(300) + deepArray(200));
    await p.askUntil('?', (l) => l === 'four');
    assert.ok(p.err.every((l) => !l.includes('internal error')), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
  assert.equal(p.exitInfo.signal, 'SIGKILL', 'the program was still running (not killed by a signal of its own)');
});

test('a JavaScript save nested deeper than the analysis can recurse is reported, not fatal', async () => {
  const app = makeApp({ 'lib.mjs': LIB.replace('(): string', '()'), 'app.ts': APP('lib.mjs') });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.mjs', LIB.replace('(): string', '()').replace("'one'", "'two'") + deepArray(20000));
    // acorn bounds its own recursion (a syntax error); deeper analysis overflowing is a RangeError: both reported
    await p.waitFor(/jurig error lib\.mjs:\d+:\d+: (Not enough stack space to parse input|this text is nested too deeply for jurig to analyse).*\(nothing was changed\)/, { stream: 'err' });
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.mjs', LIB.replace('(): string', '()').replace("'one'", "'three'"));
    await p.askUntil('?', (l) => l === 'three');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a module nested too deeply at start fails like a syntax error, with no crash', async () => {
  const app = makeApp({ 'lib.ts': LIB + deepArray(8000), 'app.ts': APP('lib.ts') });
  const p = jurig(app, ['app.ts']);
  const { code, signal } = await p.exited;
  assert.equal(signal, null);
  assert.equal(code, 1);
  assert.ok(p.err.some((l) => /lib\.ts:4:\d+: this text is nested too deeply/.test(l)), p.err.join('\n'));
  app.cleanup();
});

test('code frames escape control characters', async () => {
  const app = makeApp({ 'lib.ts': LIB, 'app.ts': APP('lib.ts') });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'one');
    app.write('lib.ts', `export function value(): string {\n  return '\x1b[2J\u202e' +;\n}\n`);
    const frame = await p.waitFor((l) => l.startsWith('> 2 |'), { stream: 'err' });
    assert.equal(frame, "> 2 |   return '\\x1b[2J\\u202e' +;");
    assert.ok(p.err.every((l) => !/[\x1b\u202e]/.test(l)), 'no raw control character on stderr');
  } finally {
    await p.kill();
    app.cleanup();
  }
});
