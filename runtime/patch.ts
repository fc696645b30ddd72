// Turning a saved file into a patch of the running module, in two phases so a save is all or nothing:
//   plan  — diff against the running version and compile every piece of new code (no user code runs);
//           any compile error rejects the whole save.
//   apply — bind new imports, swap cells, add/remove class members, then run the new or changed top-level
//           statements in file order (a statement that throws is reported; the rest still applies).
import { init as lexerReady } from 'es-module-lexer';
import { type ClassInfo, type Def, innermostDefFinder, type ModuleInfo, type N, patternNames, type PrivateRef, walk } from '../compiler/analyze.js';
import { applyEdits, cachedLineStarts, composeMap, Edits, mapComment } from '../compiler/edits.js';
import { type Analysed, analyseSource, originalPos } from '../compiler/index.js';
import { exportNames, ownerLine } from './running-state.js';
import { SaveRejected } from './save-rejected.js';
export { SaveRejected };
import { awaitBrackets, insertGuard, type Layout, layoutOf } from '../compiler/instrument.js';
import { CannotApply, type CompileCtx, rewriteRange } from '../compiler/rewrite.js';
import { codeFrame, CompileError } from '../compiler/to-js.js';
import { type Correspondence, correspond, pairNestedClass } from './match.js';
import { enclosingClass, isStatementMember, labelOf, normalize, ownText, privateNames, privateOwner, shapeOf } from './structure.js';
import { disposeAll, Owner, runAs } from './effects.js';
import { emit, type JurigEvent } from './events.js';
import { type Cell, type CellEntry, cellText, type ModuleRecord, type RunningState } from './module-record.js';
import { CELL_PREFIX, M, MODULE } from '../compiler/names.js';

await lexerReady;


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
    if (typeof unit === 'string') stmtUnits.set(rec.url + '#' + unit, u); else unitIds.set(unit, u);
  }
  return `${rec.url}?jurig=${u.id}.${u.n++ % VERSIONS_MAPPED}`;
}

// ---------------------------------------------------------------------------------------------------
// Positions


// ---------------------------------------------------------------------------------------------------
// Plan

export interface CellUpdate { path: string; cell: Cell; fn: Function; line: number; text: string }
interface MemberAdd { path: string; classPath: string; key: string | null; keyCode: string | null; kind: string; isStatic: boolean; fn: Function; line: number }
interface MemberDelete { path: string; classPath: string; key: string | null; keyCode: string | null; kind: string; isStatic: boolean; line: number }
interface StatementRun { index: number; line: number; wrapper: Function; isAsync: boolean; shown: string; functionDecl: boolean }
interface ImportBind { specifier: string; names: { local: string; imported: string | '*' }[]; line: number }

export interface Plan {
  next: RunningState;
  bindings: Set<string>;
  updates: CellUpdate[];
  adds: MemberAdd[];
  deletes: MemberDelete[];
  runs: StatementRun[];
  imports: ImportBind[];
  recreated?: string[]; // keys of classes this save makes again (with all their private names)
  events: JurigEvent[]; // logged when applied
  disposals: Owner[]; // effects: owners of the statements this save replaces or deletes, last first
  drops: boolean; // more running statements go than new ones come: the save may be a torn or emptied file
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

/** The new text of a module, analysed; what does not parse or changes the module's kind is refused. */
export function analyseSave(rec: ModuleRecord, state: RunningState, newSource: string): Analysed {
  let an: Analysed;
  try {
    an = analyseSource(newSource, rec.file);
  } catch (e) {
    throw asRejection(e, newSource);
  }
  if (an.format !== state.an.format) {
    throw new SaveRejected(`the file changed from ${state.an.format === 'module' ? 'an ES module' : 'CommonJS'} to ${an.format === 'module' ? 'an ES module' : 'CommonJS'}; restart to apply`, 1, 1, '');
  }
  return an;
}

/** A compile or parse error of a save's text as a rejection with its place in the file. */
export function asRejection(e: unknown, source: string): unknown {
  if (e instanceof CompileError) return new SaveRejected(e.message, e.line, e.column, e.frame);
  const loc = (e as { loc?: { line: number; column: number } }).loc;
  if (loc) return new SaveRejected((e as Error).message.replace(/ \(\d+:\d+\)$/, ''), loc.line, loc.column + 1, codeFrame(source, loc.line, loc.column + 1));
  return e;
}

export function planSave(rec: ModuleRecord, newSource: string): Plan {
  const state = rec.running();
  const an = analyseSave(rec, state, newSource);
  const core = planVersions(rec, state, an, newSource, correspond(state.an.info, an.info), null)!;
  const exports = exportNames(an.js);
  for (const name of state.exports) if (!exports.has(name)) core.events.push({ type: 'warn', file: rec.file, line: 1, message: `export \`${name}\` was removed: modules that import it keep its last value until a restart` });
  return {
    ...core,
    next: { source: newSource, an, cells: core.cells, classKeys: core.classKeys, failed: new Set(), exports, retired: core.retired, realPrivates: core.realPrivates, owners: core.owners },
  };
}

/** The parts of a plan, and the new version's cells and keys, before the caller puts the next state together. */
export interface CorePlan extends Omit<Plan, 'next'> {
  cells: CellEntry[]; // by definition of `an`
  classKeys: string[]; // by class of `an`
  retired: Map<string, CellEntry>;
  realPrivates: Map<string, Set<string>>;
  owners: (Owner | undefined)[]; // by statement of `an`: those that do not run keep their last run's owner
}

/**
 * Plan a save from the running version to `an`, paired by `corr`. `an` is the whole new version, or (with
 * `range`) only the new text of the running statements [range[0], range[1]), the rest of the file being
 * unchanged. Returns null when such a region cannot be planned on its own (the caller plans the whole file).
 */
export function planVersions(rec: ModuleRecord, state: RunningState, an: Analysed, newSource: string, corr: Correspondence, range: [number, number] | null): CorePlan | null {
  const info = an.info, old = state.an.info;
  const inRange = (o: Def) => !range || (o.stmt >= range[0] && o.stmt < range[1]);
  const events: JurigEvent[] = [];
  const file = rec.file;
  const at = (offset: number) => originalPos(an, offset).line;
  const reject = (message: string, offset: number): never => {
    const p = originalPos(an, offset);
    throw new SaveRejected(message, p.line, p.column, codeFrame(newSource, p.line, p.column));
  };
  const label = (d: Def) => labelOf(info, d);

  const shape = shapeOf(info);

  // statements that run: new or edited ones, and unchanged ones whose last run threw
  const runs = new Uint8Array(info.statements.length);
  for (let j = 0; j < runs.length; j++) if (!corr.same[j] || state.failed.has(corr.stmt[j])) runs[j] = 1;

  // Names a patch uses directly; a still-const module const whose statement runs again in this save
  // moves to `a`, and every definition reading it is recompiled to read it there.
  const bindings = new Set(rec.bindings!);
  const moved = new Set<string>();
  const markMoved = () => {
    info.statements.forEach((st: N, j: number) => {
      if (!runs[j]) return;
      const decl = st.type === 'ExportNamedDeclaration' ? st.declaration : st;
      if (decl?.type !== 'VariableDeclaration') return;
      for (const x of decl.declarations) for (const n of patternNames(x.id)) if (rec.consts!.has(n) && bindings.has(n)) { bindings.delete(n); moved.add(n); }
    });
  };

  // the cells of the new version: a definition found again keeps its cell
  const entries: (CellEntry | null)[] = info.defs.map((d) => { const o = corr.def[d.index]; return o ? state.cells[o.index] : null; });
  const retired = new Map(state.retired);
  const changed = new Set<Def>();
  for (const d of info.defs) {
    const o = corr.def[d.index];
    if (o) { if (ownText(old, o) !== ownText(info, d)) changed.add(d); continue; }
    // a named definition deleted by an earlier save and back now: the functions made before still route
    // through its cell, so the cell gets the new code (a top-level function declaration that is not a
    // binding any more is re-declared instead)
    const back = retired.get(d.path);
    if (back && back.kind === d.kind && !(d.fn.type === 'FunctionDeclaration' && d.parent === null && !(d.fn.id && bindings.has(d.fn.id.name)))) {
      entries[d.index] = back;
      retired.delete(d.path);
      changed.add(d);
    }
  }

  // members of a running class (outside functions) added or deleted, when its statement does not run again
  const adds: MemberAdd[] = [], deletes: MemberDelete[] = [];
  const memberEdits: { cls: ClassInfo; added: Def[]; deleted: Def[] }[] = [];
  info.classes.forEach((c) => {
    const o = corr.cls[c.index];
    if (!o || c.parentDef) return;
    const now = shape.members.get(c) ?? [];
    const was = shapeOf(old).members.get(o) ?? [];
    const added = now.filter((d) => !corr.def[d.index] && entries[d.index] === null);
    const kept = new Set(now.map((d) => corr.def[d.index]).filter(Boolean));
    const deleted = was.filter((d) => !kept.has(d));
    if (!added.length && !deleted.length) return;
    memberEdits.push({ cls: c, added, deleted });
  });
  markMoved();
  if (moved.size && range) return null; // what reads a moved const may lie outside the region
  if (moved.size) {
    const innermostDef = innermostDefFinder(info.defs);
    for (const r of info.refs) {
      if (!moved.has(r.name) || r.binding?.scope.kind !== 'module' || r.decl) continue;
      for (let d = innermostDef(r.node.start); d; d = d.parent) if (corr.def[d.index]) { changed.add(d); break; }
    }
  }

  // Definitions whose running closures cannot take the new code are re-created by their parent instead;
  // a top-level one is re-created by running its statement again.
  const repatch = new Set<Def>(changed);
  const fresh = new Set<Def>();
  for (let grew = true; grew;) {
    grew = false;
    for (const d of [...repatch]) {
      const entry = entries[d.index];
      if (!entry || fresh.has(d) || compatible(entry, d, layoutOf(d, an.js))) continue;
      fresh.add(d);
      repatch.delete(d);
      entries[d.index] = null;
      grew = true;
      if (d.parent) {
        if (entries[d.parent.index]) repatch.add(d.parent);
        events.push({ type: 'warn', file, line: at(d.start), message: `${label(d)} changed its parameters or now uses a variable its running closures did not capture: closures made before this save keep their old code` });
      } else {
        if (isStatementMember(d)) reject(`${label(d)} cannot be patched live (its parameters or captured variables changed); restart to apply`, d.start);
        runs[d.stmt] = 1;
        events.push({ type: 'warn', file, line: at(d.start), message: `${label(d)} is re-created: references taken before this save keep the old code` });
      }
    }
  }
  markMoved();
  if (moved.size && range) return null;
  const cellFor = (d: Def): CellEntry => (entries[d.index] ??= { cell: { p: undefined }, layout: layoutOf(d, an.js), kind: d.kind });

  // class keys: a class found again keeps the key its live objects registered under
  const usedKeys = new Set(state.classKeys);
  const classKeys = info.classes.map((c) => {
    const o = corr.cls[c.index] ?? pairNestedClass(old, info, (d) => corr.def[d.index], c);
    return o ? state.classKeys[o.index] : freshClassKey(rec, usedKeys, c.path);
  });

  // the private names each class is created with: a class made again by this save has all of its own
  const realPrivates = new Map(state.realPrivates);
  const recreated: string[] = [];
  for (const c of info.classes) if (runs[c.stmt] && !c.parentDef) { realPrivates.set(classKeys[c.index], privateNames(c)); recreated.push(classKeys[c.index]); }
  const virtualPrivate = (p: PrivateRef): string | null => {
    const c = privateOwner(info, p.node.start, p.name);
    if (!c || c.parentDef) return null; // (a class made by a function is made again with all its names)
    const key = classKeys[c.index];
    return key && realPrivates.has(key) && !realPrivates.get(key)!.has(p.name) ? key : null;
  };

  const { compileDef, makeCtx, compile } = makeCompiler({ rec, an, bindings, cellFor, classKey: (c) => classKeys[c.index], virtualPrivate, reject });

  const updates: CellUpdate[] = [];
  for (const d of repatch) {
    const entry = entries[d.index]!;
    updates.push({ path: d.path, cell: entry.cell, fn: compileDef(d, entry.layout, null), line: at(d.start), text: shownText(an.js, d) });
    if (changed.has(d)) events.push({ type: 'update', file, path: label(d), line: at(d.start) });
  }

  for (const { cls, added, deleted } of memberEdits) {
    if (runs[cls.stmt]) continue; // the class is made again: it has its members
    const keyOf = (d: Def, js: string) => {
      const k = d.owner!.key;
      if (d.owner!.computed) return { key: null, keyCode: js.slice(k.start, k.end) };
      if (k.type === 'PrivateIdentifier') return { key: '#' + k.name, keyCode: null };
      return { key: k.type === 'Identifier' ? k.name : k.type === 'Literal' ? String(k.value) : js.slice(k.start, k.end), keyCode: null };
    };
    const classKey = classKeys[cls.index];
    for (const d of added) {
      if (d.kind === 'constructor') continue; // part of the class's own shape: its statement runs
      const entry = cellFor(d);
      adds.push({ path: d.path, classPath: classKey, ...keyOf(d, an.js), kind: d.kind, isStatic: d.isStatic, fn: compileDef(d, entry.layout, entry.cell), line: at(d.start) });
    }
    for (const o of deleted) {
      // (a private method the class was created with stays, unreachable; one a save added is removed)
      if (o.kind === 'constructor' || (o.owner!.key.type === 'PrivateIdentifier' && realPrivates.get(classKey)?.has(o.owner!.key.name))) continue;
      deletes.push({ path: o.path, classPath: classKey, ...keyOf(o, old.js), kind: o.kind, isStatic: o.isStatic, line: originalPos(state.an, o.start).line });
    }
  }

  // definitions added and deleted
  const found = new Set<Def>();
  for (const d of info.defs) {
    const o = corr.def[d.index];
    if (o) { found.add(o); continue; }
    if (!changed.has(d)) events.push({ type: 'add', file, path: label(d), line: at(d.start) });
  }
  for (const o of old.defs) {
    if (found.has(o) || !inRange(o)) continue;
    if (!o.path.includes('<')) retired.set(o.path, state.cells[o.index]);
    events.push({ type: 'delete', file, path: labelOf(old, o), line: originalPos(state.an, o.start).line });
  }

  // effects: a statement that does not run keeps its owner; the owners of the running statements that are
  // replaced or deleted are disposed before the new ones run
  const owners: (Owner | undefined)[] = new Array(info.statements.length);
  const keptOwner = new Uint8Array(old.statements.length), paired = new Uint8Array(old.statements.length);
  let unpaired = 0;
  for (let j = 0; j < runs.length; j++) {
    if (corr.stmt[j] === -1) { unpaired++; continue; }
    paired[corr.stmt[j]] = 1;
    if (!runs[j]) { owners[j] = state.owners[corr.stmt[j]]; keptOwner[corr.stmt[j]] = 1; }
  }
  const disposals: Owner[] = [];
  const [oldFrom, oldTo] = range ?? [0, old.statements.length];
  for (let i = oldTo - 1; i >= oldFrom; i--) {
    if (!paired[i]) unpaired--;
    const o = state.owners[i];
    if (o && !keptOwner[i]) { o.line = originalPos(state.an, old.statements[i].start).line; disposals.push(o); }
  }

  // top-level statements: run the new and changed ones
  const runList: StatementRun[] = [];
  const imports: ImportBind[] = [];
  const newLines = newSource.split(/\r?\n/);
  const shown = (offset: number) => { const p = originalPos(an, offset); return (newLines[p.line - 1] ?? '').slice(p.column - 1); };
  info.statements.forEach((node: N, j: number) => {
    if (!runs[j]) return;
    const decl = node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration' ? node.declaration : node;
    if (node.type === 'ImportDeclaration') {
      const names = node.specifiers
        .map((s: N) => ({ local: s.local.name, imported: s.type === 'ImportNamespaceSpecifier' ? '*' : s.type === 'ImportDefaultSpecifier' ? 'default' : s.imported.name ?? s.imported.value }))
        .filter((n: { local: string }) => !bindings.has(n.local));
      imports.push({ specifier: node.source.value, names, line: at(node.start) });
      return;
    }
    if (node.type === 'ExportAllDeclaration' || (node.type === 'ExportNamedDeclaration' && !node.declaration) || (node.type === 'ExportDefaultDeclaration' && !decl?.id && !(decl?.type === 'ClassDeclaration' || decl?.type === 'FunctionDeclaration'))) {
      if (corr.stmt[j] === -1 || !corr.same[j]) events.push({ type: 'warn', file, line: at(node.start), message: 'changes to export lists and default exports take effect after a restart' });
      return;
    }
    if (decl?.type === 'FunctionDeclaration' && decl.id && bindings.has(decl.id.name)) return; // its body is patched through its cell
    if (node.type === 'ExportDefaultDeclaration' && !decl?.id) return;
    if (decl?.type === 'ClassDeclaration' && decl.id && bindings.has(decl.id.name)) {
      const c = info.classes.find((x) => x.node === decl)!;
      const o = corr.cls[c.index];
      events.push({ type: 'warn', file, line: at(node.start), message: `class ${decl.id.name} is re-created (${o ? classChange(old, o, info, c) : 'it is a new class of that name'}): instances made before this save keep their fields and base class, and their methods stay live` });
    }
    runList.push(compileStatement(j, node, decl));
  });

  function compileStatement(index: number, node: N, decl: N): StatementRun {
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
    const target = (name: string) => (bindings.has(name) ? name : `${MODULE}.${M.added}[${JSON.stringify(name)}]`);
    if (decl.type === 'VariableDeclaration') {
      const ds = decl.declarations;
      edits.replace(decl.start, ds[0].start, '(');
      for (const x of ds) if (!x.init && decl.kind !== 'var') edits.close(x.end, '=void 0', 0);
      edits.close(ds[ds.length - 1].end, ')', 0);
    } else if (isDecl && decl.id) {
      edits.insert(decl.start, `${target(decl.id.name)}=`, -1);
    }
    const isAsync = info.awaitTopLevel.some((a) => a.start >= node.start && a.end <= node.end);
    // effects: while suspended at a top-level await the statement is no one's; its owner's again after
    const brackets = isAsync && awaitBrackets(info.awaitTopLevel, node.start, node.end, edits, `${MODULE}.${M.end}`, `${MODULE}.${M.resume}`, '__jurig$o') > 0;
    const wrapper = brackets
      ? compile(node.start, node.end, edits, `const __jurig$o=${MODULE}.${M.owner}();try{`, `}finally{${MODULE}.${M.end}()}`, cells, null, isAsync, `s${index}`)
      : compile(node.start, node.end, edits, '', '', cells, null, isAsync, `s${index}`);
    return {
      index, line: at(node.start), wrapper: () => (wrapper as Function)(cells, null), isAsync, shown: shown(node.start),
      functionDecl: decl?.type === 'FunctionDeclaration',
    };
  }

  const cells = info.defs.map(cellFor);
  return { bindings, updates, adds, deletes, runs: runList, imports, events, recreated, cells, classKeys, retired, realPrivates, owners, disposals, drops: unpaired < 0 };
}

/** A registration key for a new class that no class of the module used before. */
export function freshClassKey(rec: ModuleRecord, used: Set<string>, path: string): string {
  let k = path;
  for (let n = 2; used.has(k) || rec.classes.has(k); n++) k = `${path}@${n}`;
  used.add(k);
  return k;
}

/** What toString() gives for a definition's new code: a method from its key (after `static`). */
export function shownText(js: string, d: Def): string {
  return (d.owner && d.owner.type !== 'Property') || d.owner?.method || d.owner?.kind === 'get' || d.owner?.kind === 'set'
    ? js.slice(d.start, d.end).replace(/^static\s+/, '')
    : js.slice(d.fn.start, d.fn.end);
}

/** Why a class must be made again, in words: what of its own shape (not its methods) changed. */
function classChange(oldInfo: ModuleInfo, a: ClassInfo, newInfo: ModuleInfo, b: ClassInfo): string {
  const part = (info: ModuleInfo, c: ClassInfo) => {
    const fields = new Map<string, string>();
    let ctor = false, blocks = '';
    for (const m of c.node.body.body) {
      if (m.type === 'PropertyDefinition') fields.set((m.static ? 'static ' : '') + info.js.slice(m.key.start, m.key.end), normalize(info, m.start, m.end, []));
      else if (m.type === 'StaticBlock') blocks += normalize(info, m.start, m.end, []);
      else if (m.kind === 'constructor') ctor = true;
    }
    const sup = c.node.superClass ? normalize(info, c.node.superClass.start, c.node.superClass.end, []) : '';
    return { fields, ctor, blocks, sup };
  };
  const x = part(oldInfo, a), y = part(newInfo, b);
  const why: string[] = [];
  if (x.sup !== y.sup) why.push(y.sup ? (x.sup ? 'its base class changed' : 'it now extends a class') : 'it no longer extends a class');
  for (const [k, v] of y.fields) if (!x.fields.has(k)) why.push(`field \`${k}\` was added`); else if (x.fields.get(k) !== v) why.push(`field \`${k}\` changed`);
  for (const k of x.fields.keys()) if (!y.fields.has(k)) why.push(`field \`${k}\` was removed`);
  if (x.ctor !== y.ctor) why.push(y.ctor ? 'it gained a constructor' : 'its constructor was removed');
  if (x.blocks !== y.blocks) why.push('a static block changed');
  return why.length ? why.join(', ') : 'its declaration changed';
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

  const compile = (start: number, end: number, edits: Edits, prefix: string, suffix: string, cells: Cell[], hook: ((code: string) => unknown) | null, isAsync: boolean, unit: object | string): Function => {
    const sorted = edits.sorted();
    const decl = cells.map((_, i) => `${CELL_PREFIX}${i}=__jurig$c[${i}]`).join(',');
    const head = `(${isAsync ? 'async ' : ''}function(__jurig$c,__jurig$home){let __jurig$t;${decl ? `const ${decl};` : ''}${prefix}`;
    const body = applyEdits(an.js, sorted, start, end);
    const url = sourceUrl(rec, unit);
    const map = composeMap({ base: an.base, baseText: an.js, edits: sorted, from: start, to: end, prefix: head, source: rec.url, baseLineStarts: cachedLineStarts(an.js) });
    const code = `${head}${body}${suffix}})\n//# sourceURL=${url}\n${mapComment(map)}`;
    try {
      return (hook ?? rec.evalHook)(code) as Function;
    } catch (e) {
      if (e instanceof SyntaxError) return reject(`${e.message} (in the compiled patch; please report this)`, start);
      throw e;
    }
  };

  // code inside a class (a member, a closure in it at any depth, a field's function) compiles in the
  // class's own scope where it has private names
  const classHook = (c: ClassInfo | null) => {
    if (!c || !c.hasPrivate) return null;
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
  const compileDef = (d: Def, layout: Layout, ownGuard: Cell | null): Function => {
    const cells: Cell[] = [];
    const ctx = makeCtx(cells);
    const isArrow = d.kind === 'arrow';
    const derivedCtor = d.kind === 'constructor' && d.derived;
    // an arrow using `super` of the method around it is compiled as a method of an object whose prototype
    // is that method's home, and called with the arrow's `this`
    const superOf = isArrow ? info.thisRefs.find((t) => t.kind === 'super' && t.node.start >= d.fn.start && t.node.end <= d.fn.end && (t.owner < d.fn.start || t.owner >= d.fn.end)) : undefined;
    const superMethod = superOf ? info.defs.find((x) => x.fn.start === superOf.owner && x.kind !== 'arrow') : undefined;
    if (superOf && !superMethod) return reject(`${labelOf(info, d)} uses \`super\` of a class field initializer, which cannot be patched live; restart to apply`, superOf.node.start);
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
    let prefix: string, suffix = '';
    const home = superMethod ? homeOf(superMethod, true) : homeOf(d);
    if (superMethod && !home) return reject(`${labelOf(info, d)} uses \`super\`, and jurig cannot find its class at run time; restart to apply`, d.start);
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
      // `(a, b) => body` becomes `function(__jurig$s, __jurig$this, a, b) { body }` (or a method `m`, see superOf)
      const first = fn.params[0], last = fn.params.at(-1);
      const kw = superMethod ? (gen ? '*m' : fn.async ? 'async m' : 'm') : gen ? 'function*' : fn.async ? 'async function' : 'function';
      if (!layout.simple) edits.replace(fn.start, fn.body.start, `${kw}(__jurig$s,__jurig$this${layout.params ? ',' + layout.params : ''})`);
      else if (!first) edits.replace(fn.start, fn.body.start, `${kw}(__jurig$s,__jurig$this)`);
      else {
        edits.replace(fn.start, first.start, `${kw}(__jurig$s,__jurig$this,`);
        edits.replace(last!.end, fn.body.start, ')');
      }
      if (fn.body.type !== 'BlockStatement') { edits.open(fn.body.start, '{return (', -1); edits.close(fn.body.end, ');}', -1); }
      prefix = 'return ';
      if (superMethod) {
        prefix = 'const __jurig$o={';
        suffix = '};Object.setPrototypeOf(__jurig$o,__jurig$home);const __jurig$f=__jurig$o.m;return function(){return __jurig$f.apply(arguments[1],arguments)}';
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
    if (layout.conv === 'factory') { prefix = `return function(__jurig$s){${prefix}`; suffix += '}'; }
    const wrapper = compile(fn.start, fn.end, edits, prefix, suffix, cells, classHook(enclosingClass(info, d)), false, cellFor(d).cell);
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
  for (const key of plan.recreated ?? []) rec.virtuals.delete(key);
  for (const m of plan.deletes) if (m.key?.startsWith('#')) rec.virtuals.get(m.classPath)?.delete(m.key);
  for (const m of plan.adds) if (m.key?.startsWith('#')) {
    let table = rec.virtuals.get(m.classPath);
    if (!table) rec.virtuals.set(m.classPath, (table = new Map()));
    const v = table.get(m.key) ?? {};
    if (m.kind === 'get') v.get = m.fn; else if (m.kind === 'set') v.set = m.fn; else v.value = m.fn;
    table.set(m.key, v);
  }
  for (const m of plan.deletes) if (!m.key?.startsWith('#')) for (const target of memberTargets(rec, m.classPath, m.isStatic)) {
    const key = m.key ?? (rec.evalHook(m.keyCode!) as PropertyKey);
    delete (target as Record<PropertyKey, unknown>)[key];
  }
  for (const m of plan.adds) if (!m.key?.startsWith('#')) for (const target of memberTargets(rec, m.classPath, m.isStatic)) {
    const key = m.key ?? (rec.evalHook(m.keyCode!) as PropertyKey);
    const desc = Object.getOwnPropertyDescriptor(target, key) ?? { configurable: true, enumerable: false };
    if (m.kind === 'get') Object.defineProperty(target, key, { get: m.fn as () => unknown, set: desc.set, configurable: true, enumerable: false });
    else if (m.kind === 'set') Object.defineProperty(target, key, { get: desc.get, set: m.fn as (v: unknown) => void, configurable: true, enumerable: false });
    else Object.defineProperty(target, key, { value: m.fn, writable: true, configurable: true, enumerable: false });
  }
  rec.adopt(plan.next);
  rec.bindings = plan.bindings;
  rec.version++;
  for (const e of plan.events) emit(e);

  // function declarations first, as hoisting would have them
  const runs = [...plan.runs.filter((r) => r.functionDecl), ...plan.runs.filter((r) => !r.functionDecl)];
  // effects: what replaced and deleted statements set up is undone before anything runs again
  const disposing = disposeAll(plan.disposals);
  if (disposing) await disposing;
  for (const r of runs) {
    emit({ type: 'run', file: rec.file, line: r.line, text: r.shown });
    const owner = (plan.next.owners[r.index] = new Owner(rec.file, r.line));
    owner.locate = () => ownerLine(rec, owner);
    try {
      const result = runAs(owner, () => r.wrapper());
      if (r.isAsync) await result;
    } catch (error) {
      plan.next.failed.add(r.index);
      emit({ type: 'error', file: rec.file, line: r.line, column: 1, message: `this statement threw; it runs again at the next save: ${userStack(error)}`, error });
    }
  }
}


/** An error's stack without jurig's own frames below the statement (the user's code is what matters). */
function userStack(error: unknown): string {
  const stack = (error as Error)?.stack;
  if (typeof stack !== 'string') return String(error);
  const own = new URL('..', import.meta.url).pathname;
  return stack.split('\n').filter((l) => !(l.trimStart().startsWith('at ') && l.includes(own))).join('\n');
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
