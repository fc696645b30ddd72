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
import type { Def, ModuleInfo } from './analyze.js';
import {
  type AwaitExpression,
  type ForOfStatement,
  type FunctionNode,
  isDirective,
  moduleSource,
  type Pattern,
  patternNames,
  specifierName,
  type TopLevel,
  walk,
} from './ast.js';
import { Edits } from './edits.js';
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTINS.has(spec);

import { ASI_GUARD, CELL_SLOT, cellName, EVAL_CODE, EVAL_HOOK, EXPR_END, GUARD_END, LIVE_FLAG, M, MODULE, RUNTIME_KEY } from './names.js';

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
  let args = '',
    params = '';
  if (d.kind === 'arrow') {
    if (d.simpleParams) {
      args = d.fn.params.map(simpleArg).join(',');
      params = js.slice(d.fn.params[0]?.start ?? 0, d.fn.params.at(-1)?.end ?? 0);
    } else {
      args = params = d.boundNames.join(',');
    }
  }
  return { conv: d.kind === 'arrow' ? 'arrow' : d.captured.length ? 'factory' : 'plain', captured: d.captured, args, params, simple: d.simpleParams };
}

/** A simple parameter as an argument: `a`, `...rest`. */
function simpleArg(p: Pattern): string {
  if (p.type === 'Identifier') return p.name;
  return p.type === 'RestElement' && p.argument.type === 'Identifier' ? '...' + p.argument.name : '';
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
  const test = early ? `${LIVE_FLAG}&&${cell}.${CELL_SLOT}!==void 0` : `${cell}.${CELL_SLOT}!==void 0`;
  const drive = fn.async && !fn.generator;
  const { at, asi } = bodyStart(fn);
  // after a directive that has no `;` (`function f() { 'x' }`), the guard must not continue its statement
  const lead = asi ? ASI_GUARD : '';
  if (layout.conv === 'arrow') {
    const call = `${cell}.${CELL_SLOT}(${acc},${thisText}${layout.args ? ',' + layout.args : ''})`;
    if (fn.body.type === 'BlockStatement') edits.open(at, `${lead}if(${test})${drive ? asyncDriver(call) : `return ${call};`}${GUARD_END}`, depth);
    else {
      edits.open(fn.body.start, `(${test}?${call}:(${GUARD_END}`, depth);
      edits.close(fn.body.end, `${EXPR_END}))`, depth);
    }
    return;
  }
  const target = layout.conv === 'factory' ? `${cell}.${CELL_SLOT}(${acc})` : `${cell}.${CELL_SLOT}`;
  let call: string;
  if (d.kind === 'constructor' && d.derived) call = `${target}((...__jurig$a)=>(super(...__jurig$a),this),new.target,arguments)`;
  else if (d.kind === 'function' && !fn.async && !fn.generator)
    call = `new.target?Reflect.construct(${target},arguments,new.target):${target}.apply(this,arguments)`;
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
function bodyStart(fn: FunctionNode): { at: number; asi: boolean } {
  let at = fn.body.start + 1,
    asi = false;
  if (fn.body.type === 'BlockStatement')
    for (const st of fn.body.body) {
      if (!isDirective(st)) break;
      at = st.end;
      asi = st.expression.end === st.end;
    }
  return { at, asi };
}

export function classRegistration(path: string, withEval: boolean): string {
  return `static{${MODULE}?.${M.classRegistered}(${JSON.stringify(path)},this${withEval ? `,(${EVAL_CODE})=>eval(${EVAL_CODE})` : ''})}`;
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
  if (
    info.statements.every((st) => {
      const source = moduleSource(st);
      return !source || isBuiltin(String(source.value));
    })
  )
    return new Set();
  const hoisted = new Map<string, Def>();
  for (const d of info.defs) if (d.hoisted && d.fn.id) hoisted.set(d.fn.id.name, d);
  const work: Def[] = [];
  const mark = (d: Def | undefined) => {
    if (d && !out.has(d)) {
      out.add(d);
      work.push(d);
    }
  };
  const out = new Set<Def>();
  for (const st of info.statements) {
    if (st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration') {
      const decl = st.declaration;
      if (decl?.type === 'FunctionDeclaration') mark(info.defs.find((d) => d.fn === decl));
      if (st.type === 'ExportNamedDeclaration' && !st.source) for (const sp of st.specifiers) mark(hoisted.get(specifierName(sp.local)));
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
      if (st.declaration?.type === 'VariableDeclaration') for (const x of st.declaration.declarations) for (const n of patternNames(x.id)) out.add(n);
      if (!st.source) for (const sp of st.specifiers) if (sp.local.type === 'Identifier') out.add(sp.local.name);
    } else if (st.type === 'ExportDefaultDeclaration' && st.declaration.type === 'Identifier') out.add(st.declaration.name);
  }
  return out;
}

/** The loader's instrumentation of a whole module. Returns the edits over info.js. */
export function instrumentModule(
  info: ModuleInfo,
  hash: string,
  tag: string,
  meta = 'import.meta',
  esm = true,
): { edits: Edits; prelude: string; appendix: string } {
  const edits = new Edits();
  const depthOf = (d: Def) => {
    let n = 0;
    for (let p = d.parent; p; p = p.parent) n++;
    return n;
  };
  // CommonJS modules run top to bottom: nothing of theirs is callable before their prelude
  const early = esm ? earlyDefs(info) : new Set<Def>();
  // cell names carry a tag of the module, so toString() can find the cell of a function it is given
  const name = (d: Def) => cellName(d.index, tag);
  for (const d of info.defs) insertGuard(edits, d, name(d), layoutOf(d, info.js), PLAIN, depthOf(d), early.has(d));
  for (const c of info.classes) edits.insert(c.bodyStart, classRegistration(c.path, c.hasPrivate));
  // An exported top-level `const` becomes `let` (same width) so a re-run statement can rebind it and
  // importers read the new value. Other consts stay const (V8 folds them: 2.2-2.7 ns vs 1.0 ns read in a
  // hot function); a save that changes one recompiles the functions that read it (runtime/patch.ts).
  const exported = exportedLocals(info);
  for (const st of info.statements) {
    const decl = st.type === 'ExportNamedDeclaration' ? st.declaration : st;
    if (
      decl &&
      decl.type === 'VariableDeclaration' &&
      decl.kind === 'const' &&
      decl.declarations.some((x) => patternNames(x.id).some((n) => exported.has(n)))
    ) {
      edits.replace(decl.start, decl.start + 5, 'let  ');
    }
  }
  // effects (issue 11): which statement is running, for what it sets up (runtime/effects.ts)
  const markers = statementMarkers(info, edits);
  const consts = info.defs.map((d) => `${name(d)}={${CELL_SLOT}:void 0}`);
  // `?.`: a module that jurig's own code imports before the runtime starts (when the user watches that
  // package) runs without being registered
  consts.push(
    `${MODULE}=globalThis[Symbol.for(${JSON.stringify(RUNTIME_KEY)})]?.m(${meta},${EVAL_HOOK},[${info.defs.map(name).join(',')}],${JSON.stringify(hash)},${JSON.stringify(tag)})`,
  );
  const prelude = `const ${consts.join(',')};${early.size ? `var ${LIVE_FLAG}=!0;` : ''}`;
  const appendix = `\nfunction ${EVAL_HOOK}(${EVAL_CODE}){return eval(${EVAL_CODE})}` + markers;
  return { edits, prelude, appendix };
}

export /** The refs (or this-refs) whose node starts inside [start, end), from a list sorted by position. */
function inRange<T extends { node: { start: number } }>(sorted: T[], start: number, end: number): T[] {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m].node.start < start) lo = m + 1;
    else hi = m;
  }
  const out: T[] = [];
  for (let i = lo; i < sorted.length && sorted[i].node.start < end; i++) out.push(sorted[i]);
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
export function canCall(st: TopLevel): boolean {
  if (isDirective(st) || st.type === 'ImportDeclaration') return false;
  let found = false;
  walk(st, (n) => {
    if (found || FUNCTIONS.has(n.type)) return false;
    if (CALLS.has(n.type)) {
      found = true;
      return false;
    }
  });
  return found;
}

/** Brackets around the top-level awaits in [start, end): `resume(await leave(X),arg)`. */
export function awaitBrackets(
  awaits: readonly (AwaitExpression | ForOfStatement)[],
  start: number,
  end: number,
  edits: Edits,
  leave: string,
  resume: string,
  arg: string,
): number {
  const inside = awaits.filter((a): a is AwaitExpression => a.type === 'AwaitExpression' && a.start >= start && a.end <= end);
  for (const a of inside) {
    const depth = 2 * inside.filter((b) => b !== a && b.start <= a.start && a.end <= b.end).length;
    edits.open(a.start, `${resume}(`, depth);
    edits.open(a.argument.start, `${leave}(`, depth + 1);
    edits.close(a.argument.end, ')', depth + 1);
    edits.close(a.end, `,${arg})`, depth);
  }
  return inside.length;
}

/** Insert the statement markers; returns the text to append after the module body ('' if none). */
function statementMarkers(info: ModuleInfo, edits: Edits): string {
  let any = false,
    awaits = 0;
  info.statements.forEach((st, i) => {
    const decl = st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration' ? st.declaration : st;
    if (decl?.type === 'FunctionDeclaration' || !canCall(st)) return;
    edits.insert(st.start, `${MODULE}?.${M.enter}(${i});`);
    any = true;
    awaits += awaitBrackets(info.awaitTopLevel, st.start, st.end, edits, '__jurig$u', '__jurig$w', String(i));
  });
  if (!any) return '';
  return (
    `\n${MODULE}?.${M.enter}(-1);` +
    (awaits ? `function __jurig$u(v){${MODULE}?.${M.leave}(v);return v}function __jurig$w(v,i){${MODULE}?.${M.resume}(v,i);return v}` : '')
  );
}
