// The region path, in-process: a save confined to some top-level statements is analysed alone and spliced
// into the running analysis. The spliced analysis must be the one a fresh analysis of the whole new text
// gives: same statements, definitions (paths, places, statements), classes, references and their bindings,
// literal and comment ranges, source map and code keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseSource } from '../../dist/compiler/index.js';
import { regionOf, splice } from '../../dist/runtime/region.js';
import { shapeOf } from '../../dist/runtime/structure.js';

function summary(an) {
  const info = an.info;
  const scopeKind = (b) => (b ? `${b.kind}@${b.scope.kind}:${b.scope.start}-${b.scope.end}` : 'global');
  return {
    js: an.js,
    base: JSON.stringify(an.base.map((l) => l.map((s) => s.slice(0, 4)))), // (a name index, field 5, is never used)
    statements: info.statements.map((s) => [s.type, s.start, s.end]),
    defs: info.defs.map((d) => [d.index, d.path, d.name, d.kind, d.stmt, d.start, d.end, d.fn.start, d.fn.end, d.parent?.path ?? null, d.cls?.path ?? null, d.captured.join(), d.scope && [d.scope.start, d.scope.end]]),
    classes: info.classes.map((c) => [c.index, c.path, c.stmt, c.bodyStart, c.node.start, c.parentDef?.path ?? null]),
    refs: info.refs.map((r) => [r.name, r.node.start, r.write, r.decl, scopeKind(r.binding)]),
    thisRefs: info.thisRefs.map((t) => [t.kind, t.node.start, t.owner]),
    privateRefs: info.privateRefs.map((p) => [p.name, p.role, p.node.start]),
    moduleNames: [...info.moduleScope.decls.values()].map((b) => `${b.name}:${b.kind}`).sort(),
    comments: info.comments, verbatim: info.verbatim, strings: [...info.strings].sort((a, b) => a[0] - b[0]),
    keys: shapeOf(info).keys, declared: shapeOf(info).declared,
  };
}

function check(file, before, after, { expectRegion = true } = {}) {
  const old = analyseSource(before, file);
  shapeOf(old.info);
  const reg = regionOf(old, before, after, file);
  if (!expectRegion) { assert.equal(reg, null, 'no region'); return; }
  assert.ok(reg, 'a region was found');
  const spliced = splice(old, reg);
  const fresh = analyseSource(after, file);
  const a = summary(spliced), b = summary(fresh);
  for (const k of Object.keys(b)) assert.deepEqual(a[k], b[k], `${file}: ${k} differs`);
}

const JS = `// a module
import { readFileSync } from 'node:fs';
const table = { a: 1, 'b c': 2 };
export function one(x) {
  return [x].map((y) => y + table.a)[0];
}
bus.on('a', () => log('A'));
bus.on('b', () => { log(\`B \${table.a}\`); });
export class Shape {
  #n = 1;
  static count = 0;
  area() { return this.#n * 2; }
  later() { return [1].map(() => this.#n)[0]; }
}
let counter = 0;
setInterval(() => { counter++; }, 1000);
export default function main() { return one(1) + counter; }
`;

test('a statement edited in the middle', () => check('/tmp/x/a.js', JS, JS.replace("bus.on('a', () => log('A'));", "bus.on('a', () => log('A!'));\n")));
test('a statement inserted above others with anonymous functions', () => check('/tmp/x/a.js', JS, JS.replace("bus.on('a'", "bus.on('z', () => log('Z'));\nbus.on('a'")));
test('a statement deleted', () => check('/tmp/x/a.js', JS, JS.replace("bus.on('b', () => { log(`B ${table.a}`); });\n", '')));
test('a method added to a class with private fields', () => check('/tmp/x/a.js', JS, JS.replace('  area() {', '  perimeter() { return this.#n * 4; }\n  area() {')));
test('a new module-level name, used later in the file', () => check('/tmp/x/a.js', JS.replace('let counter = 0;', 'let counter = 0;\nconst later = () => extra;'), JS.replace('let counter = 0;', 'let counter = 0;\nconst later = () => extra;').replace("bus.on('a'", "const extra = 5;\nbus.on('a'")));
test('a name removed, and one whose kind changes', () => check('/tmp/x/a.js', JS, JS.replace('let counter = 0;', 'var counter = 0;').replace("const table = { a: 1, 'b c': 2 };", "const table = { a: 1, 'b c': 2 };\nconst gone = 1;").replace('const gone = 1;\n', '')));
test('the last statement edited', () => check('/tmp/x/a.js', JS, JS.replace('return one(1) + counter;', 'return one(2) + counter;')));
test('two statements far apart edited: one region from the first to the last', () => check('/tmp/x/a.js', JS, JS.replace("log('A')", "log('AA')").replace('counter++;', 'counter += 2;')));
test('paths renumbered: an anonymous function inserted before namesakes', () => {
  const src = `a(() => 1);\nb(() => 2);\nc(() => 3);\nfunction f() { return [() => 4, () => 5]; }\n`;
  check('/tmp/x/b.js', src, src.replace('b(() => 2);', 'b(() => 2);\nz(() => 9, () => 10);'));
});
test('TypeScript: a statement edited, types in the region and around it', () => {
  const ts = `interface Item { id: number }\nexport function score(items: Item[]): number {\n  return items.length;\n}\nexport const LIMIT: number = 1;\nexport class Store<T> {\n  #items: T[] = [];\n  add(x: T): void { this.#items.push(x); }\n}\nconst labels: Record<string, string> = { a: 'b' };\n`;
  check('/tmp/x/c.ts', ts, ts.replace('export const LIMIT: number = 1;', 'export const LIMIT: number = 2;\ntype Extra = { k: string };\nexport function extra(e: Extra): string { return e.k; }'));
});
test('imports, decorators and whole-file changes take the full path', () => {
  check('/tmp/x/a.js', JS, JS.replace("import { readFileSync } from 'node:fs';", "import { readFileSync, statSync } from 'node:fs';"), { expectRegion: false });
  check('/tmp/x/a.js', JS, '// gone\n', { expectRegion: false });
});

// Random statement-level edits of a file made of varied statements: every spliced analysis must equal
// the fresh one (the seed is fixed, so a failure reproduces).
const POOL = [
  (i) => `bus.on('e${i}', () => log('L${i}'));`,
  (i) => `export function f${i}(x) {\n  return [x].map((y) => y + ${i})[0];\n}`,
  (i) => `const t${i} = { a: ${i}, b: () => t${i}.a, c() { return this.a; } };`,
  (i) => `class C${i} {\n  #p = ${i};\n  static s = 1;\n  m() { return this.#p; }\n  get g() { return [1].map(() => this.#p); }\n}`,
  (i) => `let v${i} = ${i};\nv${i}++;`,
  (i) => `// note ${i}\nsetTimeout(() => { v${i % 3} = 'x y'; }, ${i});`,
  (i) => `var w${i} = \`t \${${i}} \`, r${i} = /a b/g;`,
  (i) => `if (globalThis.x${i}) { const inner = () => x${i}; inner(); }`,
];
test('random statement edits: the spliced analysis is the fresh one', () => {
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const pick = (n) => Math.floor(rand() * n);
  let next = 0;
  let stmts = Array.from({ length: 10 }, () => POOL[pick(POOL.length)](next++));
  const render = (list) => list.join('\n') + '\n';
  let regions = 0;
  for (let round = 0; round < 200; round++) {
    const before = render(stmts);
    const edited = [...stmts];
    const op = pick(4), at = pick(edited.length);
    if (op === 0) edited.splice(at, 0, POOL[pick(POOL.length)](next++));
    else if (op === 1 && edited.length > 3) edited.splice(at, 1);
    else if (op === 2) edited[at] = edited[at].replace(/\d+/, (d) => String(Number(d) + 1));
    else edited.splice(at, 0, edited[pick(edited.length)]);
    const after = render(edited);
    const old = analyseSource(before, '/tmp/x/r.js');
    shapeOf(old.info);
    const reg = regionOf(old, before, after, '/tmp/x/r.js');
    let valid = true;
    try { analyseSource(after, '/tmp/x/r.js'); } catch { valid = false; }
    if (!valid) { assert.equal(reg, null, `round ${round}: a text that does not parse as a whole has no region\n${after}`); continue; }
    stmts = edited;
    if (!reg) continue;
    regions++;
    const a = summary(splice(old, reg)), b = summary(analyseSource(after, '/tmp/x/r.js'));
    for (const k of Object.keys(b)) assert.deepEqual(a[k], b[k], `round ${round}: ${k} differs\n--- before ---\n${before}\n--- after ---\n${after}`);
  }
  assert.ok(regions > 100, `most edits were regions (${regions})`);
});
