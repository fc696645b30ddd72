// Issue 3: only changed top-level statements run again; live ESM bindings; deletions; the verbose log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

const ENTRY = `
let runs = 0;
runs++;
export function label(): string {
  return 'a';
}
let ticks = 0;
const timer = setInterval(() => { ticks++; }, 2);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(JSON.stringify({ label: label(), runs, ticking: ticks > 0 })); });
process.stdin.on('end', () => clearInterval(timer));
`;

test("the entry script's own function is patched while its loop runs; nothing else re-runs", async () => {
  const app = makeApp({ 'app.ts': ENTRY });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.deepEqual(JSON.parse(await p.askUntil('?', (l) => l.includes('"ticking":true'))), { label: 'a', runs: 1, ticking: true });
    app.edit('app.ts', "return 'a';", "return 'b';");
    const after = JSON.parse(await p.askUntil('?', (l) => l.includes('"b"')));
    assert.deepEqual(after, { label: 'b', runs: 1, ticking: true }, 'runs++ did not run again');
    await p.waitFor('Update app.ts:label', { stream: 'err' });
    assert.ok(!p.err.some((l) => l.startsWith('Run ')), 'no statement re-ran:\n' + p.err.join('\n'));
    // a statement added runs exactly once, even over later saves
    app.edit('app.ts', 'runs++;', 'runs++;\nruns += 10;');
    await p.askUntil('?', (l) => l.includes('"runs":11'));
    await p.waitFor(/^Run app\.ts:4: runs \+= 10;/, { stream: 'err' });
    app.edit('app.ts', "return 'b';", "return 'c';");
    assert.deepEqual(JSON.parse(await p.askUntil('?', (l) => l.includes('"c"'))), { label: 'c', runs: 11, ticking: true });
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('an exported const change is seen by two importers; an export and an import added after start work', async () => {
  const app = makeApp({
    'conf.ts': `export const RATE = 2;\n`,
    'a.ts': `import { RATE } from './conf.js';\nexport function a(): number { return RATE * 10; }\n`,
    'b.ts': `import * as conf from './conf.js';\nexport function b(): number { return conf.RATE * 100; }\nexport function extra(): unknown { return null; }\n`,
    'app.ts': `import { a } from './a.js';\nimport { b, extra } from './b.js';\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(JSON.stringify([a(), b(), extra()])); });\n`,
  });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal(await p.ask('?'), '[20,200,null]');
    app.write('conf.ts', `export const RATE = 3;\n`);
    await p.askUntil('?', (l) => l === '[30,300,null]');
    app.write('conf.ts', `export const RATE = 3;\nexport const added = 'new export';\nexport function helper(x: number) { return x + RATE; }\n`);
    await p.waitFor('Add conf.ts:helper', { stream: 'err' });
    app.write('b.ts', `import * as conf from './conf.js';\nimport { added, helper } from './conf.js';\nexport function b(): number { return conf.RATE * 100; }\nexport function extra(): unknown { return [added, helper(1)]; }\n`);
    await p.askUntil('?', (l) => l === '[30,300,["new export",4]]');
    // the new export is live too
    app.write('conf.ts', `export const RATE = 3;\nexport const added = 'changed';\nexport function helper(x: number) { return x * RATE; }\n`);
    await p.askUntil('?', (l) => l === '[30,300,["changed",3]]');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('deletions are reported and removed methods disappear from the live class', async () => {
  const app = makeApp({
    'lib.ts': `export class Shape {\n  area(): number { return 1; }\n  perimeter(): number { return 2; }\n}\nexport function unused(): number { return 0; }\n`,
    'app.ts': `import { Shape } from './lib.js';\nconst s = new Shape();\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(JSON.stringify([s.area(), typeof (s as any).perimeter])); });\n`,
  });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal(await p.ask('?'), '[1,"function"]');
    app.write('lib.ts', `export class Shape {\n  area(): number { return 10; }\n}\n`);
    await p.askUntil('?', (l) => l === '[10,"undefined"]');
    await p.waitFor('Delete lib.ts:Shape.perimeter', { stream: 'err' });
    await p.waitFor('Delete lib.ts:unused', { stream: 'err' });
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a re-run statement that throws is reported with its line; the rest applies; it runs again at the next save', async () => {
  const app = makeApp({
    'app.ts': `export function value(): string {\n  return 'v1';\n}\nexport let configured = 'no';\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(value() + ' ' + configured); });\n`,
  });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'v1 no');
    app.edit('app.ts', "return 'v1';", "return 'v2';");
    app.edit('app.ts', "export let configured = 'no';", "export let configured = 'no';\nif (configured === 'no') throw new Error('setup failed');\nconfigured = 'yes';");
    const err = await p.waitFor(/jurig error app\.ts:5:1: this statement threw/, { stream: 'err' });
    assert.ok(err);
    await p.waitFor((l) => l.includes('setup failed'), { stream: 'err' });
    await p.waitFor((l) => /app\.ts:5\b/.test(l) && l.includes('at '), { stream: 'err' }); // source-mapped frame
    assert.equal(await p.askUntil('?', (l) => l.startsWith('v2')), 'v2 yes', 'the function update and the later statement applied');
    // next save: the failed statement runs again (now passing)
    app.edit('app.ts', "if (configured === 'no')", "if (configured === 'never')");
    app.edit('app.ts', "return 'v2';", "return 'v3';");
    assert.equal(await p.askUntil('?', (l) => l.startsWith('v3')), 'v3 yes');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a save that first truncates the file, and 50 saves in a second, end on the last version without re-running unchanged statements', async () => {
  const app = makeApp({
    'app.ts': `let runs = 0;\nruns++;\nexport function version(): number {\n  return 0;\n}\nprocess.stdin.setEncoding('utf8');\nprocess.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(version() + ' ' + runs); });\n`,
  });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal(await p.ask('?'), '0 1');
    const text = app.read('app.ts');
    app.write('app.ts', ''); // a non-atomic editor: empty first...
    app.write('app.ts', text.replace('return 0;', 'return 1;')); // ...then the content
    assert.equal(await p.askUntil('?', (l) => l.startsWith('1 ')), '1 1');
    for (let i = 2; i <= 51; i++) {
      app.write('app.ts', text.replace('return 0;', `return ${i};`));
      await new Promise((r) => setTimeout(r, 18)); // 50 saves spread over about a second, as a fast typist's autosave
    }
    assert.equal(await p.askUntil('?', (l) => l.startsWith('51 ')), '51 1');
    assert.ok(!p.err.some((l) => l.startsWith('Run ')), 'no statement ran again:\n' + p.err.join('\n'));
    assert.ok(!p.err.some((l) => l.includes('jurig error')), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('CRLF line endings, a BOM and non-ASCII identifiers and strings', async () => {
  const src = '\uFEFFexport function grüße(名前: string): string {\r\n  return `héllo ${名前} 😀`;\r\n}\r\nprocess.stdin.setEncoding("utf8");\r\nprocess.stdin.on("data", (d) => { for (const _ of d.trim().split("\\n")) console.log(grüße("wörld")); });\r\n';
  const app = makeApp({ 'app.ts': src });
  const p = jurig(app, ['app.ts']);
  try {
    assert.equal(await p.ask('?'), 'héllo wörld 😀');
    app.write('app.ts', src.replace('héllo', 'ciåo 🎉'));
    assert.equal(await p.askUntil('?', (l) => l.startsWith('ciåo')), 'ciåo 🎉 wörld 😀');
  } finally {
    await p.kill();
    app.cleanup();
  }
});

test('a listener inserted above others: each keeps its own body, the timer and the stdin reader do not run again', async () => {
  const app = makeApp({
    'app.ts': `import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
const bus = new EventEmitter();
const heard: string[] = [];
const log = (s: string) => heard.push(s);
bus.on('a', () => log('A'));
bus.on('b', () => log('B'));
let ticks = 0;
setInterval(() => { ticks++; }, 5);
const server = createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { heard.length = 0; for (const e of d.trim().split(/\\s+/)) bus.emit(e); console.log(heard.join(',')); });
`,
  });
  const p = jurig(app, ['-v', 'app.ts']);
  try {
    assert.equal(await p.ask('a'), 'A');
    app.edit('app.ts', "bus.on('a'", "bus.on('z', () => log('Z'));\nbus.on('a'");
    await p.waitFor(/^Run app\.ts:6: bus\.on\('z'/, { stream: 'err' });
    app.edit('app.ts', "log('B')", "log('B2')");
    await p.waitFor(/^Update app\.ts:8 bus\.on\('b'\) <arrow>$/, { stream: 'err' });
    assert.equal(await p.ask('z a b'), 'Z,A,B2');
    // nothing else ran again: not the interval, not the server (EADDRINUSE), not the stdin reader
    assert.deepEqual(p.err.filter((l) => l.startsWith('Run ')), ["Run app.ts:6: bus.on('z', () => log('Z'));"]);
    assert.ok(!p.err.some((l) => /EADDRINUSE|jurig error|internal error/.test(l)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
});
