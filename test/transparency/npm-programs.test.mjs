// Issue 4: programs from npm that nobody here wrote run byte for byte the same with every one of their
// modules instrumented (short inputs here; bench/overhead.mjs runs them long), and survive a live patch
// deep inside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeApp, nodeRegister, NODE, REGISTER, ROOT } from '../helpers.mjs';

const NM = join(ROOT, 'node_modules');
const url = (spec) => import.meta.resolve(spec);
const pkgDir = (name) => join(NM, name);

// Each driver prints results that depend on the whole program's work; inputs are real files.
const PROGRAMS = {
  acorn: `import { parse } from ${JSON.stringify(url('acorn'))};
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
for (const f of ${JSON.stringify([join(NM, 'acorn/dist/acorn.mjs'), join(NM, 'terser/lib/compress/index.js')])}) {
  const ast = parse(readFileSync(f, 'utf8'), { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  console.log(ast.body.length, createHash('sha1').update(JSON.stringify(ast)).digest('hex'));
}
try { parse('let = ;', { ecmaVersion: 'latest' }); } catch (e) { console.log(e.message); }
`,
  terser: `import { minify } from ${JSON.stringify(url('terser'))};
import { readFileSync } from 'node:fs';
const out = await minify(readFileSync(${JSON.stringify(join(NM, 'acorn/dist/acorn.mjs'))}, 'utf8'), { module: true, compress: { passes: 2 }, mangle: true });
console.log(out.code.length, out.code.slice(0, 200), out.code.slice(-200));
`,
  prettier: `import * as prettier from ${JSON.stringify(url('prettier'))};
import { readFileSync } from 'node:fs';
const src = readFileSync(${JSON.stringify(join(ROOT, 'test/helpers.mjs'))}, 'utf8');
const out = await prettier.format(src, { parser: 'babel', printWidth: 100, singleQuote: true });
console.log(out);
console.log(await prettier.format('type A = {a:number,b:Array<string>}; const x = <T,>(y:T)=>y', { parser: 'typescript' }));
`,
  svelte: `import { compile } from ${JSON.stringify(url('svelte/compiler'))};
const src = '<script>let count = $state(0); let doubled = $derived(count * 2);</script>\\n<button onclick={() => count++}>{count} × 2 = {doubled}</button>\\n<style>button { color: red; }</style>';
const out = compile(src, { generate: 'client', filename: 'Counter.svelte' });
console.log(out.js.code);
console.log(out.css.code);
console.log(compile(src, { generate: 'server' }).js.code);
`,
};

function run(args, env, cwd) {
  return new Promise((resolve) => {
    const c = spawn(NODE, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('exit', (code) => resolve({ code, out, err }));
  });
}

for (const [name, driver] of Object.entries(PROGRAMS)) {
  test(`${name}: the same output with all of its modules instrumented`, async () => {
    const app = makeApp({ 'driver.mjs': driver });
    try {
      const plain = await run(['driver.mjs'], {}, app.dir);
      assert.equal(plain.code, 0, plain.err);
      const options = { roots: [pkgDir(name)], includeNodeModules: true, cacheDir: app.path('cache'), verbose: true };
      const jurig = await run(['--import', REGISTER, 'driver.mjs'], { JURIG_OPTIONS: JSON.stringify(options) }, app.dir);
      assert.equal(jurig.code, 0, jurig.err.slice(0, 3000));
      const watched = jurig.err.split('\n').filter((l) => l.startsWith('Watch ')).length;
      assert.ok(watched >= 1, `modules of ${name} were instrumented (${watched})`);
      assert.equal(jurig.out, plain.out);
    } finally {
      app.cleanup();
    }
  });
}

test("acorn, instrumented, takes a patch deep inside its parser while it runs", async () => {
  const app = makeApp({
    'main.mjs': `import { parse } from './vendor/acorn.mjs';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) { try { parse('let = ;', { ecmaVersion: 'latest' }); } catch (e) { console.log(e.message); } } });
`,
  });
  mkdirSync(app.path('vendor'));
  copyFileSync(fileURLToPath(url('acorn')), app.path('vendor/acorn.mjs'));
  const p = nodeRegister(app, ['main.mjs'], { env: { JURIG_OPTIONS: JSON.stringify({ verbose: true, cacheDir: null }) } });
  try {
    assert.equal(await p.ask('?'), 'Unexpected token (1:6)');
    // pp$4.raise: every syntax error's message goes through it
    app.edit('vendor/acorn.mjs', 'message += " (" + loc.line + ":" + loc.column + ")";', 'message += " [line " + loc.line + ", column " + loc.column + "]";');
    assert.equal(await p.askUntil('?', (l) => l.includes('[line')), 'Unexpected token [line 1, column 6]');
    await p.waitFor(/^Update vendor\/acorn\.mjs:pp\$4\.raise$/, { stream: 'err' });
  } finally {
    await p.kill();
    app.cleanup();
  }
});
