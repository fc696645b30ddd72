// The fast path for the most common save: text changed inside the body of one function, method or
// closure, and nowhere else. Only that definition's text is transformed and analysed (its free names
// resolve in the running version's scopes); the whole new version is analysed later, when the next save
// or an idle moment needs it. Anything else (or any doubt) returns null: the full planner takes over.
// Measured on a 2,400-line TypeScript module: ~22 ms per save through the full path.
import { analyze, type Def, parseModule, Scope } from '../loader/transform/analyze.js';
import { cachedLineStarts, lineIndex } from '../loader/transform/edits.js';
import { type Analysed, analyseSource, withoutBoundImports } from '../loader/transform/index.js';
import { layoutOf } from '../loader/transform/instrument.js';
import { toJs } from '../loader/transform/to-js.js';
import type { JurigEvent } from './events.js';
import type { CellEntry, ModuleRecord, RunningState } from './module-record.js';
import { compatible, ensureState, makeCompiler, type Plan } from './patch.js';

class Bail extends Error {}

// In the user's file: where the definition starts, where its body's first statement starts, and its `}`.
// (SWC's maps have no segment at a `{`; a change that starts before the first statement takes the full path.)
interface SourceSpan { start: number; first: number; close: number }

const spans = new WeakMap<Analysed, Map<Def, SourceSpan | null>>();

/** Where a JS offset of this version is in the user's file, if a source map segment sits exactly there. */
function sourceOffset(an: Analysed, source: string, jsOffset: number): number | null {
  if (an.base.length === 0) return jsOffset;
  const jsStarts = cachedLineStarts(an.js), srcStarts = cachedLineStarts(source);
  const l = lineIndex(jsStarts, jsOffset);
  const col = jsOffset - jsStarts[l];
  for (const seg of an.base[l] ?? []) if (seg[0] === col && seg.length >= 4) return srcStarts[seg[2]!] + seg[3]!;
  return null;
}

function spanOf(an: Analysed, source: string, d: Def): SourceSpan | null {
  let m = spans.get(an);
  if (!m) spans.set(an, (m = new Map()));
  if (m.has(d)) return m.get(d)!;
  let span: SourceSpan | null = null;
  if (d.fn.body.type === 'BlockStatement' && d.fn.body.body.length > 0) {
    const identity = an.js === source;
    const at = (o: number) => (identity ? o : sourceOffset(an, source, o));
    const start = at(d.start), first = at(d.fn.body.body[0].start), close = at(d.fn.body.end - 1);
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
  const state = ensureState(rec);
  const old = state.source;
  // where SWC's output of a body depends on the rest of the file, only the full path is right: inlined
  // const enums, namespace members (rewritten to `Ns.x`), class fields moved into constructors
  if (/\bconst\s+enum\b|\b(namespace|module)\s+[\w.]+\s*\{/.test(newSource)) return null;
  let a = 0;
  while (a < old.length && a < newSource.length && old.charCodeAt(a) === newSource.charCodeAt(a)) a++;
  let b = 0;
  while (b < old.length - a && b < newSource.length - a && old.charCodeAt(old.length - 1 - b) === newSource.charCodeAt(newSource.length - 1 - b)) b++;
  const oldEnd = old.length - b, newEnd = newSource.length - b;
  if (a === oldEnd && a === newEnd) return null;

  // the innermost definition whose body holds the whole change, and no definition inside it is touched
  const an = state.an, info = an.info;
  let root: Def | null = null, rootSpan: SourceSpan | null = null;
  for (const d of info.defs) {
    const sp = spanOf(an, old, d);
    if (!sp || !(sp.first <= a && oldEnd <= sp.close)) continue;
    if (!rootSpan || sp.first > rootSpan.first) { root = d; rootSpan = sp; }
  }
  if (!root || !rootSpan || root.kind === 'constructor') return null;
  for (const d of info.defs) {
    if (d === root) continue;
    const sp = spanOf(an, old, d);
    const inside = (() => { for (let p: Def | null = d.parent; p; p = p.parent) if (p === root) return true; return false; })();
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
    for (const m of root.cls!.node.body.body) if (m.key?.type === 'PrivateIdentifier' && m.key.name !== own) privates.add(m.key.name);
    prefix = `class __jurig$C${root.derived ? ' extends Object' : ''}{${[...privates].map((n) => `#${n};`).join('')}`;
    suffix = '}';
  } else if (root.owner?.type === 'Property') { prefix = '({'; suffix = '});'; }
  else if (root.kind === 'function' || root.kind === 'arrow') { prefix = '('; suffix = ');'; }
  else return null;
  const snippet = prefix + text + suffix;

  let js: string, base: Analysed['base'];
  try { ({ js, base } = toJs(snippet, rec.file, an.format)); } catch { return null; } // a syntax error: the full path reports it
  // map positions in the snippet to the file: its first line starts `prefix.length` before the definition
  const srcStarts = cachedLineStarts(newSource);
  const line0 = lineIndex(srcStarts, rootSpan.start), col0 = rootSpan.start - srcStarts[line0];
  const shifted = base.map((segs) => segs.map((s) => (s.length >= 4 ? [s[0], 0, s[2]! + line0, s[2] === 0 ? s[3]! - prefix.length + col0 : s[3]!] : s))) as Analysed['base'];
  let ast;
  try { ast = withoutBoundImports(parseModule(js), info); } catch { return null; }
  if (!ast) return null; // a JSX helper the running version does not import: the full path binds it
  const snip = analyze(js, ast, foreignChain(root.scope?.parent ?? null));

  const top = root.owner?.type === 'MethodDefinition'
    ? snip.defs.find((d) => d.cls && d.cls.parentDef === null && d.owner?.type === 'MethodDefinition')
    : snip.defs.find((d) => d.parent === null);
  if (!top || top.kind !== root.kind || top.isStatic !== root.isStatic || top.derived !== root.derived) return null;
  // identities: the snippet's names for the definition and what is inside it become the running ones
  const snipPath = top.path;
  for (const d of snip.defs) if (d.path === snipPath || d.path.startsWith(snipPath + '/')) d.path = root.path + d.path.slice(snipPath.length);
  for (const c of snip.classes) {
    if (root.cls && c.parentDef === null && c === top.cls) c.path = root.cls.path;
    else if (c.path.startsWith(snipPath + '/')) c.path = root.path + c.path.slice(snipPath.length);
  }

  const entry = state.cells.get(root.path);
  if (!entry || !compatible(entry, top, layoutOf(top, js))) return null;
  const newCells = new Map<string, CellEntry>();
  const snipAn: Analysed = { js, base: shifted, info: snip, format: an.format };
  const { compileDef } = makeCompiler({
    rec, state, an: snipAn, bindings: rec.bindings!, newCells, fresh: new Set(), reject: () => { throw new Bail(); },
  });
  const fn = compileDef(top, entry.layout, null);

  const line = line0 + 1;
  const events: JurigEvent[] = [{ type: 'update', file: rec.file, path: root.path, line }];
  const oldPaths = new Set(info.defs.map((d) => d.path));
  for (const d of snip.defs) if (d !== top && !oldPaths.has(d.path)) events.push({ type: 'add', file: rec.file, path: d.path, line });
  const shownText = top.owner && top.owner.type !== 'Property' || top.owner?.method || top.owner?.kind === 'get' || top.owner?.kind === 'set'
    ? js.slice(top.start, top.end).replace(/^static\s+/, '')
    : js.slice(top.fn.start, top.fn.end);

  // the new version, analysed only when something needs it
  let full: Analysed | null = null;
  const cells = new Map(state.cells);
  for (const [p, e] of newCells) cells.set(p, e);
  const next: RunningState = {
    source: newSource,
    get an() { return (full ??= analyseSource(newSource, rec.file)); },
    cells, failed: new Set(state.failed), exports: state.exports,
  };
  return {
    next, bindings: rec.bindings!,
    updates: [{ path: root.path, cell: entry.cell, fn, line, text: shownText }],
    adds: [], deletes: [], runs: [], imports: [], events,
  };
}
