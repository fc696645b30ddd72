// The cases of test/conformance/typescript.test.mjs (also the inputs of the transform's snapshots,
// test/core/transform.test.mjs). See ../run-case.mjs for what a case is.
// Conformance of TypeScript: plain = `node --import tsx`, instrumented = jurig's SWC transform. Enums,
// namespaces, parameter properties, abstract classes, overloads, satisfies, type-only imports, both kinds
// of decorators, class-field semantics from tsconfig, BOM/CRLF, non-ASCII names, JSON, import cycles.

const LEGACY_TSCONFIG = JSON.stringify({ compilerOptions: { target: 'ES2022', experimentalDecorators: true, emitDecoratorMetadata: false } });

export const cases = [
  {
    name: 'enums',
    files: {
      'main.ts': `
enum Color { Red, Green = 5, Blue }
enum Dir { Up = 'UP', Down = 'DOWN' }
enum Flags { None = 0, A = 1 << 0, B = 1 << 1, AB = A | B }
const enum Inline { X = 7 }
enum Color { Purple = 10 }
function describe(c: Color): string { const K = 'v1'; return K + ':' + Color[c] + ':' + c; }
function main(phase: number) {
  console.log(describe(Color.Green), describe(Color.Blue), Dir.Down, Flags.AB, Inline.X, Color.Purple, JSON.stringify(Color), JSON.stringify(Dir));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'namespaces',
    files: {
      'main.ts': `
namespace Geo {
  export const unit = 'm';
  export function area(w: number, h: number): string { const K = 1; return w * h * K + unit; }
  export namespace Inner { export const deep = () => 'deep ' + unit; }
  let hidden = 'hidden';
  export function peek() { return hidden; }
}
namespace Geo { export function extra() { return 'merged ' + area(1, 1); } }
function main(phase: number) {
  console.log(Geo.area(2, 3), Geo.Inner.deep(), Geo.peek(), Geo.extra(), Object.keys(Geo).sort().join(','));
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'parameter properties',
    files: {
      'main.ts': `
class Point {
  extra = 'field:' + this.x;
  constructor(public x: number, private y: number, protected readonly z = 3) { const K = 1; this.sum = x + y + z + K; }
  sum: number;
  len(): number { return Math.hypot(this.x, this.y, this.z); }
}
class Point3 extends Point { constructor(public w: number) { super(w, w); } }
function main(phase: number) {
  const p = new Point(3, 4);
  console.log(JSON.stringify(p), Object.keys(p).join(','), p.len(), JSON.stringify(new Point3(1)), Point.length);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
  {
    name: 'abstract classes, overloads, satisfies, declare and definite fields',
    files: {
      'main.ts': `
abstract class Shape {
  abstract area(): number;
  declare tag: string;
  label!: string;
  describe(): string { const K = 'v1'; return K + ':' + this.constructor.name + ':' + this.area() + ':' + ('tag' in this) + ':' + ('label' in this); }
}
class Sq extends Shape { constructor(private s: number) { super(); } area() { return this.s ** 2; } }
function pick(x: string): string;
function pick(x: number): number;
function pick(x: any): any { return typeof x === 'string' ? x.toUpperCase() : x * 2; }
const conf = { port: 8080, host: 'h' } satisfies Record<string, string | number>;
const asConst = ['a', 'b'] as const;
function main(phase: number) {
  console.log(new Sq(3).describe(), pick('s'), pick(2), pick.length, conf.port, asConst.join(''), Object.getOwnPropertyNames(Shape.prototype).join(','));
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'type-only imports and exports',
    files: {
      'main.ts': `
import type { Shape } from './types.ts';
import { type Opts, make, VERSION } from './types.ts';
import * as all from './types.ts';
export type { Shape };
function use(o: Opts): Shape { const K = 'v1'; return make(o.name + K); }
function main(phase: number) { console.log(JSON.stringify(use({ name: 'n' })), VERSION, Object.keys(all).sort().join(',')); }
`,
      'types.ts': `
export interface Shape { name: string }
export type Opts = { name: string };
export const VERSION = 3;
export function make(name: string): Shape { return { name }; }
`,
    },
    entry: 'main.ts',
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'legacy decorators (experimentalDecorators)',
    files: {
      'main.ts': `
const log: string[] = [];
function logged(target: any, key: string, desc: PropertyDescriptor) {
  const orig = desc.value;
  desc.value = function (this: any, ...args: any[]) { log.push('call ' + key); return orig.apply(this, args); };
  return desc;
}
function sealed<T extends Function>(ctor: T) { log.push('sealed ' + ctor.name); Object.seal(ctor); }
function prop(target: any, key: string) { log.push('prop ' + key); }
function param(target: any, key: string, index: number) { log.push('param ' + key + ' ' + index); }
@sealed
class Svc {
  @prop name = 'svc';
  @logged greet(@param who: string) { const K = 'v1'; return K + ' hello ' + who + ' from ' + this.name; }
  @logged static make() { return new Svc(); }
}
function main(phase: number) {
  const s = Svc.make();
  console.log(s.greet('w'), Object.isSealed(Svc), Svc.name);
  console.log(log.join(' / '));
  log.length = 0;
}
`,
      'tsconfig.json': LEGACY_TSCONFIG,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'standard decorators',
    files: {
      'main.ts': `
const log: string[] = [];
function logged(value: any, ctx: ClassMethodDecoratorContext) {
  log.push('decorate ' + String(ctx.name) + ' ' + ctx.kind + ' static=' + ctx.static);
  return function (this: any, ...args: any[]) { log.push('call ' + String(ctx.name)); return value.apply(this, args); };
}
function tagged(cls: any, ctx: ClassDecoratorContext) { log.push('class ' + String(ctx.name)); ctx.addInitializer(function () { log.push('init ' + (this as any).name); }); }
function double(_: undefined, ctx: ClassFieldDecoratorContext) { return (v: number) => v * 2; }
function watch(target: any, ctx: ClassAccessorDecoratorContext) {
  return { get(this: any) { log.push('get ' + String(ctx.name)); return target.get.call(this); }, set(this: any, v: any) { target.set.call(this, v); } };
}
@tagged
class Svc {
  @double n = 21;
  @watch accessor a = 'acc';
  @logged greet(who: string) { const K = 'v1'; return K + ' hi ' + who + ' ' + this.n; }
  @logged static make() { return new Svc(); }
}
function main(phase: number) {
  const s = Svc.make();
  console.log(s.greet('w'), s.a, Svc.name, typeof Object.getOwnPropertyDescriptor(Svc.prototype, 'a')?.get);
  console.log(log.join(' / '));
  log.length = 0;
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'class fields with useDefineForClassFields false (target ES2020)',
    files: {
      'main.ts': `
class Base { set v(x: number) { (this as any).setterSaw = x; } get v() { return 1; } }
class Child extends Base { v = 5; declared!: string; other = 'o'; show() { const K = 'v1'; return K + JSON.stringify(this) + Object.keys(this).join(','); } }
function main(phase: number) { console.log(new Child().show()); }
`,
      'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2020' } }),
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'this parameter, generics, optional chaining and arrow generics',
    files: {
      'main.ts': `
interface Ctx { tag: string }
function withThis(this: Ctx, n: number): string { const K = 'v1'; return this.tag + n + K; }
const ident = <T,>(x: T): T => x;
class Box<T> { constructor(public value?: T) {} map<U>(f: (v: T) => U): Box<U> { return new Box(this.value === undefined ? undefined : f(this.value)); } }
function main(phase: number) {
  console.log(withThis.call({ tag: 't' }, 1), ident<number>(4), new Box(2).map((v) => v * 3).value, new Box<number>().map((v) => v)?.value ?? 'none', withThis.length);
}
`,
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'TS file with BOM, CRLF and non-ASCII identifiers',
    files: {
      'main.ts': '\uFEFF' + `// TypeScript with a BOM and CRLF line endings
enum Größe { Klein = 'k', Groß = 'g' }
function größe(x: Größe): string {
  const K = 'v1';
  return x + ':' + K;
}
class Übung { #ñ = 'ñ'; get ñ(): string { return this.#ñ; } }
function main(phase: number) {
  console.log(größe(Größe.Groß), größe.name, new Übung().ñ, Übung.name);
}
`.replace(/\n/g, '\r\n'),
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'TS JSON import with import attributes',
    files: {
      'main.ts': `
import data from './data.json' with { type: 'json' };
function read(): string { const K = 'v1'; return K + ':' + data.name; }
function main(phase: number) { console.log(read()); }
`,
      'data.json': JSON.stringify({ name: 'jurig' }),
    },
    edit: { from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'TS import cycle calling a hoisted function before its module ran',
    files: {
      'a.ts': `
import { early } from './b.ts';
export function hello(who: string): string { const K = 'v1'; return 'hello ' + who + ' ' + K; }
function main(phase: number) {
  if (phase === 1) console.log(early);
  console.log(hello('main'));
}
`,
      'b.ts': `
import { hello } from './a.ts';
let early: string;
try { early = hello('b'); } catch (e: any) { early = e.constructor.name + ': ' + e.message; }
export { early };
`,
    },
    entry: 'a.ts',
    edit: { file: 'a.ts', from: "const K = 'v1'", to: "const K = 'v2'" },
  },
  {
    name: 'TS async, generators and private members',
    files: {
      'main.ts': `
class Queue<T> {
  #items: T[] = [];
  static #created = 0;
  constructor(...xs: T[]) { this.#items = xs; Queue.#created++; }
  async *drain(): AsyncGenerator<T> { const K = 1; while (this.#items.length) { await null; yield this.#items.shift()! * K; } }
  static get created(): number { return Queue.#created; }
}
async function main(phase: number) {
  const got: number[] = [];
  for await (const v of new Queue(1, 2, 3, 4).drain()) got.push(v);
  console.log(got.join(','), Queue.created > 0);
}
`,
    },
    edit: { from: 'const K = 1;', to: 'const K = 2;' },
  },
];
