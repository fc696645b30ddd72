// Planning a save: the running version and the new one, paired by runtime/match.ts, become a Plan — the
// cells to update, class members to add and delete, statements to run, imports to bind, effects to dispose —
// with every piece of new code compiled (runtime/compile.ts) and no user code run. Any compile error rejects
// the whole save (SaveRejected). runtime/apply.ts applies a plan.
import { type ClassInfo, type Def, exportedNames, innermostDefFinder, type ModuleInfo, patternNames, type PrivateRef } from '../compiler/analyze.js';
import { declarationOf, type Identifier, idOf, keyName, specifierName, type TopLevel } from '../compiler/ast.js';
import type { Edits } from '../compiler/edits.js';
import { type Analysed, originalPos } from '../compiler/index.js';
import { awaitBrackets, type Layout, layoutOf } from '../compiler/instrument.js';
import { M, MODULE } from '../compiler/names.js';
import { CannotApply, rewriteRange } from '../compiler/rewrite.js';
import { codeFrame, CompileError } from '../compiler/to-js.js';
import { type Compiled, makeCompiler } from './compile.js';
import type { Owner } from './effects.js';
import type { JurigEvent } from './events.js';
import { analyseOffThread } from './off-thread.js';
import { type Correspondence, correspond, pairNestedClass } from './match.js';
import type { Cell, CellEntry, ModuleRecord, RunningState } from './module-record.js';
import { SaveRejected, StalePlan } from './save-rejected.js';
import { isStatementMember, labelOf, normalize, ownText, privateNames, privateOwner, shapeOf } from './structure.js';

export interface CellUpdate {
  path: string;
  cell: Cell;
  fn: Function;
  line: number;
  text: string;
}
interface MemberAdd {
  path: string;
  classPath: string;
  key: string | null;
  keyCode: string | null;
  kind: string;
  isStatic: boolean;
  fn: Function;
  line: number;
}
interface MemberDelete {
  path: string;
  classPath: string;
  key: string | null;
  keyCode: string | null;
  kind: string;
  isStatic: boolean;
  line: number;
}
interface StatementRun {
  index: number;
  line: number;
  wrapper: Function;
  isAsync: boolean;
  shown: string;
  functionDecl: boolean;
}
interface ImportBind {
  specifier: string;
  names: { local: string; imported: string | '*' }[];
  line: number;
}

export interface Plan {
  /** The running version the plan was made against: it applies only while that one runs. */
  base?: RunningState;
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

/** The new text of a module, analysed (off this thread when it is big: runtime/off-thread.ts); what does
 * not parse or changes the module's kind is refused. */
export async function analyseSave(rec: ModuleRecord, state: RunningState, newSource: string): Promise<Analysed> {
  let an: Analysed;
  try {
    an = await analyseOffThread(newSource, rec.file);
  } catch (e) {
    throw asRejection(e, newSource);
  }
  if (an.format !== state.an.format) {
    throw new SaveRejected(
      `the file changed from ${state.an.format === 'module' ? 'an ES module' : 'CommonJS'} to ${an.format === 'module' ? 'an ES module' : 'CommonJS'}; restart to apply`,
      1,
      1,
      '',
    );
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

/** A name the running module exported is gone: importers keep its last value (live bindings cannot be dropped). */
export function exportRemoved(file: string, name: string): JurigEvent {
  return { type: 'warn', file, line: 1, message: `export \`${name}\` was removed: modules that import it keep its last value until a restart` };
}

/** The plan for a save from the whole new text. The program's callbacks can run between its analysis and
 * its planning: if another save replaced the running version meanwhile, StalePlan (the caller decides again). */
export async function planSave(rec: ModuleRecord, newSource: string): Promise<Plan> {
  const state = await rec.runningAsync();
  const an = await analyseSave(rec, state, newSource);
  if (rec.state !== state) throw new StalePlan();
  const core = planVersions(rec, state, an, newSource, correspond(state.an.info, an.info), null)!;
  const exports = exportedNames(an.info.statements);
  for (const name of state.exports) if (!exports.has(name)) core.events.push(exportRemoved(rec.file, name));
  return {
    ...core,
    base: state,
    next: {
      source: newSource,
      an,
      cells: core.cells,
      classKeys: core.classKeys,
      failed: new Set(),
      exports,
      retired: core.retired,
      realPrivates: core.realPrivates,
      owners: core.owners,
    },
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

/** A plan's part whose code is compiled but not yet evaluated (see compile.ts flush()). */
type Compiling<T extends { fn: Function }> = Omit<T, 'fn'> & { code: Compiled };
function made<T extends { fn: Function }>({ code, ...rest }: Compiling<T>): T {
  return { ...rest, fn: code.fn } as unknown as T;
}

/** What every phase of planning one save reads: the two versions, how they pair, and how to report. */
interface Versions {
  rec: ModuleRecord;
  state: RunningState;
  an: Analysed;
  info: ModuleInfo; // the new version
  old: ModuleInfo; // the running version
  corr: Correspondence;
  range: [number, number] | null;
  newSource: string;
  events: JurigEvent[];
  /** The line of an offset of the new version. */
  at(offset: number): number;
  reject(message: string, offset: number): never;
  label(d: Def): string;
}

/**
 * Plan a save from the running version to `an`, paired by `corr`. `an` is the whole new version, or (with
 * `range`) only the new text of the running statements [range[0], range[1]), the rest of the file being
 * unchanged. Returns null when such a region cannot be planned on its own (the caller plans the whole file).
 */
export function planVersions(
  rec: ModuleRecord,
  state: RunningState,
  an: Analysed,
  newSource: string,
  corr: Correspondence,
  range: [number, number] | null,
): CorePlan | null {
  const v: Versions = {
    rec,
    state,
    an,
    info: an.info,
    old: state.an.info,
    corr,
    range,
    newSource,
    events: [],
    at: (offset) => originalPos(an, offset).line,
    reject: (message, offset) => {
      const p = originalPos(an, offset);
      throw new SaveRejected(message, p.line, p.column, codeFrame(newSource, p.line, p.column));
    },
    label: (d) => labelOf(an.info, d),
  };
  const runs = statementsToRun(v);
  const bindings = new Set(rec.bindings!);
  const moved = new Set<string>();
  const { entries, retired, changed } = cellsFoundAgain(v, bindings);
  const memberEdits = membersAddedAndDeleted(v, entries);
  moveRerunConsts(v, runs, bindings, moved);
  if (moved.size && range) return null; // what reads a moved const may lie outside the region
  if (moved.size) for (const d of readersOf(v, moved)) changed.add(d);
  const repatch = recreateIncompatible(v, entries, changed, runs);
  moveRerunConsts(v, runs, bindings, moved);
  if (moved.size && range) return null;
  const cellFor = (d: Def): CellEntry => (entries[d.index] ??= { cell: { p: undefined }, layout: layoutOf(d, an.js), kind: d.kind });
  const classKeys = classKeysFor(v);
  const { realPrivates, recreated, virtualPrivate } = privatesFor(v, classKeys, runs);
  const compiler = makeCompiler({ rec, an, bindings, cellFor, classKey: (c) => classKeys[c.index], virtualPrivate, reject: v.reject });

  const updates: Compiling<CellUpdate>[] = [];
  for (const d of repatch) {
    const entry = entries[d.index]!;
    updates.push({ path: d.path, cell: entry.cell, code: compiler.compileDef(d, entry.layout, null), line: v.at(d.start), text: shownText(an.js, d) });
    if (changed.has(d)) v.events.push({ type: 'update', file: rec.file, path: v.label(d), line: v.at(d.start) });
  }
  const { adds, deletes } = compileMemberEdits(v, memberEdits, runs, classKeys, realPrivates, cellFor, compiler.compileDef);
  reportAddedAndDeleted(v, changed, retired);
  const { owners, disposals, drops } = effectsOwners(v, runs);
  const { runList, imports } = statementRuns(v, runs, bindings, compiler);
  compiler.flush(); // every piece evaluated (to functions, nothing run) before the plan exists
  const cells = v.info.defs.map(cellFor);
  return {
    bindings,
    updates: updates.map(made),
    adds: adds.map(made),
    deletes,
    runs: runList,
    imports,
    events: v.events,
    recreated,
    cells,
    classKeys,
    retired,
    realPrivates,
    owners,
    disposals,
    drops,
  };
}

/** The statements that run: new or edited ones, and unchanged ones whose last run threw. */
function statementsToRun({ info, corr, state }: Versions): Uint8Array {
  const runs = new Uint8Array(info.statements.length);
  for (let j = 0; j < runs.length; j++) if (!corr.same[j] || state.failed.has(corr.stmt[j])) runs[j] = 1;
  return runs;
}

/**
 * Names a patch uses directly (`bindings`): a still-const module const whose statement runs again in this
 * save moves to `a` (`moved`), and every definition reading it is recompiled to read it there.
 */
function moveRerunConsts({ rec, info }: Versions, runs: Uint8Array, bindings: Set<string>, moved: Set<string>): void {
  info.statements.forEach((st, j) => {
    if (!runs[j]) return;
    const decl = st.type === 'ExportNamedDeclaration' ? st.declaration : st;
    if (decl?.type !== 'VariableDeclaration') return;
    for (const x of decl.declarations)
      for (const n of patternNames(x.id))
        if (rec.consts!.has(n) && bindings.has(n)) {
          bindings.delete(n);
          moved.add(n);
        }
  });
}

/** The running definitions that read one of the `moved` consts (each innermost one found again). */
function readersOf({ info, corr }: Versions, moved: Set<string>): Def[] {
  const out: Def[] = [];
  const innermostDef = innermostDefFinder(info.defs);
  for (const r of info.refs) {
    if (!moved.has(r.name) || r.binding?.scope.kind !== 'module' || r.decl) continue;
    for (let d = innermostDef(r.node.start); d; d = d.parent)
      if (corr.def[d.index]) {
        out.push(d);
        break;
      }
  }
  return out;
}

/**
 * The cells of the new version: a definition found again keeps its cell (`changed` if its own text
 * changed); a named definition deleted by an earlier save and back now gets its retired cell back.
 */
function cellsFoundAgain({ state, info, old, corr }: Versions, bindings: Set<string>) {
  const entries: (CellEntry | null)[] = info.defs.map((d) => {
    const o = corr.def[d.index];
    return o ? state.cells[o.index] : null;
  });
  const retired = new Map(state.retired);
  const changed = new Set<Def>();
  for (const d of info.defs) {
    const o = corr.def[d.index];
    if (o) {
      if (ownText(old, o) !== ownText(info, d)) changed.add(d);
      continue;
    }
    // the functions made before it was deleted still route through its cell, so the cell gets the new code
    // (a top-level function declaration that is not a binding any more is re-declared instead)
    const back = retired.get(d.path);
    if (back && back.kind === d.kind && !(d.fn.type === 'FunctionDeclaration' && d.parent === null && !(d.fn.id && bindings.has(d.fn.id.name)))) {
      entries[d.index] = back;
      retired.delete(d.path);
      changed.add(d);
    }
  }
  return { entries, retired, changed };
}

interface MemberEdit {
  cls: ClassInfo;
  added: Def[];
  deleted: Def[];
}

/** Members of a running class (outside functions) added or deleted. */
function membersAddedAndDeleted({ info, old, corr }: Versions, entries: (CellEntry | null)[]): MemberEdit[] {
  const out: MemberEdit[] = [];
  const shape = shapeOf(info),
    oldShape = shapeOf(old);
  for (const c of info.classes) {
    const o = corr.cls[c.index];
    if (!o || c.parentDef) continue;
    const now = shape.members.get(c) ?? [];
    const was = oldShape.members.get(o) ?? [];
    const added = now.filter((d) => !corr.def[d.index] && entries[d.index] === null);
    const kept = new Set(now.map((d) => corr.def[d.index]).filter(Boolean));
    const deleted = was.filter((d) => !kept.has(d));
    if (added.length || deleted.length) out.push({ cls: c, added, deleted });
  }
  return out;
}

/**
 * The definitions to patch. Those whose running closures cannot take the new code (parameters or captured
 * variables changed) are re-created by their parent instead, which is patched in turn; a top-level one is
 * re-created by running its statement again.
 */
function recreateIncompatible(v: Versions, entries: (CellEntry | null)[], changed: Set<Def>, runs: Uint8Array): Set<Def> {
  const repatch = new Set<Def>(changed);
  const fresh = new Set<Def>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of [...repatch]) {
      const entry = entries[d.index];
      if (!entry || fresh.has(d) || compatible(entry, d, layoutOf(d, v.an.js))) continue;
      fresh.add(d);
      repatch.delete(d);
      entries[d.index] = null;
      grew = true;
      if (d.parent) {
        if (entries[d.parent.index]) repatch.add(d.parent);
        v.events.push({
          type: 'warn',
          file: v.rec.file,
          line: v.at(d.start),
          message: `${v.label(d)} changed its parameters or now uses a variable its running closures did not capture: closures made before this save keep their old code`,
        });
      } else {
        if (isStatementMember(d)) v.reject(`${v.label(d)} cannot be patched live (its parameters or captured variables changed); restart to apply`, d.start);
        runs[d.stmt] = 1;
        v.events.push({
          type: 'warn',
          file: v.rec.file,
          line: v.at(d.start),
          message: `${v.label(d)} is re-created: references taken before this save keep the old code`,
        });
      }
    }
  }
  return repatch;
}

/** Class keys: a class found again keeps the key its live objects registered under. */
function classKeysFor({ rec, state, info, old, corr }: Versions): string[] {
  const usedKeys = new Set(state.classKeys);
  return info.classes.map((c) => {
    const o = corr.cls[c.index] ?? pairNestedClass(old, info, (d) => corr.def[d.index], c);
    return o ? state.classKeys[o.index] : freshClassKey(rec, usedKeys, c.path);
  });
}

/**
 * The private names each class is created with (a class made again by this save has all of its own), and
 * for a use of a private name its running class lacks (added by a save), the key of its virtual table.
 */
function privatesFor({ state, info }: Versions, classKeys: string[], runs: Uint8Array) {
  const realPrivates = new Map(state.realPrivates);
  const recreated: string[] = [];
  for (const c of info.classes)
    if (runs[c.stmt] && !c.parentDef) {
      realPrivates.set(classKeys[c.index], privateNames(c));
      recreated.push(classKeys[c.index]);
    }
  return { realPrivates, recreated, virtualPrivate: virtualPrivateFor(info, classKeys, realPrivates) };
}

/**
 * For a use of a private name in `info`: the key of its class's virtual table when the running class was
 * created without that name (a save added the member), else null (a real private name).
 */
export function virtualPrivateFor(info: ModuleInfo, classKeys: string[], realPrivates: Map<string, Set<string>>): (p: PrivateRef) => string | null {
  return (p) => {
    const c = privateOwner(info, p.node.start, p.name);
    if (!c || c.parentDef) return null; // (a class made by a function is made again with all its names)
    const key = classKeys[c.index];
    const real = key ? realPrivates.get(key) : undefined;
    return key && real && !real.has(p.name) ? key : null;
  };
}

type CompileDef = ReturnType<typeof makeCompiler>['compileDef'];

/** The members added to and deleted from running classes whose statements do not run again. */
function compileMemberEdits(
  v: Versions,
  edits: MemberEdit[],
  runs: Uint8Array,
  classKeys: string[],
  realPrivates: Map<string, Set<string>>,
  cellFor: (d: Def) => CellEntry,
  compileDef: CompileDef,
) {
  const adds: Compiling<MemberAdd>[] = [],
    deletes: MemberDelete[] = [];
  const keyOf = (d: Def, js: string) => {
    const owner = d.owner!; // (a statement-level class member: its MethodDefinition)
    if (owner.computed) return { key: null, keyCode: js.slice(owner.key.start, owner.key.end) };
    return { key: keyName(owner, js), keyCode: null }; // `m`, `#m`, a literal's value
  };
  for (const { cls, added, deleted } of edits) {
    if (runs[cls.stmt]) continue; // the class is made again: it has its members
    const classKey = classKeys[cls.index];
    for (const d of added) {
      if (d.kind === 'constructor') continue; // part of the class's own shape: its statement runs
      const entry = cellFor(d);
      adds.push({
        path: d.path,
        classPath: classKey,
        ...keyOf(d, v.an.js),
        kind: d.kind,
        isStatic: d.isStatic,
        code: compileDef(d, entry.layout, entry.cell),
        line: v.at(d.start),
      });
    }
    for (const o of deleted) {
      // (a private method the class was created with stays, unreachable; one a save added is removed)
      if (o.kind === 'constructor' || (o.owner?.key.type === 'PrivateIdentifier' && realPrivates.get(classKey)?.has(o.owner.key.name))) continue;
      deletes.push({
        path: o.path,
        classPath: classKey,
        ...keyOf(o, v.old.js),
        kind: o.kind,
        isStatic: o.isStatic,
        line: originalPos(v.state.an, o.start).line,
      });
    }
  }
  return { adds, deletes };
}

/** `Add` for new definitions, `Delete` for running ones that are gone (a named one's cell is retired). */
function reportAddedAndDeleted(v: Versions, changed: Set<Def>, retired: Map<string, CellEntry>): void {
  const found = new Set<Def>();
  for (const d of v.info.defs) {
    const o = v.corr.def[d.index];
    if (o) {
      found.add(o);
      continue;
    }
    if (!changed.has(d)) v.events.push({ type: 'add', file: v.rec.file, path: v.label(d), line: v.at(d.start) });
  }
  const inRange = (o: Def) => !v.range || (o.stmt >= v.range[0] && o.stmt < v.range[1]);
  for (const o of v.old.defs) {
    if (found.has(o) || !inRange(o)) continue;
    if (!o.path.includes('<')) retired.set(o.path, v.state.cells[o.index]);
    v.events.push({ type: 'delete', file: v.rec.file, path: labelOf(v.old, o), line: originalPos(v.state.an, o.start).line });
  }
}

/**
 * Effects: a statement that does not run keeps its owner; the owners of the running statements that are
 * replaced or deleted are disposed (last first) before the new ones run. `drops`: more running statements
 * go than new ones come (the save may be a torn or emptied file).
 */
function effectsOwners({ info, old, state, corr, range }: Versions, runs: Uint8Array) {
  const owners: (Owner | undefined)[] = new Array(info.statements.length);
  const keptOwner = new Uint8Array(old.statements.length),
    paired = new Uint8Array(old.statements.length);
  let unpaired = 0;
  for (let j = 0; j < runs.length; j++) {
    if (corr.stmt[j] === -1) {
      unpaired++;
      continue;
    }
    paired[corr.stmt[j]] = 1;
    if (!runs[j]) {
      owners[j] = state.owners[corr.stmt[j]];
      keptOwner[corr.stmt[j]] = 1;
    }
  }
  const disposals: Owner[] = [];
  const [oldFrom, oldTo] = range ?? [0, old.statements.length];
  for (let i = oldTo - 1; i >= oldFrom; i--) {
    if (!paired[i]) unpaired--;
    const o = state.owners[i];
    if (o && !keptOwner[i]) {
      o.line = originalPos(state.an, old.statements[i].start).line;
      disposals.push(o);
    }
  }
  return { owners, disposals, drops: unpaired < 0 };
}

/** The top-level statements that run, compiled, and the imports they bring (bound before they run). */
function statementRuns(v: Versions, runs: Uint8Array, bindings: Set<string>, compiler: ReturnType<typeof makeCompiler>) {
  const { info, old, corr, an, rec } = v;
  const runList: StatementRun[] = [];
  const imports: ImportBind[] = [];
  const newLines = v.newSource.split(/\r?\n/);
  const shown = (offset: number) => {
    const p = originalPos(an, offset);
    return (newLines[p.line - 1] ?? '').slice(p.column - 1);
  };
  info.statements.forEach((node, j) => {
    if (!runs[j]) return;
    const decl = declarationOf(node);
    if (node.type === 'ImportDeclaration') {
      const names = node.specifiers
        .map((s) => ({
          local: s.local.name,
          imported: s.type === 'ImportNamespaceSpecifier' ? '*' : s.type === 'ImportDefaultSpecifier' ? 'default' : specifierName(s.imported),
        }))
        .filter((n) => !bindings.has(n.local));
      imports.push({ specifier: String(node.source.value), names, line: v.at(node.start) });
      return;
    }
    if (
      node.type === 'ExportAllDeclaration' ||
      (node.type === 'ExportNamedDeclaration' && !node.declaration) ||
      (node.type === 'ExportDefaultDeclaration' && !idOf(decl) && !(decl?.type === 'ClassDeclaration' || decl?.type === 'FunctionDeclaration'))
    ) {
      if (corr.stmt[j] === -1 || !corr.same[j])
        v.events.push({
          type: 'warn',
          file: rec.file,
          line: v.at(node.start),
          message: 'changes to export lists and default exports take effect after a restart',
        });
      return;
    }
    if (decl?.type === 'FunctionDeclaration' && decl.id && bindings.has(decl.id.name)) return; // its body is patched through its cell
    if (!decl || (node.type === 'ExportDefaultDeclaration' && !idOf(decl))) return; // (export lists returned above)
    if (decl?.type === 'ClassDeclaration' && decl.id && bindings.has(decl.id.name)) {
      const c = info.classes.find((x) => x.node === decl)!;
      const o = corr.cls[c.index];
      v.events.push({
        type: 'warn',
        file: rec.file,
        line: v.at(node.start),
        message: `class ${decl.id.name} is re-created (${o ? classChange(old, o, info, c) : 'it is a new class of that name'}): instances made before this save keep their fields and base class, and their methods stay live`,
      });
    }
    runList.push(compileStatement(v, j, node, decl, bindings, compiler, shown(node.start)));
  });
  return { runList, imports };
}

/** One top-level statement compiled to run again: declarations rebind their names (or `a` for new ones). */
function compileStatement(
  v: Versions,
  index: number,
  node: TopLevel,
  decl: NonNullable<ReturnType<typeof declarationOf>>,
  bindings: Set<string>,
  { makeCtx, compile }: ReturnType<typeof makeCompiler>,
  shown: string,
): StatementRun {
  const cells: Cell[] = [];
  const ctx = makeCtx(cells);
  const skipRefs = new Set<Identifier>();
  const isDecl = decl && (decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration');
  if (isDecl && decl.id) skipRefs.add(decl.id);
  let edits: Edits;
  try {
    edits = rewriteRange(ctx, node.start, node.end, { captured: null, skipRefs });
  } catch (e) {
    if (e instanceof CannotApply) return v.reject(e.message, e.pos);
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
  const awaits = v.info.awaitTopLevel;
  const isAsync = awaits.some((a) => a.start >= node.start && a.end <= node.end);
  // effects: while suspended at a top-level await the statement is no one's; its owner's again after
  const brackets = isAsync && awaitBrackets(awaits, node.start, node.end, edits, `${MODULE}.${M.end}`, `${MODULE}.${M.resume}`, '__jurig$o') > 0;
  const wrapper = brackets
    ? compile(node.start, node.end, edits, `const __jurig$o=${MODULE}.${M.owner}();try{`, `}finally{${MODULE}.${M.end}()}`, cells, null, isAsync, `s${index}`)
    : compile(node.start, node.end, edits, '', '', cells, null, isAsync, `s${index}`);
  return {
    index,
    line: v.at(node.start),
    wrapper: () => wrapper.fn(cells, null),
    isAsync,
    shown,
    functionDecl: decl?.type === 'FunctionDeclaration',
  };
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
    let ctor = false,
      blocks = '';
    for (const m of c.node.body.body) {
      if (m.type === 'PropertyDefinition') fields.set((m.static ? 'static ' : '') + info.js.slice(m.key.start, m.key.end), normalize(info, m.start, m.end, []));
      else if (m.type === 'StaticBlock') blocks += normalize(info, m.start, m.end, []);
      else if (m.kind === 'constructor') ctor = true;
    }
    const sup = c.node.superClass ? normalize(info, c.node.superClass.start, c.node.superClass.end, []) : '';
    return { fields, ctor, blocks, sup };
  };
  const x = part(oldInfo, a),
    y = part(newInfo, b);
  const why: string[] = [];
  if (x.sup !== y.sup) why.push(y.sup ? (x.sup ? 'its base class changed' : 'it now extends a class') : 'it no longer extends a class');
  for (const [k, v] of y.fields)
    if (!x.fields.has(k)) why.push(`field \`${k}\` was added`);
    else if (x.fields.get(k) !== v) why.push(`field \`${k}\` changed`);
  for (const k of x.fields.keys()) if (!y.fields.has(k)) why.push(`field \`${k}\` was removed`);
  if (x.ctor !== y.ctor) why.push(y.ctor ? 'it gained a constructor' : 'its constructor was removed');
  if (x.blocks !== y.blocks) why.push('a static block changed');
  return why.length ? why.join(', ') : 'its declaration changed';
}
