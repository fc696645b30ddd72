// A save that edits places far apart (a function at the top of the file and another in the middle) is
// planned as separate hunks, each by the fast or the region path, instead of one region that spans
// everything in between. The hunks are cut at unchanged top-level statements found again in the new text.
// Each hunk is planned on the version the hunks before it make; the plans are merged into one, applied
// all at once like any save. Only when every hunk edits statements in place (none added, none removed,
// each paired with its running statement): then no statement can move from one hunk to another, where
// per-hunk planning would see a deletion and an addition instead of an unchanged statement.
import type { ModuleRecord } from './module-record.js';
import type { Plan } from './patch.js';
import { chunkStarts } from './region.js';
import { textChange } from './text-change.js';

/** old[from, to) became new[nfrom, nto). */
export interface Hunk { from: number; to: number; nfrom: number; nto: number }

// an unchanged statement shorter than this does not cut (`}` or `x++;` may be found anywhere)
const MIN_ANCHOR = 48;

/** The hunks of a save, cut at unchanged statements (a single hunk when none is found between changes). */
export function hunksOf(old: string, neu: string, starts: number[]): Hunk[] {
  const { a, oldEnd, newEnd } = textChange(old, neu);
  const hunks: Hunk[] = [];
  let from = a, nfrom = a;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i], e = i + 1 < starts.length ? starts[i + 1] : old.length;
    if (s <= from || e >= oldEnd || e - s < MIN_ANCHOR) continue;
    const p = neu.indexOf(old.slice(s, e), nfrom);
    if (p < nfrom || p === 0 || p + (e - s) >= newEnd || neu.charCodeAt(p - 1) !== 10) continue;
    hunks.push({ from, to: s, nfrom, nto: p });
    from = e;
    nfrom = p + (e - s);
  }
  hunks.push({ from, to: oldEnd, nfrom, nto: newEnd });
  return hunks;
}

/**
 * Plan a save hunk by hunk with `planOne` (the fast or region planner), or null when it has fewer than two
 * hunks, or a hunk cannot be planned in place (the caller plans the save as a whole).
 */
export function planHunks(rec: ModuleRecord, neu: string, planOne: (text: string) => Plan | null): Plan | null {
  const state = rec.state;
  if (!state || state.failed.size) return null;
  const old = state.source;
  const starts = chunkStarts(state.an, old);
  if (!starts) return null;
  const hunks = hunksOf(old, neu, starts);
  if (hunks.length < 2) return null;
  const plans: Plan[] = [];
  const bindings = rec.bindings;
  try {
    for (const h of hunks) {
      // the text once this hunk is applied: the new text up to its end, the old text after it
      const text = h === hunks[hunks.length - 1] ? neu : neu.slice(0, h.nto) + old.slice(h.to);
      const plan = planOne(text);
      if (!plan || !plan.inPlace) return null;
      plans.push(plan);
      // the next hunk is planned on the version this one makes (nothing is applied yet)
      rec.state = plan.next;
      rec.bindings = plan.bindings;
    }
  } catch {
    return null; // an intermediate text the whole file would not have (the whole save decides, and reports)
  } finally {
    rec.state = state;
    rec.bindings = bindings;
  }
  return mergePlans(plans);
}

/** One plan doing what `plans` do one after the other (statements keep their indices: all in place). */
function mergePlans(plans: Plan[]): Plan {
  const last = plans[plans.length - 1];
  const all = <K extends keyof Plan>(k: K) => plans.flatMap((p) => (p[k] ?? []) as never[]);
  return {
    ...last,
    updates: all('updates'), adds: all('adds'), deletes: all('deletes'), runs: all('runs'),
    imports: all('imports'), events: all('events'), recreated: all('recreated'),
    // undone last first, as one save would: the later hunks' statements first
    disposals: [...plans].reverse().flatMap((p) => p.disposals),
    drops: plans.some((p) => p.drops),
    inPlace: true,
  };
}
