// Instrumentation: every definition gets a guard that hands the call to its cell's current code once the
// cell is patched, and keeps the original body inline (free while unpatched; see DESIGN.md §2).
//
// Calling conventions between a guard and the code in its cell (`cell.p`):
//   plain   non-arrow, captures nothing:  cell.p.apply(this, arguments)            (generators: yield*)
//   factory non-arrow that captures:      cell.p(ACC).apply(this, arguments)
//   arrow                                 cell.p(ACC, this, ...args)
//   derived constructor                   cell.p[(ACC)](superArrow, new.target, arguments)
// ACC is a switch accessor over the captured variables: ACC(2i) reads the i-th, ACC(2i+1, v) writes it.
// Patched code reads captured variables through it, so it runs inside every existing closure's own scope.
//
// Every text the loader inserts ends in a marker, so Function.prototype.toString can show the code as
// written (runtime/to-string.ts).
import { type ClassInfo, type Def, type ModuleInfo, type N, patternNames, type PrivateRef, type Ref, walk } from './analyze.js';
import { Edits } from './edits.js';
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTINS.has(spec);

import { ASI_GUARD, EXPR_END, GUARD_END } from './markers.js';

export { EXPR_END, GUARD_END };

export type Conv = 'plain' | 'factory' | 'arrow';
export interface Layout {
  conv: Conv;
  captured: string[];
  args: string; // arrow: the argument list the guard passes
  params: string; // arrow: the parameter list the cell's code must declare to receive `args`
  simple: boolean; // arrow: args are the raw arguments
}

export function layoutOf(d: Def, js: string): Layout {
  let args = '', params = '';
  if (d.kind === 'arrow') {
    if (d.simpleParams) {
      args = d.fn.params.map((p: N) => (p.type === 'RestElement' ? '...' + p.argument.name : p.name)).join(',');
      params = js.slice(d.fn.params[0]?.start ?? 0, d.fn.params.at(-1)?.end ?? 0);
    } else {
      args = params = d.boundNames.join(',');
    }
  }
  return { conv: d.kind === 'arrow' ? 'arrow' : d.captured.length ? 'factory' : 'plain', captured: d.captured, args, params, simple: d.simpleParams };
}

export interface NameCtx {
  /** Code that reads / writes a captured name from inside the compiled range; null = leave the name as is. */
  read(name: string): string | null;
  write(name: string, value: string): string | null;
}
const PLAIN: NameCtx = { read: () => null, write: () => null };

export function accessor(captured: string[], names: NameCtx = PLAIN): string {
  if (captured.length === 0) return 'void 0';
  let cases = '';
  captured.forEach((n, i) => {
    cases += `case ${2 * i}:return ${names.read(n) ?? n};case ${2 * i + 1}:return ${names.write(n, '__jurig$v') ?? `${n}=__jurig$v`};`;
  });
  return `(__jurig$n,__jurig$v)=>{switch(__jurig$n){${cases}}}`;
}

/**
 * An async function's patched code is compiled as a generator (`await x` → `yield x`) and driven here, in
 * the original async function, so every await takes the same microtask ticks as unpatched code. A cell
 * holding a plain async function (patched code using `for await`) returns a promise, which is adopted.
 */
function asyncDriver(call: string): string {
  return `{const __jurig$g=${call};if(typeof __jurig$g?.next!=="function")return __jurig$g;let __jurig$r=__jurig$g.next(),__jurig$x;for(;;){if(__jurig$r.done)return __jurig$r.value;try{__jurig$x=await __jurig$r.value}catch(__jurig$e){__jurig$r=__jurig$g.throw(__jurig$e);continue}__jurig$r=__jurig$g.next(__jurig$x)}}`;
}

/**
 * The same for an async generator: its new code is a sync generator yielding [0, x] for `await x` and
 * [1, v] for `yield v`, driven here so each step takes the ticks it takes unpatched. An early return()
 * from the consumer closes it; a cell holding a real async generator (new code with `yield*` or
 * `for await`) is delegated to with yield*, one tick slower per step.
 */
function asyncGeneratorDriver(call: string): string {
  return `{const __jurig$g=${call};if(__jurig$g[Symbol.asyncIterator])return yield*__jurig$g;let __jurig$r=__jurig$g.next(),__jurig$x,__jurig$d=!1;try{for(;;){if(__jurig$r.done){__jurig$d=!0;return __jurig$r.value}const __jurig$v=__jurig$r.value[1];try{__jurig$x=__jurig$r.value[0]===0?await __jurig$v:yield __jurig$v}catch(__jurig$e){__jurig$r=__jurig$g.throw(__jurig$e);continue}__jurig$r=__jurig$g.next(__jurig$x)}}catch(__jurig$e){__jurig$d=!0;throw __jurig$e}finally{if(!__jurig$d)__jurig$g.return()}}`;
}

/** Insert the guard of `d` (whose cell is named `cell`) into its body. */
export function insertGuard(edits: Edits, d: Def, cell: string, layout: Layout, names: NameCtx, depth: number, early = false, thisText = 'this'): void {
  const fn = d.fn;
  const acc = accessor(layout.captured, names);
  const test = early ? `__jurig$live&&${cell}.p!==void 0` : `${cell}.p!==void 0`;
  const drive = fn.async && !fn.generator;
  const { at, asi } = bodyStart(fn);
  // after a directive that has no `;` (`function f() { 'x' }`), the guard must not continue its statement
  const lead = asi ? ASI_GUARD : '';
  if (layout.conv === 'arrow') {
    const call = `${cell}.p(${acc},${thisText}${layout.args ? ',' + layout.args : ''})`;
    if (fn.body.type === 'BlockStatement') edits.open(at, `${lead}if(${test})${drive ? asyncDriver(call) : `return ${call};`}${GUARD_END}`, depth);
    else {
      edits.open(fn.body.start, `(${test}?${call}:(${GUARD_END}`, depth);
      edits.close(fn.body.end, `${EXPR_END}))`, depth);
    }
    return;
  }
  const target = layout.conv === 'factory' ? `${cell}.p(${acc})` : `${cell}.p`;
  let call: string;
  if (d.kind === 'constructor' && d.derived) call = `${target}((...__jurig$a)=>(super(...__jurig$a),this),new.target,arguments)`;
  else if (d.kind === 'function' && !fn.async && !fn.generator) call = `new.target?Reflect.construct(${target},arguments,new.target):${target}.apply(this,arguments)`;
  else call = `${target}.apply(this,arguments)`;
  if (fn.async && fn.generator) {
    edits.open(at, `${lead}if(${test})${asyncGeneratorDriver(call)}${GUARD_END}`, depth);
    return;
  }
  if (fn.generator) call = 'yield*' + call;
  edits.open(at, `${lead}if(${test})${drive ? asyncDriver(call) : `return ${call};`}${GUARD_END}`, depth);
}

/** Where a guard goes: after the body's `{` and its directive prologue ('use strict' must stay first);
 * asi: the last directive has no `;` of its own. */
function bodyStart(fn: N): { at: number; asi: boolean } {
  let at = fn.body.start + 1, asi = false;
  if (fn.body.type === 'BlockStatement') for (const st of fn.body.body) { if (st.directive === undefined) break; at = st.end; asi = st.expression.end === st.end; }
  return { at, asi };
}

export function classRegistration(path: string, withEval: boolean): string {
  return `static{__jurig$m?.k(${JSON.stringify(path)},this${withEval ? ',(__jurig$code)=>eval(__jurig$code)' : ''})}`;
}

/**
 * Definitions that can run before their module's body has started: through an import cycle, another
 * module may call an exported function declaration (hoisted) before this module's prelude ran, when its
 * `const` cells are still in their TDZ. Their guards first test `__jurig$live`, a `var` the prelude sets.
 * Measured on a tiny body: const cell 0.97 / 0.49 ns (Node 20 / 24), with the flag 1.37 / 0.60 ns, a
 * `var` cell read with `?.` 1.65 / 1.65 ns; so only these definitions pay for the flag.
 */
export function earlyDefs(info: ModuleInfo): Set<Def> {
  // a module that statically imports nothing but Node's builtins cannot be part of an import cycle
  const imports = info.statements.filter((st: N) => st.source && (st.type === 'ImportDeclaration' || st.type.startsWith('Export')));
  if (imports.every((st: N) => isBuiltin(String(st.source.value)))) return new Set();
  const hoisted = new Map<string, Def>();
  for (const d of info.defs) if (d.hoisted && d.fn.id) hoisted.set(d.fn.id.name, d);
  const work: Def[] = [];
  const mark = (d: Def | undefined) => { if (d && !out.has(d)) { out.add(d); work.push(d); } };
  const out = new Set<Def>();
  for (const st of info.statements) {
    if (st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration') {
      const decl = st.declaration;
      if (decl?.type === 'FunctionDeclaration') mark(info.defs.find((d) => d.fn === decl));
      if (st.type === 'ExportNamedDeclaration' && !st.source) for (const sp of st.specifiers) mark(hoisted.get(sp.local.name));
      if (st.type === 'ExportDefaultDeclaration' && decl?.type === 'Identifier') mark(hoisted.get(decl.name));
    }
  }
  // what they reach: the hoisted declarations they name. (Not the closures inside them: one made and called
  // through an import cycle before the module ran is rare, and the flag costs a closure ~1 ns on Node 20.)
  while (work.length) {
    const d = work.pop()!;
    for (const r of inRange(info.refs, d.fn.start, d.fn.end)) {
      if (r.binding?.scope.kind === 'module' && r.binding.kind === 'function') mark(hoisted.get(r.name));
    }
  }
  return out;
}

/** Module-level names that are exported (by `export const`, `export { a as b }`, `export default a`). */
export function exportedLocals(info: ModuleInfo): Set<string> {
  const out = new Set<string>();
  for (const st of info.statements) {
    if (st.type === 'ExportNamedDeclaration') {
      if (st.declaration?.type === 'VariableDeclaration') for (const x of st.declaration.declarations) patternNames(x.id, []).forEach((n) => out.add(n));
      if (!st.source) for (const sp of st.specifiers) if (sp.local.type === 'Identifier') out.add(sp.local.name);
    } else if (st.type === 'ExportDefaultDeclaration' && st.declaration.type === 'Identifier') out.add(st.declaration.name);
  }
  return out;
}

/** The loader's instrumentation of a whole module. Returns the edits over info.js. */
export function instrumentModule(info: ModuleInfo, hash: string, tag: string, meta = 'import.meta', esm = true): { edits: Edits; prelude: string; appendix: string } {
  const edits = new Edits();
  const depthOf = (d: Def) => { let n = 0; for (let p = d.parent; p; p = p.parent) n++; return n; };
  // CommonJS modules run top to bottom: nothing of theirs is callable before their prelude
  const early = esm ? earlyDefs(info) : new Set<Def>();
  // cell names carry a tag of the module, so toString() can find the cell of a function it is given
  const name = (d: Def) => `__jc${d.index}_${tag}`;
  for (const d of info.defs) insertGuard(edits, d, name(d), layoutOf(d, info.js), PLAIN, depthOf(d), early.has(d));
  for (const c of info.classes) edits.insert(c.bodyStart, classRegistration(c.path, c.hasPrivate));
  // An exported top-level `const` becomes `let` (same width) so a re-run statement can rebind it and
  // importers read the new value. Other consts stay const (V8 folds them: 2.2-2.7 ns vs 1.0 ns read in a
  // hot function); a save that changes one recompiles the functions that read it (runtime/patch.ts).
  const exported = exportedLocals(info);
  for (const st of info.statements) {
    const decl = st.type === 'ExportNamedDeclaration' ? st.declaration : st;
    if (decl && decl.type === 'VariableDeclaration' && decl.kind === 'const' && decl.declarations.some((x: N) => patternNames(x.id).some((n) => exported.has(n)))) {
      edits.replace(decl.start, decl.start + 5, 'let  ');
    }
  }
  // effects (issue 11): which statement is running, for what it sets up (runtime/effects.ts)
  const markers = statementMarkers(info, edits);
  const consts = info.defs.map((d) => `${name(d)}={p:void 0}`);
  // `?.`: a module that jurig's own code imports before the runtime starts (when the user watches that
  // package) runs without being registered
  consts.push(`__jurig$m=globalThis[Symbol.for("jurig")]?.m(${meta},__jurig$eval,[${info.defs.map(name).join(',')}],${JSON.stringify(hash)},${JSON.stringify(tag)})`);
  const prelude = `const ${consts.join(',')};${early.size ? 'var __jurig$live=!0;' : ''}`;
  const appendix = '\nfunction __jurig$eval(__jurig$code){return eval(__jurig$code)}' + markers;
  return { edits, prelude, appendix };
}

// ---------------------------------------------------------------------------------------------------
// Compiling patch code: a range of a new version of the module, with references rewritten so the code
// runs outside its original scope.

export interface CompileCtx {
  info: ModuleInfo;
  /** Is `name` a module-level binding of the running module (so eval can reach it)? */
  hasModuleBinding(name: string): boolean;
  /** Cell variable name and layout for a nested definition inside the compiled range. */
  nested(d: Def): { cell: string; layout: Layout };
  /** The key a class inside the compiled range registers its live object under. */
  classKey(c: ClassInfo): string;
  /** For a use of a private name that the live class does not have (a method or accessor a save added),
   * the key of that class; null for a real private name. */
  virtualPrivate?(ref: PrivateRef): string | null;
}

export class CannotApply extends Error {
  constructor(message: string, readonly pos: number) { super(message); }
}

/** The refs (or this-refs) whose node starts inside [start, end), from a list sorted by position. */
function inRange<T extends { node: N }>(sorted: T[], start: number, end: number): T[] {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m].node.start < start) lo = m + 1; else hi = m; }
  const out: T[] = [];
  for (let i = lo; i < sorted.length && sorted[i].node.start < end; i++) out.push(sorted[i]);
  return out;
}

export interface RangeRewrite {
  edits: Edits;
}

/**
 * Rewrites for code compiled from `range` of the new module text.
 * `captured`: the accessor layout names that the compiled code receives as `__jurig$s` (null: none).
 * `thisOwner`: start of the function whose `this` the range's arrows see from outside (arrow patches).
 */
export function rewriteRange(
  ctx: CompileCtx,
  start: number,
  end: number,
  opts: { captured: string[] | null; skipDef?: Def; skipRefs?: Set<N>; thisOwnerOutside?: boolean; nativeThis?: boolean; ctorOwner?: number },
): Edits {
  const { info } = ctx;
  const edits = new Edits();
  const outside = (b: { scope: { start: number; end: number; foreign: boolean } }) => b.scope.foreign || b.scope.start < start || b.scope.end > end;
  const capIndex = (name: string) => (opts.captured ? opts.captured.indexOf(name) : -1);
  const names: NameCtx = {
    read: (n) => { const i = capIndex(n); return i >= 0 ? `__jurig$s(${2 * i})` : null; },
    write: (n, v) => { const i = capIndex(n); return i >= 0 ? `__jurig$s(${2 * i + 1},${v})` : null; },
  };
  const addedName = (n: string) => `__jurig$m.a[${JSON.stringify(n)}]`;

  // assignments and updates to captured names are rewritten whole
  const handled = new Set<N>();
  const refOf = refIndex(info);
  const notCaptured = (name: string, pos: number) =>
    new CannotApply(`uses \`${name}\` from its enclosing function, which the running closures did not capture`, pos);
  // the accessor index of an identifier assigned in the range that names a captured variable, or -1
  const capturedWrite = (id: N, pos: number): number => {
    const ref = refOf.get(id);
    if (!ref?.binding || ref.binding.scope.kind === 'module' || !outside(ref.binding)) return -1;
    const i = capIndex(ref.name);
    if (i < 0) throw notCaptured(ref.name, pos);
    handled.add(id);
    return i;
  };
  const walkWrites = (node: N) => {
    if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') {
      const i = capturedWrite(node.left, node.start);
      if (i < 0) return;
      const op = node.operator;
      if (op === '=') edits.replace(node.left.start, node.right.start, `__jurig$s(${2 * i + 1},`);
      else if (op === '&&=' || op === '||=' || op === '??=') edits.replace(node.left.start, node.right.start, `(__jurig$s(${2 * i})${op.slice(0, -1)}__jurig$s(${2 * i + 1},`);
      else edits.replace(node.left.start, node.right.start, `__jurig$s(${2 * i + 1},__jurig$s(${2 * i})${op.slice(0, -1)}(`);
      edits.close(node.end, op === '=' ? ')' : '))', 0);
    } else if (node.type === 'UpdateExpression' && node.argument.type === 'Identifier') {
      const i = capturedWrite(node.argument, node.start);
      if (i < 0) return;
      const op = node.operator;
      const t = '__jurig$t';
      edits.replace(node.start, node.end, node.prefix
        ? `(${t}=__jurig$s(${2 * i}),__jurig$s(${2 * i + 1},${op}${t}))`
        : `(${t}=__jurig$s(${2 * i}),__jurig$s(${2 * i + 1},${op}${t}),${op === '++' ? '--' : '++'}${t})`);
    }
  };
  for (const n of findNodeCovering(info.ast, start, end)) walk(n, walkWrites);

  for (const r of inRange(info.refs, start, end)) {
    if (handled.has(r.node) || r.decl || opts.skipRefs?.has(r.node)) continue;
    const b = r.binding;
    let text: string | null = null;
    if (!b) continue; // global
    if (b.scope.kind === 'module') {
      if (!ctx.hasModuleBinding(r.name)) text = addedName(r.name);
    } else if (outside(b)) {
      const i = capIndex(r.name);
      if (i < 0) throw notCaptured(r.name, r.node.start);
      if (r.write) throw new CannotApply(`destructures into \`${r.name}\` of its enclosing function`, r.node.start);
      text = `__jurig$s(${2 * i})`;
    }
    if (text === null) continue;
    if (isShorthand(info, r.node)) text = `${r.name}:${text}`;
    edits.replace(r.node.start, r.node.end, text);
  }

  for (const t of inRange(info.thisRefs, start, end)) {
    const fromOutside = t.owner < start || t.owner >= end;
    if (opts.ctorOwner !== undefined && t.owner === opts.ctorOwner) {
      if (t.kind === 'this') edits.replace(t.node.start, t.node.end, '__jurig$this');
      else if (t.kind === 'new.target') edits.replace(t.node.start, t.node.end, '__jurig$nt');
      else if (t.kind === 'super') {
        const call = superCallAt(info, t.node);
        if (!call) throw new CannotApply('a derived constructor that uses `super.` cannot be patched live', t.node.start);
        edits.replace(t.node.start, t.node.end, '__jurig$this=__jurig$super');
      }
      continue;
    }
    if (!fromOutside || !opts.thisOwnerOutside) continue;
    if (opts.nativeThis && (t.kind === 'this' || t.kind === 'super')) continue; // compiled as a method called with that `this`
    if (t.kind === 'this') edits.replace(t.node.start, t.node.end, '__jurig$this');
    else throw new CannotApply(`an arrow function that uses \`${t.kind}\` of its enclosing function cannot be patched live`, t.node.start);
  }
  for (const r of opts.thisOwnerOutside ? inRange(info.refs, start, end) : []) {
    // `arguments` seen by an arrow belongs to the enclosing function
    if (r.name !== 'arguments' || r.binding) continue;
    if (!insideNonArrow(info, r.node.start, start, end)) throw new CannotApply('an arrow function that uses `arguments` of its enclosing function cannot be patched live', r.node.start);
  }
  for (const m of within(info.metaRefs, (m) => m.start, start, end)) if (m.end <= end) edits.replace(m.start, m.end, '__jurig$m.meta');

  // private methods and accessors added to a running class live in a table of the module (ModuleRecord)
  for (const p of ctx.virtualPrivate ? inRange(info.privateRefs, start, end) : []) {
    const key = ctx.virtualPrivate!(p);
    if (key === null) continue;
    const k = JSON.stringify(key), name = JSON.stringify('#' + p.name);
    const n = p.node;
    switch (p.role) {
      case 'call': { // o.#m(a) → __jurig$m.vp(K,"#m").call(o,a)
        const args = p.parent.arguments;
        edits.insert(n.object.start, `__jurig$m.vp(${k},${name}).call(`, -1);
        edits.replace(n.object.end, args.length ? args[0].start : p.parent.end - 1, args.length ? ',' : '');
        break;
      }
      case 'get': // o.#x → __jurig$m.vpg(K,"#x",o)
        edits.insert(n.object.start, `__jurig$m.vpg(${k},${name},`, -1);
        edits.replace(n.object.end, n.end, ')');
        break;
      case 'set': // o.#x = v → __jurig$m.vps(K,"#x",o,v)
        edits.insert(n.object.start, `__jurig$m.vps(${k},${name},`, -1);
        edits.replace(n.object.end, p.parent.right.start, ',');
        edits.close(p.parent.end, ')', 0);
        break;
      case 'in': // #x in o → __jurig$m.vpin(K,o)
        edits.replace(n.start, n.right.start, `__jurig$m.vpin(${k},`);
        edits.close(n.end, ')', 0);
        break;
      default:
        throw new CannotApply(`uses #${p.name}, a private member added by a save, in a way jurig cannot apply live (optional chaining, compound assignment, ++/--); restart to apply`, n.start);
    }
  }

  // nested definitions get guards bound to their cells
  const depthOf = (d: Def) => { let n = 0; for (let p = d.parent; p; p = p.parent) n++; return n; };
  // (an arrow's guard passes the arrow's `this` on: in code compiled here that is `__jurig$this` when the
  // function that binds it is outside the range, as for the arrow's own uses of `this` above)
  const guardThis = (d: Def): string => {
    if (d.kind !== 'arrow') return 'this';
    let p = d.parent;
    while (p && p.kind === 'arrow') p = p.parent;
    const owner = p ? p.fn.start : -1;
    // a class between them binds `this` itself (a field, a static block), inside the range
    if (info.classes.some((c) => c.node.start > owner && c.node.start < d.fn.start && d.fn.end <= c.node.end)) return 'this';
    if (opts.ctorOwner !== undefined && owner === opts.ctorOwner) return '__jurig$this';
    return (owner < start || owner >= end) && opts.thisOwnerOutside && !opts.nativeThis ? '__jurig$this' : 'this';
  };
  for (const d of within(info.defs, (d) => d.fn.start, start, end)) {
    if (d === opts.skipDef || d.fn.end > end) continue;
    const { cell, layout } = ctx.nested(d);
    insertGuard(edits, d, cell, layout, names, depthOf(d), false, guardThis(d));
  }
  for (const c of within(info.classes, (c) => c.node.start, start, end)) if (c.node.end <= end) edits.insert(c.bodyStart, classRegistration(ctx.classKey(c), c.hasPrivate));
  return edits;
}

const refIndexCache = new WeakMap<ModuleInfo, Map<N, Ref>>();
// A patch compiles one range of a module; a save can compile thousands (each function of a big module):
// the definitions, classes and import.meta nodes of a range are found by binary search, not by a scan.
const sortedBy = new WeakMap<object, unknown[]>();
/** The items of `list` whose position `at` lies in [start, end), in position order. */
function within<T extends object>(list: T[], at: (x: T) => number, start: number, end: number): T[] {
  let sorted = sortedBy.get(list) as T[] | undefined;
  if (!sorted) sortedBy.set(list, (sorted = [...list].sort((a, b) => at(a) - at(b))));
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (at(sorted[m]) < start) lo = m + 1; else hi = m; }
  const out: T[] = [];
  for (let i = lo; i < sorted.length && at(sorted[i]) < end; i++) out.push(sorted[i]);
  return out;
}

function refIndex(info: ModuleInfo): Map<N, Ref> {
  let m = refIndexCache.get(info);
  if (!m) { m = new Map(info.refs.map((r) => [r.node, r])); refIndexCache.set(info, m); }
  return m;
}

function insideNonArrow(info: ModuleInfo, pos: number, start: number, end: number): boolean {
  return info.defs.some((d) => d.kind !== 'arrow' && d.fn.start >= start && d.fn.end <= end && d.fn.start <= pos && pos < d.fn.end);
}

function superCallAt(info: ModuleInfo, superNode: N): boolean {
  let found = false;
  walk(info.ast, (n) => {
    if (found || n.start > superNode.start || n.end < superNode.end) return false;
    if (n.type === 'CallExpression' && n.callee === superNode) found = true;
  });
  return found;
}

const shorthandCache = new WeakMap<ModuleInfo, Set<N>>();
function isShorthand(info: ModuleInfo, id: N): boolean {
  let set = shorthandCache.get(info);
  if (!set) {
    const s = (set = new Set());
    walk(info.ast, (n) => { if (n.type === 'Property' && n.shorthand) s.add(n.value.type === 'AssignmentPattern' ? n.value.left : n.value); });
    shorthandCache.set(info, set);
  }
  return set.has(id);
}

/** The outermost nodes lying within [start, end). */
function findNodeCovering(ast: N, start: number, end: number): N[] {
  const out: N[] = [];
  const visit = (n: N) => {
    if (n.start >= start && n.end <= end) { out.push(n); return false; }
    if (n.end <= start || n.start >= end) return false;
  };
  // a module's statements are in order: only those overlapping the range are walked (a patch of each of
  // 2,500 functions would otherwise walk past every statement for each)
  const body: N[] | undefined = ast.type === 'Program' ? ast.body : undefined;
  if (!body || ast.start >= start && ast.end <= end) { walk(ast, visit); return out; }
  let lo = 0, hi = body.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (body[m].end <= start) lo = m + 1; else hi = m; }
  for (let i = lo; i < body.length && body[i].start < end; i++) walk(body[i], visit);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Effects (issue 11): statement markers. `__jurig$m?.e(i);` before each top-level statement that can call
// anything makes statement i's owner current (runtime/effects.ts); `e(-1)` after the body restores the
// owner that was current when the module started. Not before imports, function declarations and
// directives, nor before statements that call nothing (`const X = 1`, a class without static code): they
// cannot set anything up. A top-level `await X` becomes `__jurig$w(await __jurig$u(X),i)`: the statement
// is left while the module is suspended, and entered again when it resumes.

const CALLS = new Set(['CallExpression', 'NewExpression', 'TaggedTemplateExpression', 'AwaitExpression', 'ImportExpression', 'Decorator', 'ForOfStatement']);
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Can running this top-level statement call anything (outside the functions it defines)? */
export function canCall(st: N): boolean {
  if (st.directive !== undefined || st.type === 'ImportDeclaration') return false;
  let found = false;
  walk(st, (n) => {
    if (found || FUNCTIONS.has(n.type)) return false;
    if (CALLS.has(n.type)) { found = true; return false; }
  });
  return found;
}

/** Brackets around the top-level awaits in [start, end): `resume(await leave(X),arg)`. */
export function awaitBrackets(awaits: N[], start: number, end: number, edits: Edits, leave: string, resume: string, arg: string): number {
  const inside = awaits.filter((a: N) => a.type === 'AwaitExpression' && a.start >= start && a.end <= end);
  for (const a of inside) {
    const depth = 2 * inside.filter((b: N) => b !== a && b.start <= a.start && a.end <= b.end).length;
    edits.open(a.start, `${resume}(`, depth);
    edits.open(a.argument.start, `${leave}(`, depth + 1);
    edits.close(a.argument.end, ')', depth + 1);
    edits.close(a.end, `,${arg})`, depth);
  }
  return inside.length;
}

/** Insert the statement markers; returns the text to append after the module body ('' if none). */
function statementMarkers(info: ModuleInfo, edits: Edits): string {
  let any = false, awaits = 0;
  info.statements.forEach((st: N, i: number) => {
    const decl = st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration' ? st.declaration : st;
    if (decl?.type === 'FunctionDeclaration' || !canCall(st)) return;
    edits.insert(st.start, `__jurig$m?.e(${i});`);
    any = true;
    awaits += awaitBrackets(info.awaitTopLevel, st.start, st.end, edits, '__jurig$u', '__jurig$w', String(i));
  });
  if (!any) return '';
  return '\n__jurig$m?.e(-1);' + (awaits ? 'function __jurig$u(v){__jurig$m?.u(v);return v}function __jurig$w(v,i){__jurig$m?.w(v,i);return v}' : '');
}
