// The fast path for the most common save: text changed inside the body of one function, method or
// closure, and nowhere else. Only that definition's text is transformed and analysed (its free names
// resolve in the running version's scopes); the whole new version is analysed later, when the next save
// or an idle moment needs it. Anything else (or any doubt) returns null: the full planner takes over.
// Measured on a 2,400-line TypeScript module: ~22 ms per save through the full path.
import { analyze, type ClassInfo, type Def, parseModule, Scope } from '../compiler/analyze.js';
import { cachedLineStarts, lineIndex } from '../compiler/edits.js';
import { type Analysed, analyseSource, sourceOffsets, withoutBoundImports } from '../compiler/index.js';
import { layoutOf } from '../compiler/instrument.js';
import { toJs } from '../compiler/to-js.js';
import type { JurigEvent } from './events.js';
import type { CellEntry, ModuleRecord, RunningState } from './module-record.js';
import { correspond, pairNestedClass, TreePairer } from './match.js';
import { makeCompiler } from './compile.js';
import { compatible, freshClassKey, type Plan, shownText } from './plan.js';
import { regionOf, splice } from './region.js';
import { textChange } from './text-change.js';
import { labelOf, ownText, privateNames, shapeOf } from './structure.js';

const isInside = (d: Def, root: Def) => {
  for (let p = d.parent; p; p = p.parent) if (p === root) return true;
  return false;
};

class Bail extends Error {}

// In the user's file: where the definition starts, where its body's first statement starts, and its `}`.
// (SWC's maps have no segment at a `{`; a change that starts before the first statement takes the full path.)
interface SourceSpan {
  start: number;
  first: number;
  close: number;
}

const spans = new WeakMap<Analysed, Map<Def, SourceSpan | null>>();

const mappers = new WeakMap<Analysed, (jsOffset: number) => number | null>();

function spanOf(an: Analysed, source: string, d: Def): SourceSpan | null {
  let m = spans.get(an);
  if (!m) spans.set(an, (m = new Map()));
  if (m.has(d)) return m.get(d)!;
  let span: SourceSpan | null = null;
  if (d.fn.body.type === 'BlockStatement' && d.fn.body.body.length > 0) {
    let at = mappers.get(an);
    if (!at) mappers.set(an, (at = sourceOffsets(an, source)));
    const start = at(d.start),
      first = at(d.fn.body.body[0].start),
      close = at(d.fn.body.end - 1);
    if (start !== null && first !== null && close !== null && source[close] === '}' && start < first && first < close) span = { start, first, close };
  }
  m.set(d, span);
  return span;
}

/** The running scope chain that `d`'s code sees from outside, copied as foreign scopes. */
function foreignChain(s: Scope | null): Scope | null {
  if (!s) return null;
  const c = new Scope(s.kind, foreignChain(s.parent), s.start, s.end, null, true);
  for (const [n, b] of s.decls) c.decls.set(n, { name: n, kind: b.kind, scope: c });
  return c;
}

export function planFast(rec: ModuleRecord, newSource: string): Plan | null {
  try {
    return plan(rec, newSource);
  } catch (e) {
    if (e instanceof Bail) return null;
    return null; // any surprise: the full planner decides (and reports)
  }
}

function plan(rec: ModuleRecord, newSource: string): Plan | null {
  const state = rec.running();
  if (state.failed.size) return null; // statements that threw run again: the full planner does that
  const old = state.source;
  // where SWC's output of a body depends on the rest of the file, only the full path is right: inlined
  // const enums, namespace members (rewritten to `Ns.x`), class fields moved into constructors
  if (/\bconst\s+enum\b|\b(namespace|module)\s+[\w.]+\s*\{/.test(newSource)) return null;
  const { a, oldEnd, newEnd } = textChange(old, newSource);
  if (a === oldEnd && a === newEnd) return null;

  // the innermost definition whose body holds the whole change, and no definition inside it is touched
  const an = state.an,
    info = an.info;
  let root: Def | null = null,
    rootSpan: SourceSpan | null = null;
  for (const d of info.defs) {
    const sp = spanOf(an, old, d);
    if (!sp || !(sp.first <= a && oldEnd <= sp.close)) continue;
    if (!rootSpan || sp.first > rootSpan.first) {
      root = d;
      rootSpan = sp;
    }
  }
  if (!root || !rootSpan || root.kind === 'constructor') return null;
  // code in a class that has private members added by a save compiles with their uses rewritten: full path
  for (const c of info.classes) {
    const real = state.realPrivates.get(state.classKeys[c.index]);
    if (real && c.node.start < root.start && root.end <= c.node.end && [...privateNames(c)].some((n) => !real.has(n))) return null;
  }
  for (const d of info.defs) {
    if (d === root) continue;
    const sp = spanOf(an, old, d);
    const inside = (() => {
      for (let p: Def | null = d.parent; p; p = p.parent) if (p === root) return true;
      return false;
    })();
    if (!inside) continue;
    if (!sp) return null; // a nested definition we cannot place: do not risk it
    const end = sp.close + 1;
    if (sp.start < Math.max(oldEnd, a + 1) && a < end) return null;
  }

  // the definition's new text, wrapped so it parses on its own
  const text = newSource.slice(rootSpan.start, rootSpan.close + 1 + (newEnd - oldEnd));
  let prefix: string, suffix: string;
  if (root.owner?.type === 'MethodDefinition') {
    const own = root.owner.key.type === 'PrivateIdentifier' ? root.owner.key.name : null;
    const privates = new Set<string>();
    for (const m of root.cls!.node.body.body)
      if (m.type !== 'StaticBlock' && m.key.type === 'PrivateIdentifier' && m.key.name !== own) privates.add(m.key.name);
    prefix = `class __jurig$C${root.derived ? ' extends Object' : ''}{${[...privates].map((n) => `#${n};`).join('')}`;
    suffix = '}';
  } else if (root.owner?.type === 'Property') {
    prefix = '({';
    suffix = '});';
  } else if (root.kind === 'function' || root.kind === 'arrow') {
    prefix = '(';
    suffix = ');';
  } else return null;
  const snippet = prefix + text + suffix;

  let js: string, base: Analysed['base'];
  try {
    ({ js, base } = toJs(snippet, rec.file, an.format));
  } catch {
    return null;
  } // a syntax error: the full path reports it
  // map positions in the snippet to the file: its first line starts `prefix.length` before the definition
  const srcStarts = cachedLineStarts(newSource);
  const line0 = lineIndex(srcStarts, rootSpan.start),
    col0 = rootSpan.start - srcStarts[line0];
  const shifted = base.map((segs) =>
    segs.map((s) => (s.length >= 4 ? [s[0], 0, s[2]! + line0, s[2] === 0 ? s[3]! - prefix.length + col0 : s[3]!] : s)),
  ) as Analysed['base'];
  let ast: ReturnType<typeof withoutBoundImports>;
  try {
    ast = withoutBoundImports(parseModule(js), info);
  } catch {
    return null;
  }
  if (!ast) return null; // a JSX helper the running version does not import: the full path binds it
  const snip = analyze(js, ast, foreignChain(root.scope?.parent ?? null));

  // the snippet must hold exactly the edited definition (an edit that reaches past its end is not for here)
  const tops = snip.defs.filter((d) => d.parent === null);
  const top = tops[0];
  if (tops.length !== 1 || snip.statements.length !== 1 || top.kind !== root.kind || top.isStatic !== root.isStatic || top.derived !== root.derived)
    return null;
  if (root.owner?.type === 'MethodDefinition' ? !(top.cls && top.owner?.type === 'MethodDefinition') : top.cls) return null;
  // names: the snippet's paths for the definition and what is inside it become the running ones
  const snipPath = top.path;
  for (const d of snip.defs) if (d.path === snipPath || d.path.startsWith(snipPath + '/')) d.path = root.path + d.path.slice(snipPath.length);
  for (const c of snip.classes) {
    if (root.cls && c.parentDef === null && c === top.cls) c.path = root.cls.path;
    else if (c.path.startsWith(snipPath + '/')) c.path = root.path + c.path.slice(snipPath.length);
  }

  // identities, as a save would find them (runtime/match.ts): what is inside the definition is untouched,
  // so every running definition in it must be found again, unchanged
  const pairs = new Map<Def, Def>(); // snippet definition → running one
  new TreePairer(info, snip, (a, b) => pairs.set(b, a)).pair(root, top);
  for (const [b, a] of pairs) if (b !== top && ownText(info, a) !== ownText(snip, b)) return null;
  if (info.defs.some((d) => d !== root && isInside(d, root) && ![...pairs.values()].includes(d))) return null;
  const entry = state.cells[root.index];
  if (!entry || !compatible(entry, top, layoutOf(top, js))) return null;
  const newCells = new Map<Def, CellEntry>();
  const cellFor = (d: Def): CellEntry => {
    let e = newCells.get(d);
    if (e) return e;
    const o = pairs.get(d);
    e = o ? state.cells[o.index] : { cell: { p: undefined }, layout: layoutOf(d, js), kind: d.kind };
    newCells.set(d, e);
    return e;
  };
  const keys = new Map<ClassInfo, string>();
  const classKey = (c: ClassInfo): string => {
    let k = keys.get(c);
    if (k === undefined) {
      // (the class the snippet wraps a method in stands for the method's own class)
      const o = c === top.cls ? root.cls : pairNestedClass(info, snip, (d) => pairs.get(d) ?? null, c);
      k = o ? state.classKeys[o.index] : freshClassKey(rec, new Set(state.classKeys), c.path);
      keys.set(c, k);
    }
    return k;
  };
  const snipAn: Analysed = { js, base: shifted, info: snip, format: an.format };
  const { compileDef, flush } = makeCompiler({
    rec,
    an: snipAn,
    bindings: rec.bindings!,
    cellFor,
    classKey,
    reject: () => {
      throw new Bail();
    },
  });
  const code = compileDef(top, entry.layout, null);
  flush();
  const fn = code.fn;

  const line = line0 + 1;
  const rootLabel = labelOf(info, root);
  const events: JurigEvent[] = [{ type: 'update', file: rec.file, path: rootLabel, line }];
  for (const d of snip.defs)
    if (d !== top && !pairs.has(d)) events.push({ type: 'add', file: rec.file, path: rootLabel + d.path.slice(root.path.length).replace(/#\d+/g, ''), line });

  // the new version, analysed only when something needs it; its definitions in the edited one have the
  // cells used above (by path: the same in the snippet and the file), the others keep theirs
  let full: Analysed | null = null,
    cells: CellEntry[] | null = null,
    classKeys: string[] | null = null;
  // by the region path: only the edited definition's statement is analysed again and spliced in; its
  // definitions are the running ones, except those in the edited definition, which are the snippet's
  const byRegion = (): boolean => {
    const reg = regionOf(an, old, newSource, rec.file);
    if (!reg || reg.range[1] - reg.range[0] !== 1 || reg.range[0] !== root.stmt) return false;
    const inRoot = (x: { start: number; end: number }, r: { start: number; end: number }) => r.start <= x.start && x.end <= r.end;
    const oldDefs = info.defs.filter((d) => d.stmt === root.stmt),
      regDefs = reg.an.info.defs;
    const before = oldDefs.indexOf(root),
      rootR = regDefs[before];
    if (!rootR || rootR.kind !== root.kind || rootR.name !== root.name) return false;
    const oldIn = oldDefs.filter((d) => inRoot(d, root)).length,
      regIn = regDefs.filter((d) => inRoot(d, rootR)).length;
    const snipIn = snip.defs.filter((d) => d === top || isInside(d, top));
    if (regIn !== snipIn.length || regDefs.length - regIn !== oldDefs.length - oldIn) return false;
    const regionCells = regDefs.map((_d, k) =>
      k < before ? state.cells[oldDefs[k].index] : k < before + regIn ? cellFor(snipIn[k - before]) : state.cells[oldDefs[k - regIn + oldIn].index],
    );
    const oldClasses = info.classes.filter((c) => c.stmt === root.stmt),
      regClasses = reg.an.info.classes;
    const snipClasses = snip.classes.filter((c) => c !== top.cls || !root.cls);
    const cb = oldClasses.filter((c) => c.node.start < root.start).length;
    const oci = oldClasses.filter((c) => inRoot(c.node, root)).length,
      rci = regClasses.filter((c) => inRoot(c.node, rootR)).length;
    if (rci !== snipClasses.length || regClasses.length - rci !== oldClasses.length - oci) return false;
    const regionKeys = regClasses.map((_c, k) =>
      k < cb ? state.classKeys[oldClasses[k].index] : k < cb + rci ? classKey(snipClasses[k - cb]) : state.classKeys[oldClasses[k - rci + oci].index],
    );
    const defsIn = (lo: number, hi: number) => info.defs.filter((d) => d.stmt >= lo && d.stmt < hi);
    const classesIn = (lo: number, hi: number) => info.classes.filter((c) => c.stmt >= lo && c.stmt < hi);
    const n = info.statements.length,
      i = root.stmt;
    cells = [...defsIn(0, i).map((d) => state.cells[d.index]), ...regionCells, ...defsIn(i + 1, n).map((d) => state.cells[d.index])];
    classKeys = [...classesIn(0, i).map((c) => state.classKeys[c.index]), ...regionKeys, ...classesIn(i + 1, n).map((c) => state.classKeys[c.index])];
    shapeOf(info);
    full = splice(an, reg);
    return true;
  };
  const resolve = () => {
    if (cells) return;
    let done = false;
    try {
      done = byRegion();
    } catch {
      done = false;
    }
    if (!done) {
      cells = null;
      full = analyseSource(newSource, rec.file);
      const corr = correspond(info, full.info);
      const snipDefs = new Map(snip.defs.map((d) => [d.path, d]));
      const snipClasses = new Map(snip.classes.map((c) => [c.path, c]));
      cells = full.info.defs.map((d) => {
        const sd = d.path === root.path || d.path.startsWith(root.path + '/') ? snipDefs.get(d.path) : undefined;
        if (sd) return cellFor(sd);
        const o = corr.def[d.index];
        return o ? state.cells[o.index] : { cell: { p: undefined }, layout: layoutOf(d, full!.js), kind: d.kind };
      });
      classKeys = full.info.classes.map((c) => {
        const sc = c.path.startsWith(root.path + '/') ? snipClasses.get(c.path) : undefined;
        if (sc) return classKey(sc);
        const o = corr.cls[c.index];
        return o ? state.classKeys[o.index] : c.path;
      });
    }
    // resolved: plain values from now on, so this closure (and the version before, which it holds) can go
    Object.defineProperties(next, {
      an: { value: full, enumerable: true },
      cells: { value: cells, enumerable: true },
      classKeys: { value: classKeys, enumerable: true },
    });
  };
  const next: RunningState = {
    source: newSource,
    get an() {
      resolve();
      return full!;
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
    exports: state.exports,
    retired: state.retired,
    realPrivates: state.realPrivates,
    owners: state.owners,
  };
  return {
    next,
    bindings: rec.bindings!,
    updates: [{ path: root.path, cell: entry.cell, fn, line, text: shownText(js, top) }],
    adds: [],
    deletes: [],
    runs: [],
    imports: [],
    events,
    disposals: [],
    drops: false,
  };
}
