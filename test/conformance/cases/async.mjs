// The cases of test/conformance/async.test.mjs (also the inputs of the transform's snapshots,
// test/core/transform.test.mjs). See ../run-case.mjs for what a case is.
// Conformance of generators, async functions, async generators and async iteration, including the order
// in which microtasks interleave (a guard or a patch must not add ticks).

export const cases = [
  {
    name: 'generators: yield, return, throw, delegation, finally',
    files: {
      'main.mjs': `
function* inner() { try { const x = yield 'i1'; yield 'got:' + x; } finally { log.push('inner finally'); } return 'inner-ret'; }
function* gen(a) {
  const K = 'v1';
  const r = yield* inner();
  yield r + ':' + K + ':' + a + ':' + arguments.length + ':' + typeof this;
  try { yield 'in-try'; } catch (e) { yield 'caught ' + e; }
  return 'done';
}
const log = [];
function main() {
  log.length = 0;
  const g = gen(1);
  const out = [g.next().value, g.next('X').value, g.next().value, g.next().value, g.throw('boom').value, JSON.stringify(g.next()), JSON.stringify(g.next())];
  console.log(out.join(' | '), log.join(','));
  const g2 = gen(2); g2.next();
  console.log(JSON.stringify(g2.return('early')), log.join(','), [...gen.call({}, 3)].join(','));
  console.log(Object.getPrototypeOf(g) === gen.prototype, g[Symbol.iterator]() === g, String(g), gen.constructor.name);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'async functions: results, errors, await order',
    files: {
      'main.mjs': `
const log = [];
async function a(x) { const K = 'v1'; log.push('a start ' + x); await null; log.push('a after await ' + x); return K + x; }
async function fails() { await 0; throw new Error('nope'); }
const arrow = async (x) => { log.push('arrow ' + x); return x * 2; };
async function main() {
  log.length = 0;
  const p = a(1);
  log.push('sync after call');
  const q = arrow(2);
  log.push('p is promise ' + (p instanceof Promise));
  const r = await Promise.all([p, q, fails().catch((e) => e.message)]);
  console.log(JSON.stringify(r));
  console.log(log.join(' / '));
  console.log(a.constructor.name, arrow.constructor.name, a.length, Object.getOwnPropertyNames(a).sort().join(','));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'async functions: microtask interleaving after a patch',
    files: {
      'main.mjs': `
const log = [];
async function slow(tag) { const K = 'v1'; log.push(tag + ' start ' + K); return tag; }
async function chain() { log.push('chain 1'); await null; log.push('chain 2'); await null; log.push('chain 3'); await null; log.push('chain 4'); }
async function main() {
  log.length = 0;
  const a = slow('A').then((v) => log.push('then ' + v));
  const b = chain();
  Promise.resolve().then(() => log.push('tick 1')).then(() => log.push('tick 2')).then(() => log.push('tick 3')).then(() => log.push('tick 4'));
  await Promise.all([a, b]);
  await new Promise((r) => setTimeout(r, 0));
  console.log(log.join(' / '));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'async generators and for await',
    files: {
      'main.mjs': `
const log = [];
async function* ticker(n) {
  const K = 1;
  try { for (let i = 0; i < n; i++) { await null; log.push('yield ' + i); yield i * K; } }
  finally { log.push('ticker finally'); }
}
async function* delegating() { yield* ticker(2); yield await Promise.resolve('last'); }
const custom = { [Symbol.asyncIterator]() { let i = 0; return { next: async () => ({ done: i >= 2, value: 'c' + i++ }), return: async () => (log.push('custom return'), { done: true }) }; } };
async function main() {
  log.length = 0;
  const got = [];
  for await (const v of ticker(3)) got.push(v);
  for await (const v of delegating()) got.push(v);
  for await (const v of [Promise.resolve('p1'), 'plain', Promise.resolve('p2')]) got.push(v);
  for await (const v of custom) { got.push(v); break; }
  const it = ticker(5); await it.next();
  got.push(JSON.stringify(await it.return('r')));
  console.log(got.join(','));
  console.log(log.join(' / '));
  console.log(ticker.constructor.name, Object.getPrototypeOf(ticker(1)) === ticker.prototype);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 10;' },
  },
  {
    name: 'async generators: microtask interleaving after a patch',
    // a patched async generator is driven by the original one (tagged steps), so each step takes the same
    // ticks as unpatched code
    files: {
      'main.mjs': `
const log = [];
async function* src() { const K = 'v1'; log.push('src ' + K); yield 1; log.push('src after 1'); yield 2; }
async function main() {
  log.length = 0;
  const consume = (async () => { for await (const v of src()) log.push('got ' + v); })();
  Promise.resolve().then(() => log.push('t1')).then(() => log.push('t2')).then(() => log.push('t3')).then(() => log.push('t4')).then(() => log.push('t5')).then(() => log.push('t6'));
  await consume;
  await new Promise((r) => setTimeout(r, 0));
  console.log(log.join(' / '));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'generators: microtask-free laziness and this/arguments after a patch',
    files: {
      'main.mjs': `
const log = [];
const obj = { tag: 'obj', *items(n) { const K = 'v1'; log.push('started'); for (let i = 0; i < n; i++) yield this.tag + i + K + arguments.length; } };
function main() {
  log.length = 0;
  const it = obj.items(2, 'extra');
  log.push('created');
  const vals = [...it];
  console.log(vals.join(','), log.join(','));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'async closures and await in arrow bodies',
    files: {
      'main.mjs': `
function make(prefix) {
  let n = 0;
  return { next: async () => { const K = 1; await null; n += K; return prefix + n; }, peek: () => n };
}
const m = make('x');
async function main() {
  const before = m.peek();
  const a = await m.next();
  const b = await m.next();
  console.log(m.peek() - before, a.slice(0, 1), (await make('y').next()));
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'top-level await with instrumented functions',
    files: {
      'main.mjs': `
async function load() { const K = 'v1'; await new Promise((r) => setTimeout(r, 1)); return 'loaded ' + K; }
const first = await load();
console.log(first);
async function main() { console.log(await load()); }
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
];
