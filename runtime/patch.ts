// Turning a saved file into a patch of the running module, in two phases so a save is all or nothing:
//   plan  — diff against the running version and compile every piece of new code (no user code runs);
//           any compile error rejects the whole save.
//   apply — bind new imports, swap cells, add/remove class members, then run the new or changed top-level
//           statements in file order (a statement that throws is reported; the rest still applies).
import { parse as lexExports, init as lexerReady } from 'es-module-lexer';
import { type ClassInfo, type Def, innermostDefFinder, type N, patternNames, walk } from '../loader/transform/analyze.js';
import { applyEdits, cachedLineStarts, composeMap, Edits, lineIndex, mapComment } from '../loader/transform/edits.js';
import { type Analysed, analyseSource, hashSource } from '../loader/transform/index.js';
import { CannotApply, type CompileCtx, exportedLocals, insertGuard, type Layout, layoutOf, rewriteRange } from '../loader/transform/instrument.js';
import { codeFrame, CompileError } from '../loader/transform/to-js.js';
import { childrenOf, matchStatements, moduleNames, ownText, statementViews } from './diff.js';
import { emit, type JurigEvent } from './events.js';
import { type Cell, type CellEntry, cellText, type ModuleRecord, type RunningState } from './module-record.js';

await lexerReady;

export class SaveRejected extends Error {
  constructor(message: string, readonly line: number, readonly column: number, readonly frame: string) {
    super(message);
  }
}

let patchCounter = 0;

// ---------------------------------------------------------------------------------------------------
// Positions

export function originalPos(an: Analysed, offset: number): { line: number; column: number } {
  const starts = cachedLineStarts(an.js);
  const l = lineIndex(starts, offset);
  const col = offset - starts[l];
  const segs = an.base[l] ?? [];
  let best: readonly number[] | null = null;
  for (const s of segs) { if (s[0] <= col && s.length >= 4) best = s; else if (s[0] > col) break; }
  if (!best) for (let k = l - 1; k >= 0 && !best; k--) { const prev = an.base[k]; if (prev && prev.length) best = prev[prev.length - 1]; }
  return best && best.length >= 4 ? { line: best[2] + 1, column: best[3] + 1 } : { line: l + 1, column: col + 1 };
}

// ---------------------------------------------------------------------------------------------------
// The running version, analysed lazily (the first save of a file pays for it, not the start-up)

export function ensureState(rec: ModuleRecord): RunningState {
  if (rec.state) return rec.state;
  const source = rec.loadedSource ?? '';
  if (hashSource(source) !== rec.hash) {
    throw new SaveRejected('the file changed between loading and the first save; restart to pick up that change', 1, 1, '');
  }
  const an = analyseSource(source, rec.file);
  const cells = new Map<string, CellEntry>();
  for (const d of an.info.defs) cells.set(d.path, { cell: rec.initialCells[d.index], layout: layoutOf(d, an.js), kind: d.kind });
  rec.bindings = moduleNames(an.info);
  const exported = exportedLocals(an.info);
  rec.consts = new Set([...an.info.moduleScope.decls.values()].filter((b) => b.kind === 'const' && !exported.has(b.name)).map((b) => b.name));
  rec.state = { source, an, cells, failed: new Set(), exports: exportNames(an.js) };
  rec.loadedSource = null;
  return rec.state;
}

function exportNames(js: string): Set<string> {
  try {
    const [, exports] = lexExports(js);
    return new Set(exports.flatMap((e) => ('name' in e ? [e.name] : [])));
  } catch {
    return new Set();
  }
}

// ---------------------------------------------------------------------------------------------------
// Plan

export interface CellUpdate { path: string; cell: Cell; fn: Function; line: number; text: string }
interface MemberAdd { path: string; classPath: string; key: string | null; keyCode: string | null; kind: string; isStatic: boolean; fn: Function; line: number }
interface MemberDelete { path: string; classPath: string; key: string | null; keyCode: string | null; kind: string; isStatic: boolean; line: number }
interface StatementRun { text: string; line: number; code: string; wrapper: Function | null; isAsync: boolean; shown: string; functionDecl: boolean }
interface ImportBind { specifier: string; names: { local: string; imported: string | '*' }[]; line: number }

export interface Plan {
  next: RunningState;
  bindings: Set<string>;
  updates: CellUpdate[];
  adds: MemberAdd[];
  deletes: MemberDelete[];
  runs: StatementRun[];
  imports: ImportBind[];
  events: JurigEvent[]; // logged when applied
}

export function compatible(entry: CellEntry, d: Def, layout: Layout): boolean {
  if (entry.kind !== d.kind) return false;
  const l = entry.layout;
  if (l.conv === 'plain') return d.captured.length === 0;
  if (!d.captured.every((n) => l.captured.includes(n))) return false;
  if (l.conv === 'arrow') {
    if (!l.simple) return layout.params === l.params;
    // the guard passes the parameters the loaded arrow declared: a new one would read undefined
    return arrowArity(layout.args) <= arrowArity(l.args) && (!layout.args.includes('...') || l.args.includes('...'));
  }
  return true;
}

const arrowArity = (args: string) => (args ? args.split(',').filter((a) => !a.startsWith('...')).length : 0);

export function planSave(rec: ModuleRecord, newSource: string): Plan {
  const state = ensureState(rec);
  let an: Analysed;
  try {
    an = analyseSource(newSource, rec.file);
  } catch (e) {
    if (e instanceof CompileError) throw new SaveRejected(e.message, e.line, e.column, e.frame);
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    if (loc) throw new SaveRejected((e as Error).message.replace(/ \(\d+:\d+\)$/, ''), loc.line, loc.column + 1, codeFrame(newSource, loc.line, loc.column + 1));
    throw e;
  }
  if (an.format !== state.an.format) {
    throw new SaveRejected(`the file changed from ${state.an.format === 'module' ? 'an ES module' : 'CommonJS'} to ${an.format === 'module' ? 'an ES module' : 'CommonJS'}; restart to apply`, 1, 1, '');
  }
  const info = an.info, old = state.an.info;
  const events: JurigEvent[] = [];
  const file = rec.file;
  const at = (offset: number) => originalPos(an, offset).line;
  const reject = (message: string, offset: number): never => {
    const p = originalPos(an, offset);
    throw new SaveRejected(message, p.line, p.column, codeFrame(newSource, p.line, p.column));
  };

  const oldKids = childrenOf(old), newKids = childrenOf(info);
  const oldByPath = new Map(old.defs.map((d) => [d.path, d]));
  const newByPath = new Map(info.defs.map((d) => [d.path, d]));
  const newCells = new Map<string, CellEntry>(); // cells made by this save (new or re-created definitions)

  // which definitions changed
  // Names a patch uses directly; a still-const module const whose statement runs again in this save
  // moves to `a`, and every definition reading it is recompiled to read it there.
  const bindings = new Set(rec.bindings!);
  const oldViews = statementViews(old, oldKids), newViews = statementViews(info, newKids);
  const match = matchStatements(oldViews, newViews);
  const moved = new Set<string>();
  const innermostDef = innermostDefFinder(info.defs);
  newViews.forEach((v, i) => {
    if (match[i] !== -1 && !state.failed.has(v.text)) return;
    if (v.decl?.type !== 'VariableDeclaration') return;
    for (const x of v.decl.declarations) for (const n of patternNames(x.id)) if (rec.consts!.has(n) && bindings.has(n)) { bindings.delete(n); moved.add(n); }
  });

  const changed = new Set<Def>();
  if (moved.size) {
    for (const r of info.refs) {
      if (!moved.has(r.name) || r.binding?.scope.kind !== 'module' || r.decl) continue;
      for (let d = innermostDef(r.node.start); d; d = d.parent) if (oldByPath.has(d.path)) { changed.add(d); break; }
    }
  }
  for (const d of info.defs) {
    const o = oldByPath.get(d.path);
    if (o ? ownText(old, o, oldKids) !== ownText(info, d, newKids) : revived(d)) changed.add(d);
  }

  // A definition deleted by an earlier save and back now: its old function objects still route through
  // its cell, so the cell gets the new code (unless the definition is part of something re-created).
  function revived(d: Def): boolean {
    return state.cells.has(d.path) && !(d.fn.type === 'FunctionDeclaration' && d.parent === null && !bindings.has(d.fn.id?.name));
  }

  // Definitions whose running closures cannot take the new code are re-created by their parent instead;
  // a top-level one is re-created by running its statement again.
  const repatch = new Set<Def>(changed);
  const fresh = new Set<Def>();
  const forcedStatements = new Set<N>();
  for (let grew = true; grew;) {
    grew = false;
    for (const d of [...repatch]) {
      const entry = state.cells.get(d.path);
      if (!entry || fresh.has(d) || compatible(entry, d, layoutOf(d, an.js))) continue;
      fresh.add(d);
      repatch.delete(d);
      grew = true;
      if (d.parent) {
        repatch.add(d.parent);
        events.push({ type: 'warn', file, line: at(d.start), message: `${d.path} changed its parameters or now uses a variable its running closures did not capture: closures made before this save keep their old code` });
      } else {
        const st = info.statements.find((s: N) => s.start <= d.start && d.end <= s.end);
        if (!st || d.cls) reject(`${d.path} cannot be patched live (its parameters or captured variables changed); restart to apply`, d.start);
        forcedStatements.add(st);
        events.push({ type: 'warn', file, line: at(d.start), message: `${d.path} is re-created: references taken before this save keep the old code` });
      }
    }
  }

  const { compileDef, makeCtx, compile } = makeCompiler({ rec, state, an, bindings, newCells, fresh, reject });

  const updates: CellUpdate[] = [];
  for (const d of repatch) {
    const entry = state.cells.get(d.path)!;
    // what V8's toString() gives for the new code: methods from their key (after `static`)
    const text = d.owner && d.owner.type !== 'Property' || d.owner?.method || d.owner?.kind === 'get' || d.owner?.kind === 'set'
      ? an.js.slice(d.start, d.end).replace(/^static\s+/, '')
      : an.js.slice(d.fn.start, d.fn.end);
    updates.push({ path: d.path, cell: entry.cell, fn: compileDef(d, entry.layout, null), line: at(d.start), text });
    if (changed.has(d)) events.push({ type: 'update', file, path: d.path, line: at(d.start) });
  }

  // class members added to or removed from a running top-level class
  const adds: MemberAdd[] = [], deletes: MemberDelete[] = [];
  const oldClassPaths = new Set(old.classes.map((c) => c.path));
  const keyOf = (d: Def, js: string) => {
    const k = d.owner.key;
    if (d.owner.computed) return { key: null, keyCode: js.slice(k.start, k.end) };
    if (k.type === 'PrivateIdentifier') return { key: '#' + k.name, keyCode: null };
    return { key: k.type === 'Identifier' ? k.name : String(k.value), keyCode: null };
  };
  for (const d of info.defs) {
    if (oldByPath.has(d.path)) continue;
    const viaParent = (() => { for (let p = d.parent; p; p = p.parent) if (repatch.has(p) || fresh.has(p)) return true; return false; })();
    if (!viaParent && d.cls && !d.cls.parentDef && oldClassPaths.has(d.cls.path) && d.owner && d.kind !== 'arrow' && d.kind !== 'function') {
      const { key, keyCode } = keyOf(d, an.js);
      if (key?.startsWith('#')) reject(`${d.path}: a new private member cannot be added to a running class; restart to apply`, d.start);
      if (d.kind === 'constructor') continue; // part of the class statement (re-created)
      const layout = layoutOf(d, an.js);
      const entry: CellEntry = { cell: { p: undefined }, layout, kind: d.kind };
      newCells.set(d.path, entry);
      adds.push({ path: d.path, classPath: d.cls.path, key, keyCode, kind: d.kind, isStatic: d.isStatic, fn: compileDef(d, layout, entry.cell), line: at(d.start) });
    }
    events.push({ type: 'add', file, path: d.path, line: at(d.start) });
  }
  const newClassPaths = new Set(info.classes.map((c) => c.path));
  for (const o of old.defs) {
    if (newByPath.has(o.path)) continue;
    if (o.cls && !o.cls.parentDef && newClassPaths.has(o.cls.path) && o.owner && o.kind !== 'arrow' && o.kind !== 'function' && o.kind !== 'constructor') {
      const { key, keyCode } = keyOf(o, old.js);
      deletes.push({ path: o.path, classPath: o.cls.path, key, keyCode, kind: o.kind, isStatic: o.isStatic, line: originalPos(state.an, o.start).line });
    }
    events.push({ type: 'delete', file, path: o.path, line: originalPos(state.an, o.start).line });
  }

  // top-level statements: run the new and changed ones
  const runs: StatementRun[] = [];
  const imports: ImportBind[] = [];
  const newLines = newSource.split(/\r?\n/);
  const shown = (offset: number) => { const p = originalPos(an, offset); return (newLines[p.line - 1] ?? '').slice(p.column - 1); };
  newViews.forEach((v, i) => {
    const node = v.node;
    if (match[i] !== -1 && !state.failed.has(v.text) && !forcedStatements.has(node)) return;
    const decl = v.decl;
    if (node.type === 'ImportDeclaration') {
      const names = node.specifiers
        .map((s: N) => ({ local: s.local.name, imported: s.type === 'ImportNamespaceSpecifier' ? '*' : s.type === 'ImportDefaultSpecifier' ? 'default' : s.imported.name ?? s.imported.value }))
        .filter((n: { local: string }) => !bindings.has(n.local));
      imports.push({ specifier: node.source.value, names, line: at(node.start) });
      return;
    }
    if (node.type === 'ExportAllDeclaration' || (node.type === 'ExportNamedDeclaration' && !node.declaration) || (node.type === 'ExportDefaultDeclaration' && !decl?.id && !(decl?.type === 'ClassDeclaration' || decl?.type === 'FunctionDeclaration'))) {
      if (match[i] === -1) events.push({ type: 'warn', file, line: at(node.start), message: 'changes to export lists and default exports take effect after a restart' });
      return;
    }
    if (decl?.type === 'FunctionDeclaration' && decl.id && bindings.has(decl.id.name)) return; // its body is patched through its cell
    if (node.type === 'ExportDefaultDeclaration' && !decl?.id) return;
    runs.push(compileStatement(v.node, decl, v.text));
  });

  function compileStatement(node: N, decl: N, text: string): StatementRun {
    const cells: Cell[] = [];
    const ctx = makeCtx(cells);
    const skipRefs = new Set<N>();
    const isDecl = decl && (decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration');
    if (isDecl && decl.id) skipRefs.add(decl.id);
    let edits: Edits;
    try {
      edits = rewriteRange(ctx, node.start, node.end, { captured: null, skipRefs });
    } catch (e) {
      if (e instanceof CannotApply) return reject(e.message, e.pos);
      throw e;
    }
    if (decl !== node) edits.replace(node.start, decl.start, ''); // `export`
    const target = (name: string) => (bindings.has(name) ? name : `__jurig$m.a[${JSON.stringify(name)}]`);
    if (decl.type === 'VariableDeclaration') {
      const ds = decl.declarations;
      edits.replace(decl.start, ds[0].start, '(');
      for (const x of ds) if (!x.init && decl.kind !== 'var') edits.close(x.end, '=void 0', 0);
      edits.close(ds[ds.length - 1].end, ')', 0);
    } else if (isDecl && decl.id) {
      edits.insert(decl.start, `${target(decl.id.name)}=`, -1);
      if (decl.type === 'ClassDeclaration' && bindings.has(decl.id.name)) {
        events.push({ type: 'warn', file, line: at(node.start), message: `class ${decl.id.name} is re-created (its fields, base class or decorators changed): instances made before this save keep their fields and base class, and their methods stay live` });
      }
    }
    const isAsync = info.awaitTopLevel.some((a) => a.start >= node.start && a.end <= node.end);
    const wrapper = compile(node.start, node.end, edits, '', '', cells, null, isAsync);
    return {
      text, line: at(node.start), code: '', wrapper: () => (wrapper as Function)(cells, null), isAsync, shown: shown(node.start),
      functionDecl: decl?.type === 'FunctionDeclaration',
    };
  }

  // exports that disappeared
  const exports = exportNames(an.js);
  for (const name of state.exports) if (!exports.has(name)) events.push({ type: 'warn', file, line: 1, message: `export \`${name}\` was removed: modules that import it keep its last value until a restart` });

  const cells = new Map(state.cells);
  for (const [p, e] of newCells) cells.set(p, e);
  return {
    next: { source: newSource, an, cells, failed: new Set(state.failed), exports },
    bindings,
    updates, adds, deletes, runs, imports, events,
  };
}


interface CompilerEnv {
  rec: ModuleRecord;
  state: RunningState;
  an: Analysed; // the new version (or a snippet of it)
  bindings: Set<string>;
  newCells: Map<string, CellEntry>;
  fresh: Set<Def>;
  reject: (message: string, offset: number) => never;
}

/** Compiles new code of definitions (and statements) of `an` into functions for cells. */
export function makeCompiler({ rec, state, an, bindings, newCells, fresh, reject }: CompilerEnv) {
  const info = an.info;
  // A compile context: cells of nested definitions, by identity, new ones where needed.
  const makeCtx = (cells: Cell[]): CompileCtx => ({
    info,
    hasModuleBinding: (name) => bindings.has(name),
    nested(d: Def) {
      const layout = layoutOf(d, an.js);
      let entry = newCells.get(d.path);
      if (!entry) {
        const running = state.cells.get(d.path);
        entry = running && !fresh.has(d) && compatible(running, d, layout) ? running : { cell: { p: undefined }, layout, kind: d.kind };
        newCells.set(d.path, entry);
      }
      let i = cells.indexOf(entry.cell);
      if (i === -1) i = cells.push(entry.cell) - 1;
      return { cell: `__jc${i}`, layout: entry.layout };
    },
  });

  const compile = (start: number, end: number, edits: Edits, prefix: string, suffix: string, cells: Cell[], hook: ((code: string) => unknown) | null, isAsync = false): Function => {
    const sorted = edits.sorted();
    const decl = cells.map((_, i) => `__jc${i}=__jurig$c[${i}]`).join(',');
    const head = `(${isAsync ? 'async ' : ''}function(__jurig$c,__jurig$home){let __jurig$t;${decl ? `const ${decl};` : ''}${prefix}`;
    const body = applyEdits(an.js, sorted, start, end);
    const url = `${rec.url}?jurig=${++patchCounter}`;
    const map = composeMap({ base: an.base, baseText: an.js, baseLineStarts: cachedLineStarts(an.js), edits: sorted, from: start, to: end, prefix: head, source: rec.url });
    const code = `${head}${body}${suffix}})\n//# sourceURL=${url}\n${mapComment(map)}`;
    try {
      return (hook ?? rec.evalHook)(code) as Function;
    } catch (e) {
      if (e instanceof SyntaxError) return reject(`${e.message} (in the compiled patch; please report this)`, start);
      throw e;
    }
  };

  const classHook = (c: ClassInfo | null) => {
    if (!c || !c.hasPrivate) return null;
    const live = rec.liveClasses(c.path);
    return live.length ? live[live.length - 1].hook : null;
  };
  // the object whose prototype `super` looks up, for a method that uses it
  const homeOf = (d: Def): object | null => {
    if (!info.thisRefs.some((t) => t.kind === 'super' && t.owner === d.fn.start)) return null;
    if (d.cls) {
      const live = rec.liveClasses(d.cls.path);
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
  const compileDef = (d: Def, layout: Layout, ownGuard: Cell | null): Function => {
    const cells: Cell[] = [];
    const ctx = makeCtx(cells);
    const isArrow = d.kind === 'arrow';
    const derivedCtor = d.kind === 'constructor' && d.derived;
    let edits: Edits;
    try {
      edits = rewriteRange(ctx, d.fn.start, d.fn.end, {
        captured: layout.conv === 'plain' ? null : layout.captured,
        skipDef: d,
        thisOwnerOutside: isArrow,
        ctorOwner: derivedCtor ? d.fn.start : undefined,
      });
    } catch (e) {
      if (e instanceof CannotApply) return reject(`${d.path} ${e.message}`, e.pos);
      throw e;
    }
    if (ownGuard) {
      cells.push(ownGuard);
      insertGuard(edits, d, `__jc${cells.length - 1}`, layout, { read: () => null, write: () => null }, 0);
    }
    const fn = d.fn;
    let prefix: string, suffix = '';
    const home = homeOf(d);
    // an async function's new code becomes a generator that its guard drives (see asyncDriver)
    // (new code using `for await`, or `yield*` in an async generator, keeps the delegating form)
    const own = fn.async && (!isArrow || fn.body.type === 'BlockStatement') ? ownSteps(fn) : null;
    const awaits = own && !fn.generator && !own.forAwait ? own.awaits : null;
    if (awaits) for (const a of awaits) { edits.replace(a.start, a.start + 5, '(yield'); edits.close(a.end, ')', 50); }
    // an async generator's new code becomes a sync generator of tagged steps (see asyncGeneratorDriver)
    const steps = own && fn.generator && !own.forAwait && !own.delegates ? own : null;
    if (steps) {
      for (const a of steps.awaits) { edits.replace(a.start, a.start + 5, '(yield[0,'); edits.close(a.end, '])', 50); }
      for (const y of steps.yields) {
        if (y.argument) { edits.replace(y.start, y.argument.start, '(yield[1,'); edits.close(y.end, '])', 50); }
        else edits.replace(y.start, y.end, '(yield[1,void 0])');
      }
    }
    const gen = awaits !== null || steps !== null;
    if (gen && !isArrow && !(d.owner && d.kind !== 'function')) {
      edits.replace(fn.start, fn.start + 5, ''); // `async`
      if (!steps) edits.insert(an.js.indexOf('function', fn.start) + 8, '*'); // (a generator has its `*`)
    }
    if (isArrow) {
      // `(a, b) => body` becomes `function(__jurig$s, __jurig$this, a, b) { body }`
      const first = fn.params[0], last = fn.params.at(-1);
      const kw = gen ? 'function*' : fn.async ? 'async function' : 'function';
      if (!layout.simple) edits.replace(fn.start, fn.body.start, `${kw}(__jurig$s,__jurig$this${layout.params ? ',' + layout.params : ''})`);
      else if (!first) edits.replace(fn.start, fn.body.start, `${kw}(__jurig$s,__jurig$this)`);
      else {
        edits.replace(fn.start, first.start, `${kw}(__jurig$s,__jurig$this,`);
        edits.replace(last.end, fn.body.start, ')');
      }
      if (fn.body.type !== 'BlockStatement') { edits.open(fn.body.start, '{return (', -1); edits.close(fn.body.end, ');}', -1); }
      prefix = 'return ';
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
    if (layout.conv === 'factory') { prefix = `return function(__jurig$s){${prefix}`; suffix += '}'; }
    const wrapper = compile(fn.start, fn.end, edits, prefix, suffix, cells, classHook(d.cls));
    return wrapper(cells, home) as Function;
  };
  return { compileDef, makeCtx, compile };
}

// ---------------------------------------------------------------------------------------------------
// Apply

export async function applyPlan(rec: ModuleRecord, plan: Plan, resolveImport: (rec: ModuleRecord, spec: string) => Promise<(name: string) => unknown>): Promise<void> {
  // new imports first: they are the only asynchronous part, and a failure here changes nothing
  const binds: { local: string; get: () => unknown }[] = [];
  for (const im of plan.imports) {
    const read = await resolveImport(rec, im.specifier);
    for (const n of im.names) binds.push({ local: n.local, get: () => read(n.imported) });
  }
  for (const b of binds) Object.defineProperty(rec.a, b.local, { get: b.get, configurable: true, enumerable: true });

  for (const u of plan.updates) { u.cell.p = u.fn; cellText.set(u.cell, u.text); }
  for (const m of plan.deletes) for (const target of memberTargets(rec, m.classPath, m.isStatic)) {
    const key = m.key ?? (rec.evalHook(m.keyCode!) as PropertyKey);
    delete (target as Record<PropertyKey, unknown>)[key];
  }
  for (const m of plan.adds) for (const target of memberTargets(rec, m.classPath, m.isStatic)) {
    const key = m.key ?? (rec.evalHook(m.keyCode!) as PropertyKey);
    const desc = Object.getOwnPropertyDescriptor(target, key) ?? { configurable: true, enumerable: false };
    if (m.kind === 'get') Object.defineProperty(target, key, { get: m.fn as () => unknown, set: desc.set, configurable: true, enumerable: false });
    else if (m.kind === 'set') Object.defineProperty(target, key, { get: desc.get, set: m.fn as (v: unknown) => void, configurable: true, enumerable: false });
    else Object.defineProperty(target, key, { value: m.fn, writable: true, configurable: true, enumerable: false });
  }
  rec.state = plan.next;
  rec.bindings = plan.bindings;
  rec.version++;
  for (const e of plan.events) emit(e);

  // function declarations first, as hoisting would have them
  const runs = [...plan.runs.filter((r) => r.functionDecl), ...plan.runs.filter((r) => !r.functionDecl)];
  for (const r of runs) {
    emit({ type: 'run', file: rec.file, line: r.line, text: r.shown });
    try {
      const result = r.wrapper!();
      if (r.isAsync) await result;
      plan.next.failed.delete(r.text);
    } catch (error) {
      plan.next.failed.add(r.text);
      emit({ type: 'error', file: rec.file, line: r.line, column: 1, message: `this statement threw; it runs again at the next save: ${(error as Error)?.stack ?? error}`, error });
    }
  }
}

/** The `await` and `yield` expressions of fn itself (not of functions or classes inside it). */
function ownSteps(fn: N): { awaits: N[]; yields: N[]; delegates: boolean; forAwait: boolean } {
  const out = { awaits: [] as N[], yields: [] as N[], delegates: false, forAwait: false };
  const visit = (n: N) => {
    if (n !== fn && (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'ClassDeclaration' || n.type === 'ClassExpression')) return false;
    if (n.type === 'AwaitExpression') out.awaits.push(n);
    if (n.type === 'YieldExpression') { if (n.delegate) out.delegates = true; else out.yields.push(n); }
    if (n.type === 'ForOfStatement' && n.await) out.forAwait = true;
  };
  walk(fn.body, visit);
  for (const p of fn.params) walk(p, visit);
  return out;
}

function memberTargets(rec: ModuleRecord, classPath: string, isStatic: boolean): object[] {
  const out: object[] = [];
  for (const e of rec.liveClasses(classPath)) {
    const cls = e.ref.deref();
    if (cls) out.push(isStatic ? cls : cls.prototype);
  }
  return out;
}
