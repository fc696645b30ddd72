// Effects of top-level statements: what each statement's run set up (timers, listeners, servers, watchers,
// child processes, workers, onDispose callbacks), so that when the statement runs again or is deleted,
// what its last run set up is undone first (issue 11).
//
// Owners. One `Owner` per run of a top-level statement. The loader puts a marker `__jurig$m?.e(i)` before
// each top-level statement that can call anything (runtime/module-record.ts forwards it to `enterStatement`)
// and `e(-1)` at the end of the module body, which restores the owner that was current when the module
// started. A re-run statement runs inside a new owner (`runAs`). The APIs that create effects are wrapped
// once (`installEffects`); each wrapper reads the current owner once and, when there is none, only calls
// the original.
//
// How the current owner reaches async continuations depends on the Node line (see `chooseMode`):
//   als  (Node ≥ 24, or 22 with --experimental-async-context-frame): AsyncLocalStorage over
//        AsyncContextFrame costs nothing measurable, so every continuation is attributed: after `await`,
//        in timer callbacks, promise chains, I/O callbacks.
//   sync (Node 20 and 22): AsyncLocalStorage installs a JS hook per async resource there (2.8× on
//        promise-heavy code, measured), even for code outside any owner. So the owner is a plain variable:
//        the statement's synchronous run, the callbacks of timers/immediates/nextTick/queueMicrotask made
//        while an owner is current (wrapped), and the code after a top-level `await` (the loader brackets
//        top-level awaits with `__jurig$u`/`__jurig$w`) are attributed; code after an `await` inside a
//        function is not.
//   off  (JURIG_EFFECTS=off): nothing is wrapped or tracked.
// I/O that a tracked call starts (a server's connections, a child's stdio, a watcher's events, fetch) runs
// outside any owner on every line: a request handler's timers belong to the request, not to the statement
// that started the server (and the tracking costs nothing per request).
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter, getEventListeners } from 'node:events';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';

export type Mode = 'als' | 'sync' | 'off';
export type Kind = 'timeout' | 'interval' | 'immediate' | 'listener' | 'server' | 'watcher' | 'child process' | 'worker' | 'cleanup';
export type Summary = Partial<Record<Kind, number>>;

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------------
// Owners and their entries

const LISTENER = 1,
  ET_LISTENER = 2,
  SERVER = 3,
  WATCHER = 4,
  STAT_WATCHER = 5,
  CHILD = 6,
  WORKER = 7,
  CLEANUP = 8;

/** A tracked effect other than a timer (intervals and long timeouts are kept as their own objects). */
class Entry {
  constructor(
    readonly k: number,
    readonly obj: object | null, // server, watcher, child, worker (strong: they are alive while active)
    readonly target: WeakRef<object> | null, // emitter / event target (weak: tracking never keeps garbage alive)
    readonly fn: WeakRef<Function> | Function | null, // listener (weak) or cleanup callback
    readonly type: string | symbol | null,
    readonly capture: boolean,
  ) {}
}

export class Owner {
  /** What this owner's run set up, in creation order (ended things are swept out as the list grows). */
  list: (Entry | object)[] | null = null;
  limit = 64;
  /** Its pending timeouts of ≥ 1 s (each leaves when it fires). */
  timers: Set<object> | null = null;
  timerLimit = 64;
  /** How many of its shorter timeouts and immediates are pending: not held at all (see `timer`). */
  shortTimeouts = 0;
  shortImmediates = 0;
  keep = false;
  disposed = false;
  /** Where its statement is now (saves move statements); null: the line given, or set last. */
  locate: (() => number) | null = null;
  constructor(
    public file: string,
    private fixedLine: number,
  ) {}
  get line(): number {
    const l = this.locate?.() ?? 0;
    return l > 0 ? l : this.fixedLine;
  }
  set line(l: number) {
    this.fixedLine = l;
  }
}

let mode: Mode = 'off';
let als: AsyncLocalStorage<Owner | undefined> | null = null;
let current: Owner | undefined; // sync mode

export function effectsMode(): Mode {
  return mode;
}

export function currentOwner(): Owner | undefined {
  return als !== null ? als.getStore() : current;
}

/** Make `o` current for the rest of this synchronous run (and, with als, its continuations). */
function enter(o: Owner | undefined): void {
  if (als !== null) {
    if (als.getStore() !== o) als.enterWith(o as Owner);
  } else current = o;
}

/** Run fn as owner `o` (its async continuations too, as far as the mode carries them). */
export function runAs<T>(o: Owner | undefined, fn: () => T): T {
  if (mode === 'off') return fn();
  if (als !== null) return als.run(o as Owner, fn);
  const prev = current;
  current = o;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** Run fn outside any owner: jurig's own work, and I/O a tracked call starts. */
export function outsideOwners<T>(fn: () => T): T {
  if (als !== null) return als.getStore() === undefined ? fn() : als.exit(fn);
  if (current === undefined) return fn();
  const prev = current;
  current = undefined;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

// The Immediate class (internal to Node; taken from an instance)
let Immediate: Function | null = null;
// (they take Node's timer objects, whatever their class)
type ClearTimer = (t: object | undefined) => void;
let clearT = clearTimeout as ClearTimer,
  clearI = clearImmediate as ClearTimer;

function alive(e: Entry | object): boolean {
  if (!(e instanceof Entry)) return (e as { _destroyed?: boolean })._destroyed !== true;
  switch (e.k) {
    case LISTENER:
    case ET_LISTENER: {
      const t = e.target!.deref(),
        f = (e.fn as WeakRef<Function>).deref();
      return t !== undefined && f !== undefined && hasListener(e, t, f);
    }
    case CHILD: {
      const c = e.obj as { exitCode: number | null; signalCode: string | null };
      return c.exitCode === null && c.signalCode === null;
    }
    case WORKER:
      return (e.obj as { threadId: number }).threadId !== -1;
    case WATCHER:
      return (e.obj as { _handle?: unknown })._handle != null;
    default:
      return true; // servers, stat watchers, cleanups: few, kept until disposed
  }
}

function hasListener(e: Entry, t: object, f: Function): boolean {
  if (e.k === LISTENER) {
    const raw = (t as EventEmitter).rawListeners?.(e.type as string) ?? [];
    return raw.some((l) => l === f || (l as { listener?: unknown }).listener === f);
  }
  try {
    return getEventListeners(t as EventTarget, e.type as string).includes(f as never);
  } catch {
    return true;
  }
}

function add(o: Owner, e: Entry | object): void {
  if (o.disposed) {
    undoLate(o, e);
    return;
  }
  const list = (o.list ??= []);
  list.push(e);
  if (list.length >= o.limit) {
    // drop what already ended (fired timeouts, closed watchers, removed listeners): amortised O(1)
    let j = 0;
    for (let i = 0; i < list.length; i++) if (alive(list[i])) list[j++] = list[i];
    list.length = j;
    o.limit = Math.max(64, j * 2);
  }
}

type TimerKind = 'timeout' | 'interval' | 'immediate';

/** A timer made while `o` is current (args[0] is a function). */
function ownedTimer(original: Function, kind: TimerKind, self: unknown, args: unknown[], o: Owner): object {
  const cb = args[0] as Function;
  const run = als === null ? bind(o, cb) : cb;
  let t: object;
  if (kind === 'interval') {
    args[0] = run;
    t = original.apply(self, args);
    add(o, t);
  } else if (kind === 'timeout' && typeof args[1] === 'number' && args[1] >= LONG_TIMEOUT_MS) {
    args[0] = function (this: unknown) {
      o.timers?.delete(t);
      return run.apply(this, arguments);
    };
    t = original.apply(self, args);
    addTimer(o, t);
  } else {
    const immediate = kind === 'immediate';
    const f = function (this: unknown) {
      if (immediate) o.shortImmediates--;
      else o.shortTimeouts--;
      if (o.disposed && !o.keep) return;
      return run.apply(this, arguments);
    };
    (f as unknown as Record<symbol, unknown>)[OWNED] = o;
    args[0] = f;
    t = original.apply(self, args);
    if (o.disposed) {
      if (!o.keep) undoLate(o, t);
    } else if (immediate) o.shortImmediates++;
    else o.shortTimeouts++;
  }
  return t;
}

/** sync mode: a callback made while an owner is current runs as that owner. */
function bind(o: Owner, cb: Function): Function {
  return function (this: unknown) {
    const prev = current;
    current = o;
    try {
      return cb.apply(this, arguments);
    } finally {
      current = prev;
    }
  };
}

function addTimer(o: Owner, t: object): void {
  if (o.disposed) {
    undoLate(o, t);
    return;
  }
  const set = (o.timers ??= new Set());
  set.add(t);
  if (set.size >= o.timerLimit) {
    // those the program cleared itself (fired ones left already)
    for (const x of set) if ((x as { _destroyed?: boolean })._destroyed === true) set.delete(x);
    o.timerLimit = Math.max(64, set.size * 2);
  }
}

// ---------------------------------------------------------------------------------------------------
// Statement markers (called through the module record)

interface LoadTable {
  start: Owner | undefined;
  owners: (Owner | undefined)[];
}
const loadTables = new WeakMap<object, LoadTable>();

/** `e(i)`: statement i of the loaded version starts (i = -1: the module body ended). */
export function enterStatement(rec: object, file: string, i: number): void {
  if (mode === 'off') return;
  let t = loadTables.get(rec);
  if (i < 0) {
    if (t) enter(t.start);
    return;
  }
  if (!t) loadTables.set(rec, (t = { start: currentOwner(), owners: [] }));
  enter((t.owners[i] ??= new Owner(file, 0)));
}

/** `__jurig$u(v)`: a top-level await of the loaded module suspends it: leave its statement. */
export function leaveForAwait<T>(rec: object, v: T): T {
  if (mode !== 'off') enter(loadTables.get(rec)?.start);
  return v;
}

/** `__jurig$w(v, i)`: the module resumes after a top-level await: statement i (or owner) again. */
export function resumeAfterAwait<T>(rec: object, v: T, i: number | Owner | undefined): T {
  if (mode === 'off') return v;
  enter(typeof i === 'number' ? loadTables.get(rec)?.owners[i] : i);
  return v;
}

/** `x(v)`: a re-run statement awaits or ends: no owner until it resumes. */
export function leaveToNone<T>(v: T): T {
  if (mode !== 'off') enter(undefined);
  return v;
}

/** The owners of the loaded version's statements, by statement index (for the running state). */
export function loadedOwners(rec: object): (Owner | undefined)[] {
  return [...(loadTables.get(rec)?.owners ?? [])];
}

// ---------------------------------------------------------------------------------------------------
// Dispose

export interface DisposeReport {
  owner: Owner;
  summary: Summary;
  kept: boolean;
  errors: unknown[];
}
type Reporter = (r: DisposeReport) => void;
let reporter: Reporter = () => {};
export function setDisposeReporter(r: Reporter): void {
  reporter = r;
}

const count = (s: Summary, k: Kind) => {
  s[k] = (s[k] ?? 0) + 1;
};

/** Undo one entry; returns what it was, or null if it had already ended. */
function undo(e: Entry | object, errors: unknown[], pending: Promise<unknown>[]): Kind | null {
  if (!(e instanceof Entry)) {
    const t = e as { _destroyed?: boolean; _repeat?: unknown };
    if (t._destroyed === true) return null;
    if (Immediate && e instanceof Immediate) {
      clearI(e);
      return 'immediate';
    }
    const kind = t._repeat != null ? 'interval' : 'timeout';
    clearT(e);
    return kind;
  }
  try {
    switch (e.k) {
      case LISTENER: {
        const t = e.target!.deref() as EventEmitter | undefined,
          f = (e.fn as WeakRef<Function>).deref();
        if (!t || !f) return null;
        const before = t.listenerCount(e.type as string);
        t.removeListener(e.type as string, f as (...a: unknown[]) => void);
        return t.listenerCount(e.type as string) < before ? 'listener' : null;
      }
      case ET_LISTENER: {
        const t = e.target!.deref() as EventTarget | undefined,
          f = (e.fn as WeakRef<Function>).deref();
        if (!t || !f || !hasListener(e, t, f)) return null;
        t.removeEventListener(e.type as string, f as EventListener, { capture: e.capture });
        return 'listener';
      }
      case SERVER: {
        const s = e.obj as { listening: boolean; close(): void; closeAllConnections?(): void };
        if (!s.listening) return null;
        s.close();
        s.closeAllConnections?.();
        return 'server';
      }
      case WATCHER: {
        const w = e.obj as { _handle?: unknown; close(): void };
        if (w._handle == null) return null;
        w.close();
        return 'watcher';
      }
      case STAT_WATCHER: {
        const w = e.obj as { _handle?: unknown };
        if (w._handle == null) return null;
        unwatchFile(e.type as string, e.fn as never);
        return 'watcher';
      }
      case CHILD: {
        const c = e.obj as { exitCode: number | null; signalCode: string | null; kill(): boolean };
        if (c.exitCode !== null || c.signalCode !== null) return null;
        c.kill();
        return 'child process';
      }
      case WORKER: {
        const w = e.obj as { threadId: number; terminate(): Promise<number> };
        if (w.threadId === -1) return null;
        void w.terminate();
        return 'worker';
      }
      case CLEANUP: {
        try {
          const r = (e.fn as () => unknown)();
          if (r && typeof (r as Promise<unknown>).then === 'function')
            pending.push(
              Promise.resolve(r).catch((err) => {
                errors.push(err);
              }),
            );
        } catch (err) {
          errors.push(err);
        }
        return 'cleanup'; // (it ran, even if it threw)
      }
    }
  } catch (err) {
    errors.push(err);
  }
  return null;
}

const DISPOSE_WAIT_MS = 5000;
const LONG_TIMEOUT_MS = 1000;
const OWNED = Symbol('jurig.owner');

/** Dispose owners in order; a promise only if an onDispose callback returned one. */
export function disposeAll(owners: Owner[] | undefined): Promise<void> | void {
  if (!owners?.length) return;
  let chain: Promise<unknown> | null = null;
  for (const o of owners) {
    if (chain) chain = chain.then(() => dispose(o));
    else {
      const r = dispose(o);
      if (r instanceof Promise) chain = r;
    }
  }
  if (chain) return chain.then(() => {});
}

/**
 * Undo what `o`'s runs set up, last first. With keepEffects(), only its onDispose callbacks run. Waits
 * (up to 5 s) for promises the onDispose callbacks return, so the next run finds the port free.
 */
export function dispose(o: Owner): DisposeReport | Promise<DisposeReport> {
  const summary: Summary = {},
    errors: unknown[] = [],
    pending: Promise<unknown>[] = [];
  const list = o.list ?? [];
  const timers = o.timers ?? [];
  o.list = o.timers = null;
  o.disposed = true;
  outsideOwners(() => {
    if (!o.keep) {
      for (const t of timers) {
        const k = undo(t, errors, pending);
        if (k) count(summary, k);
      }
      // short ones are not cleared: when they fire, they see their owner disposed and do nothing
      if (o.shortTimeouts > 0) summary.timeout = (summary.timeout ?? 0) + o.shortTimeouts;
      if (o.shortImmediates > 0) summary.immediate = (summary.immediate ?? 0) + o.shortImmediates;
    }
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (o.keep && !(e instanceof Entry && e.k === CLEANUP)) continue;
      const k = undo(e, errors, pending);
      if (k) count(summary, k);
    }
  });
  const report = { owner: o, summary, kept: o.keep, errors };
  if (!pending.length) {
    reporter(report);
    return report;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((r) => {
    timer = outsideOwners(() => setTimeout(r, DISPOSE_WAIT_MS));
    timer.unref?.();
  });
  return Promise.race([Promise.all(pending), timeout]).then(() => {
    clearT(timer);
    reporter(report);
    return report;
  });
}

/** Something created under an owner that was already disposed (a late continuation of an old run). */
function undoLate(o: Owner, e: Entry | object): void {
  const summary: Summary = {},
    errors: unknown[] = [],
    pending: Promise<unknown>[] = [];
  if (o.keep && !(e instanceof Entry && e.k === CLEANUP)) return;
  const k = outsideOwners(() => undo(e, errors, pending));
  if (k) count(summary, k);
  if (k || errors.length) reporter({ owner: o, summary, kept: false, errors });
}

// ---------------------------------------------------------------------------------------------------
// The API: onDispose, keepEffects

export function addCleanup(o: Owner, fn: () => unknown): void {
  add(o, new Entry(CLEANUP, null, null, fn, null, false));
}

/** What jurig/api reaches through the global (one instance per thread, whichever copy imported it). */
export interface EffectsApi {
  mode: Mode;
  currentOwner(): Owner | undefined;
  addCleanup(o: Owner, fn: () => unknown): void;
}
export const EFFECTS = Symbol.for('jurig.effects');

// ---------------------------------------------------------------------------------------------------
// Wrappers

/** A wrapper that looks like the original: name, length and own symbol-keyed properties. */
function like<F extends Function>(wrapper: F, original: Function): F {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'name' || key === 'length' || key === 'prototype' || key === 'arguments' || key === 'caller') continue;
    const d = Object.getOwnPropertyDescriptor(original, key);
    if (d) Object.defineProperty(wrapper, key, d);
  }
  return wrapper;
}

// Listener registrations are tracked only when user code makes them (not Node's internals, not jurig),
// at the outermost wrapped call (`once` calls `on`), and only while an owner is current.
let listenerDepth = 0;
// whose each listener function is (a stack check costs ~3 µs; one function is the user's or Node's)
const byListener = new WeakMap<Function, boolean>();
const OWN_URL = new URL('..', import.meta.url).href; // dist/
const OWN_PATH = fileURLToPath(OWN_URL);
const FORWARDERS = new Set(['on', 'addListener', 'once', 'prependListener', 'prependOnceListener', 'addEventListener']);
const justSites = (_: unknown, sites: NodeJS.CallSite[]) => sites;

function calledByUser(skip: Function): boolean {
  const limit = Error.stackTraceLimit,
    prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = 6;
  Error.prepareStackTrace = justSites;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, skip as never);
  const sites = holder.stack;
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = limit;
  if (!Array.isArray(sites)) return false;
  for (const s of sites) {
    // (patched and re-run code is eval'd with a sourceURL: the user's file)
    const f = s.getFileName() ?? s.getScriptNameOrSourceURL() ?? '';
    if (f.startsWith('node:')) {
      if (FORWARDERS.has(s.getMethodName() ?? '')) continue;
      return false;
    }
    if (f === '') {
      if (s.isEval()) return true;
      continue;
    } // native frames (forEach, apply): look further
    return !(f.startsWith(OWN_URL) || f.startsWith(OWN_PATH));
  }
  return false;
}

function wrapListenerMethod(proto: object, name: string, et: boolean): Function {
  const original = (proto as Record<string, Function>)[name];
  const wrapper = like(function (this: object, type: string | symbol, listener: unknown) {
    const o = als !== null ? als.getStore() : current;
    if (o === undefined || listenerDepth !== 0) return original.apply(this, arguments);
    let user = typeof listener === 'function' ? byListener.get(listener) : false;
    if (user === undefined) byListener.set(listener as Function, (user = calledByUser(wrapper)));
    listenerDepth++;
    let r: unknown;
    try {
      r = original.apply(this, arguments);
    } finally {
      listenerDepth--;
    }
    if (user && typeof listener === 'function') {
      let capture = false;
      if (et) {
        const opts = arguments[2] as boolean | { capture?: boolean } | undefined;
        capture = typeof opts === 'boolean' ? opts : !!opts?.capture;
      }
      add(o, new Entry(et ? ET_LISTENER : LISTENER, null, new WeakRef(this), new WeakRef(listener), type, capture));
    }
    return r;
  }, original);
  return wrapper;
}

let unwatchFile: (f: string, l?: never) => void = () => {};

let installed = false;

export function chooseMode(env = process.env.JURIG_EFFECTS, argv: string[] = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]): Mode {
  if (env === 'off' || env === 'als' || env === 'sync') return env;
  const major = Number(process.versions.node.split('.')[0]);
  const frames = major >= 24 ? !argv.includes('--no-async-context-frame') : argv.includes('--experimental-async-context-frame');
  return frames ? 'als' : 'sync';
}

/** Wrap the APIs that create effects (once per thread, at runtime start). */
export function installEffects(m: Mode = chooseMode()): void {
  if (installed) return;
  installed = true;
  mode = m;
  (globalThis as Record<symbol, unknown>)[EFFECTS] = { mode: m, currentOwner, addCleanup } satisfies EffectsApi;
  if (m === 'off') return;
  if (m === 'als') als = new AsyncLocalStorage<Owner | undefined>();

  const g = globalThis as Record<string, unknown>;
  const timers = require('node:timers') as Record<string, Function>;
  const origSetTimeout = g.setTimeout as Function,
    origSetInterval = g.setInterval as Function,
    origSetImmediate = g.setImmediate as Function;
  clearT = g.clearTimeout as typeof clearT;
  clearI = g.clearImmediate as typeof clearI;
  // (a Timeout is told from an Immediate by its class: anything not an Immediate is cleared as a timer)
  {
    const i = origSetImmediate(() => {});
    Immediate = i.constructor;
    clearI(i);
  }

  // Timers made while an owner is current. An interval is held until cleared. A timeout of ≥ 1 s is held
  // until it fires (then it leaves), and cleared by dispose. Shorter timeouts and immediates, which
  // programs make by the million (a setImmediate loop), are only counted: when one fires after its owner
  // was disposed, it does nothing. (Holding them costs 0.4–1 µs each, measured: GC of the holders, or the
  // Set's hashing; the closure alone ≈ 0.15 µs.) In sync mode the callback also runs as the owner.
  // (the wrapper itself creates no closure: one that did would allocate a context on every call, owned
  // or not, ≈ 50 ns measured)
  const timer = (original: Function, kind: TimerKind) =>
    like(function (this: unknown, cb: unknown) {
      const o = als !== null ? als.getStore() : current;
      if (o === undefined || typeof cb !== 'function') return original.apply(this, arguments);
      return ownedTimer(original, kind, this, Array.prototype.slice.call(arguments), o);
    }, original);
  // the program clearing a short one itself: it is no longer pending
  const clear = (original: Function, field: string) =>
    like(function (this: unknown, t: unknown) {
      if (t !== null && typeof t === 'object' && (t as { _destroyed?: boolean })._destroyed === false) {
        const o = ((t as Record<string, unknown>)[field] as Record<symbol, Owner | undefined> | undefined)?.[OWNED];
        if (o !== undefined) {
          if (field === '_onImmediate') o.shortImmediates--;
          else o.shortTimeouts--;
        }
      }
      return original.apply(this, arguments);
    }, original);
  const clearTimeoutW = clear(clearT, '_onTimeout'),
    clearImmediateW = clear(clearI, '_onImmediate');
  g.clearTimeout = timers.clearTimeout = clearTimeoutW;
  g.clearImmediate = timers.clearImmediate = clearImmediateW;
  const setT = timer(origSetTimeout, 'timeout'),
    setI = timer(origSetInterval, 'interval'),
    setImm = timer(origSetImmediate, 'immediate');
  g.setTimeout = timers.setTimeout = setT;
  g.setInterval = timers.setInterval = setI;
  g.setImmediate = timers.setImmediate = setImm;

  if (als === null) {
    const origNextTick = process.nextTick;
    process.nextTick = like(function (this: unknown, cb: unknown) {
      const o = current;
      if (o === undefined || typeof cb !== 'function') return origNextTick.apply(this, arguments as never);
      const args = Array.prototype.slice.call(arguments);
      args[0] = bind(o, cb);
      return origNextTick.apply(this, args as never);
    }, origNextTick) as typeof process.nextTick;
    const origQueue = g.queueMicrotask as Function;
    g.queueMicrotask = like(function (this: unknown, cb: unknown) {
      const o = current;
      if (o === undefined || typeof cb !== 'function') return origQueue.apply(this, arguments);
      return origQueue.call(this, bind(o, cb));
    }, origQueue);
  }

  // listeners
  const EE = EventEmitter.prototype as unknown as Record<string, Function>;
  const on = wrapListenerMethod(EE, 'on', false);
  EE.on = EE.addListener = on;
  for (const name of ['once', 'prependListener', 'prependOnceListener']) EE[name] = wrapListenerMethod(EE, name, false);
  const ETp = EventTarget.prototype as unknown as Record<string, Function>;
  ETp.addEventListener = wrapListenerMethod(ETp, 'addEventListener', true);

  // servers: net.Server (http, https, http2 inherit it); connections run outside owners
  const net = require('node:net') as { Server: { prototype: Record<string, Function> } };
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = like(function (this: object) {
    const o = als !== null ? als.getStore() : current;
    if (o === undefined) return listen.apply(this, arguments);
    const args = Array.prototype.slice.call(arguments);
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last];
      args[last] = function (this: unknown) {
        return runAs(o, () => cb.apply(this, arguments));
      };
    }
    const r = outsideOwners(() => listen.apply(this, args));
    add(o, new Entry(SERVER, this, null, null, null, false));
    return r;
  }, listen);

  // fs watchers
  const fs = require('node:fs') as Record<string, Function>;
  const watch = fs.watch,
    watchFile = fs.watchFile;
  unwatchFile = fs.unwatchFile as typeof unwatchFile;
  fs.watch = like(function (this: unknown) {
    const o = als !== null ? als.getStore() : current;
    if (o === undefined) return watch.apply(this, arguments);
    const w = outsideOwners(() => watch.apply(this, arguments));
    add(o, new Entry(WATCHER, w, null, null, null, false));
    return w;
  }, watch);
  fs.watchFile = like(function (this: unknown, filename: string) {
    const o = als !== null ? als.getStore() : current;
    if (o === undefined) return watchFile.apply(this, arguments);
    const w = outsideOwners(() => watchFile.apply(this, arguments));
    const listener = [...arguments].reverse().find((a) => typeof a === 'function') ?? null;
    add(o, new Entry(STAT_WATCHER, w, null, listener, filename, false));
    return w;
  }, watchFile);

  // child processes (exec calls execFile through the exports: tracked once)
  const cp = require('node:child_process') as Record<string, Function>;
  for (const name of ['spawn', 'fork', 'exec', 'execFile']) {
    const original = cp[name];
    cp[name] = like(function (this: unknown) {
      const o = als !== null ? als.getStore() : current;
      if (o === undefined) return original.apply(this, arguments);
      const child = outsideOwners(() => original.apply(this, arguments));
      const last = o.list?.[o.list.length - 1];
      if (child && !(last instanceof Entry && last.obj === child)) add(o, new Entry(CHILD, child, null, null, null, false));
      return child;
    }, original);
  }

  // workers
  const wt = require('node:worker_threads') as Record<string, unknown>;
  const Worker = wt.Worker as new (...a: unknown[]) => object;
  wt.Worker = new Proxy(Worker, {
    construct(target, args, newTarget) {
      const o = als !== null ? als.getStore() : current;
      if (o === undefined) return Reflect.construct(target, args, newTarget);
      const w = outsideOwners(() => Reflect.construct(target, args, newTarget));
      add(o, new Entry(WORKER, w, null, null, null, false));
      return w;
    },
  });

  // fetch (undici) keeps shared timers of its own: never let a statement own them
  const fetch = g.fetch as Function | undefined;
  if (typeof fetch === 'function')
    g.fetch = like(function (this: unknown) {
      return outsideOwners(() => fetch.apply(this, arguments));
    }, fetch);

  syncBuiltinESMExports();
}
