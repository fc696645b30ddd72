// Issue 14: Node's own flags before the script go to the Node that runs the program, as with tsx;
// jurig's options keep working beside them, and a flag that is neither jurig's nor Node's is refused clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

const files = {
  '.env': 'GREETING=from-env-file\n',
  'node_modules/pick/package.json': JSON.stringify({ name: 'pick', exports: { '.': { custom: './custom.js', default: './default.js' } } }),
  'node_modules/pick/custom.js': 'module.exports = "custom";\n',
  'node_modules/pick/default.js': 'module.exports = "default";\n',
  'app.ts': `import pick from 'pick';\nconsole.log('greeting', process.env.GREETING);\nconsole.log('pick', pick);\n`,
};

test('--env-file=, --env-file <f>, --conditions and --no-warnings reach the program; -v still works', async () => {
  const app = makeApp(files);
  try {
    for (const args of [['--env-file=.env', '-v', 'app.ts'], ['--no-warnings', '--env-file', '.env', '--conditions=custom', 'app.ts']]) {
      const p = jurig(app, args);
      const { code } = await p.exited;
      assert.equal(code, 0, p.err.join('\n'));
      assert.ok(p.out.includes('greeting from-env-file'), p.out.join('\n'));
      assert.ok(p.out.includes(args.includes('--conditions=custom') ? 'pick custom' : 'pick default'), p.out.join('\n'));
      if (args.includes('-v')) assert.ok(p.err.includes('Watch app.ts'), p.err.join('\n'));
    }
  } finally {
    app.cleanup();
  }
});

test('the program sees its own arguments, not the Node flags', async () => {
  const app = makeApp({ 'args.ts': 'console.log(JSON.stringify(process.argv.slice(2)));\n' });
  try {
    const p = jurig(app, ['--enable-source-maps', 'args.ts', '--flag', 'x']);
    assert.equal((await p.exited).code, 0, p.err.join('\n'));
    assert.deepEqual(p.out, ['["--flag","x"]']);
  } finally {
    app.cleanup();
  }
});

test('a flag that is neither jurig\'s nor Node\'s, or a Node flag that runs no script, is a clear error', async () => {
  const app = makeApp({ 'app.ts': 'console.log("ran");\n' });
  try {
    for (const [flag, says] of [['--bogus', /unknown option '--bogus': neither one of jurig's options nor one of Node's/], ['--eval', /--eval is a Node option that does not run a script/]]) {
      const p = jurig(app, [flag, 'app.ts']);
      assert.equal((await p.exited).code, 2);
      assert.ok(p.err.some((l) => says.test(l)), p.err.join('\n'));
      assert.ok(!p.out.includes('ran'));
    }
  } finally {
    app.cleanup();
  }
});
