/**
 * Line-shifted stack traces for code that jurig kept running after an edit.
 *
 * Problem: when lines are inserted/removed ABOVE an unchanged function, jurig keeps
 * the originally compiled code, so Node's source-mapped stack frames report the line
 * the function had at load time. `setLineShift` makes them report the current line.
 *
 * Measured facts (probe in /tmp/stackprobe, Node 20.20.2, 24.21.0, 26.10.0):
 * - With source maps on (process.setSourceMapsEnabled / --enable-source-maps), every
 *   consumer of the map looks up the SAME cached `SourceMap` instance that the public
 *   `module.findSourceMap(urlOrPath)` returns (it is stored on the cache entry):
 *   err.stack / uncaught printout / console.trace (prepareStackTraceWithSourceMaps),
 *   the uncaught "file:line + source line + ^" header (getSourceMapErrorSource on 20,
 *   internal/errors/error_source on 24+), util.getCallSites({sourceMap:true}) on 24+.
 *   All of them call `sm.findEntry(...)` as a method, and `findOrigin` calls
 *   `this.findEntry`. So one own-property override of `findEntry` on that instance
 *   shifts every one of them. Same on all three versions.
 * - The payload cannot be mutated: it is a private field and `payload` returns a clone.
 * - Overriding `Error.prepareStackTrace` also works (on 20.20.2, 24 and 26 it starts
 *   out as Node's default, which still source-maps), but you would have to re-parse
 *   the formatted text, it is replaced by any user/library that sets its own, and it
 *   costs more (see below). Not used.
 * - Direct eval() code with `//# sourceURL=...` + inline map is stored in a separate
 *   cache, but `module.findSourceMap(sourceURL)` returns its instance too, so the same
 *   override works for it; shifting a module never touches eval'd scripts' maps.
 * - Cost per err.stack read (µs; fresh Error thrown N frames deep in one mapped module,
 *   stackTraceLimit = N, best of 7x5000; shift = (l) => l + 3): no shift -> shifted.
 *     20.20.2: N=10 21.7 -> 22.7   N=50 101.1 -> 101.9
 *     24.21.0: N=10 19.8 -> 19.8   N=50  89.7 ->  90.4
 *     26.10.0: N=10 18.3 -> 18.7   N=50  84.7 ->  85.4
 *   i.e. within noise; Node's own mapping dominates. The prepareStackTrace+regex
 *   alternative measured 24.5/109.8 (20), 22.2/98.1 (24), 20.7/93.7 (26).
 *
 * Caveats:
 * - Only maps that already exist can be patched: call after the module was loaded
 *   (no-op otherwise). An err.stack that was already read keeps its old text.
 *   A new SourceMap instance for the same URL (e.g. a second eval with an identical
 *   sourceURL) is not patched; give each compilation its own URL.
 * - When `shift` returns null (line changed/deleted) the old line is reported unchanged.
 * - While a shift is active the source-line header of an uncaught error is read from
 *   the file on disk (we hide `sourcesContent`, which holds the load-time text and
 *   would print the wrong line at the new number). If the file is unreadable, Node
 *   prints the generated-code line there instead; the frames themselves are fine.
 * - Has no effect if someone installs a non-delegating Error.prepareStackTrace
 *   (Node's source mapping is bypassed then anyway).
 */
import { findSourceMap, type SourceMap } from 'node:module';
import { lineShift } from './line-map.js';

type Shift = (line: number) => number | null;
type Entry = { originalLine?: number };

interface State {
  shift: Shift | null;
}

// A symbol key keeps our bookkeeping invisible to anything enumerating the instance.
const kState = Symbol('jurig.stackShift');
type Patched = SourceMap & { [kState]?: State };

export function setLineShift(moduleUrl: string, shift: Shift | null): void {
  try {
    // findSourceMap itself accepts both a URL and an absolute path (it converts paths
    // with pathToFileURL), which matches how Node keys ESM (URL) and CJS (path) maps.
    const sm = findSourceMap(moduleUrl) as Patched | undefined;
    if (sm === undefined) return;
    const state = sm[kState] ?? (shift === null ? undefined : install(sm));
    if (state !== undefined) state.shift = shift;
  } catch {
    // Never let stack bookkeeping break user code: worst case lines stay unshifted.
  }
}

function install(sm: Patched): State {
  const state: State = { shift: null };
  // Capture the class methods once; the override is an own property, so the shared
  // prototype (used by every other module's map) stays untouched.
  const findEntry = sm.findEntry;
  const payloadGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(sm), 'payload')?.get;

  Object.defineProperty(sm, kState, { value: state });
  Object.defineProperty(sm, 'findEntry', {
    configurable: true,
    writable: true,
    value(this: SourceMap, lineOffset: number, columnOffset: number) {
      const entry = findEntry.call(this, lineOffset, columnOffset) as Entry;
      const shift = state.shift;
      // Node's findEntry returns a fresh object per call, so mutating it is safe.
      if (shift !== null && typeof entry.originalLine === 'number') {
        try {
          const line = shift(entry.originalLine + 1);
          if (typeof line === 'number' && Number.isInteger(line) && line >= 1) {
            entry.originalLine = line - 1;
          }
        } catch {
          // A throwing shift function must not turn into a broken stack trace.
        }
      }
      return entry;
    },
  });

  if (payloadGetter !== undefined) {
    // The uncaught-error header prints the source line from sourcesContent when
    // present; that is load-time text, so drop it while shifted and let Node read
    // the current file from disk instead.
    Object.defineProperty(sm, 'payload', {
      configurable: true,
      get(this: SourceMap) {
        const payload = payloadGetter.call(this) as { sourcesContent?: unknown };
        if (state.shift !== null) delete payload.sourcesContent;
        return payload;
      },
    });
  }
  return state;
}

// Stack traces of code still running from the loaded version report the lines it has now.
const loadedSources = new WeakMap<object, string>();
/** A save was applied to the module `rec` (`before` → `now`): its loaded code's frames follow the lines. */
export function followLines(rec: { url: string }, before: string, now: string): void {
  if (!loadedSources.has(rec)) loadedSources.set(rec, before);
  try {
    // worked out when a stack trace first needs it, not on the way to the patch
    const loaded = loadedSources.get(rec)!;
    let shift: ReturnType<typeof lineShift> | undefined;
    setLineShift(rec.url, loaded === now ? null : (line) => (shift === undefined ? (shift = lineShift(loaded, now)) : shift)?.(line) ?? line);
  } catch {
    /* stack shifting is best effort */
  }
}
