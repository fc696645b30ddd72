// Issue 14: the REPL finishes each input before the next one when it is typed too (a terminal: Node's REPL
// in terminal mode). Several lines pasted at once are the hard case: an import that takes a while (its
// module awaits at the top) must be done before the next line uses it. A pseudo terminal comes from
// util-linux `script`; without it the test is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { makeApp, CLI, NODE } from '../helpers.mjs';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const plain = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

test('typed REPL input (a terminal): lines pasted at once run in order, each after the previous finished', { skip: !hasScript && 'no util-linux script for a pseudo terminal' }, async () => {
  const app = makeApp({
    'lib.ts': "await new Promise((r) => setTimeout(r, 300));\nexport function hi(name: string): string {\n  return `hi ${name}`;\n}\n",
  });
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const child = spawn('script', ['-q', '-c', `${q(NODE)} ${q(CLI)}`, '/dev/null'], { cwd: app.dir, env: { ...process.env, NO_COLOR: '1', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => { out += d; for (const w of waiters) w(); });
  const exited = new Promise((r) => child.on('exit', r));
  const until = (pred, what) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { waiters.delete(w); reject(new Error(`timed out waiting for ${what}:\n${plain(out)}`)); }, 20000);
    const w = () => { if (pred(plain(out))) { clearTimeout(timer); waiters.delete(w); resolve(); } };
    waiters.add(w);
    w();
  });
  try {
    await until((s) => s.includes('jurig> '), 'the first prompt');
    child.stdin.write("import { hi } from './lib.ts'\nhi('x')\nawait new Promise((r) => setTimeout(() => r(41), 200))\n1 + 1\n");
    await until((s) => /^2$/m.test(s), 'the answer to 1 + 1');
    child.stdin.write('.exit\n');
    await exited;
    const s = plain(out);
    assert.ok(!/is not a function|is not defined/.test(s), s);
    const answers = s.split('\n').map((l) => l.trim()).filter((l) => /^('hi x'|41|2|undefined)$/.test(l));
    assert.deepEqual(answers, ["'hi x'", '41', '2'], s);
  } finally {
    child.kill('SIGKILL');
    app.cleanup();
  }
});
