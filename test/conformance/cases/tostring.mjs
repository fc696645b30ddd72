// The cases of test/conformance/tostring.test.mjs (also the inputs of the transform's snapshots,
// test/core/transform.test.mjs). See ../run-case.mjs for what a case is.
// Conformance of Function.prototype.toString: the code the loader inserts (guards, class registrations)
// must never show, for every kind of function, and a patched function shows its new text.

// Every case prints the toString of many functions in both phases; the edit changes a constant in `probe`.
const PROBE = `function probe() { const K = 'v1'; return K; }\n`;
const show = `
const show = (label, f) => console.log(label + ': ' + JSON.stringify(Function.prototype.toString.call(f)) + (String(f) === Function.prototype.toString.call(f) && '' + f === String(f) ? '' : ' MISMATCH'));
`;

export const cases = [
  {
    name: 'functions, arrows, generators, async',
    files: {
      'main.mjs': PROBE + show + `
function decl(a, b = 1, ...rest) { /* comment first */ return a; }
function /* odd */ spaced  ( a ) {return a}
function empty() {}
const expr = function (x) { return x; };
const arrowExpr = (a) => a * 2;
const arrowBlock = (a) => { return a; };
const curried = (a) => (b) => (c) => a + b + c;
const noParens = x => x;
const asyncArrow = async (x) => await x;
function* gen() { yield 1; }
async function af() { await 0; }
async function* ag() { yield 1; }
function withDefaults(f = () => 1, g = function () { return 2; }) { return f() + g(); }
function outer() { let n = 0; return function inner() { return ++n; }; }
const made = outer();
const ternaryArrow = (a) => (a ? (b) => b : (c) => c);
function main() {
  for (const [k, f] of Object.entries({ decl, spaced, empty, expr, arrowExpr, arrowBlock, curried, curriedInner: curried(1), curriedInnermost: curried(1)(2), noParens, asyncArrow, gen, af, ag, withDefaults, made, ternaryArrow, ternaryInner: ternaryArrow(1) })) show(k, f);
  console.log(probe());
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'classes, methods, accessors, static blocks, private members',
    files: {
      'main.mjs': PROBE + show + `
class Empty {}
class Plain { m(a) { return a; } static s() {} get g() { return 1; } set g(v) {} *gm() {} async am() {} ['comp' + 'uted']() {} }
class Priv { #x = 1; static #y = 2; #m() {} get #a() { return 1; } static { this.z = 3; } read() { return this.#x; } }
class Derived extends Plain { constructor(a) { super(); this.a = a; } m(a) { return super.m(a); } }
class Fields { a = 1; b = () => this.a; static c = function () {}; }
const Expr = class Named extends Empty {};
const lit = { method() {}, get acc() { return 1; }, set acc(v) {}, async *agm() {}, arrow: () => 1 };
function main() {
  for (const [k, f] of Object.entries({ Empty, Plain, Priv, Derived, Fields, Expr, m: Plain.prototype.m, s: Plain.s, gm: Plain.prototype.gm, am: Plain.prototype.am, computed: Plain.prototype.computed, read: Priv.prototype.read, dm: Derived.prototype.m, fieldArrow: new Fields().b, staticFn: Fields.c, method: lit.method, agm: lit.agm, arrow: lit.arrow })) show(k, f);
  const d1 = Object.getOwnPropertyDescriptor(Plain.prototype, 'g');
  const d2 = Object.getOwnPropertyDescriptor(lit, 'acc');
  show('getter', d1.get); show('setter', d1.set); show('litGetter', d2.get); show('litSetter', d2.set);
  console.log(probe());
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'toString itself, natives and bound functions',
    files: {
      'main.mjs': PROBE + `
function f() {}
function main() {
  const d = Object.getOwnPropertyDescriptor(Function.prototype, 'toString');
  console.log(JSON.stringify([d.writable, d.enumerable, d.configurable, d.value.name, d.value.length, 'prototype' in d.value]));
  console.log(Function.prototype.toString.toString(), String(Math.max), String(f.bind(null)), String(class {}.constructor));
  let e; try { Function.prototype.toString.call({}); } catch (x) { e = x.constructor.name + ': ' + x.message; } console.log(e);
  console.log(String(new Function('a', 'return a')), String(eval('(function evald() { return 1; })')), String(Symbol), probe());
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'toString of a patched function shows its new text',
    files: {
      'main.mjs': `
function edited(a) { const K = 'v1'; return K + a; }
class C { m() { const K = 'v1'; return K; } }
const arrow = () => 'v1';
const saved = edited;
function main() { console.log(saved(1), String(saved)); }
`,
    },
    edit: { from: "const K = 'v1'; return K + a;", to: "const K = 'v2'; return K + a;" },
  },
];
