// The matching of two versions of a module, in-process: old text, new text → which statements are the same
// (they never run again), which run, and which running definition each new one is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../dist/compiler/analyze.js';
import { correspond } from '../../dist/runtime/match.js';

/** Each new definition as `its text → the running definition's text` (null: new); the statements that run. */
function match(oldJs, newJs) {
  const a = analyze(oldJs), b = analyze(newJs);
  const c = correspond(a.info ?? a, b.info ?? b);
  const text = (info, d) => info.js.slice(d.start, d.end).replace(/\s+/g, ' ');
  const defs = {};
  for (const d of b.defs) defs[text(b, d)] = c.def[d.index] ? text(a, c.def[d.index]) : null;
  const runs = [];
  b.statements.forEach((st, j) => { if (!c.same[j]) runs.push(newJs.slice(st.start, st.end).replace(/\s+/g, ' ')); });
  const edited = [];
  b.statements.forEach((st, j) => { if (!c.same[j] && c.stmt[j] !== -1) edited.push(newJs.slice(st.start, st.end).replace(/\s+/g, ' ')); });
  return { defs, runs, edited };
}

test('a listener inserted above others: only it runs; the others keep their identity', () => {
  const before = `bus.on('a', () => log('A'));\nbus.on('b', () => log('B'));\nsetInterval(() => tick(), 10);\n`;
  const after = `bus.on('z', () => log('Z'));\nbus.on('a', () => log('A'));\nbus.on('b', () => log('B!'));\nsetInterval(() => tick(), 10);\n`;
  const m = match(before, after);
  assert.deepEqual(m.runs, [`bus.on('z', () => log('Z'));`]);
  assert.deepEqual(m.defs, {
    "() => log('Z')": null,
    "() => log('A')": "() => log('A')",
    "() => log('B!')": "() => log('B')",
    '() => tick()': '() => tick()',
  });
});

test('a route inserted above the others in an Express-style app', () => {
  const routes = (extra) => `const app = express();\n${extra}app.get('/hello/:n', (req, res) => res.send('hello ' + req.params.n));\napp.get('/greet', (req, res) => { res.send('greet'); });\napp.listen(3000);\n`;
  const m = match(routes(''), routes(`app.get('/ping', (req, res) => res.send('pong'));\n`));
  assert.deepEqual(m.runs, [`app.get('/ping', (req, res) => res.send('pong'));`]);
  assert.equal(m.defs["(req, res) => res.send('pong')"], null);
  assert.equal(m.defs["(req, res) => res.send('hello ' + req.params.n)"], "(req, res) => res.send('hello ' + req.params.n)");
});

test('moved, reformatted and re-commented statements do not run again', () => {
  const before = `let count = 0;\nconst timer = setInterval(() => { count++; }, 10);\nexport function f() { return count; }\n`;
  const after = `export function f() { return count; }\n// a timer\nconst   timer = setInterval(\n  () => { count++; },\n  10 /* ms */,\n);\nlet count=0;\n`;
  const m = match(before, after);
  assert.deepEqual(m.runs, []);
  assert.equal(m.defs['function f() { return count; }'], 'function f() { return count; }');
});

test('whitespace inside strings, templates and regexes counts', () => {
  const m = match(`log('a b');\nconst r = /a b/;\nconst t = \`x y\`;\n`, `log('a  b');\nconst r = /a  b/;\nconst t = \`x  y\`;\n`);
  assert.equal(m.runs.length, 3);
});

test('an edited statement runs again, and the function in it keeps its identity', () => {
  const m = match(`app.get('/a', (req, res) => res.send('A'));\n`, `app.get('/b', (req, res) => res.send('A'));\n`);
  assert.deepEqual(m.edited, [`app.get('/b', (req, res) => res.send('A'));`]);
  assert.equal(m.defs["(req, res) => res.send('A')"], "(req, res) => res.send('A')");
});

test('a body edit is a patch of the function, not a run of its statement', () => {
  const m = match(`export const handler = (x) => x + 1;\nexport default function main() { return 1; }\n`, `export const handler = (x) => x + 2;\nexport default function main() { return 2; }\n`);
  assert.deepEqual(m.runs, []);
  assert.equal(m.defs['(x) => x + 2'], '(x) => x + 1');
});

test('class members: added, removed and reordered methods keep the class statement; a field does not', () => {
  const before = `class C {\n  #n = 0;\n  static count = 1;\n  a() { return this.#n; }\n  get b() { return 2; }\n  static s() { return 3; }\n}\n`;
  const after = `class C {\n  #n = 0;\n\n  static count = 1;\n  static s() { return 3; }\n  get b() { return 2; }\n\n  added() { return 4; }\n}\n`;
  let m = match(before, after);
  assert.deepEqual(m.runs, []);
  assert.deepEqual(m.defs, { 'static s() { return 3; }': 'static s() { return 3; }', 'get b() { return 2; }': 'get b() { return 2; }', 'added() { return 4; }': null });
  m = match(before, before.replace('static count = 1;', 'static count = 1;\n  extra = 5;'));
  assert.equal(m.edited.length, 1, 'a field added: the class statement runs again');
  assert.equal(m.defs['a() { return this.#n; }'], 'a() { return this.#n; }', 'and its methods keep their identity');
});

test('closures in a function: one inserted before another is new; the other keeps its identity', () => {
  const m = match(`export function f(xs) {\n  return xs.map((x) => x * 2);\n}\n`, `export function f(xs) {\n  const ys = xs.filter((x) => x > 0);\n  return ys.map((x) => x * 2);\n}\n`);
  assert.deepEqual(m.runs, []);
  assert.equal(m.defs['(x) => x > 0'], null);
  assert.equal(m.defs['(x) => x * 2'], '(x) => x * 2');
});

test('closures in a function, all edited: paired by their place and kind', () => {
  const m = match(`function f() {\n  a(() => 1);\n  b(function () { return 2; });\n}\n`, `function f() {\n  a(() => 10);\n  b(function () { return 20; });\n}\n`);
  assert.equal(m.defs['() => 10'], '() => 1');
  assert.equal(m.defs['function () { return 20; }'], 'function () { return 2; }');
});

test('identical statements: one more runs once', () => {
  const m = match(`count++;\ncount++;\n`, `count++;\ncount++;\ncount++;\n`);
  assert.deepEqual(m.runs, ['count++;']);
});

test('a function that becomes a const keeps its identity by name', () => {
  const m = match(`export function greet(n) { return 'hi ' + n; }\nother();\n`, `export const greet = function greet(n) { return 'hey ' + n; };\nother();\n`);
  assert.equal(m.defs["function greet(n) { return 'hey ' + n; }"], "function greet(n) { return 'hi ' + n; }");
});

test('deleting a statement leaves the others alone', () => {
  const m = match(`a(() => 1);\nb(() => 2);\nc(() => 3);\n`, `a(() => 1);\nc(() => 3);\n`);
  assert.deepEqual(m.runs, []);
  assert.deepEqual(m.defs, { '() => 1': '() => 1', '() => 3': '() => 3' });
});

test('object literal methods pair by key whatever their order', () => {
  const m = match(`export const h = {\n  a() { return 1; },\n  b: () => 2,\n};\n`, `export const h = {\n  b: () => 20,\n  a() { return 1; },\n  c() { return 3; },\n};\n`);
  assert.equal(m.edited.length, 1);
  assert.equal(m.defs['() => 20'], '() => 2');
  assert.equal(m.defs['a() { return 1; }'], 'a() { return 1; }');
  assert.equal(m.defs['c() { return 3; }'], null);
});

test("what a formatter changes is not a change: quotes, trailing commas, semicolons", () => {
  const before = `app.use(cors({ origin: 'x', credentials: true }))\nconst list = [1, 2]\nclass A { x = 1 }\n`;
  const after = `app.use(\n  cors({\n    origin: "x",\n    credentials: true,\n  }),\n);\nconst list = [\n  1,\n  2,\n];\nclass A {\n  x = 1;\n}\n`;
  assert.deepEqual(match(before, after).runs, []);
  assert.equal(match(`const a = [1,,];\n`, `const a = [1,];\n`).runs.length, 1, 'an elision is not a trailing comma');
  assert.equal(match(`f('a\\'b');\n`, `f("a'b");\n`).runs.length, 0);
});
