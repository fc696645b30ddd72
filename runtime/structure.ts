// The shape of one version of a module, as the matcher (runtime/match.ts) sees it:
//   - per top-level statement, a key of its code: whitespace and comments left out, every definition in it
//     replaced by its kind and name, and the methods of statement-level classes left out (they are matched
//     one by one, so adding a method does not change the statement);
//   - per definition, its own text: its code with the definitions nested in it replaced by their kind and
//     name (so a change inside a closure is a change of the closure, not of its parent).
// Both are computed once per version and kept with it.
import type { ClassInfo, Def, ModuleInfo } from '../compiler/analyze.js';
import { type CallExpression, declarationOf, type NewExpression, patternNames, type TopLevel, walk } from '../compiler/ast.js';

const HOLE = '\u0000';
const MARK = '\u0001';

export interface Shape {
  info: ModuleInfo;
  /** Children of each definition (null: the definitions not nested in another), in source order. */
  kids: Map<Def | null, Def[]>;
  /** Per statement: its top-level definitions, without the methods of statement-level classes. */
  stmtDefs: Def[][];
  /** Per statement: the classes not inside any function (their live objects register by key). */
  stmtClasses: ClassInfo[][];
  /** Methods, accessors and the constructor of each such class. */
  members: Map<ClassInfo, Def[]>;
  /** Per statement: its code key (see above). */
  keys: string[];
  /** Per statement: the names it declares at module level. */
  declared: string[][];
}

const shapes = new WeakMap<ModuleInfo, Shape>();

/** Is d a method, accessor or constructor of a class that is not inside a function? */
export function isStatementMember(d: Def): boolean {
  return d.cls !== null && d.cls.parentDef === null && d.owner?.type === 'MethodDefinition';
}

export function shapeOf(info: ModuleInfo): Shape {
  let s = shapes.get(info);
  if (!s) shapes.set(info, (s = buildShape(info, null, null)));
  return s;
}

/**
 * The shape of `info`, made from `from` whose statements [range[0], range[1]) were replaced by those of
 * `region`: the keys of the statements outside the range are the same strings (their code did not change).
 */
export function seedShape(info: ModuleInfo, from: ModuleInfo, range: [number, number], region: ModuleInfo): void {
  const o = shapeOf(from),
    r = shapeOf(region);
  const keys = [...o.keys.slice(0, range[0]), ...r.keys, ...o.keys.slice(range[1])];
  const declared = [...o.declared.slice(0, range[0]), ...r.declared, ...o.declared.slice(range[1])];
  shapes.set(info, buildShape(info, keys, declared));
}

function buildShape(info: ModuleInfo, keys: string[] | null, declared: string[][] | null): Shape {
  const n = info.statements.length;
  const kids = new Map<Def | null, Def[]>();
  const stmtDefs: Def[][] = Array.from({ length: n }, () => []);
  const stmtClasses: ClassInfo[][] = Array.from({ length: n }, () => []);
  const members = new Map<ClassInfo, Def[]>();
  for (const d of info.defs) {
    let list = kids.get(d.parent);
    if (!list) kids.set(d.parent, (list = []));
    list.push(d);
    if (d.parent === null) {
      if (isStatementMember(d)) {
        let m = members.get(d.cls!);
        if (!m) members.set(d.cls!, (m = []));
        m.push(d);
      } else stmtDefs[d.stmt]?.push(d);
    }
  }
  for (const l of kids.values()) l.sort((a, b) => a.start - b.start);
  for (const l of stmtDefs) l.sort((a, b) => a.start - b.start);
  for (const c of info.classes) if (c.parentDef === null) stmtClasses[c.stmt]?.push(c);
  if (!keys) {
    const topByStmt: Def[][] = Array.from({ length: n }, () => []);
    for (const d of kids.get(null) ?? []) topByStmt[d.stmt]?.push(d);
    keys = info.statements.map((st, i) =>
      normalize(
        info,
        st.start,
        st.end,
        topByStmt[i].map((d) => ({
          start: d.start,
          end: d.end,
          text: isStatementMember(d) && d.kind !== 'constructor' ? '' : MARK + marker(d) + MARK,
        })),
      ),
    );
  }
  declared ??= info.statements.map(declaredNames);
  return { info, kids, stmtDefs, stmtClasses, members, keys, declared };
}

/** A definition as its container's text shows it: kind and name, never a position or a counter. */
export function marker(d: Def): string {
  return `${d.kind} ${d.name}`; // (a class member's name says `static`, `get`, `set` already)
}

const ownTexts = new WeakMap<ModuleInfo, Map<Def, string>>();
/** A definition's text with the definitions nested in it replaced by their kind and name. */
export function ownText(info: ModuleInfo, d: Def): string {
  let cache = ownTexts.get(info);
  if (!cache) ownTexts.set(info, (cache = new Map()));
  let t = cache.get(d);
  if (t === undefined) {
    const kids = shapeOf(info).kids.get(d) ?? [];
    let out = '',
      pos = d.start;
    for (const c of kids) {
      if (c.start < pos || c.end > d.end) continue;
      out += info.js.slice(pos, c.start) + HOLE + marker(c) + HOLE;
      pos = c.end;
    }
    cache.set(d, (t = out + info.js.slice(pos, d.end)));
  }
  return t;
}

/** The names a top-level statement declares (`const a, b`, `function f`, `class C`, `export …`). */
function declaredNames(st: TopLevel): string[] {
  const d = declarationOf(st);
  if (!d) return [];
  if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) return [d.id.name];
  if (d.type === 'VariableDeclaration') {
    const out: string[] = [];
    for (const x of d.declarations) patternNames(x.id, out);
    return out;
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Code keys: the text of a range without comments, and with whitespace only where two tokens would
// otherwise merge. String, regex and template text is kept exactly (their whitespace is part of the value).

interface Piece {
  start: number;
  end: number;
  text: string | null;
} // text null: copy verbatim

/** Pairs [start, end] of a flat sorted list that intersect [from, to). */
function within(flat: number[], from: number, to: number, into: Piece[], text: string | null): void {
  let lo = 0,
    hi = flat.length / 2;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (flat[2 * m + 1] <= from) lo = m + 1;
    else hi = m;
  }
  for (let i = lo; i < flat.length / 2 && flat[2 * i] < to; i++) into.push({ start: Math.max(from, flat[2 * i]), end: Math.min(to, flat[2 * i + 1]), text });
}

const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 36 || c === 95 || c === 92 || c >= 128;
const isSpace = (c: number) =>
  c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029;

/**
 * The code key of info.js[start, end) with `holes` (sorted, disjoint) replaced by their text. What a
 * formatter changes without changing the code is left out too: string quotes, trailing commas, and
 * semicolons before a `}` or at the end.
 */
export function normalize(info: ModuleInfo, start: number, end: number, holes: { start: number; end: number; text: string }[]): string {
  const pieces: Piece[] = holes.map((h) => ({ start: h.start, end: h.end, text: h.text }));
  within(info.comments, start, end, pieces, ' ');
  within(info.verbatim, start, end, pieces, null);
  pieces.sort((a, b) => a.start - b.start || b.end - a.end);
  const js = info.js;
  let pos = start;
  // The key is built from slices of js, not char by char: appending to a string and reading its last char
  // flattens it each time (quadratic on a 5 MB statement). Trailing `,` and `;` are held back until the
  // next char says whether they stay.
  const parts: string[] = [];
  let runFrom = -1,
    runTo = -1; // js[runFrom, runTo): copied, not yet in parts
  let held = ''; // `,` and `;` after the run
  let e1 = -1,
    e2 = -1; // the last two chars emitted (run and parts), without held
  let pendingSpace = false;
  const any = () => e1 !== -1 || held.length > 0;
  const last = () => (held ? held.charCodeAt(held.length - 1) : e1);
  const beforeLast = () => (held.length >= 2 ? held.charCodeAt(held.length - 2) : held.length === 1 ? e1 : e2);
  const flush = () => {
    if (runFrom >= 0) {
      parts.push(js.slice(runFrom, runTo));
      runFrom = -1;
    }
    if (held) {
      parts.push(held);
      for (let k = 0; k < held.length; k++) {
        e2 = e1;
        e1 = held.charCodeAt(k);
      }
      held = '';
    }
  };
  const text = (t: string) => {
    if (!t) return;
    flush();
    parts.push(t);
    e2 = t.length >= 2 ? t.charCodeAt(t.length - 2) : e1;
    e1 = t.charCodeAt(t.length - 1);
  };
  const emitCode = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const c = js.charCodeAt(i);
      if (isSpace(c)) {
        pendingSpace = true;
        continue;
      }
      if (pendingSpace && any()) {
        const p = last();
        if ((isWord(p) && isWord(c)) || (p === c && (c === 43 || c === 45 || c === 47)) || (p === 47 && c === 42)) text(' ');
      }
      pendingSpace = false;
      if (c === 44 || c === 59) {
        held += js[i];
        continue;
      }
      // `a,)` `a,}` `a,]` (not an elision `[a,,]`) and `;}` are `a)` `a}` `a]` `}`
      if ((c === 41 || c === 125 || c === 93) && last() === 44 && !(c === 93 && (beforeLast() === 91 || beforeLast() === 44))) held = held.slice(0, -1);
      if (c === 125) while (held && last() === 59) held = held.slice(0, -1);
      if (held || runFrom < 0 || runTo !== i) {
        flush();
        runFrom = i;
      }
      runTo = i + 1;
      e2 = e1;
      e1 = c;
    }
  };
  for (const p of pieces) {
    if (p.start < pos) continue; // inside a hole or literal already emitted
    emitCode(pos, p.start);
    if (p.text === null) {
      if (pendingSpace && any() && isWord(last()) && isWord(js.charCodeAt(p.start))) text(' ');
      pendingSpace = false;
      text(info.strings.get(p.start) ?? js.slice(p.start, p.end));
    } else if (p.text === ' ') pendingSpace = true;
    else {
      pendingSpace = false;
      text(p.text);
    }
    pos = p.end;
  }
  emitCode(pos, end);
  while (held && last() === 59) held = held.slice(0, -1);
  flush();
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------
// Names a person can find: an anonymous definition is named by its line and by what it belongs to, e.g.
// `app.get('/hello') <arrow>`.

const labels = new WeakMap<ModuleInfo, Map<Def, string>>();
export function labelOf(info: ModuleInfo, d: Def): string {
  if (!d.path.includes('<')) return d.path;
  let cache = labels.get(info);
  if (!cache) labels.set(info, (cache = new Map()));
  let l = cache.get(d);
  if (l !== undefined) return l;
  const plain = d.path.replace(/#\d+/g, '');
  // a named ancestor says enough (`adder/<arrow>`); otherwise the call it is passed to
  const named = plain.lastIndexOf('/') > 0 && !plain.slice(0, plain.lastIndexOf('/')).startsWith('<');
  l = named ? plain : `${callLabel(info, d) ?? 'top level'} ${plain}`;
  cache.set(d, l);
  return l;
}

/** `app.get('/hello')` for a function passed (at any depth) to that call in its statement. */
function callLabel(info: ModuleInfo, d: Def): string | null {
  let top: Def = d;
  while (top.parent) top = top.parent;
  const st = info.statements[top.stmt];
  if (!st) return null;
  // the innermost call around it (assigned in the walk's callback: `as` keeps TS from narrowing it to null)
  let best = null as CallExpression | NewExpression | null;
  walk(st, (n) => {
    if (n.start > top.start || n.end < top.end) return false;
    if (n.type === 'CallExpression' || n.type === 'NewExpression') best = n;
  });
  if (!best) return null;
  const callee = info.js.slice(best.callee.start, best.callee.end).replace(/\s+/g, '');
  const first = best.arguments[0];
  const arg = first && first.type === 'Literal' && typeof first.value === 'string' ? info.js.slice(first.start, first.end) : '';
  const text = `${best.type === 'NewExpression' ? 'new ' : ''}${callee}(${arg})`;
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
}

/** The innermost class whose body holds d (a member, a field's function, a closure in a method). */
export function enclosingClass(info: ModuleInfo, d: Def): ClassInfo | null {
  if (d.cls) return d.cls;
  let best: ClassInfo | null = null;
  for (const c of info.classes) {
    const b = c.node.body;
    if (b.start < d.start && d.end <= b.end && (!best || c.node.start >= best.node.start)) best = c;
  }
  return best;
}

/** The private names a class declares (fields, methods, accessors), without `#`. */
export function privateNames(c: ClassInfo): Set<string> {
  const out = new Set<string>();
  for (const m of c.node.body.body) if (m.type !== 'StaticBlock' && m.key.type === 'PrivateIdentifier') out.add(m.key.name);
  return out;
}

/** The class a use of `#name` at `pos` refers to: the innermost class around it that declares the name. */
export function privateOwner(info: ModuleInfo, pos: number, name: string): ClassInfo | null {
  let best: ClassInfo | null = null;
  for (const c of info.classes) {
    const b = c.node.body;
    if (b.start < pos && pos < b.end && (!best || c.node.start >= best.node.start) && privateNames(c).has(name)) best = c;
  }
  return best;
}
