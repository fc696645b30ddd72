// Which parts of a new version of a module are which parts of the running one. Identity is structural:
//   1. Top-level statements are matched by their code key (runtime/structure.ts): a statement whose key is
//      found in the running version is the same statement, wherever it moved, and never runs again.
//   2. The statements left over are paired where one is plainly an edit of the other (same declared name,
//      or the same call, between the same unchanged neighbours): they run again, but the definitions in
//      them keep their identity, so functions made by the old run get the new code too.
//   3. Inside a pair of statements, definitions are matched as a tree: classes, then their members by key;
//      named definitions by name; anonymous ones by their place among their siblings, refined by their text.
//   4. A named definition left over is matched by its path anywhere in the file (a function moved into
//      another statement keeps its identity).
// Nothing here depends on a counter over the whole file, so inserting an anonymous function somewhere
// never changes which live function runs which body.
import type { ClassInfo, Def, ModuleInfo } from '../compiler/analyze.js';
import { marker, ownText, type Shape, shapeOf } from './structure.js';

export interface Correspondence {
  /** New statement index → the running statement it is, or was edited from (-1: a new statement). */
  stmt: Int32Array;
  /** New statement index → 1 when it is the same statement (same code key): it does not run again. */
  same: Uint8Array;
  /** New definition index → the running definition it is (null: a new definition). */
  def: (Def | null)[];
  /** New class index → the running class it is (null: new). Only for classes outside functions. */
  cls: (ClassInfo | null)[];
}

export function correspond(oldInfo: ModuleInfo, newInfo: ModuleInfo, range: [number, number] | null = null): Correspondence {
  // (with a range, newInfo is the new text of the running statements [from, to) only)
  const o = shapeOf(oldInfo),
    n = shapeOf(newInfo);
  const N = n.keys.length;
  const [from, O] = range ?? [0, o.keys.length];
  const stmt = new Int32Array(N).fill(-1);
  const same = new Uint8Array(N);
  const oldTaken = new Uint8Array(o.keys.length);

  // 1. same code key, in order among equal keys
  const byKey = new Map<string, number[]>();
  for (let i = from; i < O; i++) {
    const l = byKey.get(o.keys[i]);
    if (l) l.push(i);
    else byKey.set(o.keys[i], [i]);
  }
  const cursor = new Map<string, number>();
  for (let j = 0; j < N; j++) {
    const l = byKey.get(n.keys[j]);
    if (!l) continue;
    const k = cursor.get(n.keys[j]) ?? 0;
    if (k >= l.length) continue;
    cursor.set(n.keys[j], k + 1);
    stmt[j] = l[k];
    same[j] = 1;
    oldTaken[l[k]] = 1;
  }

  // 2. edited statements, within the gaps between statements that kept their order
  const anchors = increasingAnchors(stmt);
  let prevOld = from - 1,
    prevNew = -1;
  for (const [aNew, aOld] of [...anchors, [N, O] as [number, number]]) {
    const olds: number[] = [],
      news: number[] = [];
    for (let i = prevOld + 1; i < aOld; i++) if (!oldTaken[i]) olds.push(i);
    for (let j = prevNew + 1; j < aNew; j++) if (stmt[j] === -1) news.push(j);
    pairEdited(o, n, olds, news, stmt, oldTaken);
    prevOld = aOld;
    prevNew = aNew;
  }

  // 3. definitions and classes inside statement pairs
  const def: (Def | null)[] = new Array(newInfo.defs.length).fill(null);
  const cls: (ClassInfo | null)[] = new Array(newInfo.classes.length).fill(null);
  const oldDefTaken = new Set<Def>();
  const tree = new TreePairer(oldInfo, newInfo, (a, b) => {
    def[b.index] = a;
    oldDefTaken.add(a);
  });
  for (let j = 0; j < N; j++) {
    const i = stmt[j];
    if (i === -1) continue;
    tree.pairKids(o.stmtDefs[i], n.stmtDefs[j], same[j] === 1);
    // classes: by position in an unchanged statement, else by name; then their members by key
    const oc = o.stmtClasses[i],
      nc = n.stmtClasses[j];
    const classPairs = same[j] && oc.length === nc.length ? oc.map((c, k) => [c, nc[k]] as const) : pairByName(oc, nc, (c) => c.name);
    for (const [a, b] of classPairs) {
      cls[b.index] = a;
      for (const [x, y] of pairByName(o.members.get(a) ?? [], n.members.get(b) ?? [], marker)) tree.pair(x, y);
    }
  }

  // 4. named definitions by path, wherever they are now
  const looseOld = new Map<string, Def>();
  for (const d of oldInfo.defs) if (!oldDefTaken.has(d) && !d.path.includes('<') && d.stmt >= from && d.stmt < O) looseOld.set(d.path, d);
  for (const d of newInfo.defs) {
    if (def[d.index] || d.path.includes('<')) continue;
    const a = looseOld.get(d.path);
    if (a && a.kind === d.kind && a.isStatic === d.isStatic) {
      looseOld.delete(d.path);
      tree.pair(a, d);
    }
  }
  return { stmt, same, def, cls };
}

/**
 * Pairs two versions of a definition and, below them, their children: positionally when the parent's own
 * text is unchanged (the same children in the same places), else loosely (see pairLoose).
 */
export class TreePairer {
  constructor(
    private oldInfo: ModuleInfo,
    private newInfo: ModuleInfo,
    private onPair: (oldDef: Def, newDef: Def) => void,
  ) {}
  pair(a: Def, b: Def): void {
    this.onPair(a, b);
    const ok = shapeOf(this.oldInfo).kids.get(a) ?? [],
      nk = shapeOf(this.newInfo).kids.get(b) ?? [];
    this.pairKids(ok, nk, ownText(this.oldInfo, a) === ownText(this.newInfo, b));
  }
  pairKids(olds: Def[], news: Def[], positional: boolean): void {
    const pairs = positional && olds.length === news.length ? olds.map((x, i) => [x, news[i]] as const) : pairLoose(this.oldInfo, this.newInfo, olds, news);
    for (const [a, b] of pairs) this.pair(a, b);
  }
}

/** A class inside a function is the same class when its function is the same definition (and it is the
 * same-named class there, counted in order). */
export function pairNestedClass(oldInfo: ModuleInfo, newInfo: ModuleInfo, defPair: (d: Def) => Def | null, c: ClassInfo): ClassInfo | null {
  if (!c.parentDef) return null;
  const od = defPair(c.parentDef);
  if (!od) return null;
  const siblings = newInfo.classes.filter((x) => x.parentDef === c.parentDef && x.name === c.name);
  const olds = oldInfo.classes.filter((x) => x.parentDef === od && x.name === c.name);
  return olds[siblings.indexOf(c)] ?? null;
}

/** The pairs (new index, old index) that keep their order: the longest increasing run of old indices. */
function increasingAnchors(stmt: Int32Array): [number, number][] {
  const js: number[] = [];
  for (let j = 0; j < stmt.length; j++) if (stmt[j] !== -1) js.push(j);
  // patience LIS over old indices, O(n log n)
  const tails: number[] = [],
    prev = new Int32Array(js.length).fill(-1),
    tailIdx: number[] = [];
  js.forEach((j, k) => {
    const v = stmt[j];
    let lo = 0,
      hi = tails.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (tails[m] < v) lo = m + 1;
      else hi = m;
    }
    tails[lo] = v;
    tailIdx[lo] = k;
    prev[k] = lo > 0 ? tailIdx[lo - 1] : -1;
  });
  const out: [number, number][] = [];
  for (let k = tailIdx[tails.length - 1] ?? -1; k !== -1; k = prev[k]) out.push([js[k], stmt[js[k]]]);
  return out.reverse();
}

/** Pair statements of a gap where one is an edit of the other; unpaired ones are added or deleted. */
function pairEdited(o: Shape, n: Shape, olds: number[], news: number[], stmt: Int32Array, oldTaken: Uint8Array): void {
  if (!olds.length || !news.length) return;
  let from = 0; // keep order: an old statement after the last one paired
  for (const j of news) {
    let best = -1,
      bestScore = 0;
    for (let k = from; k < olds.length; k++) {
      const s = affinity(o, olds[k], n, j, olds.length === 1 && news.length === 1);
      if (s > bestScore) {
        best = k;
        bestScore = s;
      }
    }
    if (best === -1) continue;
    stmt[j] = olds[best];
    oldTaken[olds[best]] = 1;
    from = best + 1;
  }
}

/** How plainly new statement j is an edit of old statement i (0: not at all). */
function affinity(o: Shape, i: number, n: Shape, j: number, alone: boolean): number {
  const od = o.declared[i],
    nd = n.declared[j];
  if (od.length && nd.some((x) => od.includes(x))) return 3;
  const oh = head(o.keys[i]),
    nh = head(n.keys[j]);
  if (oh && oh === nh) return 2;
  // the only statement changed between the same neighbours, holding definitions of the same kinds
  if (alone && o.stmtDefs[i].length && o.stmtDefs[i].map((d) => d.kind).join() === n.stmtDefs[j].map((d) => d.kind).join()) return 1;
  return 0;
}

/** The start of a code key up to its first call, assignment, block or definition: `app.get`, `bus.on`. */
function head(key: string): string {
  const m = /^[^(={\u0001'"`]*/.exec(key)![0];
  return m.length >= 2 ? m : '';
}

/** Pairs by a name, in order among namesakes; items without a match stay unpaired. */
function pairByName<T>(olds: T[], news: T[], name: (x: T) => string, newName: (x: T) => string = name): [T, T][] {
  const queue = new Map<string, T[]>();
  for (const x of olds) {
    const k = name(x);
    const l = queue.get(k);
    if (l) l.push(x);
    else queue.set(k, [x]);
  }
  const out: [T, T][] = [];
  for (const y of news) {
    const l = queue.get(newName(y));
    if (l?.length) out.push([l.shift()!, y]);
  }
  return out;
}

/**
 * Children of two versions of a definition (or statement) whose text changed: named ones by name, then
 * equal texts in order, then anonymous ones of the same kind by their place, preferring similar texts.
 */
function pairLoose(oldInfo: ModuleInfo, newInfo: ModuleInfo, olds: Def[], news: Def[]): [Def, Def][] {
  const out: [Def, Def][] = [];
  const anon = (d: Def) => d.name.startsWith('<');
  const named = pairByName(
    olds.filter((d) => !anon(d)),
    news.filter((d) => !anon(d)),
    (d) => `${d.kind} ${d.isStatic} ${d.name}`,
  );
  out.push(...named);
  const taken = new Set<Def>(named.flat());
  let ro = olds.filter((d) => !taken.has(d) && anon(d)),
    rn = news.filter((d) => !taken.has(d) && anon(d));
  // identical texts keep their identity wherever they moved among their siblings
  const exact = pairByName(
    ro,
    rn,
    (d) => d.kind + '\u0000' + ownText(oldInfo, d),
    (d) => d.kind + '\u0000' + ownText(newInfo, d),
  );
  out.push(...exact);
  for (const [a, b] of exact) {
    taken.add(a);
    taken.add(b);
  }
  ro = ro.filter((d) => !taken.has(d));
  rn = rn.filter((d) => !taken.has(d));
  if (!ro.length || !rn.length) return out;
  // the rest: an order-keeping alignment that pairs only the same kind, scored by text similarity
  const sim = (a: Def, b: Def) => (a.kind !== b.kind ? -1 : similarity(ownText(oldInfo, a), ownText(newInfo, b)));
  const I = ro.length,
    J = rn.length;
  const score = new Float64Array((I + 1) * (J + 1));
  const W = J + 1;
  for (let x = I - 1; x >= 0; x--) {
    for (let y = J - 1; y >= 0; y--) {
      const s = sim(ro[x], rn[y]);
      score[x * W + y] = Math.max(score[(x + 1) * W + y], score[x * W + y + 1], s >= 0 ? s + 1 + score[(x + 1) * W + y + 1] : -Infinity);
    }
  }
  for (let x = 0, y = 0; x < I && y < J; ) {
    const s = sim(ro[x], rn[y]);
    if (s >= 0 && score[x * W + y] === s + 1 + score[(x + 1) * W + y + 1]) {
      out.push([ro[x], rn[y]]);
      x++;
      y++;
    } else if (score[(x + 1) * W + y] >= score[x * W + y + 1]) x++;
    else y++;
  }
  return out;
}

/** 0..1: how much of two texts is a common start and end. */
function similarity(a: string, b: string): number {
  const max = Math.max(a.length, b.length);
  if (max === 0) return 1;
  let p = 0;
  while (p < a.length && p < b.length && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return (p + s) / max;
}
