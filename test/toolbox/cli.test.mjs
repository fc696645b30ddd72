// The CLI toolbox as a user drives it: the live REPL, -i, -m module:function, --loop, --xloop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

// Edit a file and wait for pred; the edit is written again every second (a save made while the file
// watcher is still starting is not seen).
async function editUntil(_p, app, name, from, to, waitFn) {
  const text = app.edit(name, from, to);
  const timer = setInterval(() => app.write(name, text), 1000);
  try { return await waitFn(); } finally { clearInterval(timer); }
}

const LIB = `export function hi(name: string): string {
  return 'hi ' + name;
}
`;

test('REPL: answers a TypeScript expression and sees a live function change after a save', async () => {
  const app = makeApp({ 'lib.ts': LIB });
  const p = jurig(app, []);
  try {
    // an import prints nothing; the next input runs after it has finished
    p.child.stdin.write("import { hi } from './lib.ts'\n");
    assert.match(await p.ask('const n: number = 40 + 2; n'), /42$/);
    assert.match(await p.ask('hi("x") as string'), /'hi x'$/);
    await editUntil(p, app, 'lib.ts', "'hi '", "'HEY '", () => p.askUntil('hi("x")', (l) => l.endsWith("'HEY x'")));
  } finally { await p.kill(); app.cleanup(); }
});

test('-i: the REPL starts after the script, with its module scope', async () => {
  const app = makeApp({ 'app.ts': `let counter: number = 5;\nfunction bump(): number { return ++counter; }\nconsole.log('script done');\n` });
  const p = jurig(app, ['-i', 'app.ts']);
  try {
    await p.waitFor('script done');
    assert.match(await p.ask('bump()'), /6$/);
    assert.match(await p.ask('counter = 100'), /100$/);
    assert.match(await p.ask('bump()'), /101$/);
    // after the save, bump() adds 10 to the same counter
    let prev = null;
    const steps10 = (l) => { const v = Number(l.match(/(\d+)$/)?.[1]); const ok = prev !== null && v - prev === 10; prev = v; return ok; };
    await editUntil(p, app, 'app.ts', 'return ++counter;', 'return counter += 10;', () => p.askUntil('bump()', steps10));
  } finally { await p.kill(); app.cleanup(); }
});

test('-m module:function calls the export, with the remaining args in process.argv', async () => {
  const app = makeApp({ 'tools/build.ts': `export function main(): string {\n  console.log('args ' + JSON.stringify(process.argv.slice(2)));\n  return 'built';\n}\nconsole.log('imported');\n` });
  const p = jurig(app, ['-m', 'tools/build:main', 'a', '--flag', 'b']);
  try {
    const { code } = await p.exited;
    assert.equal(code, 0, p.err.join('\n'));
    assert.deepEqual(p.out, ['imported', 'args ["a","--flag","b"]', 'built']);
  } finally { await p.kill(); app.cleanup(); }
  const app2 = makeApp({ 'mod.js': `console.log('just imported', process.argv.slice(2).join(' '));\n` });
  const q = jurig(app2, ['-m', './mod.js', 'x']);
  try {
    assert.equal((await q.exited).code, 0);
    assert.deepEqual(q.out, ['just imported x']);
  } finally { await q.kill(); app2.cleanup(); }
});

const LOOPY = `export function compute(n: number): number {
  console.log('computing', n);
  return n + 1;
}
class Calc {
  twice(n: number): number {
    if (n > 1) throw new Error('too big: ' + n);
    return n * 2;
  }
}
const r = await compute(41);
console.log('after compute', r);
const t = await new Calc().twice(5);
console.log('after twice', t);
`;

test('--loop: runs the function, re-runs it after a save, continues on c', async () => {
  const app = makeApp({ 'app.ts': LOOPY });
  const p = jurig(app, ['--loop', 'compute', 'app.ts']);
  try {
    await p.waitFor(/^#1 \(ok in .* ms\) \| \(c\)ontinue \| \(r\)erun \| \(q\)uit/);
    assert.ok(p.out.includes('computing 41'));
    assert.ok(p.out.includes('42'));
    const from = p.out.length;
    await editUntil(p, app, 'app.ts', 'return n + 1;', 'return n + 2;', () => p.waitFor(/^#2 \(ok/, { from }));
    assert.ok(p.out.slice(from).includes('43'), p.out.join('\n'));
    assert.ok(p.out.slice(from).some((l) => l.startsWith('re-run after: update app.ts:compute')));
    const from2 = p.out.length;
    p.child.stdin.write('r\n');
    await p.waitFor(/^#3 \(ok/, { from: from2 });
    p.child.stdin.write('c\n');
    await p.waitFor('after compute 43');
    p.child.stdin.end();
  } finally { await p.kill(); app.cleanup(); }
});

test('--xloop: leaves a call that works alone, loops on an error until it is fixed, then continues', async () => {
  const app = makeApp({ 'app.ts': LOOPY });
  const p = jurig(app, ['--xloop', 'compute', '--xloop', 'Calc.twice', 'app.ts']);
  try {
    await p.waitFor('after compute 42');
    await p.waitFor(/^#1 \(error in/);
    assert.ok(p.out.some((l) => l.includes('Error: too big: 5')), p.out.join('\n'));
    assert.ok(p.out.some((l) => /app\.ts:7:\d+/.test(l)), 'the error is source-mapped:\n' + p.out.join('\n'));
    const from = p.out.length;
    await editUntil(p, app, 'app.ts', 'if (n > 1)', 'if (n > 10)', () => p.waitFor(/^#2 \(ok/, { from }));
    p.child.stdin.write('c\n');
    await p.waitFor('after twice 10');
  } finally { await p.kill(); app.cleanup(); }
});
