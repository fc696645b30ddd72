// The cases of test/conformance/classes.test.mjs (also the inputs of the transform's snapshots,
// test/core/transform.test.mjs). See ../run-case.mjs for what a case is.
// Conformance of classes and object literals: super, accessors, #private, fields, static blocks, computed
// keys, constructors. Instrumented == plain, and a live edit of one constant == a plain run of the edit.

export const cases = [
  {
    name: 'super in class methods, static methods, getters and arrows',
    files: {
      'main.mjs': `
class Base {
  constructor(x) { this.x = x; }
  greet() { return 'base:' + this.x; }
  static make() { return 'Base.make:' + this.name; }
  get kind() { return 'base-kind'; }
}
class Child extends Base {
  constructor(x, y) { const pre = typeof y; super(x * 2); this.y = y + pre; }
  greet() { const K = 'v1'; return K + ' child>' + super.greet(); }
  static make() { return 'Child>' + super.make(); }
  get kind() { return 'child>' + super.kind; }
  later() { return (() => super.greet())(); }
  setOnSuper() { super.z = 5; return this.z; }
}
class Returns extends Base { constructor() { super(1); return { replaced: true }; } }
function main() {
  const c = new Child(1, 'y');
  console.log(c.greet(), Child.make(), c.kind, c.later(), c.setOnSuper(), JSON.stringify(c));
  console.log(JSON.stringify(new Returns()), Object.getPrototypeOf(Child) === Base);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'super in object literals',
    files: {
      'main.mjs': `
const base = { hello() { return 'base hello ' + this.name; }, get g() { return 'base g'; } };
const obj = {
  __proto__: base,
  name: 'obj',
  hello() { const K = 'v1'; return K + ' obj>' + super.hello(); },
  get g() { return 'obj>' + super.g; },
  arrow() { return (() => super.hello())(); },
};
const other = { name: 'other', hello: obj.hello };
function main() {
  console.log(obj.hello(), obj.g, obj.arrow(), other.hello());
  const swapped = Object.setPrototypeOf({ name: 'sw', hello: obj.hello }, { hello() { return 'never'; } });
  console.log(swapped.hello());
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'getters and setters (class and object literal)',
    files: {
      'main.mjs': `
class Temp {
  #c = 0;
  get f() { const K = 1; return this.#c * 9 / 5 + 32 + K - 1; }
  set f(v) { this.#c = (v - 32) * 5 / 9; }
  static get unit() { return 'C'; }
  static set unit(v) { Temp.set = v; }
}
const lit = { _v: 1, get v() { return this._v * 10; }, set v(x) { this._v = x; } };
const desc = (o, k) => { const d = Object.getOwnPropertyDescriptor(o, k); return [typeof d.get, typeof d.set, d.enumerable, d.configurable, d.get && d.get.name, d.set && d.set.name].join(','); };
function main() {
  const t = new Temp(); t.f = 212;
  Temp.unit = 'K';
  lit.v = 3;
  console.log(t.f, Temp.unit, Temp.set, lit.v, Object.keys(lit).join(','));
  console.log(desc(Temp.prototype, 'f'), desc(Temp, 'unit'), desc(lit, 'v'));
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: '#private fields, methods, accessors and statics',
    files: {
      'main.mjs': `
class Secret {
  #value;
  static #count = 0;
  #hidden() { const K = 'v1'; return K + ':' + this.#value; }
  get #acc() { return '[' + this.#value + ']'; }
  set #acc(v) { this.#value = v; }
  static #bump() { return ++Secret.#count; }
  constructor(v) { this.#value = v; Secret.#bump(); }
  reveal() { this.#acc = this.#value + '!'; return this.#hidden() + ' ' + this.#acc; }
  static has(o) { return #value in o; }
  static count() { return Secret.#count; }
  static peek(o) { try { return o.#value; } catch (e) { return e.constructor.name; } }
}
function main() {
  const before = Secret.count();
  const s = new Secret('x');
  console.log(s.reveal(), Secret.has(s), Secret.has({}), Secret.peek({}), Secret.count() - before);
  console.log(Object.getOwnPropertyNames(s).length, Object.getOwnPropertyNames(Secret.prototype).join(','), Object.getOwnPropertyNames(Secret).join(','));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'class field order and static blocks',
    files: {
      'main.mjs': `
const log = [];
const note = (s) => (log.push(s), s);
class A {
  static s1 = note('static field 1');
  a = note('field a');
  static { note('static block 1 ' + (this === A) + ' ' + Object.keys(this).join('|')); }
  ['computed' + note('key')] = note('computed field');
  b = (() => { const K = 'v1'; return note('field b ' + K + ' ' + this.a); })();
  static s2 = note('static field 2 ' + A.s1);
  static { note('static block 2 ' + A.s2); }
  arrow = () => this.a;
  constructor() { note('ctor ' + Object.keys(this).join('|')); }
}
class B extends A { c = note('B field c ' + this.a); constructor() { note('B before super'); super(); note('B after super'); } }
function main(phase) {
  if (phase === 1) console.log(log.join('\\n'));
  log.length = 0;
  const b = new B();
  console.log(log.join('\\n'));
  console.log(Object.keys(b).join(','), Object.getOwnPropertyNames(A).join(','), Object.getOwnPropertyNames(B).join(','), b.arrow.call(null));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'computed keys in classes',
    files: {
      'main.mjs': `
const order = [];
const key = (k) => (order.push(k), k);
const sym = Symbol('iter');
class C {
  [key('m')]() { const K = 'v1'; return 'm' + K; }
  static [key('s')]() { return 's'; }
  get [key('g')]() { return 'g'; }
  [key('f')] = 'f';
  static [key('sf')] = 'sf';
  *[Symbol.iterator]() { yield 1; yield 2; }
  [sym] = () => 'sym';
}
function main() {
  const c = new C();
  console.log(order.join(','), c.m(), C.s(), c.g, c.f, C.sf, [...c].join(''), c[sym](), C.prototype.m.name, C.prototype[Symbol.iterator].name);
  console.log(Object.getOwnPropertyNames(C.prototype).join(','), Object.getOwnPropertyNames(C).join(','));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'new.target in class constructors, derived constructors',
    files: {
      'main.mjs': `
class Base { constructor(tag) { this.base = new.target.name + ':' + tag; } }
class Mid extends Base {
  constructor(tag) { const K = 'v1'; super(tag + K); this.mid = new.target.name + ':' + K; }
}
class Leaf extends Mid {}
class Other {}
function main() {
  console.log(JSON.stringify(new Mid('m')), JSON.stringify(new Leaf('l')));
  const r = Reflect.construct(Mid, ['r'], Other);
  console.log(JSON.stringify(r), Object.getPrototypeOf(r) === Other.prototype, r instanceof Mid);
  let e; try { Mid('x'); } catch (x) { e = x.constructor.name; } console.log(e);
  console.log(Mid.length, Leaf.length, Base.length);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'instanceof, Symbol.hasInstance and class names',
    files: {
      'main.mjs': `
class Animal { talk() { const K = 'v1'; return K; } }
class Dog extends Animal {}
class Even { static [Symbol.hasInstance](n) { return n % 2 === 0; } }
const Anon = class {};
const Named = class Inner { who() { return Inner.name; } };
const factory = () => class {};
class WithStaticName { static name() { return 'custom'; } }
function main() {
  const d = new Dog();
  console.log(d instanceof Dog, d instanceof Animal, Object.getPrototypeOf(Dog) === Animal, 2 instanceof Even, 3 instanceof Even, d.talk());
  console.log(JSON.stringify([Animal.name, Dog.name, Anon.name, Named.name, new Named().who(), factory().name, typeof WithStaticName.name]));
  console.log(Dog.prototype.constructor === Dog, typeof Animal, Object.getOwnPropertyNames(new Dog()).length, Object.getOwnPropertyNames(Animal.prototype).join(','));
  console.log(JSON.stringify(Object.getOwnPropertyDescriptor(Animal, 'prototype')), Animal.length);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'methods shared by existing instances and subclasses',
    files: {
      'main.mjs': `
class Shape { area() { const K = 1; return this.w * this.h * K; } describe() { return this.constructor.name + '=' + this.area(); } }
class Square extends Shape { constructor(s) { super(); this.w = this.h = s; } }
const early = [new Shape(), new Square(3)];
early[0].w = 2; early[0].h = 5;
const bound = early[1].area.bind(early[1]);
const ref = Shape.prototype.area;
function main() {
  console.log(early.map((s) => s.describe()).join(','), bound(), ref.call({ w: 1, h: 1 }), new Square(2).area());
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'generator and async methods in classes',
    files: {
      'main.mjs': `
class Coll {
  constructor(...items) { this.items = items; }
  *[Symbol.iterator]() { const K = 1; for (const i of this.items) yield i * K; }
  async sum() { let s = 0; for (const i of this) s += await i; return s; }
  async *pairs() { for (const i of this) yield [i, await Promise.resolve(i * 10)]; }
  static *range(n) { for (let i = 0; i < n; i++) yield i; }
}
async function main() {
  const c = new Coll(1, 2, 3);
  const ps = []; for await (const p of c.pairs()) ps.push(p.join(':'));
  console.log([...c].join(','), await c.sum(), ps.join(' '), [...Coll.range(3)].join(','));
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'accessor patched on existing instances',
    files: {
      'main.mjs': `
class P { #n = 2; get double() { const K = 2; return this.#n * K; } static get tag() { return 'P'; } }
const p = new P();
const getter = Object.getOwnPropertyDescriptor(P.prototype, 'double').get;
function main() { console.log(p.double, getter.call(new P()), P.tag); }
`,
    },
    edit: { from: 'const K = 2;', to: 'const K = 3;' },
  },
  {
    name: 'private method patched',
    files: {
      'main.mjs': `
class Q { #x = 5; #calc(m) { const K = 1; return this.#x * m + K; } run() { return this.#calc(2); } static #s() { return 'S'; } static s() { return Q.#s(); } }
const q = new Q();
function main() { console.log(q.run(), new Q().run(), Q.s()); }
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'derived constructor patched',
    files: {
      'main.mjs': `
class Base { constructor(a) { this.a = a; } }
class D extends Base {
  #p = 'p';
  field = 'f';
  constructor(a, b) { const K = 1; super(a * K); this.b = b + K + this.#p + this.field; }
  get p() { return this.#p; }
}
function main() {
  const d = new D(3, 'b');
  console.log(JSON.stringify(d), d.p, d instanceof D, d instanceof Base, d.constructor.name);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'object literal methods and closures in class fields',
    files: {
      'main.mjs': `
class Counter {
  count = 0;
  inc = () => { const K = 1; this.count += K; return this.count; };
  handlers = { click: () => this.inc(), named() { return 'named:' + typeof this.click; } };
}
const c = new Counter();
function main() {
  const a = c.inc(), b = c.handlers.click();
  const detached = c.inc; const d = detached();
  console.log(b - a, d - b, new Counter().inc(), c.handlers.named());
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'closures inside methods reach private names at any depth (a p-queue-like class)',
    files: {
      'main.mjs': `
class Queue {
  #pending = 0;
  #queue = [];
  #done = [];
  add(job) {
    return new Promise((resolve) => {
      const run = async () => {
        this.#pending++;
        const wrap = (v) => { const K = 1; this.#done.push(v * K); return v * K; };
        resolve(wrap(await job()));
        this.#pending--;
      };
      this.#queue.push(run);
    });
  }
  async drain() { for (const r of this.#queue.splice(0)) await r(); return [this.#pending, this.#done.length, this.#done.at(-1)]; }
}
const q = new Queue();
async function main(phase) {
  const p = q.add(async () => phase * 10);
  console.log(JSON.stringify(await q.drain()), await p);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'super in an arrow inside a method, edited itself',
    files: {
      'main.mjs': `
class Base { greet() { return 'base:' + this.x; } static who() { return 'Base'; } }
class Child extends Base {
  x = 1;
  later() { return [1].map((n) => { const K = 'v1'; return K + super.greet() + n + this.x; })[0]; }
  static s() { return (() => 'static v1 ' + super.who())(); }
}
function main() {
  const c = new Child();
  console.log(c.later(), Child.s());
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: "a class's toString shows the running class, a patched method's its own text",
    files: {
      'main.mjs': `
class C { a() { return 1; } b() { const K = 1; return K; } }
const c = new C();
function main() {
  console.log(String(C).replace(/\\s+/g, ' '), String(c.b).replace(/\\s+/g, ' '), String(c.a));
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'private methods and accessors added to a running class, which is not made again',
    files: {
      'main.mjs': `
class Counter {
  #n = 0;
  static made = 0;
  constructor() { Counter.made++; }
  inc() { return ++this.#n; }
  show() { return 'n' + this.#n; }
  static sm() { return 's'; }
}
const c = new Counter();
function main() {
  c.inc();
  let r;
  try { r = c.show(); } catch (e) { r = e.constructor.name; }
  console.log(r, Counter.made, c instanceof Counter, new Counter().show(), Counter.sm());
}
`,
    },
    edit: {
      from: "show() { return 'n' + this.#n; }\n  static sm() { return 's'; }",
      to: "#fmt(p) { return p + this.#n; }\n  get #t() { return 2 * this.#n; }\n  set #t(v) { this.#n = v / 2; }\n  static #shelp(x) { return 'S' + x; }\n  show() { const before = this.#t; this.#t = 8; const t = this.#t; this.#t = before; let bad; try { this.#fmt.call({}, 'x'); } catch (e) { bad = e.constructor.name; } return this.#fmt('N') + t + (#fmt in this) + (#fmt in {}) + bad; }\n  static sm() { return Counter.#shelp(1); }",
    },
  },
];
