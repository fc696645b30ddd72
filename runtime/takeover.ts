// Taking over a definition's calls (the develoop, `--loop`/`--xloop` in cli/loop.ts): the definition's cell
// (the slot its guard reads for patched code) gets an accessor. Reading it gives the interceptor's wrapper;
// patches written to it are kept, and the wrapper's `call` runs them. So the takeover survives saves, and
// every reference to the function goes through it.
import { valueAt } from './conform.js';
import { runtimeGlobal } from './global.js';
import { on } from './events.js';
import type { ModuleRecord, RunningState } from './module-record.js';
import './running-state.js'; // rec.running() below

/** Called instead of the definition: `call()` runs its current code with the original `this` and
 * arguments; `args` are the arguments the caller passed. */
export type Interceptor = (call: () => unknown, args: unknown[]) => unknown;

/** Each instrumented module of this thread, now and as later ones start (by file). Returns a stop function. */
export function eachModule(fn: (file: string) => void): () => void {
  const off = on((e) => {
    if (e.type === 'watch') fn(e.file);
  });
  for (const file of runtimeGlobal()?.byFile.keys() ?? []) fn(file);
  return off;
}

/** Does the running module of `file` define `path` (`fn`, `Class.method`)? */
export function definesPath(file: string, path: string): boolean {
  const rec = runtimeGlobal()?.byFile.get(file);
  try {
    return !!rec && rec.running().an.info.defs.some((d) => d.path === path);
  } catch {
    return false;
  }
}

/**
 * Route every call of the definition `path` of `file`'s module through `intercept`.
 * 'missing': no such definition (yet); 'closure': it captures variables of an enclosing function, so one
 * cell serves many closures and cannot be taken over.
 */
export function intercept(file: string, path: string, intercept: Interceptor): 'ok' | 'missing' | 'closure' {
  const rec = runtimeGlobal()?.byFile.get(file);
  if (!rec) return 'missing';
  let state: RunningState;
  try {
    state = rec.running();
  } catch {
    return 'missing';
  }
  const d = state.an.info.defs.find((x) => x.path === path);
  if (!d) return 'missing';
  const entry = state.cells[d.index];
  const cell = entry.cell as { p: Function | undefined };
  const conv = entry.layout.conv;
  if (conv === 'factory') return 'closure';
  let patched: Function | undefined = cell.p;
  let bypass = false;
  function wrapper(this: unknown, ...a: unknown[]): unknown {
    // an arrow's cell is called as (accessor, this, ...args)
    const args = conv === 'arrow' ? a.slice(2) : a;
    const call = (): unknown => {
      if (patched) return conv === 'arrow' ? patched(a[0], a[1], ...args) : patched.apply(this, a);
      return callOriginal(
        rec!,
        path,
        this,
        args,
        () => {
          bypass = true;
        },
        () => {
          bypass = false;
        },
      );
    };
    return intercept(call, args);
  }
  Object.defineProperty(cell, 'p', {
    configurable: true,
    get() {
      if (bypass) {
        bypass = false;
        return undefined;
      }
      return wrapper;
    },
    set(v: Function | undefined) {
      patched = v;
    },
  });
  return 'ok';
}

/** The unpatched definition runs its own body: its guard must read the cell as empty, once. */
function callOriginal(rec: ModuleRecord, path: string, self: unknown, args: unknown[], bypass: () => void, done: () => void): unknown {
  const fn = valueAt(rec, path) as Function | undefined;
  if (typeof fn !== 'function') throw new Error(`jurig: cannot find ${path} to run it`);
  bypass();
  try {
    return fn.apply(self, args);
  } finally {
    done();
  }
}
