// The runtime: instrumented modules register here as they start; saved files become patches.
import { readFileSync, statSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { JurigOptions } from '../loader/options.js';
import { emit, installLogger, type JurigEvent } from './events.js';
import { installEffects, outsideOwners, setDisposeReporter } from './effects.js';
import { lineShift } from './line-map.js';
import { type Cell, cellText, classHome, type EvalHook, ModuleRecord } from './module-record.js';
import { setLineShift } from './stack-shift.js';
import { installToString } from './to-string.js';

const records = new Map<string, ModuleRecord>(); // by URL
const byFile = new Map<string, ModuleRecord>();
const byTag = new Map<string, ModuleRecord>(); // the loader's tag in cell names → module
const notLive = new Set<string>(); // files reported as not live (each once, whichever thread loaded it)
let options: JurigOptions;
let watcher: { add(file: string): void; close(): Promise<void> } | null = null;
const pendingWatch: string[] = [];
// kept after the first save: on Node 20 every dynamic import() is a round trip to the hooks thread
let patchModule: typeof import('./patch.js') | null = null;
let fastModule: typeof import('./fast-path.js') | null = null;
let regionModule: typeof import('./region.js') | null = null;
const FAST_PATH = !process.env.JURIG_NO_FASTPATH;

const idleAnalysis = new Set<ModuleRecord>();

/**
 * The plan for a save: the fast path for an edit inside one function body, else the region path for an edit
 * within some top-level statements, else the whole file.
 */
async function planFor(rec: ModuleRecord, text: string) {
  const patch = patchModule ?? (patchModule = await import('./patch.js'));
  if (FAST_PATH) {
    const fast = fastModule ?? (fastModule = await import('./fast-path.js'));
    const region = regionModule ?? (regionModule = await import('./region.js'));
    const plan = fast.planFast(rec, text) ?? region.planRegion(rec, text);
    if (plan) {
      // the whole new version is analysed once the program has answered, not on the way to the patch
      // (one pending timer per module, however fast the saves come)
      if (!idleAnalysis.has(rec)) {
        idleAnalysis.add(rec);
        setTimeout(() => { idleAnalysis.delete(rec); try { void rec.state?.an; } catch { /* the next save reports it */ } }, 50).unref();
      }
      return plan;
    }
  }
  return patch.planSave(rec, text);
}

export interface RuntimeGlobal {
  m(meta: ImportMeta, hook: EvalHook, cells: Cell[], hash: string, tag: string): ModuleRecord;
  records: Map<string, ModuleRecord>;
  byFile: Map<string, ModuleRecord>;
  processFile(file: string): Promise<void>;
  applySource(file: string, text: string): Promise<ApplyResult>;
  hooks: Set<SaveHook>; // jurig/api: called around every applied save (and applySource)
  close(): Promise<void>; // stop watching files
  notLive(file: string, reason: string): void; // the loader ran a file it could not instrument
}

// The file's mtime and text when last read: an event that changes neither is not a save
// (the text is kept by reference: no copy of each source)
const seenOnDisk = new Map<string, { mtime: number; text: string }>();
function onDisk(file: string, text: string): { mtime: number; text: string } {
  let mtime = -1;
  try { mtime = statSync(file).mtimeMs; } catch { /* gone: compare the text only */ }
  return { mtime, text };
}
function seenBefore(file: string, now: { mtime: number; text: string }): boolean {
  const seen = seenOnDisk.get(file);
  return seen !== undefined && seen.mtime === now.mtime && seen.text === now.text;
}

export interface SaveHook { before?(file: string): void; after?(file: string, events: JurigEvent[]): void }
const saveHooks = new Set<SaveHook>();
function callHooks(stage: 'before' | 'after', file: string, events: JurigEvent[] = []): void {
  for (const h of saveHooks) {
    try { h[stage]?.(file, events); } catch (e) { emit({ type: 'error', file, line: 1, column: 1, message: `an ${stage === 'before' ? 'onBefore' : 'onAfter'} hook threw: ${(e as Error)?.stack ?? e}`, error: e }); }
  }
}

export type ApplyResult = { ok: true } | { ok: false; error: Error & { line?: number; column?: number; frame?: string } };

export function runtime(): RuntimeGlobal | undefined {
  return (globalThis as Record<symbol, RuntimeGlobal | undefined>)[Symbol.for('jurig')];
}

export function startRuntime(o: JurigOptions): RuntimeGlobal {
  const existing = runtime();
  if (existing) return existing;
  options = o;
  installLogger(o.verbose);
  installEffects();
  setDisposeReporter(({ owner, summary, kept, errors }) => {
    if (Object.keys(summary).length) emit({ type: 'dispose', file: owner.file, line: owner.line, summary, kept });
    for (const error of errors) emit({ type: 'error', file: owner.file, line: owner.line, column: 1, message: `undoing what this statement set up threw: ${(error as Error)?.stack ?? error}`, error });
  });
  installToString((index, tag) => {
    const cell = byTag.get(tag)?.initialCells[index];
    return cell && cellText.get(cell);
  }, (cls) => {
    const home = classHome.get(cls);
    const state = home?.rec.state;
    if (!home || !state || home.rec.liveClasses(home.key).at(-1)?.ref.deref() !== cls) return undefined;
    const i = state.classKeys.indexOf(home.key);
    const node = i === -1 ? null : state.an.info.classes[i].node;
    return node ? state.an.js.slice(node.start, node.end) : undefined;
  });
  const g: RuntimeGlobal = {
    m: registerModule, records, byFile, processFile: (f) => saves.process(f), applySource, hooks: saveHooks,
    close: async () => { await watcher?.close(); },
    notLive: (file, reason) => { if (!notLive.has(file)) { notLive.add(file); emit({ type: 'warn', file, line: 0, message: `is not live: ${reason}` }); } },
  };
  (globalThis as Record<symbol, unknown>)[Symbol.for('jurig')] = g;
  // the watcher starts once the program is under way: a short script never pays for chokidar, and a file
  // saved before it is ready is compared when it is (FileWatcher's onReady)
  setTimeout(() => void startWatcher(), 100).unref();
  return g;
}

function registerModule(meta: ImportMeta, hook: EvalHook, cells: Cell[], hash: string, tag: string): ModuleRecord {
  let source: string | null = null;
  const file = fileURLToPath(meta.url.replace(/[?#].*$/, ''));
  try { source = readFileSync(file, 'utf8'); } catch { /* deleted meanwhile: first save re-reads */ }
  if (source !== null) seenOnDisk.set(file, onDisk(file, source));
  const rec = new ModuleRecord(meta.url, meta, hook, cells, hash, source);
  records.set(meta.url, rec);
  byFile.set(rec.file, rec);
  byTag.set(tag, rec);
  // (a module imported by a statement: jurig's own watching is not that statement's effect)
  outsideOwners(() => {
    if (watcher) watcher.add(rec.file); else pendingWatch.push(rec.file);
    emit({ type: 'watch', file: rec.file });
  });
  return rec;
}

// chokidar's fs watchers must not keep a program alive that would otherwise exit.
function unrefWatchers(): void {
  const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
  for (const name of ['watch', 'watchFile'] as const) {
    const original = fs[name] as (...args: unknown[]) => { unref?: () => void };
    (fs as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      const w = original.apply(this, args);
      if (new Error().stack?.includes(`${'/'}chokidar${'/'}`)) w?.unref?.();
      return w;
    };
  }
  syncBuiltinESMExports();
}

async function startWatcher(): Promise<void> {
  unrefWatchers();
  const { FileWatcher } = await import('./watcher.js');
  const w = new FileWatcher((file) => saves.event(file), options.poll, (files) => { for (const f of files) saves.recheck(f); });
  watcher = w;
  for (const f of pendingWatch.splice(0)) w.add(f);
  // warm up the patch path (SWC, the analysis) while the program starts, not at the first save
  setTimeout(() => {
    void import('./fast-path.js').then((m) => (fastModule = m), () => {});
    void import('./region.js').then((m) => (regionModule = m), () => {});
    void import('./patch.js').then((m) => (patchModule = m), () => {});
  }, 200).unref();
}

// ---------------------------------------------------------------------------------------------------
// Saves: one file at a time, last write wins; anything that deletes code waits out the debounce window,
// because an editor that truncates before writing looks like "everything was deleted" for a moment.

interface FileState { busy: boolean; again: boolean; reported: string | null; trailing: ReturnType<typeof setTimeout> | null; events: number }

// chokidar throttles events per path (5 ms, and 50 ms for changes) without a trailing event, so the last
// write of a burst can go unseen: once a burst has been quiet this long, the file is read once more.
const TRAILING_CHECK_MS = 80;

const saves = new (class {
  private states = new Map<string, FileState>();

  event(file: string): void {
    const st = this.state(file);
    st.events++;
    if (st.trailing) clearTimeout(st.trailing);
    st.trailing = setTimeout(() => { st.trailing = null; this.recheck(file); }, TRAILING_CHECK_MS);
    st.trailing.unref();
    if (st.busy) { st.again = true; return; }
    void this.process(file);
  }

  private state(file: string): FileState {
    let st = this.states.get(file);
    if (!st) this.states.set(file, (st = { busy: false, again: false, reported: null, trailing: null, events: 0 }));
    return st;
  }

  /** Process the file if its text differs from the running version (cheap when it does not). */
  recheck(file: string): void {
    const rec = byFile.get(file);
    if (!rec) return;
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { return; }
    if (text === (rec.state?.source ?? rec.loadedSource) || seenBefore(file, onDisk(file, text))) return;
    const st = this.state(file);
    if (st.busy) { st.again = true; return; }
    void this.process(file);
  }

  async process(file: string): Promise<void> {
    const rec = byFile.get(file);
    if (!rec) return;
    const st = this.state(file);
    if (st.busy) { st.again = true; return; }
    st.busy = true;
    try {
      const { SaveRejected, ensureState } = patchModule ?? (patchModule = await import('./patch.js'));
      // A file caught in the middle of a write can parse (cut at a statement boundary, or empty between an
      // in-place write's truncation and its data) and look like a save that deletes code, or not parse at
      // all. Either is acted on only once the same text has been read twice, `debounce` ms apart, with no
      // file event in between; a save that only changes or adds code applies at once.
      let confirming: string | null = null, confirmingEvents = -1;
      const confirmed = (text: string) => confirming === text && confirmingEvents === st.events;
      const startConfirming = (text: string) => { confirming = text; confirmingEvents = st.events; };
      for (;;) {
        st.again = false;
        let text: string;
        try { text = readFileSync(file, 'utf8'); } catch { break; }
        let running: string;
        try { running = ensureState(rec).source; } catch (e) { this.report(rec, st, e, SaveRejected, ''); break; }
        const key = onDisk(file, text);
        if (text === running || seenBefore(file, key)) { seenOnDisk.set(file, key); break; } // a live patch (Recoder) survives events that are not saves
        let plan;
        try {
          plan = await planFor(rec, text);
        } catch (e) {
          if (!confirmed(text)) { startConfirming(text); await sleep(options.debounce); continue; }
          this.report(rec, st, e, SaveRejected, text);
          if (!st.again) break;
          continue;
        }
        const risky = text.trim() === '' || plan.events.some((e) => e.type === 'delete');
        if (risky && !confirmed(text)) { startConfirming(text); await sleep(options.debounce); continue; }
        confirming = null;
        if (st.again) continue; // a newer write arrived while planning
        st.reported = null;
        await apply(rec, plan);
        seenOnDisk.set(file, key);
        if (!st.again) break;
      }
    } catch (e) {
      process.stderr.write(`jurig: internal error while patching ${file}: ${(e as Error)?.stack ?? e}\n`);
    } finally {
      st.busy = false;
    }
  }

  private report(rec: ModuleRecord, st: FileState, e: unknown, Rejected: Function, text: string): void {
    if (e instanceof Rejected) {
      const r = e as Error & { line: number; column: number; frame: string };
      const key = text + '\0' + r.message;
      if (st.reported === key) return;
      st.reported = key;
      emit({ type: 'error', file: rec.file, line: r.line, column: r.column, message: r.message + ' (nothing was changed)', frame: r.frame });
    } else throw e;
  }
})();

/** Apply a plan: the API's hooks around it, then stack traces of unchanged code moved to their lines. */
async function apply(rec: ModuleRecord, plan: import('./patch.js').Plan): Promise<void> {
  const before = rec.state!.source;
  callHooks('before', rec.file);
  await patchModule!.applyPlan(rec, plan, resolveImport);
  updateLineShifts(rec, before);
  callHooks('after', rec.file, plan.events);
}

/**
 * Apply `text` as the new version of a watched module without reading or writing its file (the
 * Recoder and the API use this). Same plan/apply as a save: all or nothing.
 */
export async function applySource(file: string, text: string): Promise<ApplyResult> {
  const rec = byFile.get(file);
  if (!rec) return { ok: false, error: new Error(`${file} is not a module jurig instruments (was it imported?)`) };
  const { ensureState } = patchModule ?? (patchModule = await import('./patch.js'));
  try {
    if (ensureState(rec).source === text) return { ok: true };
    await apply(rec, await planFor(rec, text));
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

async function resolveImport(rec: ModuleRecord, spec: string): Promise<(name: string) => unknown> {
  const url = rec.meta.resolve(spec);
  const ns = (await import(url)) as Record<string, unknown>;
  const target = records.get(url);
  return (name) => (name === '*' ? ns : target && !(name in ns) ? target.a[name] : ns[name]);
}

// Stack traces of code still running from the loaded version report the lines it has now.
const loadedSources = new Map<ModuleRecord, string>();
function updateLineShifts(rec: ModuleRecord, before: string): void {
  if (!loadedSources.has(rec)) loadedSources.set(rec, before);
  try {
    setLineShift(rec.url, lineShift(loadedSources.get(rec)!, rec.state!.source));
  } catch { /* stack shifting is best effort */ }
}
