// Issue 3: a module of random functions, classes and closures goes through rounds of random body changes,
// additions, deletions and reorderings. After each round, calls through references taken at start and
// through fresh lookups must return what a fresh run of that version returns (computed from the model).
// Seeds are fixed so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApp, jurig } from '../helpers.mjs';

function prng(seed) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

function makeModel(rand) {
  const int = (n) => Math.floor(rand() * n);
  const m = { fns: new Map(), classes: new Map(), factories: new Map(), order: [], next: 0, round: 0, int };
  const add = (kind) => {
    const name = `${kind}${m.next++}`;
    if (kind === 'f') m.fns.set(name, { a: int(9) + 1, b: int(50) });
    if (kind === 'C') m.classes.set(name, new Map([[`m${m.next++}`, { c: int(9) + 1 }], [`m${m.next++}`, { c: int(9) + 1 }]]));
    if (kind === 'mk') m.factories.set(name, { d: int(50) });
    m.order.push(name);
    return name;
  };
  for (let i = 0; i < 4; i++) add('f');
  for (let i = 0; i < 2; i++) add('C');
  for (let i = 0; i < 2; i++) add('mk');
  m.add = add;
  return m;
}

function render(m) {
  const parts = [`export const ROUND = ${m.round};`];
  for (const name of m.order) {
    if (m.fns.has(name)) { const { a, b } = m.fns.get(name); parts.push(`export function ${name}(x: number): number {\n  return x * ${a} + ${b};\n}`); }
    if (m.classes.has(name)) {
      const methods = [...m.classes.get(name)].map(([k, { c }]) => `  ${k}(x: number): number { return this.v * ${c} + x; }`);
      parts.push(`export class ${name} {\n  v = 3;\n${methods.join('\n')}\n}`);
    }
    if (m.factories.has(name)) { const { d } = m.factories.get(name); parts.push(`export function ${name}(k: number) {\n  return (x: number) => x * k + ${d};\n}`); }
  }
  // a dispatch table over the current names (it changes every round, and reaches names added after start)
  parts.push(`export function __call(name: string, x: number): number {\n  return ({ ${[...m.fns.keys()].join(', ')} } as any)[name](x);\n}`);
  parts.push(`export function __make(name: string, k: number) {\n  return ({ ${[...m.factories.keys()].join(', ')} } as any)[name](k);\n}`);
  parts.push(`export function __cls(name: string): any {\n  return ({ ${[...m.classes.keys()].join(', ')} } as any)[name];\n}`);
  return parts.join('\n\n') + '\n';
}

function driver(m) {
  return `import * as g from './gen.js';
const oldFns: Record<string, (x: number) => number> = { ${[...m.fns.keys()].map((n) => `${n}: g.${n}`).join(', ')} };
const oldObjs: Record<string, any> = { ${[...m.classes.keys()].map((n) => `${n}: new g.${n}()`).join(', ')} };
const oldClosures: Record<string, (x: number) => number> = { ${[...m.factories.keys()].map((n) => `${n}: g.${n}(2)`).join(', ')} };
process.stdin.setEncoding('utf8');
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) !== -1) {
    const req = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    const out = req.map(([kind, name, arg, x]: [string, string, string, number]) => {
      switch (kind) {
        case 'round': return g.ROUND;
        case 'old-fn': return oldFns[name](x);
        case 'new-fn': return g.__call(name, x);
        case 'old-m': return oldObjs[name][arg]?.(x) ?? null;
        case 'new-m': { const o = new (g.__cls(name))(); return o[arg]?.(x) ?? null; }
        case 'old-cl': return oldClosures[name](x);
        case 'new-cl': return g.__make(name, 2)(x);
      }
    });
    console.log(JSON.stringify(out));
  }
});
`;
}

function mutate(m, rand, bodiesOnly) {
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  // bodiesOnly: one body change per round, the edit jurig's fast path handles (runtime/fast-path.ts)
  const ops = bodiesOnly ? 1 : Math.floor(rand() * 4) + 1;
  for (let i = 0; i < ops; i++) {
    const op = pick(bodiesOnly ? ['fn-body', 'method-body', 'closure-body'] : ['fn-body', 'fn-body', 'method-body', 'closure-body', 'add-fn', 'del-fn', 'add-method', 'del-method', 'reorder']);
    const fnNames = [...m.fns.keys()];
    if (op === 'fn-body' && fnNames.length) { const f = m.fns.get(pick(fnNames)); f.a = m.int(9) + 1; f.b = m.int(50); }
    if (op === 'method-body') { const ms = m.classes.get(pick([...m.classes.keys()])); if (ms.size) ms.get(pick([...ms.keys()])).c = m.int(9) + 1; }
    if (op === 'closure-body') m.factories.get(pick([...m.factories.keys()])).d = m.int(50);
    if (op === 'add-fn') m.add('f');
    if (op === 'del-fn' && fnNames.length > 1) { const n = pick(fnNames); if (m.rendered.has(n)) m.last.set(n, m.rendered.get(n)); m.fns.delete(n); m.order.splice(m.order.indexOf(n), 1); }
    if (op === 'add-method') m.classes.get(pick([...m.classes.keys()])).set(`m${m.next++}`, { c: m.int(9) + 1 });
    if (op === 'del-method') { const ms = m.classes.get(pick([...m.classes.keys()])); if (ms.size > 1) ms.delete(pick([...ms.keys()])); }
    if (op === 'reorder') for (let k = m.order.length - 1; k > 0; k--) { const j = Math.floor(rand() * (k + 1)); [m.order[k], m.order[j]] = [m.order[j], m.order[k]]; }
  }
}

for (const [seed, bodiesOnly] of [[1, false], [2, false], [3, false], [4, true], [5, true]]) {
  test(`random edit sequence, seed ${seed}${bodiesOnly ? ' (body edits only)' : ''}`, async () => {
    const rand = prng(seed);
    const m = makeModel(rand);
    m.last = new Map(); // deleted functions: old references keep the last code they had
    m.rendered = new Map([...m.fns].map(([k, v]) => [k, { ...v }]));
    const initial = { fns: [...m.fns.keys()], classes: [...m.classes.keys()], factories: [...m.factories.keys()] };
    const app = makeApp({ 'gen.ts': render(m), 'app.ts': driver(m) });
    const p = jurig(app, ['app.ts']);
    try {
      for (let round = 1; round <= 12; round++) {
        mutate(m, rand, bodiesOnly);
        if (!bodiesOnly) m.round = round; // body-only rounds leave ROUND alone so the body is all that changes
        app.write('gen.ts', render(m));
        m.rendered = new Map([...m.fns].map(([k, v]) => [k, { ...v }])); // what the running code last saw
        if (!bodiesOnly) await p.askUntil(JSON.stringify([['round']]), (l) => l === `[${round}]`);
        const calls = [], expected = [];
        const x = round + 1;
        for (const n of initial.fns) { calls.push(['old-fn', n, null, x]); const f = m.fns.get(n) ?? m.last.get(n); expected.push(x * f.a + f.b); }
        for (const n of m.fns.keys()) { calls.push(['new-fn', n, null, x]); const f = m.fns.get(n); expected.push(x * f.a + f.b); }
        for (const n of initial.classes) for (const [meth, { c }] of m.classes.get(n)) {
          calls.push(['old-m', n, meth, x], ['new-m', n, meth, x]);
          expected.push(3 * c + x, 3 * c + x);
        }
        for (const n of initial.factories) { const { d } = m.factories.get(n); calls.push(['old-cl', n, null, x], ['new-cl', n, null, x]); expected.push(x * 2 + d, x * 2 + d); }
        const want = JSON.stringify(expected);
        // body-only: wait for the answer the edit must produce (a round may change nothing observable)
        const got = JSON.parse(bodiesOnly ? await p.askUntil(JSON.stringify(calls), (l) => l === want, { timeout: 5000 }).catch(() => p.ask(JSON.stringify(calls))) : await p.ask(JSON.stringify(calls)));
        assert.deepEqual(got, expected, `seed ${seed} round ${round}\n${calls.map((c, i) => `${c.join(' ')} → ${got[i]} (want ${expected[i]})`).join('\n')}\n--- gen.ts ---\n${render(m)}\nstderr:\n${p.err.join('\n')}`);
      }
      assert.ok(!p.err.some((l) => l.includes('jurig error') || l.includes('internal error')), p.err.join('\n'));
    } finally {
      await p.kill();
      app.cleanup();
    }
  });
}
