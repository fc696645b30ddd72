// Finding the definition behind a live value, and the conform protocol: values that wrap or transform a
// function (memoizers, routers, dispatch tables, JITs) are told when the definition they derive from is
// patched (with the function that now runs its code) or deleted (with null).
import { runInNewContext } from 'node:vm';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellByPath, type ModuleRecord } from './module-record.js';
import { requireRuntime, type RuntimeGlobal } from './global.js';
import { CELL_TEST } from '../compiler/names.js';
import type { JurigEvent } from './events.js';
import './running-state.js'; // rec.running() below

export const CONFORM = Symbol.for('jurig.conform');

export const rt = requireRuntime;

/** Where a definition lives: a module (path null), a class (path = class path) or a function definition. */
export interface Location {
  rec: ModuleRecord;
  path: string | null;
  kind: 'module' | 'class' | 'function';
}

function stateOf(rec: ModuleRecord) {
  try {
    return rec.running();
  } catch {
    return null;
  }
}

/** The key of a class member from the last segment of its definition path. */
export function memberKey(defPath: string, classPath: string): { key: string; isStatic: boolean; accessor: 'get' | 'set' | null } {
  let seg = defPath.slice(classPath.length + 1);
  let isStatic = false,
    accessor: 'get' | 'set' | null = null;
  if (seg.startsWith('static ')) {
    isStatic = true;
    seg = seg.slice(7);
  }
  if (seg.startsWith('get ')) {
    accessor = 'get';
    seg = seg.slice(4);
  } else if (seg.startsWith('set ')) {
    accessor = 'set';
    seg = seg.slice(4);
  }
  return { key: seg, isStatic, accessor };
}

function readBinding(rec: ModuleRecord, name: string): unknown {
  if (!/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name)) return undefined;
  try {
    return rec.evalHook(name);
  } catch {
    return name in rec.a ? rec.a[name] : undefined;
  }
}

/** The value now found where definition `path` of `rec` lives (module binding, class member), if any. */
export function valueAt(rec: ModuleRecord, path: string): unknown {
  const state = stateOf(rec);
  if (!state) return undefined;
  const info = state.an.info;
  const cls = info.classes.find((c) => c.path === path);
  if (cls) return rec.liveClasses(state.classKeys[cls.index]).at(-1)?.ref.deref() ?? (cls.parentDef ? undefined : readBinding(rec, path));
  const d = info.defs.find((x) => x.path === path);
  if (!d || path.includes('/')) return undefined;
  if (d.cls) {
    const klass = rec.liveClasses(state.classKeys[d.cls.index]).at(-1)?.ref.deref();
    if (!klass) return undefined;
    if (d.kind === 'constructor') return klass;
    const { key, isStatic, accessor } = memberKey(path, d.cls.path);
    const target = isStatic ? klass : klass.prototype;
    const desc = findDescriptor(target, key);
    if (!desc) return undefined;
    return accessor === 'get' ? desc.get : accessor === 'set' ? desc.set : desc.value;
  }
  const segs = path.split('.');
  let v = readBinding(rec, segs[0]);
  for (const s of segs.slice(1)) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return undefined;
    const desc = findDescriptor(v as object, s.replace(/^(get|set) /, ''));
    v = s.startsWith('get ') ? desc?.get : s.startsWith('set ') ? desc?.set : desc?.value;
  }
  return v;
}

function findDescriptor(o: object, key: string): PropertyDescriptor | undefined {
  const d = Object.getOwnPropertyDescriptor(o, key);
  if (d) return d;
  return undefined;
}

function isNamespace(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && (v as Record<symbol, unknown>)[Symbol.toStringTag] === 'Module';
}

/** The definition behind a function, class, method, module namespace, or a file path / URL. */
export function locate(target: unknown): Location | null {
  const g = rt();
  if (typeof target === 'string') {
    const file = target.startsWith('file:') ? fileURLToPath(target) : resolve(target);
    const rec = g.byFile.get(file);
    return rec ? { rec, path: null, kind: 'module' } : null;
  }
  if (isNamespace(target)) {
    for (const v of Object.values(target)) {
      if (typeof v !== 'function') continue;
      const l = locate(v);
      if (l) return { rec: l.rec, path: null, kind: 'module' };
    }
    return null;
  }
  if (typeof target !== 'function') return null;
  // classes register themselves
  for (const rec of g.records.values()) {
    for (const [key, list] of rec.classes) {
      if (!list.some((e) => e.ref.deref() === target)) continue;
      const state = stateOf(rec);
      const i = state ? state.classKeys.indexOf(key) : -1;
      return { rec, path: i === -1 ? key : state!.an.info.classes[i].path, kind: 'class' };
    }
  }
  // functions found where they live
  for (const rec of g.records.values()) {
    const state = stateOf(rec);
    if (!state) continue;
    for (const d of state.an.info.defs) {
      if (d.path.includes('/') || d.kind === 'constructor') continue;
      if (valueAt(rec, d.path) === target) return { rec, path: d.path, kind: 'function' };
    }
  }
  return locateByGuard(target as Function, g);
}

// A function that lives nowhere we can look (wrapped by a decorator, passed inline to a registry):
// its guard names its cell. Point every candidate cell at a sentinel and call the function once: the
// sentinel runs before any of its code (only parameter defaults are evaluated).
let nativeToString: ((this: Function) => string) | null = null;
function locateByGuard(fn: Function, g: RuntimeGlobal): Location | null {
  nativeToString ??= runInNewContext('Function.prototype.toString') as (this: Function) => string;
  let text: string;
  try {
    text = nativeToString.call(fn);
  } catch {
    return null;
  }
  const indices = [...new Set([...text.matchAll(new RegExp(CELL_TEST, 'g'))].map((m) => Number(m[1])))];
  if (!indices.length || /^class\b/.test(text)) return null;
  const saved: { cell: { p: Function | undefined }; p: Function | undefined; desc: PropertyDescriptor | undefined }[] = [];
  const HIT = Symbol('jurig.locate');
  let hit: { rec: ModuleRecord; cell: object } | null = null;
  try {
    for (const rec of g.records.values()) {
      for (const i of indices) {
        const cell = rec.initialCells[i];
        if (!cell) continue;
        const desc = Object.getOwnPropertyDescriptor(cell, 'p');
        if (desc && !('value' in desc)) continue; // a develoop owns this cell
        saved.push({ cell, p: cell.p, desc });
        // biome-ignore lint/complexity/useArrowFunction: a guard may call it with `new` (Reflect.construct)
        cell.p = function () {
          hit = { rec, cell };
          throw HIT;
        };
      }
    }
    try {
      const r = Reflect.apply(fn, undefined, []) as { next?: () => unknown; catch?: (f: () => void) => void } | undefined;
      if (!hit && r && typeof r.next === 'function') {
        try {
          const n = r.next() as { catch?: (f: () => void) => void };
          n?.catch?.(() => {});
        } catch {
          /* the sentinel */
        }
      }
      r?.catch?.(() => {});
    } catch {
      /* the sentinel, or the function's own error */
    }
  } finally {
    for (const s of saved) s.cell.p = s.p;
  }
  if (!hit) return null;
  const { rec, cell } = hit as { rec: ModuleRecord; cell: object };
  const state = stateOf(rec);
  if (!state) return null;
  const i = state.cells.findIndex((e) => e.cell === cell);
  return i === -1 ? null : { rec, path: state.an.info.defs[i].path, kind: 'function' };
}

// ---------------------------------------------------------------------------------------------------
// conform

export type ConformHandler = (fn: Function | null) => void;
interface Entry {
  original: Function | null;
  handler: ConformHandler;
}
/** What a registration follows from version to version: a definition's cell, or a class's key. */
type Id = object | string;
interface Found {
  path: string;
  text: string;
  cell: object | undefined;
}
interface Snapshot extends Found {
  carrier?: { value: object };
}

const registered = new Map<string, Map<Id, Set<Entry>>>(); // file → identity → entries
let hooked = false;
const snapshots = new Map<string, Map<Id, Snapshot>>();

function idOf(rec: ModuleRecord, path: string): Id | null {
  const state = stateOf(rec);
  if (!state) return null;
  const info = state.an.info;
  const d = info.defs.findIndex((x) => x.path === path);
  if (d !== -1) return state.cells[d].cell;
  const c = info.classes.findIndex((x) => x.path === path);
  return c === -1 ? null : state.classKeys[c];
}

/** Where an identity is in the running version now, and its text there. */
function find(rec: ModuleRecord, id: Id): Found | null {
  const state = stateOf(rec);
  if (!state) return null;
  const info = state.an.info;
  if (typeof id === 'string') {
    const c = state.classKeys.indexOf(id);
    if (c === -1) return null;
    const node = info.classes[c].node;
    return { path: info.classes[c].path, text: state.an.js.slice(node.start, node.end), cell: undefined };
  }
  const i = state.cells.findIndex((e) => e.cell === id);
  if (i === -1) return null;
  const d = info.defs[i];
  return { path: d.path, text: state.an.js.slice(d.start, d.end), cell: id };
}

function carries(v: unknown): v is Record<symbol, ConformHandler> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as Record<symbol, unknown>)[CONFORM] === 'function';
}

function ensureHooked(): void {
  if (hooked) return;
  hooked = true;
  rt().hooks.add({
    before(file) {
      const rec = rt().byFile.get(file);
      if (!rec) return;
      const snap = new Map<Id, Snapshot>();
      for (const id of registered.get(file)?.keys() ?? []) {
        const t = find(rec, id);
        if (t) snap.set(id, t);
      }
      // values carrying [Symbol.for('jurig.conform')] where a definition lives
      const state = stateOf(rec);
      for (const d of state?.an.info.defs ?? []) {
        if (d.path.includes('/') || d.kind === 'constructor') continue;
        const v = valueAt(rec, d.path);
        if (!carries(v)) continue;
        const id = state!.cells[d.index].cell;
        snap.set(id, { ...(snap.get(id) ?? find(rec, id)!), carrier: { value: v } });
      }
      snapshots.set(file, snap);
    },
    after(file) {
      const rec = rt().byFile.get(file);
      const snap = snapshots.get(file);
      snapshots.delete(file);
      if (!rec || !snap) return;
      for (const [id, old] of snap) {
        const now = find(rec, id);
        if (now && now.text === old.text) continue;
        const entries = registered.get(file)?.get(id) ?? new Set<Entry>();
        const calls: [ConformHandler, Function | null][] = [];
        for (const e of entries) calls.push([e.handler, now ? newFunction(rec, now.path, e.original) : null]);
        if (old.carrier) {
          const v = old.carrier.value;
          const h = (v as Record<symbol, ConformHandler>)[CONFORM];
          if (![...entries].some((e) => e.handler === h)) calls.push([h.bind(v), now ? newFunction(rec, now.path, typeof v === 'function' ? v : null) : null]);
        }
        for (const [h, fn] of calls) {
          try {
            h(fn);
          } catch (e) {
            process.stderr.write(`jurig: a conform handler for ${old.path} threw: ${(e as Error)?.stack ?? e}\n`);
          }
        }
      }
    },
  });
}

/** The function that runs the definition's code now (the definition kept its cell: see find()). */
function newFunction(rec: ModuleRecord, path: string, original: Function | null): Function | null {
  const state = stateOf(rec);
  const entry = state ? cellByPath(state, path) : undefined;
  if (original && entry && !carries(original)) return original; // patched in place
  const v = valueAt(rec, path);
  if (typeof v === 'function' && !carries(v)) return v;
  const p = entry?.cell.p;
  if (p && entry.layout.conv === 'plain') return p;
  if (p && entry.layout.conv === 'arrow' && entry.layout.simple) return (...a: unknown[]) => p(undefined, undefined, ...a);
  return original ?? (typeof v === 'function' ? v : null);
}

/**
 * Be told when the definition behind `original` changes: `handler(fn)` after a patch (fn runs the new code;
 * for a definition patched in place it is `original` itself), `handler(null)` when it is deleted.
 * Without a handler, `original[Symbol.for('jurig.conform')]` is used. Returns a function that unregisters.
 */
export function conform(original: Function | object, handler?: ConformHandler): () => void {
  const h = handler ?? (carries(original) ? (original as Record<symbol, ConformHandler>)[CONFORM].bind(original) : null);
  if (!h) throw new TypeError('conform(original, handler): no handler, and the value has no [Symbol.for("jurig.conform")] method');
  const loc = locate(original);
  if (!loc || loc.path === null) throw new Error(`conform: cannot find the definition of ${describe(original)} (is its file watched by jurig?)`);
  const id = idOf(loc.rec, loc.path);
  if (id === null) throw new Error(`conform: cannot find the definition of ${describe(original)} (is its file watched by jurig?)`);
  ensureHooked();
  let byId = registered.get(loc.rec.file);
  if (!byId) registered.set(loc.rec.file, (byId = new Map()));
  let set = byId.get(id);
  if (!set) byId.set(id, (set = new Set()));
  const entry: Entry = { original: typeof original === 'function' ? original : null, handler: h };
  set.add(entry);
  return () => {
    set!.delete(entry);
  };
}

/** Start noticing values that carry [Symbol.for('jurig.conform')] at the place of a definition. */
export function enableCarriers(): void {
  ensureHooked();
}

export function describe(v: unknown): string {
  if (typeof v === 'function') return v.name ? `${v.name}` : 'an anonymous function';
  return String(v);
}

export type { JurigEvent };
