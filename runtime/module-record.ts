// What the runtime keeps per instrumented module. Instrumented code talks to it through three short names:
// `__jurig$m.meta` (the module's import.meta), `__jurig$m.a` (module-level names added after start) and
// `__jurig$m.k(path, class, evalHook?)` (a class registering itself from a static block).
import { fileURLToPath } from 'node:url';
import type { Analysed } from '../compiler/index.js';
import type { ClassInfo, Def, DefKind } from '../compiler/analyze.js';
import type { Layout } from '../compiler/instrument.js';
import { currentOwner, enterStatement, leaveForAwait, leaveToNone, type Owner, resumeAfterAwait } from './effects.js';

export interface Cell {
  p: Function | undefined;
}

/** The text of the definition a patch put in a cell, for `toString()` of the original function. */
export const cellText = new WeakMap<Cell, string>();
export type EvalHook = (code: string) => unknown;

export interface CellEntry {
  cell: Cell;
  layout: Layout;
  kind: DefKind;
}

export interface ClassEntry {
  ref: WeakRef<Function>;
  hook: EvalHook | null;
}

/** Each live class object → its module and registration key (for toString()). */
export const classHome = new WeakMap<Function, { rec: ModuleRecord; key: string }>();

/** The version of a module that is running now. */
export interface RunningState {
  source: string;
  an: Analysed;
  /** The cell of each definition, by its index in an.info.defs. A definition keeps its cell from version
   * to version for as long as runtime/match.ts finds it again. */
  cells: CellEntry[];
  /** The key each class registers its live objects under (ModuleRecord.classes), by class index. */
  classKeys: string[];
  /** Statements (by index) whose last run threw: they run again at the next save. */
  failed: Set<number>;
  exports: Set<string>;
  /** Cells of named definitions a save deleted, by path: a definition that comes back gets its cell back, so
   * the functions made before it was deleted run its new code again. */
  retired: Map<string, CellEntry>;
  /** The private names each live class (by key) was created with; other private methods and accessors of
   * the running version were added by saves and live in ModuleRecord.virtuals. */
  realPrivates: Map<string, Set<string>>;
  /** Effects: the owner of each statement's last run, by statement index (runtime/effects.ts). */
  owners: (Owner | undefined)[];
}

/** A private method or accessor added to a running class (which cannot gain a private name). */
export interface VirtualMember {
  value?: Function;
  get?: Function;
  set?: Function;
}

export function defByPath(state: RunningState, path: string): Def | undefined {
  return state.an.info.defs.find((d) => d.path === path);
}
export function cellByPath(state: RunningState, path: string): CellEntry | undefined {
  const d = defByPath(state, path);
  return d && state.cells[d.index];
}
export function classByPath(state: RunningState, path: string): ClassInfo | undefined {
  return state.an.info.classes.find((c) => c.path === path);
}

export class ModuleRecord {
  readonly file: string;
  readonly a: Record<string, unknown> = Object.create(null);
  readonly classes = new Map<string, ClassEntry[]>();
  /** Private methods and accessors added to running classes: class key → `#name` → the member. Code compiled
   * after they were added reaches them through vp/vpg/vps/vpin instead of the private name. */
  readonly virtuals = new Map<string, Map<string, VirtualMember>>();
  /** Module-level names of the loaded version that patch code uses directly (a name that is not one of
   * these lives in `a`). */
  bindings: Set<string> | null = null;
  /** Module-level consts of the loaded version that stayed `const` (not exported): eval can read them, but
   * a changed value must go to `a`, and what reads them is recompiled to read it there. */
  consts: Set<string> | null = null;
  /** The running version once analysed (see status); replaced by every applied save (adopt). */
  private current: RunningState | null = null;
  version = 0;
  /** The text the module was loaded from, until its first analysis (then the running version holds it). */
  private loadedSource: string | null;

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

  /** How a loaded text becomes its running version: set by runtime/running-state.ts as it loads, so the
   * compiler (SWC, acorn) loads with the first save or tool that needs it, never at start-up. */
  static analyse: ((rec: ModuleRecord, source: string) => RunningState) | null = null;
  /** The same, with a big text analysed off the program's thread (runtime/off-thread.ts). */
  static analyseAsync: ((rec: ModuleRecord, source: string) => Promise<RunningState>) | null = null;
  private analysing: Promise<RunningState> | null = null;

  /** 'loaded': only the loaded text is kept (start-up pays for no analysis); 'analysed': the running
   * version is analysed (the first save, the REPL or a --loop asked for it), and saves replace it. */
  get status(): 'loaded' | 'analysed' {
    return this.current ? 'analysed' : 'loaded';
  }

  /** The running version, analysed on first use. Throws SaveRejected if the file changed between the
   * load and that first analysis (its text on disk is no longer what runs). */
  running(): RunningState {
    if (this.current) return this.current;
    if (!ModuleRecord.analyse) throw new Error('jurig internal error: a running version was asked for before runtime/running-state.js loaded');
    this.current = ModuleRecord.analyse(this, this.loadedSource ?? '');
    this.loadedSource = null;
    return this.current;
  }

  /** running() for a save: a big text is analysed off the program's thread, once however many ask. */
  runningAsync(): Promise<RunningState> {
    if (this.current) return Promise.resolve(this.current);
    if (!ModuleRecord.analyseAsync) return new Promise((resolve) => resolve(this.running()));
    this.analysing ??= ModuleRecord.analyseAsync(this, this.loadedSource ?? '').then(
      (s) => {
        this.analysing = null;
        if (!this.current) {
          this.current = s;
          this.loadedSource = null;
        }
        return this.current;
      },
      (e) => {
        this.analysing = null;
        throw e;
      },
    );
    return this.analysing;
  }

  /** The running version if analysed, else null (does not analyse). */
  get state(): RunningState | null {
    return this.current;
  }

  /** The text that runs now, without analysing it. */
  get runningText(): string | null {
    return this.current?.source ?? this.loadedSource;
  }

  /** A save was applied: `next` is what runs now. */
  adopt(next: RunningState): void {
    this.current = next;
  }

  /** Called from the static block of every instrumented class as it is created. */
  k(path: string, cls: Function, hook?: EvalHook): void {
    let list = this.classes.get(path);
    if (!list) this.classes.set(path, (list = []));
    if (list.length > 8) list.splice(0, list.length, ...list.filter((e) => e.ref.deref() !== undefined));
    list.push({ ref: new WeakRef(cls), hook: hook ?? null });
    classHome.set(cls, { rec: this, key: path });
  }

  // effects (runtime/effects.ts): statement markers the loader inserts
  e(i: number): void {
    enterStatement(this, this.file, i);
  }
  u<T>(v: T): T {
    return leaveForAwait(this, v);
  }
  w<T>(v: T, i: number | Owner | undefined): T {
    return resumeAfterAwait(this, v, i);
  }
  x<T>(v?: T): T | undefined {
    return leaveToNone(v);
  }
  o(): Owner | undefined {
    return currentOwner();
  }

  liveClasses(path: string): ClassEntry[] {
    return (this.classes.get(path) ?? []).filter((e) => e.ref.deref() !== undefined);
  }

  private virtual(key: string, name: string): VirtualMember {
    const m = this.virtuals.get(key)?.get(name);
    if (!m) throw new TypeError(`Receiver must be an instance of the class that declares ${name}`);
    return m;
  }
  /** `o.#m(…)` → vp(key, '#m').call(o, …) */
  vp(key: string, name: string): Function {
    const m = this.virtual(key, name);
    return (
      m.value ??
      (m.get
        ? function (this: unknown, ...a: unknown[]) {
            return (m.get!.call(this) as Function)(...a);
          }
        : () => {
            throw new TypeError(`${name} has no getter`);
          })
    );
  }
  /** `o.#x` → vpg(key, '#x', o) */
  vpg(key: string, name: string, o: unknown): unknown {
    const m = this.virtual(key, name);
    if (m.value) return m.value;
    if (!m.get) throw new TypeError(`'${name}' was defined without a getter`);
    return m.get.call(o);
  }
  /** `o.#x = v` → vps(key, '#x', o, v) */
  vps(key: string, name: string, o: unknown, v: unknown): unknown {
    const m = this.virtual(key, name);
    if (!m.set) throw new TypeError(`'${name}' was defined without a setter`);
    m.set.call(o, v);
    return v;
  }
  /** `#x in o` → vpin(key, o): o is an instance of that class (or the class itself) */
  vpin(key: string, o: unknown): boolean {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function'))
      throw new TypeError("Cannot use 'in' operator to search for a private field in a non-object");
    return this.liveClasses(key).some((e) => {
      const c = e.ref.deref();
      return c !== undefined && (o === c || o instanceof c);
    });
  }
}
