// The runtime: instrumented modules register here as they start; saved files become patches.
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import { LINKS_CHANNEL, type LinkMessage } from '../common/links.js';
import type { JurigOptions } from '../common/options.js';
import { emit, installLogger, type JurigEvent } from './events.js';
import { installEffects, outsideOwners, setDisposeReporter } from './effects.js';
import { type Cell, cellText, classHome, type EvalHook, ModuleRecord } from './module-record.js';
import { filePath, MissingImport, Saves } from './saves.js';
import { StalePlan } from './save-rejected.js';
import { prefetchLater } from './off-thread.js';
import { followLines } from './stack-shift.js';
import { debuggerMayAttach, savedWithDebugger } from './debug-lines.js';
import type { WatchEvents } from './watcher.js';
import type { Plan } from './plan.js';
import { hostWatching, unrefWatchers, type Watching, workerWatching } from './watching.js';
import { installToString } from './to-string.js';
import { type ApplyResult, type RuntimeGlobal, runtimeGlobal, type SaveHook, setRuntimeGlobal } from './global.js';

const records = new Map<string, ModuleRecord>(); // by URL
const byFile = new Map<string, ModuleRecord>();
const byTag = new Map<string, ModuleRecord>(); // the loader's tag in cell names → module
const notLive = new Set<string>(); // files reported as not live (each once, whichever thread loaded it)
let options: JurigOptions;
let watcher: Watching | null = null;
let host: ReturnType<typeof hostWatching> | null = null; // the main thread watches for every thread
const pendingWatch: [string, string][] = [];
const pendingLinks: [string, string][] = [];
// modules imported through a symbolic link (loader/links.ts): their saves are read through the link
const linkOf = new Map<string, string>();
function listenForLinks(): void {
  const channel = new BroadcastChannel(LINKS_CHANNEL);
  channel.unref();
  channel.onmessage = (e) => {
    const m = (e as { data: LinkMessage }).data;
    if (m.t !== 'link' || linkOf.has(m.key)) return;
    linkOf.set(m.key, m.link);
    if (watcher) watcher.addLink(m.link, m.key);
    else pendingLinks.push([m.link, m.key]);
  };
}
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
async function planFor(rec: ModuleRecord, text: string): Promise<Plan> {
  const patch = await loadPatch();
  if (FAST_PATH) {
    const fast = fastModule ?? (fastModule = await import('./fast-path.js'));
    const region = regionModule ?? (regionModule = await import('./region.js'));
    if (!rec.state) await rec.runningAsync(); // the first save: a big running version is analysed off this thread
    const base = rec.running();
    const plan = fast.planFast(rec, text) ?? region.planRegion(rec, text);
    if (plan) {
      plan.base = base;
      // the whole new version is analysed once the program has answered, not on the way to the patch
      // (one pending timer per module, however fast the saves come)
      if (!idleAnalysis.has(rec)) {
        idleAnalysis.add(rec);
        setTimeout(() => {
          idleAnalysis.delete(rec);
          try {
            void rec.state?.an;
          } catch {
            /* the next save reports it */
          }
        }, 50).unref();
      }
      return plan;
    }
  }
  return patch.planSave(rec, text);
}
const loadPatch = async () => patchModule ?? (patchModule = await import('./patch.js'));

// Saves: which texts of a file to apply, and when (saves.ts)
const saves = new Saves({
  records: byFile,
  pathOf: (file) => linkOf.get(file) ?? file,
  debounce: () => options.debounce,
  patch: loadPatch,
  plan: planFor,
  apply,
});

const saveHooks = new Set<SaveHook>();
function callHooks(stage: 'before' | 'after', file: string, events: JurigEvent[] = []): void {
  for (const h of saveHooks) {
    try {
      h[stage]?.(file, events);
    } catch (e) {
      emit({
        type: 'error',
        file,
        line: 1,
        column: 1,
        message: `an ${stage === 'before' ? 'onBefore' : 'onAfter'} hook threw: ${(e as Error)?.stack ?? e}`,
        error: e,
      });
    }
  }
}

export function startRuntime(o: JurigOptions): RuntimeGlobal {
  const existing = runtimeGlobal();
  if (existing) return existing;
  options = o;
  installLogger(o.verbose);
  installEffects();
  setDisposeReporter(({ owner, summary, kept, errors }) => {
    if (Object.keys(summary).length) emit({ type: 'dispose', file: owner.file, line: owner.line, summary, kept });
    for (const error of errors)
      emit({
        type: 'error',
        file: owner.file,
        line: owner.line,
        column: 1,
        message: `undoing what this statement set up threw: ${(error as Error)?.stack ?? error}`,
        error,
      });
  });
  installToString(
    (index, tag) => {
      const cell = byTag.get(tag)?.initialCells[index];
      return cell && cellText.get(cell);
    },
    (cls) => {
      const home = classHome.get(cls);
      const state = home?.rec.state;
      if (!home || !state || home.rec.liveClasses(home.key).at(-1)?.ref.deref() !== cls) return undefined;
      const i = state.classKeys.indexOf(home.key);
      const node = i === -1 ? null : state.an.info.classes[i].node;
      return node ? state.an.js.slice(node.start, node.end) : undefined;
    },
  );
  const g: RuntimeGlobal = {
    m: registerModule,
    records,
    byFile,
    processFile: (f) => saves.process(f),
    applySource,
    hooks: saveHooks,
    close: async () => {
      await watcher?.close();
    },
    notLive: (file, reason) => {
      if (!notLive.has(file)) {
        notLive.add(file);
        emit({ type: 'warn', file, line: 0, message: `is not live: ${reason}` });
      }
    },
  };
  setRuntimeGlobal(g);
  // the watcher starts once the program is under way: a short script never pays for chokidar, and a file
  // saved before it is ready is compared when it is (WatchEvents.recheck)
  if (isMainThread) host = hostWatching(watchEvents, o.poll);
  if (isMainThread && process.env.NODE_ENV === 'production') {
    emit({
      type: 'warn',
      file: '',
      line: 0,
      message:
        'NODE_ENV is production, but jurig is a development tool: it instruments and watches your code and patches it as files change. Run production without it.',
    });
  }
  listenForLinks();
  setTimeout(() => void startWatcher(), 100).unref();
  return g;
}

function registerModule(meta: ImportMeta, hook: EvalHook, cells: Cell[], hash: string, tag: string): ModuleRecord {
  let source: string | null = null;
  const file = fileURLToPath(meta.url.replace(/[?#].*$/, ''));
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    /* deleted meanwhile: first save re-reads */
  }
  // (the text is kept by reference: no copy of each source)
  if (source !== null) {
    let mtime = -1;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      /* compare the text */
    }
    saves.seen.set(file, { mtime, text: source });
  }
  const rec = new ModuleRecord(meta.url, meta, hook, cells, hash, source);
  // a big module is analysed ahead of its first save, on the worker, unless something analysed it by then
  if (source !== null && isMainThread) prefetchLater(source, rec.file, () => rec.status === 'loaded');
  records.set(meta.url, rec);
  byFile.set(rec.file, rec);
  byTag.set(tag, rec);
  // (a module imported by a statement: jurig's own watching is not that statement's effect)
  outsideOwners(() => {
    if (watcher) watcher.add(rec.file);
    else pendingWatch.push([rec.file, rec.file]);
    emit({ type: 'watch', file: rec.file });
  });
  return rec;
}

// What the watcher reports to this thread (in a worker: what the main thread's watcher reports)
const watchEvents: WatchEvents = {
  change: (file) => saves.event(file),
  recheck: (files) => {
    for (const f of files) saves.recheck(f);
  },
  warn: (path, message) => emit({ type: 'warn', file: path, line: 0, message }),
};

async function startWatcher(): Promise<void> {
  unrefWatchers();
  const w = host ? await host.start() : await workerWatching(watchEvents, options.poll);
  watcher = w;
  for (const [path, key] of pendingWatch.splice(0)) w.add(path, key);
  for (const [link, key] of pendingLinks.splice(0)) w.addLink(link, key);
  // a save made between a module's load and now had no watcher to see it (in a worker, the main thread's
  // watcher may have reported it before this thread listened): compare each file with what runs
  setImmediate(() => {
    for (const file of byFile.keys()) saves.recheck(file);
  }).unref();
  // warm up the patch path (SWC, the analysis) while the program starts, not at the first save
  setTimeout(() => {
    void import('./fast-path.js').then(
      (m) => (fastModule = m),
      () => {},
    );
    void import('./region.js').then(
      (m) => (regionModule = m),
      () => {},
    );
    void import('./patch.js').then(
      (m) => (patchModule = m),
      () => {},
    );
  }, 200).unref();
}

/** Apply a plan: the API's hooks around it, then stack traces of unchanged code moved to their lines. */
async function apply(rec: ModuleRecord, plan: Plan): Promise<void> {
  const beforeState = rec.state!,
    before = beforeState.source;
  if (plan.base && rec.state !== plan.base) throw new StalePlan(); // (before the hooks: nothing to report)
  callHooks('before', rec.file);
  try {
    await patchModule!.applyPlan(rec, plan, resolveImport);
  } catch (e) {
    if (e instanceof StalePlan) callHooks('after', rec.file); // nothing was applied: no events
    throw e;
  }
  // with a debugger attached, code that moved is compiled again with maps of the lines it has now
  if (debuggerMayAttach()) savedWithDebugger(rec, beforeState, plan, patchModule!);
  followLines(rec, before, rec.state!.source);
  callHooks('after', rec.file, plan.events);
}

/**
 * Apply `text` as the new version of a watched module without reading or writing its file (the
 * Recoder and the API use this). Same plan/apply as a save: all or nothing.
 */
export async function applySource(file: string, next: string | ((running: string) => string)): Promise<ApplyResult> {
  const rec = byFile.get(file);
  if (!rec) return { ok: false, error: new Error(`${file} is not a module jurig instruments (was it imported?)`) };

  for (let tries = 1; ; tries++) {
    try {
      await loadPatch(); // (rec.running() needs the patch machinery loaded)
      const state = await rec.runningAsync();
      const text = typeof next === 'function' ? next(state.source) : next;
      if (state.source === text) return { ok: true };
      const plan = await planFor(rec, text);
      // a text made from the running version must be planned against that version, not one a save put
      // in its place meanwhile (it would undo that save)
      if (typeof next === 'function' && plan.base !== state) throw new StalePlan();
      await apply(rec, plan);
      return { ok: true };
    } catch (e) {
      if (e instanceof StalePlan && tries < 3) continue; // a save applied meanwhile: made and planned again
      return { ok: false, error: e as Error };
    }
  }
}

async function resolveImport(rec: ModuleRecord, spec: string): Promise<(name: string) => unknown> {
  let url: string | undefined, ns: Record<string, unknown>;
  try {
    url = rec.meta.resolve(spec);
    ns = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    // a file a checkout has not written yet: the save waits for it (saves.ts), nothing is applied
    if ((e as { code?: string })?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    const missing = /Cannot find module '([^']+)'/.exec((e as Error).message)?.[1] ?? (url && filePath(url));
    throw new MissingImport(spec, missing ? resolvePath(missing) : null, e as Error);
  }
  const target = records.get(url);
  return (name) => (name === '*' ? ns : target && !(name in ns) ? target.a[name] : ns[name]);
}
