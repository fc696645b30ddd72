// CommonJS on every Node line: `.cjs`, `.cts` and CommonJS `.js`/`.ts` files are instrumented and live
// (require chains, module.exports / exports rebinding, require.cache), JSON, `.node` and builtin requires
// are Node's own, an ES module tsx would run as CommonJS gets require/__dirname, and a file jurig loads
// but cannot make live is reported once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeApp, jurig, nodeRegister, until, NODE, ROOT } from '../helpers.mjs';

const T = `[node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}]`;

// a native addon to require: SWC's binary for this platform (installed with jurig's dependencies)
const ADDON = (() => {
  const dir = join(ROOT, 'node_modules/@swc');
  for (const pkg of readdirSync(dir)) for (const f of readdirSync(join(dir, pkg))) if (f.endsWith('.node')) return join(dir, pkg, f);
  return null;
})();

const FILES = {
  'package.json': JSON.stringify({ name: 'cjs-app', private: true }),
  'main.cjs': `const shapes = require('./shapes.cts');
const counter = require('./counter.js');
const data = require('./data.json');
const addon = process.env.ADDON ? require(process.env.ADDON) : null;
const { where } = require('./where.ts');
let lines = 0;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  for (const cmd of d.trim().split('\\n')) {
    lines++;
    if (cmd === 'area') console.log(shapes.area(2));
    else if (cmd === 'count') console.log(require('./counter.js').next() + ' ' + require('./counter.js').label);
    else if (cmd === 'old') console.log(counter.next());
    else if (cmd === 'reload') { delete require.cache[require.resolve('./counter.js')]; console.log(require('./counter.js').next()); }
    else if (cmd === 'env') console.log([data.name, typeof (addon && addon.transformSync), where(), lines].join(' '));
  }
});
console.log('ready');
`,
  'shapes.cts': `enum Unit { Cm = 'cm' }
function area(r: number): string {
  return (3 * r * r) + Unit.Cm;
}
module.exports = { area };
`,
  'counter.js': `let n = 0;
exports.next = function next() {
  return ++n;
};
exports.label = 'first';
`,
  'data.json': JSON.stringify({ name: 'json' }),
  // no import/export: CommonJS TypeScript
  'where.ts': `const path: typeof import('node:path') = require('node:path');
function where(): string {
  return path.basename(__filename);
}
module.exports = { where };
`,
};

for (const [how, start] of [
  ['jurig CLI', (app, env) => jurig(app, ['-v', 'main.cjs'], { env })],
  ['node --import jurig/register', (app, env) => nodeRegister(app, ['main.cjs'], { env: { ...env, JURIG_OPTIONS: JSON.stringify({ verbose: true }) } })],
]) {
  test(`${T} ${how}: .cjs, .cts and CommonJS .js/.ts are live; JSON, .node and builtins are Node's`, async (t) => {
    const app = makeApp(FILES);
    const p = start(app, ADDON ? { ADDON } : {});
    t.after(async () => { await p.kill(); app.cleanup(); });
    await p.waitFor('ready');
    for (const f of ['main.cjs', 'shapes.cts', 'counter.js', 'where.ts']) await p.waitFor(`Watch ${f}`, { stream: 'err' });
    assert.equal(await p.ask('env'), `json ${ADDON ? 'function' : 'undefined'} where.ts 1`);
    assert.equal(await p.ask('area'), '12cm');
    assert.equal(await p.ask('count'), '1 first');

    // .cts: a function edit
    app.edit('shapes.cts', 'return (3 * r * r) + Unit.Cm;', 'return (3.14 * r * r) + Unit.Cm;');
    await p.askUntil('area', (l) => l === '12.56cm');
    // exports.x = function: patched in place (module state `n` kept); exports.label rebound by a re-run
    const step = async () => { const a = parseInt(await p.ask('count'), 10), b = await p.ask('count'); return `+${parseInt(b, 10) - a} ${b.split(' ')[1]}`; };
    app.edit('counter.js', 'return ++n;', 'return (n += 10);');
    app.edit('counter.js', `exports.label = 'first';`, `exports.label = 'second';`);
    await until(async () => (await step()) === '+10 second', { what: 'counter.js patched' });
    // CommonJS .ts: a new top-level function used by the edited one
    app.edit('where.ts', `function where(): string {\n  return path.basename(__filename);`, `function dir(): string {\n  return path.basename(__dirname);\n}\nfunction where(): string {\n  return path.basename(__filename) + '@' + (dir() ? 'dir' : '');`);
    await p.askUntil('env', (l) => l.startsWith(`json ${ADDON ? 'function' : 'undefined'} where.ts@dir `));

    // require.cache: a deleted entry is loaded again as a new module (fresh state), which is the live one;
    // the instance loaded first keeps the code it had
    assert.equal(await p.ask('reload'), '10');
    const old = parseInt(await p.ask('old'), 10);
    app.edit('counter.js', 'return (n += 10);', 'return (n += 100);');
    await until(async () => (await step()) === '+100 second', { what: 'the reloaded counter.js patched' });
    assert.equal(parseInt(await p.ask('old'), 10), old + 10);
    assert.deepEqual(p.err.filter((l) => /jurig (error|warning)|internal error/.test(l)), []);
  });
}

test(`${T} an ES module tsx would run as CommonJS has require and __dirname, and is live`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ name: 'mixed', private: true }),
    'main.ts': `import { basename } from 'node:path';
const os = require('node:os');
export function where(): string {
  return basename(__dirname) + ' ' + typeof os.cpus;
}
process.stdin.on('data', () => console.log(where()));
console.log('ready');
`,
  });
  const p = jurig(app, ['-v', 'main.ts']);
  t.after(async () => { await p.kill(); app.cleanup(); });
  await p.waitFor('ready');
  const dir = app.dir.split(/[\\/]/).pop();
  assert.equal(await p.ask('x'), `${dir} function`);
  app.edit('main.ts', `typeof os.cpus;`, `typeof os.cpus + ' ' + require('node:path').sep;`);
  await p.askUntil('x', (l) => l === `${dir} function /` || l === `${dir} function \\`);
  assert.deepEqual(p.err.filter((l) => /jurig (error|warning)/.test(l)), []);
});

test(`${T} files jurig runs but cannot make live are reported once, and run as under tsx`, async (t) => {
  const app = makeApp({
    'package.json': JSON.stringify({ name: 'not-live', private: true }),
    'main.cjs': `const a = require('./esm-required.ts');
const b = require('./esm.cts');
const c = require('./again.cjs');
import('./exports-too.ts').then((m) => console.log(['ran', a.v, b.k, c.again, m.default?.x ?? m.x].join(' ')));
`,
    'again.cjs': `module.exports = { again: require('./esm-required.ts').v };\n`,
    'esm-required.ts': `export const v: string = 'a';\n`,
    'esm.cts': `import { sep } from 'node:path';\nexport const k: string = 'b' + (sep ? '' : '?');\n`,
    'exports-too.ts': `export const y = 1;\nmodule.exports.x = 'c';\n`,
  });
  const p = jurig(app, ['main.cjs']);
  t.after(async () => { await p.kill(); app.cleanup(); });
  await p.exited;
  assert.equal(p.exitInfo.code, 0, p.err.join('\n'));
  assert.deepEqual(p.out, ['ran a b a c']);
  const warnings = p.err.filter((l) => l.startsWith('jurig warning: ')).sort();
  assert.deepEqual(warnings.map((l) => l.split(' ').slice(2, 6).join(' ')), ['esm-required.ts is not live:', 'esm.cts is not live:', 'exports-too.ts is not live:']);
  assert.match(warnings.join('\n'), /esm-required\.ts is not live: it has import\/export and is loaded with require\(\)/);
  assert.match(warnings.join('\n'), /esm\.cts is not live: it uses import\/export in a CommonJS file/);
  assert.match(warnings.join('\n'), /exports-too\.ts is not live: it mixes import\/export with module\.exports\/exports/);
});
