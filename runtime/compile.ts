// Compiling new code of a module's definitions and statements into functions: each range of the new text is
// rewritten to run outside its scope (compiler/rewrite.ts), given its own sourceURL and source map, and
// evaluated in the module's scope (its eval hook) or its class's (for private names and `super`).
import type { SourceMapSegment } from '@jridgewell/sourcemap-codec';
import type { ClassInfo, Def, PrivateRef } from '../compiler/analyze.js';
import { type AnyNode, type AwaitExpression, type FunctionNode, walk, type YieldExpression } from '../compiler/ast.js';
import { applyEdits, cachedLineStarts, composeMapLines, type Edits, mapComment, mapOfLines } from '../compiler/edits.js';
import type { Analysed } from '../compiler/index.js';
import { insertGuard, type Layout } from '../compiler/instrument.js';
import { CELL_PREFIX } from '../compiler/names.js';
import { CannotApply, type CompileCtx, rewriteRange } from '../compiler/rewrite.js';
import type { Cell, CellEntry, ModuleRecord } from './module-record.js';
import { enclosingClass, labelOf } from './structure.js';

/** Code compiled for a patch: its function once the compiler is flushed. */
export interface Compiled {
  readonly fn: Function;
}

interface Pending {
  code: string; // `(function(__jurig$c,__jurig$home){…})`
  lines: SourceMapSegment[][]; // its source map's segments, by generated line
  hook: (code: string) => unknown;
  unit: object | string;
  start: number; // where its text starts in the new version (for a rejection)
  value: unknown;
  done: boolean;
}

function evalOne(rec: ModuleRecord, hook: (code: string) => unknown, p: Pending, reject: (message: string, offset: number) => never): void {
  try {
    p.value = hook(`${p.code}\n//# sourceURL=${sourceUrl(rec, p.unit)}\n${mapComment(mapOf(rec, p.lines))}`);
    p.done = true;
  } catch (e) {
    if (e instanceof SyntaxError) reject(`${e.message} (in the compiled patch; please report this)`, p.start);
    throw e;
  }
}

/** `[part,\npart,\n…]`, each part on lines of its own, with one source map: the parts' maps one after another. */
function batchScript(rec: ModuleRecord, list: Pending[]): string {
  let code = '[\n';
  const lines: SourceMapSegment[][] = [[]];
  list.forEach((p, i) => {
    code += p.code + (i < list.length - 1 ? ',\n' : '\n');
    const count = countLines(p.code);
    for (let l = 0; l < count; l++) lines.push(p.lines[l] ?? []);
  });
  code += ']';
  return `${code}\n//# sourceURL=${sourceUrl(rec, 'batch')}\n${mapComment(mapOf(rec, lines))}`;
}

const mapOf = (rec: ModuleRecord, lines: SourceMapSegment[][]) => mapOfLines(rec.url, lines);

function countLines(s: string): number {
  let n = 1;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

// Each compiled patch needs its own `sourceURL` (with its inline map) for stack frames to map, and Node
// keeps the map of every sourceURL it saw for good. So the URLs of a unit (a definition's cell, or a
// statement) come from a small ring: the last VERSIONS_MAPPED versions of each unit map exactly, older code
// still running maps with a newer version's map, and memory stays flat however often a unit is patched.
const VERSIONS_MAPPED = 4;
let unitCounter = 0;
const unitIds = new WeakMap<object, { id: number; n: number }>();
const stmtUnits = new Map<string, { id: number; n: number }>();
function sourceUrl(rec: ModuleRecord, unit: object | string): string {
  let u = typeof unit === 'string' ? stmtUnits.get(rec.url + '#' + unit) : unitIds.get(unit);
  if (!u) {
    u = { id: ++unitCounter, n: 0 };
    if (typeof unit === 'string') stmtUnits.set(rec.url + '#' + unit, u);
    else unitIds.set(unit, u);
  }
  return `${rec.url}?jurig=${u.id}.${u.n++ % VERSIONS_MAPPED}`;
}

interface CompilerEnv {
  rec: ModuleRecord;
  an: Analysed; // the new version (or a snippet of it)
  bindings: Set<string>;
  /** The cell a definition of `an` has in the new version (its running one, or a new one). */
  cellFor(d: Def): CellEntry;
  classKey(c: ClassInfo): string;
  virtualPrivate?(p: PrivateRef): string | null;
  reject: (message: string, offset: number) => never;
}

/** Compiles new code of definitions (and statements) of `an` into functions for cells. */
export function makeCompiler({ rec, an, bindings, cellFor, classKey, virtualPrivate, reject }: CompilerEnv) {
  const info = an.info;
  // A compile context: cells of nested definitions, by identity, new ones where needed.
  const makeCtx = (cells: Cell[]): CompileCtx => ({
    info,
    hasModuleBinding: (name) => bindings.has(name),
    nested(d: Def) {
      const entry = cellFor(d);
      let i = cells.indexOf(entry.cell);
      if (i === -1) i = cells.push(entry.cell) - 1;
      return { cell: `${CELL_PREFIX}${i}`, layout: entry.layout };
    },
    classKey,
    virtualPrivate,
  });

  // Compiled code waits for flush(): a save that changes many definitions (a find-and-replace over a module)
  // is evaluated as one script per scope with one source map, not one eval and one map per definition.
  const pending: Pending[] = [];
  const compile = (
    start: number,
    end: number,
    edits: Edits,
    prefix: string,
    suffix: string,
    cells: Cell[],
    hook: ((code: string) => unknown) | null,
    isAsync: boolean,
    unit: object | string,
  ): Compiled => {
    const sorted = edits.sorted();
    const decl = cells.map((_, i) => `${CELL_PREFIX}${i}=__jurig$c[${i}]`).join(',');
    const head = `(${isAsync ? 'async ' : ''}function(__jurig$c,__jurig$home){let __jurig$t;${decl ? `const ${decl};` : ''}${prefix}`;
    const body = applyEdits(an.js, sorted, start, end);
    const lines = composeMapLines({
      base: an.base,
      baseText: an.js,
      edits: sorted,
      from: start,
      to: end,
      prefix: head,
      baseLineStarts: cachedLineStarts(an.js),
    });
    const p: Pending = { code: `${head}${body}${suffix}})`, lines, hook: hook ?? rec.evalHook, unit, start, value: undefined, done: false };
    pending.push(p);
    return {
      get fn() {
        if (!p.done) throw new Error('jurig internal error: compiled code read before flush()');
        return p.value as Function;
      },
    };
  };

  /** Evaluate everything compiled so far (a compile error rejects the save, naming the definition's place). */
  const flush = (): void => {
    const batch = pending.splice(0);
    const byHook = new Map<(code: string) => unknown, Pending[]>();
    for (const p of batch) {
      const list = byHook.get(p.hook);
      if (list) list.push(p);
      else byHook.set(p.hook, [p]);
    }
    for (const [hook, list] of byHook) {
      if (list.length === 1) {
        evalOne(rec, hook, list[0], reject);
        continue;
      }
      let values: unknown[] | null = null;
      try {
        values = hook(batchScript(rec, list)) as unknown[];
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
      }
      // (a syntax error: each one on its own, to say which definition it is in)
      if (values)
        list.forEach((p, i) => {
          p.value = values![i];
          p.done = true;
        });
      else for (const p of list) evalOne(rec, hook, p, reject);
    }
  };

  // code inside a class (a member, a closure in it at any depth, a field's function) compiles in the
  // class's own scope where it has private names
  const classHook = (c: ClassInfo | null) => {
    if (!c?.hasPrivate) return null;
    const live = rec.liveClasses(classKey(c));
    return live.length ? live[live.length - 1].hook : null;
  };
  // the object whose prototype `super` looks up, for a method that uses it (or, for an arrow that uses
  // `super` of the method around it, for that method)
  const homeOf = (d: Def, force = false): object | null => {
    if (!force && !info.thisRefs.some((t) => t.kind === 'super' && t.owner === d.fn.start)) return null;
    if (d.cls) {
      const live = rec.liveClasses(classKey(d.cls));
      const cls = live.length ? live[live.length - 1].ref.deref() : undefined;
      if (!cls) return null;
      return d.isStatic ? Object.getPrototypeOf(cls) : Object.getPrototypeOf(cls.prototype);
    }
    // a method of an object literal held by a module-level name: `const obj = { m() { super.m() } }`
    const holder = d.parent === null && d.owner?.type === 'Property' ? d.path.slice(0, d.path.lastIndexOf('.')) : '';
    if (holder && /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(holder) && bindings.has(holder)) {
      const obj = rec.evalHook(holder);
      if (obj && typeof obj === 'object') return Object.getPrototypeOf(obj);
    }
    return reject(`${d.path} uses \`super\` in an object literal jurig cannot find at run time; restart to apply`, d.start);
  };

  /** Compile the new code of `d` for its cell (ownGuard: also give it a guard, for added members). */
  const compileDef = (d: Def, layout: Layout, ownGuard: Cell | null): Compiled => {
    const cells: Cell[] = [];
    const ctx = makeCtx(cells);
    const isArrow = d.kind === 'arrow';
    const derivedCtor = d.kind === 'constructor' && d.derived;
    // an arrow using `super` of the method around it is compiled as a method of an object whose prototype
    // is that method's home, and called with the arrow's `this`
    const superOf = isArrow
      ? info.thisRefs.find((t) => t.kind === 'super' && t.node.start >= d.fn.start && t.node.end <= d.fn.end && (t.owner < d.fn.start || t.owner >= d.fn.end))
      : undefined;
    const superMethod = superOf ? info.defs.find((x) => x.fn.start === superOf.owner && x.kind !== 'arrow') : undefined;
    if (superOf && !superMethod)
      return reject(`${labelOf(info, d)} uses \`super\` of a class field initializer, which cannot be patched live; restart to apply`, superOf.node.start);
    let edits: Edits;
    try {
      edits = rewriteRange(ctx, d.fn.start, d.fn.end, {
        captured: layout.conv === 'plain' ? null : layout.captured,
        skipDef: d,
        thisOwnerOutside: isArrow,
        nativeThis: !!superMethod,
        ctorOwner: derivedCtor ? d.fn.start : undefined,
      });
    } catch (e) {
      if (e instanceof CannotApply) return reject(`${d.path} ${e.message}`, e.pos);
      throw e;
    }
    if (ownGuard) {
      cells.push(ownGuard);
      insertGuard(edits, d, `${CELL_PREFIX}${cells.length - 1}`, layout, { read: () => null, write: () => null }, 0);
    }
    const fn = d.fn;
    let prefix: string,
      suffix = '';
    const home = superMethod ? homeOf(superMethod, true) : homeOf(d);
    if (superMethod && !home) return reject(`${labelOf(info, d)} uses \`super\`, and jurig cannot find its class at run time; restart to apply`, d.start);
    // an async function's new code becomes a generator that its guard drives (see asyncDriver)
    // (new code using `for await`, or `yield*` in an async generator, keeps the delegating form)
    const own = fn.async && (!isArrow || fn.body.type === 'BlockStatement') ? ownSteps(fn) : null;
    const awaits = own && !fn.generator && !own.forAwait ? own.awaits : null;
    if (awaits)
      for (const a of awaits) {
        edits.replace(a.start, a.start + 5, '(yield');
        edits.close(a.end, ')', 50);
      }
    // an async generator's new code becomes a sync generator of tagged steps (see asyncGeneratorDriver)
    const steps = own && fn.generator && !own.forAwait && !own.delegates ? own : null;
    if (steps) {
      for (const a of steps.awaits) {
        edits.replace(a.start, a.start + 5, '(yield[0,');
        edits.close(a.end, '])', 50);
      }
      for (const y of steps.yields) {
        if (y.argument) {
          edits.replace(y.start, y.argument.start, '(yield[1,');
          edits.close(y.end, '])', 50);
        } else edits.replace(y.start, y.end, '(yield[1,void 0])');
      }
    }
    const gen = awaits !== null || steps !== null;
    if (gen && !isArrow && !(d.owner && d.kind !== 'function')) {
      edits.replace(fn.start, fn.start + 5, ''); // `async`
      if (!steps) edits.insert(an.js.indexOf('function', fn.start) + 8, '*'); // (a generator has its `*`)
    }
    if (isArrow) {
      // `(a, b) => body` becomes `function(__jurig$s, __jurig$this, a, b) { body }` (or a method `m`, see superOf)
      const first = fn.params[0],
        last = fn.params.at(-1);
      const kw = superMethod ? (gen ? '*m' : fn.async ? 'async m' : 'm') : gen ? 'function*' : fn.async ? 'async function' : 'function';
      if (!layout.simple) edits.replace(fn.start, fn.body.start, `${kw}(__jurig$s,__jurig$this${layout.params ? ',' + layout.params : ''})`);
      else if (!first || !last) edits.replace(fn.start, fn.body.start, `${kw}(__jurig$s,__jurig$this)`);
      else {
        edits.replace(fn.start, first.start, `${kw}(__jurig$s,__jurig$this,`);
        edits.replace(last.end, fn.body.start, ')');
      }
      if (fn.body.type !== 'BlockStatement') {
        edits.open(fn.body.start, '{return (', -1);
        edits.close(fn.body.end, ');}', -1);
      }
      prefix = 'return ';
      if (superMethod) {
        prefix = 'const __jurig$o={';
        suffix =
          '};Object.setPrototypeOf(__jurig$o,__jurig$home);const __jurig$f=__jurig$o.m;return function(){return __jurig$f.apply(arguments[1],arguments)}';
      }
    } else if (d.owner && d.kind !== 'function') {
      if (derivedCtor) {
        prefix = 'return function(__jurig$super,__jurig$nt,__jurig$args){let __jurig$this;return (function';
        suffix = ').apply(void 0,__jurig$args)}';
      } else {
        const head = d.kind === 'get' ? 'get ' : d.kind === 'set' ? 'set ' : gen ? '*' : `${fn.async ? 'async ' : ''}${fn.generator ? '*' : ''}`;
        // (for a method, the slice compiled is the value `(params) { body }`: the head carries async and *)
        // the method's own name (stack frames read `Calc.run`), or `m` for computed keys
        const k = d.owner.key;
        const key = !d.owner.computed && (k.type === 'Identifier' || k.type === 'PrivateIdentifier') ? k.name : 'm';
        prefix = `const __jurig$o={${head}${key}`;
        const prop = d.kind === 'get' ? 'get' : d.kind === 'set' ? 'set' : 'value';
        suffix = `};${home ? 'Object.setPrototypeOf(__jurig$o,__jurig$home);' : ''}return Object.getOwnPropertyDescriptor(__jurig$o,${JSON.stringify(key)}).${prop}`;
      }
    } else {
      prefix = 'return ';
    }
    if (layout.conv === 'factory') {
      prefix = `return function(__jurig$s){${prefix}`;
      suffix += '}';
    }
    const wrapper = compile(fn.start, fn.end, edits, prefix, suffix, cells, classHook(enclosingClass(info, d)), false, cellFor(d).cell);
    let made: Function | undefined;
    return {
      get fn() {
        return (made ??= wrapper.fn(cells, home) as Function);
      },
    };
  };
  return { compileDef, makeCtx, compile, flush };
}

function ownSteps(fn: FunctionNode): { awaits: AwaitExpression[]; yields: YieldExpression[]; delegates: boolean; forAwait: boolean } {
  const out = { awaits: [] as AwaitExpression[], yields: [] as YieldExpression[], delegates: false, forAwait: false };
  const visit = (n: AnyNode) => {
    if (
      n !== fn &&
      (n.type === 'FunctionDeclaration' ||
        n.type === 'FunctionExpression' ||
        n.type === 'ArrowFunctionExpression' ||
        n.type === 'ClassDeclaration' ||
        n.type === 'ClassExpression')
    )
      return false;
    if (n.type === 'AwaitExpression') out.awaits.push(n);
    if (n.type === 'YieldExpression') {
      if (n.delegate) out.delegates = true;
      else out.yields.push(n);
    }
    if (n.type === 'ForOfStatement' && n.await) out.forAwait = true;
  };
  walk(fn.body, visit);
  for (const p of fn.params) walk(p, visit);
  return out;
}
