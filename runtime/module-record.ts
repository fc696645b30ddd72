// What the runtime keeps per instrumented module. Instrumented code talks to it through three short names:
// `__jurig$m.meta` (the module's import.meta), `__jurig$m.a` (module-level names added after start) and
// `__jurig$m.k(path, class, evalHook?)` (a class registering itself from a static block).
import { fileURLToPath } from 'node:url';
import type { Analysed } from '../loader/transform/index.js';
import type { DefKind } from '../loader/transform/analyze.js';
import type { Layout } from '../loader/transform/instrument.js';
import { currentOwner, enterStatement, leaveForAwait, leaveToNone, type Owner, resumeAfterAwait } from './effects.js';

export interface Cell { p: Function | undefined }

/** The text of the definition a patch put in a cell, for `toString()` of the original function. */
export const cellText = new WeakMap<Cell, string>();
export type EvalHook = (code: string) => unknown;

export interface CellEntry {
  cell: Cell;
  layout: Layout;
  kind: DefKind;
}

export interface ClassEntry { ref: WeakRef<Function>; hook: EvalHook | null }

/** The version of a module that is running now. */
export interface RunningState {
  source: string;
  an: Analysed;
  cells: Map<string, CellEntry>; // definition path → its cell
  failed: Set<string>; // statement texts whose last run threw: run again at the next save holding them
  exports: Set<string>;
  owners?: (Owner | undefined)[]; // effects: the owner of each statement's last run, by statement index
}

export class ModuleRecord {
  readonly file: string;
  readonly a: Record<string, unknown> = Object.create(null);
  readonly classes = new Map<string, ClassEntry[]>();
  /** Module-level names of the loaded version that patch code uses directly (a name that is not one of
   * these lives in `a`). */
  bindings: Set<string> | null = null;
  /** Module-level consts of the loaded version that stayed `const` (not exported): eval can read them, but
   * a changed value must go to `a`, and what reads them is recompiled to read it there. */
  consts: Set<string> | null = null;
  state: RunningState | null = null;
  version = 0;
  loadedSource: string | null;

  constructor(
    readonly url: string,
    readonly meta: ImportMeta,
    readonly evalHook: EvalHook,
    readonly initialCells: Cell[],
    readonly hash: string,
    loadedSource: string | null,
  ) {
    this.file = fileURLToPath(url);
    this.loadedSource = loadedSource;
  }

  /** Called from the static block of every instrumented class as it is created. */
  k(path: string, cls: Function, hook?: EvalHook): void {
    let list = this.classes.get(path);
    if (!list) this.classes.set(path, (list = []));
    if (list.length > 8) list.splice(0, list.length, ...list.filter((e) => e.ref.deref() !== undefined));
    list.push({ ref: new WeakRef(cls), hook: hook ?? null });
  }

  // effects (runtime/effects.ts): statement markers the loader inserts
  e(i: number): void { enterStatement(this, this.file, i); }
  u<T>(v: T): T { return leaveForAwait(this, v); }
  w<T>(v: T, i: number | Owner | undefined): T { return resumeAfterAwait(this, v, i); }
  x<T>(v?: T): T | undefined { return leaveToNone(v); }
  o(): Owner | undefined { return currentOwner(); }

  liveClasses(path: string): ClassEntry[] {
    return (this.classes.get(path) ?? []).filter((e) => e.ref.deref() !== undefined);
  }
}
