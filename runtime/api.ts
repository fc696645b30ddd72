// The programmatic side of jurig for programs running under it (watch, events, Recoder, conform, effects),
// shipped as `jurig/api` (entry/api.ts, which adds register() for tools that start jurig).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JurigEvent, type Listener, on as onEvent } from './events.js';
import { type EffectsApi, outsideOwners } from './effects.js';
import { conform as conformImpl, CONFORM, type ConformHandler, enableCarriers, rt } from './conform.js';
import { runtimeGlobal } from './global.js';
import { makeRecoder, OutOfSyncError, Recoder, type RecoderStatus } from './recoder.js';

export type { JurigEvent, Listener, ConformHandler, RecoderStatus };
export { makeRecoder, Recoder, OutOfSyncError, CONFORM };

/** Is this process running under jurig's loader? */
export function isActive(): boolean {
  return !!runtimeGlobal();
}

// ---------------------------------------------------------------------------------------------------
// Events

/**
 * Listen to everything jurig does: `watch` (a file is instrumented and watched), `update` / `add` /
 * `delete` (a definition, with its path like `Greeter.hello` and line), `run` (a top-level statement ran),
 * `warn`, `error` (with the error and, for compile errors, line, column and a code frame).
 * Returns a function that removes the listener.
 */
export function on(listener: Listener): () => void {
  return onEvent(listener);
}

// ---------------------------------------------------------------------------------------------------
// watch

export type Pattern = string | RegExp | ((file: string) => boolean) | (string | RegExp | ((file: string) => boolean))[];

export interface WatchOptions {
  /** ms to wait after a change before patching (for the files this watcher polls; see `poll`). */
  debounce?: number;
  /** Also poll the matched files every `poll` ms (for file systems where native events are missed). */
  poll?: number | null;
  /** Receives the events of the matched files (default: none; the CLI's own log still prints). */
  logger?: (event: JurigEvent) => void;
}

export interface SaveSummary {
  file: string;
  events: JurigEvent[];
}

export interface Watcher {
  /** Called before a save of a matched file is applied. Several listeners allowed. */
  onBefore(listener: (file: string) => void): () => void;
  /** Called after a save of a matched file is applied, with what changed. */
  onAfter(listener: (file: string, summary: SaveSummary) => void): () => void;
  /** Does this watcher cover `file`? */
  matches(file: string): boolean;
  stop(): Promise<void>;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const j = glob.indexOf('}', i);
      if (j > i) {
        re +=
          '(?:' +
          glob
            .slice(i + 1, j)
            .split(',')
            .map(esc)
            .join('|') +
          ')';
        i = j;
      } else re += esc(c);
    } else re += esc(c);
  }
  return new RegExp('^' + re + '$');
}
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A predicate for a pattern: a glob (relative to the cwd), a directory (everything under it), a RegExp,
 * a predicate, or a list of those. */
export function toFilter(pattern: Pattern | undefined): (file: string) => boolean {
  if (pattern === undefined) return () => true;
  if (Array.isArray(pattern)) {
    const fs = pattern.map(toFilter);
    return (f) => fs.some((x) => x(f));
  }
  if (typeof pattern === 'function') return pattern;
  if (pattern instanceof RegExp) return (f) => pattern.test(f);
  const p = pattern.startsWith('file:') ? fileURLToPath(pattern) : pattern;
  if (!/[*?{]/.test(p)) {
    const abs = resolve(p);
    return (f) => f === abs || f.startsWith(abs.endsWith('/') ? abs : abs + '/');
  }
  const re = globToRegExp(resolve(p).replace(/\\/g, '/'));
  return (f) => re.test(f.replace(/\\/g, '/'));
}

/**
 * Start watching, from inside a program running under jurig: patterns select which of the instrumented
 * files this watcher reports on (all of them by default); `onBefore`/`onAfter` run around every save of
 * those files, so a framework can re-register routes or re-render. An exception in a listener is reported
 * and does not stop patching.
 */
export function watch(pattern?: Pattern, options: WatchOptions = {}): Watcher {
  const g = rt();
  const matches = toFilter(pattern);
  const before = new Set<(file: string) => void>();
  const after = new Set<(file: string, summary: SaveSummary) => void>();
  const report = (what: string, _file: string, e: unknown) =>
    process.stderr.write(`jurig: a watch() ${what} listener threw (patching goes on): ${(e as Error)?.stack ?? e}\n`);
  const hook = {
    before(file: string) {
      if (!matches(file)) return;
      for (const l of before) {
        try {
          l(file);
        } catch (e) {
          report('onBefore', file, e);
        }
      }
    },
    after(file: string, events: JurigEvent[]) {
      if (!matches(file)) return;
      for (const l of after) {
        try {
          l(file, { file, events });
        } catch (e) {
          report('onAfter', file, e);
        }
      }
    },
  };
  g.hooks.add(hook);
  const offLog = options.logger
    ? onEvent((e) => {
        if (matches(e.file)) options.logger!(e);
      })
    : () => {};
  // polling, for the matched files, on top of the runtime's own watcher (the runtime ignores repeats)
  let poller: { close(): Promise<void> } | null = null;
  if (options.poll != null) {
    const interval = options.poll;
    const debounce = options.debounce ?? 0;
    // (jurig's own watching belongs to no statement: outside owners)
    outsideOwners(
      () =>
        void import('chokidar').then(({ watch: chok }) => {
          if (stopped) return;
          const files = [...g.byFile.keys()].filter(matches);
          const w = chok(files, { usePolling: true, interval, ignoreInitial: true });
          const timers = new Map<string, NodeJS.Timeout>();
          w.on('change', (f: string) => {
            clearTimeout(timers.get(f));
            timers.set(f, setTimeout(() => void g.processFile(f), debounce).unref());
          });
          const offWatch = onEvent((e) => {
            if (e.type === 'watch' && matches(e.file)) w.add(e.file);
          });
          poller = {
            close: async () => {
              offWatch();
              await w.close();
            },
          };
        }),
    );
  }
  let stopped = false;
  return {
    onBefore(l) {
      before.add(l);
      return () => before.delete(l);
    },
    onAfter(l) {
      after.add(l);
      return () => after.delete(l);
    },
    matches,
    async stop() {
      stopped = true;
      g.hooks.delete(hook);
      offLog();
      await (poller as { close(): Promise<void> } | null)?.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// conform

/**
 * Be told when the definition of `original` is patched (`handler(fn)`, fn runs the new code) or deleted
 * (`handler(null)`), to rebuild whatever was derived from it (a cache, a route table, compiled code).
 * A value can instead carry a `[Symbol.for('jurig.conform')](fn)` method: if it is what a module binding
 * or class member holds where a definition lives, it is called the same way. Returns an unregister function.
 */
export function conform(original: Function | object, handler?: ConformHandler): () => void {
  return conformImpl(original, handler);
}

// ---------------------------------------------------------------------------------------------------
// Effects: what a top-level statement sets up is undone before it runs again (runtime/effects.ts)

const effects = () => (globalThis as Record<symbol, EffectsApi | undefined>)[Symbol.for('jurig.effects')];
let warnedOutside = false;
function ownerFor(what: string) {
  const fx = effects();
  if (!fx || fx.mode === 'off') return undefined; // not under jurig (or JURIG_EFFECTS=off): nothing to do
  const o = fx.currentOwner();
  if (!o && !warnedOutside) {
    warnedOutside = true;
    process.stderr.write(
      `jurig warning: ${what}() was called outside the run of a top-level statement (or of code it started); it has no statement to attach to and does nothing\n`,
    );
  }
  return o;
}

/**
 * Register cleanup for the top-level statement that is running (or whose timers, callbacks or promise
 * continuations are running): `fn` runs once, before that statement runs again after a save, or when the
 * statement is deleted. If it returns a promise, the save waits for it (up to 5 s) before running the
 * statement again. Returns false (and does nothing) outside any statement's run, or not under jurig;
 * under jurig that case is warned once.
 */
export function onDispose(fn: () => unknown): boolean {
  if (typeof fn !== 'function') throw new TypeError('onDispose(fn): fn must be a function');
  const fx = effects();
  const o = ownerFor('onDispose');
  if (!o || !fx) return false;
  fx.addCleanup(o, fn);
  return true;
}

/**
 * Keep what the running top-level statement sets up when it runs again or is deleted: its timers,
 * listeners, servers… stay as they are (its onDispose callbacks still run). Returns false outside any
 * statement's run, or not under jurig.
 */
export function keepEffects(): boolean {
  const o = ownerFor('keepEffects');
  if (!o) return false;
  o.keep = true;
  return true;
}

export { liveRoutes } from './frameworks.js';

if (isActive()) enableCarriers();
