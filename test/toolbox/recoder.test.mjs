// jurig/api makeRecoder: patch → revert → patch → commit, out-of-sync commits, patchModule, focus errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { makeApp, jurig, ROOT } from '../helpers.mjs';

function linkJurig(app) { mkdirSync(app.path('node_modules'), { recursive: true }); symlinkSync(ROOT, app.path('node_modules/jurig'), 'dir'); }

// a small driver: each stdin line is an expression, awaited; its JSON is printed
const DRIVER = `import * as api from 'jurig/api';
import * as lib from './LIB';
import { createInterface } from 'node:readline';
globalThis.api = api; globalThis.lib = lib;
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  try { const v = await (0, eval)('(async () => (' + line + '))()'); console.log('=> ' + JSON.stringify(v === undefined ? null : v)); }
  catch (e) { console.log('!! ' + e?.name + ': ' + String(e?.message).split('\\n')[0]); }
}
`;

const LIB_TS = `// greetings
import { sep } from 'node:path';

export function greet(name: string): string {
  return \`hello \${name}\`;
}

export class Greeter {
  private prefix: string = 'Dr.';
  public hello(name: string): string {
    return \`\${this.prefix} \${name}\`;
  }
}

export const twice = (x: number): number => x * 2;
`;

const LIB_JS = `// greetings
export function greet(name) {
  return 'hello ' + name;
}

export class Greeter {
  prefix = 'Dr.';
  hello(name) {
    return this.prefix + ' ' + name;
  }
}

export const twice = (x) => x * 2;
`;

for (const [ext, LIB] of [['ts', LIB_TS], ['js', LIB_JS]]) {
  test(`recoder (.${ext}): patch → revert → patch → commit writes exactly the expected file`, async () => {
    const app = makeApp({ [`lib.${ext}`]: LIB, 'driver.mjs': DRIVER.replace('LIB', `lib.${ext}`) });
    linkJurig(app);
    const p = jurig(app, ['driver.mjs']);
    try {
      await p.waitFor('ready');
      assert.equal(await p.ask(`(globalThis.r = api.makeRecoder(lib.greet), [r.name, r.status])`), '=> ["greet","saved"]');
      const typed = ext === 'ts' ? 'name: string' : 'name';
      assert.equal(await p.ask(`r.patch("function greet(${typed}) {\\n  return 'bye ' + name;\\n}")`), '=> null');
      assert.equal(await p.ask(`[lib.greet('a'), r.status]`), '=> ["bye a","live"]');
      assert.equal(app.read(`lib.${ext}`), LIB, 'a patch does not touch the file');
      assert.equal(await p.ask(`r.revert()`), '=> null');
      assert.equal(await p.ask(`[lib.greet('a'), r.status]`), '=> ["hello a","saved"]');
      assert.equal(await p.ask(`r.patch("export function greet(${typed}) {\\n  return 'hey ' + name;\\n}")`), '=> null');
      // a method: given unindented, indented into its class
      assert.equal(await p.ask(`(globalThis.m = api.makeRecoder(lib.Greeter.prototype.hello), globalThis.g = new lib.Greeter(), m.name)`), '=> "Greeter.hello"');
      assert.equal(await p.ask(`m.patch("hello(${typed}) {\\n  return this.prefix + '!' + name;\\n}")`), '=> null');
      assert.equal(await p.ask(`[lib.greet('a'), g.hello('b')]`), '=> ["hey a","Dr.!b"]');
      assert.equal(await p.ask(`(r.commit(), [r.status, m.status])`), '=> ["saved","out-of-sync"]', 'the second recoder sees the file changed by the first commit');
      assert.match(await p.ask(`m.commit()`), /^!! OutOfSyncError: /);
      assert.equal(await p.ask(`m.repatch().then(() => (m.commit(), [m.status, g.hello('c')]))`), '=> ["saved","Dr.!c"]');
      const expected = LIB
        .replace(ext === 'ts' ? 'function greet(name: string): string {\n  return `hello ${name}`;\n}' : "function greet(name) {\n  return 'hello ' + name;\n}", `function greet(${typed}) {\n  return 'hey ' + name;\n}`)
        .replace(ext === 'ts' ? 'public hello(name: string): string {\n    return `${this.prefix} ${name}`;\n  }' : "hello(name) {\n    return this.prefix + ' ' + name;\n  }", `hello(${typed}) {\n    return this.prefix + '!' + name;\n  }`);
      assert.notEqual(expected, LIB);
      assert.equal(app.read(`lib.${ext}`), expected);
    } finally { await p.kill(); app.cleanup(); }
  });
}

test('recoder: commit is refused when the file changed on disk (out of sync)', async () => {
  const app = makeApp({ 'lib.ts': LIB_TS, 'driver.mjs': DRIVER.replace('LIB', 'lib.ts') });
  linkJurig(app);
  const p = jurig(app, ['driver.mjs']);
  try {
    await p.waitFor('ready');
    await p.ask(`(globalThis.r = api.makeRecoder(lib.twice), r.name)`);
    assert.equal(await p.ask(`r.patch('const twice = (x: number): number => x * 3;')`), '=> null');
    assert.equal(await p.ask(`lib.twice(2)`), '=> 6');
    const changed = LIB_TS.replace('// greetings', '// greetings, edited elsewhere');
    app.write('lib.ts', changed);
    assert.equal(await p.ask(`r.status`), '=> "out-of-sync"');
    assert.match(await p.ask(`r.commit()`), /^!! OutOfSyncError: cannot commit twice: lib\.ts changed on disk .*out of sync/);
    assert.equal(app.read('lib.ts'), changed, 'nothing written');
  } finally { await p.kill(); app.cleanup(); }
});

test('recoder: patchModule adds a helper and an import; patch() refuses other definitions', async () => {
  const app = makeApp({ 'lib.ts': LIB_TS, 'driver.mjs': DRIVER.replace('LIB', 'lib.ts') });
  linkJurig(app);
  const p = jurig(app, ['driver.mjs']);
  try {
    await p.waitFor('ready');
    await p.ask(`(globalThis.r = api.makeRecoder(lib.twice), r.name)`);
    assert.match(await p.ask(`r.patch('function other() {}')`), /^!! Error: Recoder for twice cannot be used to define other/);
    assert.match(await p.ask(`r.patch('const twice = (x) => x; const more = 1;')`), /^!! Error: Recoder for twice cannot be used to define/);
    const mod = "import { basename } from 'node:path';\\nfunction label(x: number): string { return basename('/a/' + x); }\\nexport const twice = (x: number): string => label(x * 2);";
    assert.equal(await p.ask(`r.patchModule("${mod}")`), '=> null');
    assert.equal(await p.ask(`lib.twice(21)`), '=> "42"');
    assert.equal(await p.ask(`r.commit()`), '=> null');
    const text = app.read('lib.ts');
    assert.equal(text, LIB_TS
      .replace("import { sep } from 'node:path';", "import { sep } from 'node:path';\nimport { basename } from 'node:path';")
      .replace('export const twice = (x: number): number => x * 2;\n', "export const twice = (x: number): string => label(x * 2);\n\nfunction label(x: number): string { return basename('/a/' + x); }\n"));
  } finally { await p.kill(); app.cleanup(); }
});

test('recoder: the definition is found by the same model as saves, after code moved above it', async () => {
  const app = makeApp({ 'lib.ts': LIB_TS, 'driver.mjs': DRIVER.replace('LIB', 'lib.ts') });
  linkJurig(app);
  const p = jurig(app, ['driver.mjs']);
  try {
    await p.waitFor('ready');
    await p.ask(`(globalThis.m = api.makeRecoder(lib.Greeter.prototype.hello), globalThis.g = new lib.Greeter(), m.name)`);
    // a save puts another class with a method of the same name above it
    const moved = LIB_TS.replace('export class Greeter {', "export class Other {\n  hello(name: string): string { return 'other ' + name; }\n}\n\nexport class Greeter {").replace('return `hello ${name}`', 'return `hi ${name}`');
    app.write('lib.ts', moved);
    await p.askUntil(`lib.greet('x')`, (l) => l === '=> "hi x"');
    assert.equal(await p.ask(`m.repatch().then(() => m.patch("hello(name: string): string {\\n  return 'moved ' + name;\\n}"))`), '=> null');
    assert.equal(await p.ask(`g.hello('a')`), '=> "moved a"');
    assert.equal(await p.ask(`(m.commit(), m.status)`), '=> "saved"');
    assert.equal(app.read('lib.ts'), moved.replace('public hello(name: string): string {\n    return `${this.prefix} ${name}`;\n  }', "hello(name: string): string {\n    return 'moved ' + name;\n  }"));
  } finally { await p.kill(); app.cleanup(); }
});
