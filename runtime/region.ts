// The region path: a save whose changes lie within some top-level statements (any edit: statements, several
// definitions, class members) costs what changed, not the file's size. Only the new text of those statements
// is transformed (SWC), parsed and analysed, with the names the rest of the module declares; it is paired
// with the running statements it replaces and planned like any save. The new version's analysis is then
// the running one with those statements spliced in (positions after them shifted), built when something
// first needs it. Anything the region cannot answer alone takes the full path (return null).
import {
  analyze,
  type BindingKind,
  type ClassInfo,
  type Def,
  exportedNames,
  moduleLevelNames,
  type ModuleInfo,
  parseModule,
  parseScript,
  walk,
} from '../compiler/analyze.js';
import { type AnyNode, isDirective, type Program } from '../compiler/ast.js';
import { cachedLineStarts, lineIndex } from '../compiler/edits.js';
import { type Analysed, sourceOffsets } from '../compiler/index.js';
import { isTypeScript, toJs } from '../compiler/to-js.js';
import { correspond } from './match.js';
import { bigText } from './off-thread.js';
import type { CellEntry, ModuleRecord, RunningState } from './module-record.js';
import { exportRemoved, type Plan, planVersions } from './plan.js';
import { seedShape, shapeOf } from './structure.js';
import { textChange } from './text-change.js';

/** Where each top-level statement's chunk starts in the user's text (a chunk runs to the next one), or null
 * when a statement does not start a line there and in the JavaScript (then regions are not cut). */
const chunkCache = new WeakMap<Analysed, number[] | null>();
function chunkStarts(an: Analysed, source: string): number[] | null {
  if (chunkCache.has(an)) return chunkCache.get(an)!;
  let out: number[] | null = [];
  const js = an.js,
    toSource = sourceOffsets(an, source);
  for (const st of an.info.statements) {
    const at = toSource(st.start);
    if (at === null || (at > 0 && source[at - 1] !== '\n') || (st.start > 0 && js[st.start - 1] !== '\n') || (out.length && at <= out[out.length - 1])) {
      out = null;
      break;
    }
    out.push(at);
  }
  chunkCache.set(an, out);
  return out;
}

// What SWC compiles differently when it sees only part of a file, and what the region cannot pair alone.
const NOT_ALONE = /^\s*import[\s{*'"]|@[\p{L}_$]|\benum\b|\bnamespace\b|\bmodule\s+[\w.'"]+\s*\{|\bdeclare\b|\bexport\s*=/mu;

/** A save's region: the running statements [range) and their new text, analysed alone. */
export interface Region {
  range: [number, number];
  from: number; // where the region starts in the user's text (old and new)
  to: number; // where it ends in the old text
  an: Analysed; // the region's JavaScript and analysis (source map lines relative to the region)
  jsA: number; // where the region's statements start and end in the running JavaScript
  jsB: number;
  outside: Map<string, BindingKind>; // the module-level names the rest of the module declares
  srcLine: number; // the region's first line in the file
  srcLineDelta: number; // how many lines the save added to the file (negative: removed)
}

/** The region of a save, or null when its changes cannot be planned statement by statement. */
export function regionOf(an: Analysed, old: string, newSource: string, file: string): Region | null {
  const info = an.info;
  const n = info.statements.length;
  if (n < 2 || /\.[jt]sx$/.test(file)) return null;
  // (a CommonJS file's 'use strict' would not reach a region parsed alone)
  if (an.format !== 'module' && isDirective(info.statements[0])) return null;
  // where the text changed
  const { a, oldEnd } = textChange(old, newSource);
  const starts = chunkStarts(an, old);
  if (!starts) return null;
  // the chunks the change touches (and, for an insertion at a chunk's edge, the one before it)
  let i0 = 0;
  while (i0 + 1 < n && starts[i0 + 1] <= Math.max(0, a - 1)) i0++;
  let i1 = i0 + 1;
  while (i1 < n && starts[i1] <= oldEnd) i1++;
  if (i1 - i0 === n) return null; // the whole file: the full path does exactly that
  const from = i0 === 0 ? 0 : starts[i0],
    to = i1 < n ? starts[i1] : old.length;
  const text = newSource.slice(from, to + newSource.length - old.length);
  // a big region is analysed on this thread: the whole text goes to the worker instead (the full path)
  if (bigText(text.length)) return null;
  if (NOT_ALONE.test(text) || (isTypeScript(file) && /\bconst\s+enum\b|\bnamespace\b/.test(newSource))) return null;

  // the region alone: JavaScript, parsed and analysed with the names the rest of the module declares
  let js: string, base: Analysed['base'];
  try {
    ({ js, base } = toJs(text, file));
  } catch {
    return null;
  } // (a syntax error: the full path reports it)
  if (js.length && !js.endsWith('\n') && to < old.length) return null;
  let ast: Program;
  try {
    ast = an.format === 'module' ? parseModule(js) : parseScript(js);
  } catch {
    return null;
  }
  const rest = [...info.statements.slice(0, i0), ...info.statements.slice(i1)];
  const outside = moduleLevelNames(rest);
  // a name (or export) the region declares again is an error only the whole file shows: the full path says it
  const script = an.format !== 'module';
  for (const [name, kind] of moduleLevelNames(ast.body)) {
    const there = outside.get(name);
    if (there && !((kind === 'var' || (script && kind === 'function')) && (there === 'var' || (script && there === 'function')))) return null;
  }
  const exported = exportedNames(rest);
  for (const x of exportedNames(ast.body)) if (exported.has(x)) return null;
  const region = analyze(js, ast, null, outside);
  const lines = (t: string) => t.match(/\n/g)?.length ?? 0;
  return {
    range: [i0, i1],
    from,
    to,
    an: { js, base, info: region, format: an.format },
    jsA: i0 === 0 ? 0 : info.statements[i0].start,
    jsB: i1 < n ? info.statements[i1].start : an.js.length,
    outside,
    srcLine: lineIndex(cachedLineStarts(old), from),
    srcLineDelta: lines(text) - lines(old.slice(from, to)),
  };
}

export function planRegion(rec: ModuleRecord, newSource: string): Plan | null {
  const state = rec.running();
  if (state.failed.size) return null; // statements that threw run again, wherever they are
  const an = state.an,
    info = an.info;
  const reg = regionOf(an, state.source, newSource, rec.file);
  if (!reg) return null;
  const [i0, i1] = reg.range,
    n = info.statements.length;
  const region = reg.an.info;
  // positions in the region map to the file's lines
  const shifted = reg.an.base.map((segs) => segs.map((s) => (s.length >= 4 ? [s[0], 0, s[2]! + reg.srcLine, s[3]!] : s))) as Analysed['base'];
  const regionAn: Analysed = { ...reg.an, base: shifted };

  const corr = correspond(info, region, reg.range);
  const core = planVersions(rec, state, regionAn, newSource, corr, reg.range);
  if (!core) return null;
  for (const r of core.runs) r.index += i0;

  // exports: those of the statements outside the region stay
  const before = exportedNames(info.statements.slice(i0, i1)),
    now = exportedNames(region.statements);
  const exports = new Set([...state.exports].filter((x) => !before.has(x) || now.has(x)));
  for (const x of now) exports.add(x);
  for (const x of before) if (!now.has(x)) core.events.push(exportRemoved(rec.file, x));

  // the new version: the running analysis with the region spliced in, when first needed
  let spliced: Analysed | null = null;
  let cells: CellEntry[] | null = null,
    classKeys: string[] | null = null;
  const resolve = () => {
    if (spliced) return;
    const defsIn = (lo: number, hi: number) => info.defs.filter((d) => d.stmt >= lo && d.stmt < hi);
    const classesIn = (lo: number, hi: number) => info.classes.filter((c) => c.stmt >= lo && c.stmt < hi);
    cells = [...defsIn(0, i0).map((d) => state.cells[d.index]), ...core.cells, ...defsIn(i1, n).map((d) => state.cells[d.index])];
    classKeys = [...classesIn(0, i0).map((c) => state.classKeys[c.index]), ...core.classKeys, ...classesIn(i1, n).map((c) => state.classKeys[c.index])];
    spliced = splice(an, reg);
    Object.defineProperties(next, {
      an: { value: spliced, enumerable: true },
      cells: { value: cells, enumerable: true },
      classKeys: { value: classKeys, enumerable: true },
    });
  };
  const next: RunningState = {
    source: newSource,
    get an() {
      resolve();
      return spliced!;
    },
    get cells() {
      resolve();
      return cells!;
    },
    get classKeys() {
      resolve();
      return classKeys!;
    },
    failed: new Set(),
    exports,
    retired: core.retired,
    realPrivates: core.realPrivates,
    owners: [
      ...Array.from({ length: i0 }, (_, i) => state.owners[i]),
      ...Array.from({ length: region.statements.length }, (_, i) => core.owners[i]),
      ...Array.from({ length: n - i1 }, (_, i) => state.owners[i1 + i]),
    ],
  };
  return { ...core, next };
}

/**
 * The running analysis `old` with its statements [range) replaced by the region's: region nodes move to their
 * place in the new JavaScript, nodes after it shift, definitions, classes, references and scopes are
 * renumbered and re-pointed, the module scope gets the region's declarations. `old` is used up (its objects
 * become the new version's): only call it once the old version is no longer needed.
 */
export function splice(old: Analysed, reg: Region): Analysed {
  const { range, jsA, jsB, srcLine, srcLineDelta, outside } = reg,
    region = reg.an;
  const o = old.info,
    r = region.info;
  const [i0, i1] = range;
  shapeOf(o);
  shapeOf(r); // (their code keys are read from the texts as they are now)
  const delta = region.js.length - (jsB - jsA);
  const js = old.js.slice(0, jsA) + region.js + old.js.slice(jsB);
  // the running version's position-sorted lists, cut before anything moves: what lies before the region,
  // and after it (what lies in it is replaced)
  const cut = <T>(list: T[], pos: (x: T) => number): [T[], T[]] => [list.filter((x) => pos(x) < jsA), list.filter((x) => pos(x) >= jsB)];
  const [refs0, refs2] = cut(o.refs, (x) => x.node.start);
  const [this0, this2] = cut(o.thisRefs, (x) => x.node.start);
  const [priv0, priv2] = cut(o.privateRefs, (x) => x.node.start);
  const [meta0, meta2] = cut(o.metaRefs, (x) => x.start);
  const [await0, await2] = cut(o.awaitTopLevel, (x) => x.start);
  // positions: region nodes by +jsA, nodes after the region by +delta
  for (const st of r.statements) shiftTree(st, jsA);
  if (delta !== 0) for (const st of o.statements.slice(i1)) shiftTree(st, delta);
  const statements = [...o.statements.slice(0, i0), ...r.statements, ...o.statements.slice(i1)];

  // scopes: the region's top scope is the module's; scopes after the region move
  const moduleScope = o.moduleScope;
  const moved = new Set<object>();
  const moveScope = (s: { start: number; end: number } | null, by: number) => {
    if (s && s !== moduleScope && !moved.has(s)) {
      moved.add(s);
      s.start += by;
      s.end += by;
    }
  };
  (moduleScope as { end: number }).end = js.length;
  const afterDefs = o.defs.filter((d) => d.stmt >= i1);
  if (delta !== 0)
    for (const d of afterDefs) {
      d.start += delta;
      d.end += delta;
      for (let s = d.scope; s && s !== moduleScope; s = s.parent) moveScope(s, delta);
    }
  for (const d of r.defs) {
    d.start += jsA;
    d.end += jsA;
    for (let s = d.scope; s && s !== r.moduleScope; s = s.parent) moveScope(s, jsA);
  }
  if (delta !== 0) for (const x of refs2) moveScope(x.binding?.scope ?? null, delta);
  for (const x of r.refs) moveScope(x.binding && x.binding.scope !== r.moduleScope ? x.binding.scope : null, jsA);
  for (const s of moved) if ((s as { parent: unknown }).parent === r.moduleScope) (s as { parent: unknown }).parent = moduleScope;

  // module-level names: what the rest declares, and what the region declares now
  const names = new Map(outside);
  for (const [k, v] of moduleLevelNames(r.statements)) if (!names.has(k) || v === 'function') names.set(k, v);
  const removed: string[] = [];
  for (const k of [...moduleScope.decls.keys()])
    if (!names.has(k)) {
      moduleScope.decls.delete(k);
      removed.push(k);
    }
  const added: string[] = [];
  for (const [k, kind] of names) {
    const b = moduleScope.decls.get(k);
    if (b) (b as { kind: BindingKind }).kind = kind;
    else {
      moduleScope.decls.set(k, { name: k, kind, scope: moduleScope });
      added.push(k);
    }
  }
  for (const x of r.refs) if (x.binding && x.binding.scope === r.moduleScope) x.binding = moduleScope.decls.get(x.name) ?? null;
  if (removed.length || added.length) {
    const changed = new Set([...removed, ...added]);
    for (const x of [...refs0, ...refs2])
      if (changed.has(x.name) && (!x.binding || x.binding.scope === moduleScope)) x.binding = moduleScope.decls.get(x.name) ?? null;
  }

  // definitions and classes, in document order, renumbered
  const before = o.defs.filter((d) => d.stmt < i0);
  const defs = [...before, ...r.defs, ...afterDefs];
  const stmtShift = r.statements.length - (i1 - i0);
  for (const d of r.defs) d.stmt += i0;
  for (const d of afterDefs) d.stmt += stmtShift;
  defs.forEach((d, i) => {
    d.index = i;
  });
  const afterClasses = o.classes.filter((c) => c.stmt >= i1);
  for (const c of r.classes) {
    c.stmt += i0;
    c.bodyStart += jsA;
  }
  for (const c of afterClasses) {
    c.stmt += stmtShift;
    c.bodyStart += delta;
  }
  const classes = [...o.classes.filter((c) => c.stmt < i0), ...r.classes, ...afterClasses];
  classes.forEach((c, i) => {
    c.index = i;
  });

  const flat = (a: number[], b: number[]) => {
    const out: number[] = [];
    for (let k = 0; k < a.length; k += 2) if (a[k] < jsA) out.push(a[k], a[k + 1]);
    for (let k = 0; k < b.length; k += 2) out.push(b[k] + jsA, b[k + 1] + jsA);
    for (let k = 0; k < a.length; k += 2) if (a[k] >= jsB) out.push(a[k] + delta, a[k + 1] + delta);
    return out;
  };
  const strings = new Map<number, string>();
  for (const [k, v] of o.strings)
    if (k < jsA) strings.set(k, v);
    else if (k >= jsB) strings.set(k + delta, v);
  for (const [k, v] of r.strings) strings.set(k + jsA, v);

  const info: ModuleInfo = {
    js,
    defs,
    classes,
    statements,
    moduleScope,
    refs: [...refs0, ...r.refs, ...refs2],
    thisRefs: [...this0, ...r.thisRefs, ...this2],
    privateRefs: [...priv0, ...r.privateRefs, ...priv2],
    metaRefs: [...meta0, ...r.metaRefs, ...meta2],
    awaitTopLevel: [...await0, ...r.awaitTopLevel, ...await2],
    hasModuleSyntax: o.hasModuleSyntax || r.hasModuleSyntax,
    usesCommonJs: o.usesCommonJs || r.usesCommonJs,
    comments: flat(o.comments, r.comments),
    verbatim: flat(o.verbatim, r.verbatim),
    strings,
  };
  // thisRefs remember the start of the function that binds `this`: move them with their functions
  for (const t of r.thisRefs) if (t.owner >= 0) t.owner += jsA;
  for (const t of this2) if (t.owner >= jsB) t.owner += delta;

  // the source map: lines before the region, the region's (its lines in the file), lines after it
  const jsLines = cachedLineStarts(old.js);
  const lineA = lineIndex(jsLines, jsA),
    lineB = jsB >= old.js.length ? old.base.length : lineIndex(jsLines, jsB);
  // (the region's last line continues with the old line at jsB; at the end of the file it is the last line)
  const regionLines = jsB >= old.js.length ? region.base : region.base.slice(0, region.js.match(/\n/g)?.length ?? 0);
  const base = [
    ...old.base.slice(0, lineA),
    ...regionLines.map((segs) => segs.map((s) => (s.length >= 4 ? [s[0], 0, s[2]! + srcLine, s[3]!] : s))),
    ...old.base.slice(lineB).map((segs) => segs.map((s) => (s.length >= 4 ? [s[0], 0, s[2]! + srcLineDelta, s[3]!] : s))),
  ] as Analysed['base'];
  renumberPaths(defs, classes);
  seedShape(info, o, range, r);
  return { js, base, info, format: old.format };
}

/**
 * Paths as a fresh analysis of the whole text gives them: namesakes are numbered `#2`, `#3`… in document
 * order over the file, so a path made in the region alone, or after it, may have to change (and with it the
 * paths below it).
 */
function renumberPaths(defs: Def[], classes: ClassInfo[]): void {
  type Item = Def | ClassInfo;
  const start = (x: Item) => ('node' in x ? x.node.start : x.start);
  const end = (x: Item) => ('node' in x ? x.node.end : x.end);
  const items: Item[] = [...defs, ...classes].sort((a, b) => start(a) - start(b) || ('node' in a ? -1 : 1));
  const byOld = new Map<string, Item[]>();
  for (const x of items) {
    const l = byOld.get(x.path);
    if (l) l.push(x);
    else byOld.set(x.path, [x]);
  }
  const renamed = new Map<Item, string>();
  const used = new Map<string, number>();
  for (const x of items) {
    const base = x.path.replace(/#\d+$/, '');
    // the item whose path this one's starts with (and which holds it): its new path replaces that start
    let prefix = '',
      rest = base;
    for (let k = base.length - 1; k > 0; k--) {
      if (base[k] !== '.' && base[k] !== '/') continue;
      const owner = byOld.get(base.slice(0, k))?.find((c) => c !== x && start(c) <= start(x) && end(x) <= end(c) && renamed.has(c));
      if (owner) {
        prefix = renamed.get(owner)!;
        rest = base.slice(k);
        break;
      }
    }
    const want = prefix + rest;
    const count = (used.get(want) ?? 0) + 1;
    used.set(want, count);
    renamed.set(x, count === 1 ? want : `${want}#${count}`);
  }
  for (const [x, p] of renamed) x.path = p;
}

/** Move every node of a tree by `by` (acorn shares one node between `local` and `imported`/`exported`). */
function shiftTree(root: AnyNode, by: number): void {
  walk(root, (n) => {
    n.start += by;
    n.end += by;
    if ((n.type === 'ExportSpecifier' && n.exported === n.local) || (n.type === 'ImportSpecifier' && n.imported === n.local)) {
      n.local.start += by;
      n.local.end += by;
      return false;
    }
  });
}
