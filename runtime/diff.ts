// Structural comparison of two versions of a module: which definitions changed (by identity path and own
// text, i.e. their text with nested definitions left out), and which top-level statements are new.
import type { ClassInfo, Def, ModuleInfo, N } from '../loader/transform/analyze.js';

const HOLE = '\u0000';

function withHoles(js: string, start: number, end: number, holes: { start: number; end: number; text: string }[]): string {
  let out = '', pos = start;
  for (const h of holes) {
    if (h.start < pos || h.end > end) continue;
    out += js.slice(pos, h.start) + h.text;
    pos = h.end;
  }
  return out + js.slice(pos, end);
}

const childrenCache = new WeakMap<ModuleInfo, Map<Def | null, Def[]>>();
export function childrenOf(info: ModuleInfo): Map<Def | null, Def[]> {
  const cached = childrenCache.get(info);
  if (cached) return cached;
  const m = new Map<Def | null, Def[]>();
  childrenCache.set(info, m);
  for (const d of info.defs) {
    let list = m.get(d.parent);
    if (!list) m.set(d.parent, (list = []));
    list.push(d);
  }
  for (const l of m.values()) l.sort((a, b) => a.start - b.start);
  return m;
}

/** A definition's text with the definitions nested in it replaced by their identity. */
export function ownText(info: ModuleInfo, d: Def, children: Map<Def | null, Def[]>): string {
  let cache = ownTexts.get(info);
  if (!cache) ownTexts.set(info, (cache = new Map()));
  let t = cache.get(d);
  if (t === undefined) {
    const holes = (children.get(d) ?? []).map((c) => ({ start: c.start, end: c.end, text: HOLE + c.path + HOLE }));
    cache.set(d, (t = withHoles(info.js, d.start, d.end, holes)));
  }
  return t;
}
// the running version's own texts were computed when it was the new version: kept with it
const ownTexts = new WeakMap<ModuleInfo, Map<Def, string>>();

export interface StatementView {
  node: N;
  text: string; // own text: definitions replaced by their identity, class methods left out
  decl: N | null; // the declaration inside `export`, or the statement itself
  classInfo: ClassInfo | null; // statement-level class declaration
}

const viewsCache = new WeakMap<ModuleInfo, StatementView[]>();
export function statementViews(info: ModuleInfo, children: Map<Def | null, Def[]>): StatementView[] {
  const cached = viewsCache.get(info);
  if (cached) return cached;
  const top = children.get(null) ?? [];
  const classByNode = new Map<N, ClassInfo>(info.classes.map((c) => [c.node, c]));
  const views = info.statements.map((node: N) => {
    const decl = node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration' ? node.declaration : node;
    const classInfo = decl && decl.type === 'ClassDeclaration' ? classByNode.get(decl) ?? null : null;
    const holes = top
      .filter((d) => d.start >= node.start && d.end <= node.end)
      .map((d) => ({
        start: d.start, end: d.end,
        // methods of a statement-level class are compared one by one, not as part of the statement
        text: classInfo && d.cls === classInfo && d.kind !== 'arrow' && d.kind !== 'function' ? '' : HOLE + d.path + HOLE,
      }));
    return { node, text: withHoles(info.js, node.start, node.end, holes), decl: decl ?? null, classInfo };
  });
  viewsCache.set(info, views);
  return views;
}

/** Pairs each new statement with an unchanged old one (same own text), keeping order where it can. */
export function matchStatements(oldViews: StatementView[], newViews: StatementView[]): (number | -1)[] {
  const byText = new Map<string, number[]>();
  oldViews.forEach((v, i) => {
    const l = byText.get(v.text);
    if (l) l.push(i); else byText.set(v.text, [i]);
  });
  let last = -1;
  return newViews.map((v) => {
    const l = byText.get(v.text);
    if (!l || l.length === 0) return -1;
    let k = l.findIndex((i) => i > last);
    if (k === -1) k = 0;
    const i = l.splice(k, 1)[0];
    last = i;
    return i;
  });
}

/** Module-level names declared by a version of the module. */
export function moduleNames(info: ModuleInfo): Set<string> {
  return new Set(info.moduleScope.decls.keys());
}
