// Issue 14: the REPL finishes each input before the next one, also with input piped: an import is done
// before the line that uses it, and an import prints nothing (not `undefined`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

test('piped REPL input: imports finish before the next line, print nothing, and lines keep their order', async () => {
  const app = makeApp({
    'lib.ts': "export function hi(name: string): string {\n  return `hi ${name}`;\n}\nexport default 40;\n",
  });
  const p = jurig(app, []);
  try {
    p.child.stdin.end([
      "import { hi } from './lib.ts'",
      "import forty from './lib.ts'",
      "hi('x')",
      'await new Promise((r) => setTimeout(() => r(forty + 1), 200))',
      'function twice(n) {',
      '  return n * 2;',
      '}',
      'twice(21)',
    ].join('\n') + '\n');
    assert.equal((await p.exited).code, 0, p.err.join('\n'));
    // everything is on the prompt lines: each answer follows the prompt shown for the next input (the
    // continuation prompt is `... ` up to Node 22 and `| ` from Node 24)
    const answers = p.out.join('\n').split(/jurig> |\.\.\. |\| /).map((s) => s.trim()).filter(Boolean);
    assert.deepEqual(answers, ["'hi x'", '41', 'undefined', '42'], p.out.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a failed import in piped input is reported and the REPL goes on', async () => {
  const app = makeApp({});
  const p = jurig(app, []);
  try {
    p.child.stdin.end("import { nope } from './missing.ts'\n1 + 1\n");
    assert.equal((await p.exited).code, 0, p.err.join('\n'));
    const all = [...p.out, ...p.err].join('\n');
    assert.match(all, /Cannot find module|ERR_MODULE_NOT_FOUND/);
    assert.match(p.out.join('\n'), /jurig> 2/);
  } finally {
    await p.kill();
    app.cleanup();
  }
});
