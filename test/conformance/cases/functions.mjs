// The cases of test/conformance/functions.test.mjs (also the inputs of the transform's snapshots,
// test/core/transform.test.mjs). See ../run-case.mjs for what a case is.
// Conformance of plain functions, closures and module-level behaviour: instrumented == plain, and a live
// edit of one constant == a plain run of the edited file. See run-case.mjs.

export const cases = [
  {
    name: 'this',
    files: {
      'main.mjs': `
function who() { const K = 'v1'; return [K, this === undefined ? 'undefined' : typeof this === 'object' ? this.tag ?? 'obj' : String(this)]; }
const o = { tag: 'o', who, arrow() { return (() => [this.tag, who.call(this)])(); } };
function main(phase) {
  console.log(JSON.stringify(who()));
  console.log(JSON.stringify(o.who()));
  console.log(JSON.stringify(who.call({ tag: 'call' })), JSON.stringify(who.apply(5)), JSON.stringify(who.bind('b')()));
  console.log(JSON.stringify(Reflect.apply(who, { tag: 'reflect' }, [])));
  console.log(JSON.stringify(o.arrow()));
  const detached = o.who; console.log(JSON.stringify(detached()));
  console.log(JSON.stringify([1].map(who, { tag: 'thisArg' })));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'arguments (strict, ESM)',
    files: {
      'main.mjs': `
function args(a, b) {
  const K = 1;
  a = 'changed';
  const inner = () => arguments.length;
  let callee; try { callee = typeof arguments.callee; } catch (e) { callee = e.constructor.name; }
  return [K, arguments.length, arguments[0], inner(), Object.prototype.toString.call(arguments), callee, Array.from(arguments).join('|')];
}
function spreadArgs() { return [...arguments].reverse(); }
function withDefault(a, b = 2) { arguments[0] = 'x'; return [a, b, arguments.length, arguments[0]]; }
function main() {
  console.log(JSON.stringify(args(1, 2, 3)));
  console.log(JSON.stringify(args()));
  console.log(JSON.stringify(spreadArgs(1, 2, 3)), JSON.stringify(withDefault(1)));
  console.log(args.length, withDefault.length, spreadArgs.length);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'arguments (sloppy-mode mapping, CommonJS)',
    // CommonJS files are instrumented too (sloppy mode kept: the guard sits after any 'use strict')
    files: {
      'main.cjs': `
function mapped(a, b) { const K = 1; a = 'changed'; arguments[1] = 'viaArgs'; return [K, arguments[0], b, this === undefined ? 'undef' : typeof this]; }
function unmapped(a, b = 0) { a = 'changed'; return [arguments[0]]; }
function strictFn(a) { 'use strict'; a = 'changed'; return [arguments[0], this === undefined]; }
function main() {
  console.log(JSON.stringify(mapped(1, 2)), JSON.stringify(unmapped(1)), JSON.stringify(strictFn(1)));
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'new.target',
    files: {
      'main.mjs': `
function F() { const K = 'v1'; if (!new.target) return 'called:' + K; this.nt = new.target === F ? 'F' : new.target.name; this.k = K; }
function G() {}
class Base { constructor() { this.nt = new.target.name; } }
class Derived extends Base {}
function main() {
  console.log(F());
  console.log(JSON.stringify(new F()));
  console.log(JSON.stringify(Reflect.construct(F, [], G)), Object.getPrototypeOf(Reflect.construct(F, [], G)) === G.prototype);
  console.log(new Derived().nt, new Base().nt);
  const arrowNT = function () { return (() => new.target === undefined)(); };
  console.log(arrowNT(), new arrowNT() instanceof arrowNT);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'hoisting (calls before the declaration)',
    files: {
      'main.mjs': `
console.log('top', early(), typeof later, typeof notHoisted);
export function early() { const K = 'v1'; return 'early:' + K + ':' + helper(); }
function helper() { return inner(); function inner() { return 'inner'; } }
var notHoisted = function () {};
function main() {
  console.log(early(), typeof later);
  { function blockFn() { return 'block'; } console.log(blockFn()); }
  console.log(typeof blockFn);
  console.log(afterReturn());
  return;
  function afterReturn() { return 'afterReturn'; }
}
function later() {}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'function declarations nested in functions',
    files: {
      'main.mjs': `
function outer(x) {
  function inner(y) { const K = 'v1'; return K + ':' + x + ':' + y; }
  function recurse(n) { return n <= 0 ? 'base' : recurse(n - 1); }
  return [inner, recurse];
}
const [early, rec] = outer('early');
function main() { console.log(early(1), outer('fresh')[0](2), rec(3), early.name); }
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'TDZ',
    files: {
      'main.mjs': `
const err = (f) => { try { return String(f()); } catch (e) { return e.constructor.name + ': ' + e.message; } };
function tdz() {
  const K = 'v1';
  const r = [err(() => x), err(() => typeof x), err(() => C)];
  let x = 1;
  class C {}
  r.push(err(() => x), K);
  return r;
}
function main() {
  console.log(JSON.stringify(tdz()));
  console.log(err(() => late), err(() => LateClass));
}
console.log(err(() => late), err(() => LateClass), err(() => lateConst));
let late = 1;
class LateClass {}
const lateConst = 2;
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'default, rest and destructured parameters',
    files: {
      'main.mjs': `
let n = 0;
function d(a, b = a + 1, c = (() => a * 10)(), { x = 'X', y: [y1 = 'Y1'] = [] } = {}, ...rest) {
  const K = 1;
  return [K, a, b, c, x, y1, rest];
}
const arrow = ({ p, q = p * 2 }, [r, , s = 's'] = [], ...more) => [1, p, q, r, s, more.length];
function scope(a, f = () => a) { var a = 'inner'; return [a, f()]; }
function counter(v = ++n) { return v; }
function main() {
  console.log(JSON.stringify(d(1)), JSON.stringify(d(1, undefined, null, { x: 0, y: [undefined] }, 5, 6)));
  console.log(JSON.stringify(arrow({ p: 2 })), JSON.stringify(arrow({ p: 2, q: 0 }, [7, 8], 9, 10)));
  console.log(JSON.stringify(scope('outer')), counter(), counter(), counter(5));
  console.log(d.length, arrow.length, scope.length, counter.length, ((a, ...b) => 0).length);
  let e; try { arrow(); } catch (x) { e = x.constructor.name; } console.log(e);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'name, length, prototype, own properties',
    files: {
      'main.mjs': `
function decl(a, b) { const K = 'v1'; return K; }
const expr = function (a) {};
const named = function inner(a, b, c) {};
const arrow = (a, b) => a;
const asyncArrow = async () => {};
function* gen() {}
async function af() {}
async function* ag() {}
const obj = { method() {}, get acc() { return 1; }, set acc(v) {}, ['comp' + 'uted']() {}, [Symbol.iterator]() {}, arrowProp: () => {}, fnProp: function () {} };
const props = (f) => Object.getOwnPropertyNames(f).sort().join(',') + ' proto:' + (f.prototype === undefined ? 'none' : Object.getOwnPropertyNames(f.prototype).join(','));
function main() {
  const fns = { decl, expr, named, arrow, asyncArrow, gen, af, ag, method: obj.method, computed: obj.computed, iter: obj[Symbol.iterator], arrowProp: obj.arrowProp, fnProp: obj.fnProp, bound: decl.bind(null, 1) };
  for (const [k, f] of Object.entries(fns)) console.log(k, JSON.stringify(f.name), f.length, props(f));
  const acc = Object.getOwnPropertyDescriptor(obj, 'acc');
  console.log(acc.get.name, acc.set.name, acc.get.length, acc.set.length, props(acc.get));
  console.log(JSON.stringify(Object.getOwnPropertyDescriptor(decl, 'name')), JSON.stringify(Object.getOwnPropertyDescriptor(decl, 'prototype')));
  console.log(Object.getPrototypeOf(gen) === Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(ag.prototype) === Object.getPrototypeOf((async function* () {}).prototype));
  console.log(decl());
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'instanceof and constructor functions',
    files: {
      'main.mjs': `
function Animal(name) { this.name = name; }
Animal.prototype.talk = function () { const K = 'v1'; return this.name + ':' + K; };
function Dog(name) { Animal.call(this, name); }
Dog.prototype = Object.create(Animal.prototype);
Dog.prototype.constructor = Dog;
const Even = { [Symbol.hasInstance](n) { return n % 2 === 0; } };
function main() {
  const d = new Dog('rex');
  console.log(d instanceof Dog, d instanceof Animal, d.talk(), d.constructor.name);
  const B = Animal.bind(null);
  console.log(new B('b') instanceof Animal, new B('b') instanceof B, 2 instanceof Even, 3 instanceof Even);
  let e; try { ({}) instanceof (() => {}); } catch (x) { e = x.constructor.name; } console.log(e);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'closures: counters keep their state across a patch',
    files: {
      'main.mjs': `
function makeCounter(step) { let count = 0; return () => { const K = 1; count += step * K; return count; }; }
const c1 = makeCounter(1), c2 = makeCounter(10);
function main(phase) {
  // counters made before the edit keep their count; only the increments depend on K
  const a = c1(), b = c1(), c = c2(), d = c2();
  const c3 = makeCounter(100);
  console.log(b - a, d - c, c3(), c3(), c1.name, c1.length);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'labelled loops with closures',
    files: {
      'main.mjs': `
function loops() {
  const K = 'v1';
  const fns = [];
  outer: for (let i = 0; i < 4; i++) {
    inner: for (let j = 0; j < 4; j++) {
      if (j === 2) continue outer;
      if (i === 3) break outer;
      fns.push(() => K + i + j);
    }
  }
  let k = 0; const ws = [];
  lbl: while (true) { const kk = k; ws.push(() => kk); if (++k > 2) break lbl; }
  blk: { ws.push(() => 'blk'); break blk; }
  return fns.map((f) => f()).join(',') + ' ' + ws.map((f) => f()).join(',');
}
function main() { console.log(loops()); }
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'tagged templates',
    files: {
      'main.mjs': `
function tag(strings, ...vals) { const K = 'v1'; return K + JSON.stringify([strings, strings.raw, vals, Object.isFrozen(strings)]); }
const seen = [];
function site(x) { const s = ((s) => s)\`a\${x}b\`; seen.push(s); return s; }
function main(phase) {
  console.log(tag\`x\${1}y\\n\${'two'}\`);
  console.log(String.raw\`\\u\${1}\`);
  site(1); site(2);
  console.log(seen.length, seen[0] === seen[1], seen[0] === seen[seen.length - 1]);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'eval inside user functions',
    files: {
      'main.mjs': `
const moduleConst = 'mc';
function ev(a) {
  const K = 'v1';
  let local = 'local';
  const r = [eval('a + local + K + moduleConst'), eval('typeof arguments'), eval('this === undefined')];
  eval('var leaked = 1'); r.push(typeof leaked);
  r.push((0, eval)('typeof local'), eval('(() => local)()'));
  eval('local = "set"'); r.push(local);
  const f = eval('(function named() { return [typeof a, K]; })'); r.push(f().join(''));
  return r.join(',');
}
function main() { console.log(ev('A')); console.log(new Function('a', 'return a * 2')(21)); }
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'strict mode',
    files: {
      'main.mjs': `
const err = (f) => { try { return String(f()); } catch (e) { return e.constructor.name; } };
function strict() {
  const K = 'v1';
  return [
    K,
    (function () { return this; })() === undefined,
    err(() => { undeclaredVar = 1; }),
    err(() => { Object.freeze([1])[0] = 2; }),
    err(() => { delete Object.prototype; }),
    err(() => (function () { return arguments.callee; })()),
    err(() => { 'use strict'; return (function () { return typeof this; }).call(1); }),
  ].join(',');
}
function main() { console.log(strict()); }
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'computed keys in object literals',
    files: {
      'main.mjs': `
let order = [];
const key = (k) => (order.push(k), k);
const sym = Symbol('s');
function make() {
  const K = 'v1';
  return { [key('a')]: 1, [key('m')]() { return K; }, get [key('g')]() { return 'g' + K; }, [sym]: () => 'sym', [key(1 + 1)]: 'two', async *[key('ag')]() {} };
}
function main() {
  order = [];
  const o = make();
  console.log(order.join(','), Object.keys(o).join(','), o.m(), o.g, o[sym](), o.m.name, o.ag.name, o[sym].name, o[2]);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'non-ASCII identifiers',
    files: {
      'main.mjs': `
function grüße(名前) { const K = 'v1'; return 'Grüße, ' + 名前 + ' ' + K; }
const π = Math.PI, ℮ = 'e', \\u0061bc = 'escaped';
const ñ = { mañana() { return 'mañana'; }, ['日本']: () => '日本' };
class Ünïcödé { #prïv = 'p'; get ß() { return this.#prïv; } }
function main(phase) {
  console.log(grüße('世界'), grüße.name, π.toFixed(2), ℮, abc, ñ.mañana.name, ñ['日本'].name, new Ünïcödé().ß, Ünïcödé.name);
  if (phase === 1) console.log(grüße.toString(), Ünïcödé.toString());
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'BOM and CRLF line endings',
    files: {
      'main.mjs': '\uFEFF' + `// a file with a byte order mark and CRLF line endings
function crlf(a) {
  const K = 'v1';
  return [K, a,
    'line2'].join('|');
}
function main(phase) {
  console.log(crlf(1));
  if (phase === 1) console.log(JSON.stringify(crlf.toString()));
  try { throw new Error('x'); } catch (e) { console.log(e.stack.split('\\n')[1].replace(/.*main\\.mjs/, 'main.mjs')); }
}
`.replace(/\n/g, '\r\n'),
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'JSON import with import attributes',
    files: {
      'main.mjs': `
import data from './data.json' with { type: 'json' };
const dyn = await import('./data.json', { with: { type: 'json' } });
function read() { const K = 'v1'; return K + ':' + data.name + ':' + data.list.length + ':' + (dyn.default === data); }
function main() { console.log(read()); }
`,
      'data.json': JSON.stringify({ name: 'jurig', list: [1, 2, 3] }),
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'import cycle calling a hoisted function before its module ran',
    files: {
      'a.mjs': `
import { early, earlyDefault } from './b.mjs';
export function hello(who) { const K = 'v1'; return 'hello ' + who + ' ' + K; }
export default function dflt() { return 'default'; }
function main(phase) {
  if (phase === 1) console.log(early, earlyDefault);
  console.log(hello('main'));
}
`,
      'b.mjs': `
import { hello } from './a.mjs';
import dflt from './a.mjs';
const safe = (f) => { try { return f(); } catch (e) { return e.constructor.name + ': ' + e.message; } };
export const early = safe(() => hello('b'));
export const earlyDefault = safe(() => dflt());
`,
    },
    entry: 'a.mjs',
    edit: { file: 'a.mjs', from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'import cycle: live bindings and TDZ of the other module',
    files: {
      'a.mjs': `
import { fromB, callA } from './b.mjs';
export let counter = 0;
export function bump() { const K = 1; counter += K; return counter; }
function main(phase) {
  const before = counter;
  console.log(callA(), fromB(), counter - before);
}
`,
      'b.mjs': `
import { bump, counter } from './a.mjs';
let tdz;
try { counter; } catch (e) { tdz = e.constructor.name; }
export function fromB() { return 'b:' + tdz; }
export function callA() { bump(); return counter > 0; }
`,
    },
    entry: 'a.mjs',
    edit: { file: 'a.mjs', from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'a body that is only a directive without a semicolon',
    files: {
      'main.mjs': `
function f(){'hello'}
function g() { 'use strict'
  return typeof this; }
const h = function () { "x" };
function main() {
  const K = 1;
  console.log(f(), g(), h(), String(f), String(g).length, K);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
];
