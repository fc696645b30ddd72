// A debugger that is true after every save. V8 keeps the source map a script had when it was parsed: once a
// save adds lines above a function that did not change, the debugger still places that function's code on
// its old lines (a breakpoint on `const y = x + 1;` stops at `return y`). stack-shift.ts corrects err.stack,
// which a debugger never reads. So while a debugger can be attached (the inspector is open: `--inspect`,
// `inspector.open()`), every definition whose text moved or changed in a way that did not make it an update
// (lines added above it, blank lines inside it) is compiled again from the saved text, as a patch is: a new
// script `lib.ts?jurig=N` with its own, right map, put in its cell. Breakpoints then bind to the code that
// runs. Stepping into a patched function does not stop in jurig's guard: the guard maps to an ignore-listed
// source (compiler/edits.ts).
//
// JURIG_DEBUGGER=1 turns this on without the inspector being open (a session that connects in-process,
// `new inspector.Session().connect()`), =0 off.
import { createRequire } from 'node:module';
import type { Def } from '../compiler/analyze.js';
import type { Cell, CellEntry, ModuleRecord, RunningState } from './module-record.js';
import type { Plan } from './patch.js';

type PatchModule = typeof import('./patch.js');

let inspectorUrl: (() => string | undefined) | undefined;
export function debuggerMayAttach(): boolean {
  const env = process.env.JURIG_DEBUGGER;
  if (env === '0') return false;
  if (env === '1') return true;
  // (required here: a Node built without the inspector throws on loading node:inspector)
  try {
    return (inspectorUrl ??= (createRequire(import.meta.url)('node:inspector') as typeof import('node:inspector')).url)() !== undefined;
  } catch {
    return false;
  }
}

/** What the last recompilation did, for measurements (bench/debugger-realign.mjs). */
export const lastRealign = { defs: 0, ms: 0 };

// Per module: `aligned`, the version every cell's running code was compiled for, but for the cells in
// `newer`, which saves since gave code compiled for a later version. The recompilation runs a little after
// a save (off the way from the save to the program's next answer), once for saves that come together.
interface Track {
  aligned: RunningState;
  newer: Map<Cell, RunningState>;
  timer: ReturnType<typeof setTimeout> | null;
}
const tracks = new WeakMap<ModuleRecord, Track>();
const DELAY_MS = 30;

/** After `plan` took `rec` from `before` to its running state. */
export function savedWithDebugger(rec: ModuleRecord, before: RunningState, plan: Plan, patch: PatchModule): void {
  let t = tracks.get(rec);
  if (!t) tracks.set(rec, (t = { aligned: before, newer: new Map(), timer: null }));
  const now = rec.state!;
  for (const u of plan.updates) t.newer.set(u.cell, now);
  if (t.timer) return;
  const track = t;
  t.timer = setTimeout(() => {
    track.timer = null;
    try {
      realign(rec, track, patch);
    } catch {
      /* best effort: stays as it was */
    }
  }, DELAY_MS);
  t.timer.unref();
}

/**
 * Compile again each definition whose code in the running program was compiled for lines that are not its
 * lines now. A definition that cannot be compiled on its own keeps its code (and its old lines).
 */
function realign(rec: ModuleRecord, t: Track, patch: PatchModule): void {
  const t0 = performance.now();
  const after = rec.state;
  if (!after) return;
  const byVersion = new Map<RunningState, Map<Cell, Def>>();
  const defOf = (v: RunningState, cell: Cell): Def | undefined => {
    let m = byVersion.get(v);
    if (!m) {
      byVersion.set(v, (m = new Map()));
      for (const d of v.an.info.defs) {
        const e = v.cells[d.index];
        if (e) m.set(e.cell, d);
      }
    }
    return m.get(cell);
  };
  const an = after.an,
    info = an.info;
  const span = (a: typeof an, d: Def) => [patch.originalPos(a, d.start).line, patch.originalPos(a, Math.max(d.start, d.end - 1)).line];
  const moved: Def[] = [];
  for (const d of info.defs) {
    const entry: CellEntry | undefined = after.cells[d.index];
    if (!entry) continue;
    const v: RunningState = t.newer.get(entry.cell) ?? t.aligned;
    if (v === after) continue;
    const o = defOf(v, entry.cell);
    if (!o) continue; // new code: compiled for these lines
    const [a0, a1] = span(v.an, o),
      [b0, b1] = span(an, d);
    // its first or last line moved: lines added or removed above it or inside it (an edit that keeps the
    // lines where they were, in it or in a definition inside it, leaves its code on the right lines)
    if (a0 === b0 && a1 === b1) continue;
    moved.push(d);
  }
  let count = 0;
  if (moved.length) {
    const virtualPrivate = patch.virtualPrivateFor(info, after.classKeys, after.realPrivates);
    const compiler = () =>
      patch.makeCompiler({
        rec,
        an,
        bindings: rec.bindings!,
        cellFor: (d) => after.cells[d.index],
        classKey: (c) => after.classKeys[c.index],
        virtualPrivate,
        reject: (message) => {
          throw new Error(message);
        },
      });
    // all together (one script, one map); if that fails, one by one, so only what cannot compile keeps its code
    const compileAll = (defs: Def[]): [Cell, Function][] => {
      const { compileDef, flush } = compiler();
      const codes: [Cell, { fn: Function }][] = [];
      for (const d of defs) {
        const entry = after.cells[d.index];
        codes.push([entry.cell, compileDef(d, entry.layout, null)]);
      }
      flush();
      return codes.map(([cell, code]) => [cell, code.fn]);
    };
    let made: [Cell, Function][] = [];
    try {
      made = compileAll(moved);
    } catch {
      for (const d of moved) {
        try {
          made.push(...compileAll([d]));
        } catch {
          /* keeps its code */
        }
      }
    }
    for (const [cell, fn] of made) cell.p = fn;
    count = made.length;
  }
  t.aligned = after;
  t.newer.clear();
  lastRealign.defs = count;
  lastRealign.ms = performance.now() - t0;
  // (for bench/debugger-realign.mjs)
  if (process.env.JURIG_REALIGN_LOG) process.stderr.write(`jurig realign: ${count} definitions in ${lastRealign.ms.toFixed(2)} ms\n`);
}
