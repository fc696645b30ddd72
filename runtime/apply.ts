// Applying a plan (runtime/plan.ts) between event-loop turns: bind new imports first (the only asynchronous
// part: a failure there changes nothing), swap cells, add and remove class members, dispose what replaced
// statements set up, then run the new or changed top-level statements in file order (a statement that
// throws is reported; the rest still applies).
import { disposeAll, Owner, runAs } from './effects.js';
import { emit } from './events.js';
import { cellText, type ModuleRecord } from './module-record.js';
import type { Plan } from './plan.js';
import { ownerLine } from './running-state.js';
import { StalePlan } from './save-rejected.js';

export async function applyPlan(
  rec: ModuleRecord,
  plan: Plan,
  resolveImport: (rec: ModuleRecord, spec: string) => Promise<(name: string) => unknown>,
): Promise<void> {
  // new imports first: they are the only asynchronous part, and a failure here changes nothing
  const binds: { local: string; get: () => unknown }[] = [];
  for (const im of plan.imports) {
    const read = await resolveImport(rec, im.specifier);
    for (const n of im.names) binds.push({ local: n.local, get: () => read(n.imported) });
  }
  // (the plan's analysis and the imports were awaited: another save may have applied meanwhile)
  if (plan.base && rec.state !== plan.base) throw new StalePlan();
  for (const b of binds) Object.defineProperty(rec.a, b.local, { get: b.get, configurable: true, enumerable: true });

  for (const u of plan.updates) {
    u.cell.p = u.fn;
    cellText.set(u.cell, u.text);
  }
  for (const key of plan.recreated ?? []) rec.virtuals.delete(key);
  for (const m of plan.deletes) if (m.key?.startsWith('#')) rec.virtuals.get(m.classPath)?.delete(m.key);
  for (const m of plan.adds)
    if (m.key?.startsWith('#')) {
      let table = rec.virtuals.get(m.classPath);
      if (!table) rec.virtuals.set(m.classPath, (table = new Map()));
      const v = table.get(m.key) ?? {};
      if (m.kind === 'get') v.get = m.fn;
      else if (m.kind === 'set') v.set = m.fn;
      else v.value = m.fn;
      table.set(m.key, v);
    }
  for (const m of plan.deletes)
    if (!m.key?.startsWith('#'))
      for (const target of memberTargets(rec, m.classPath, m.isStatic)) {
        const key = m.key ?? (rec.evalHook(m.keyCode!) as PropertyKey);
        delete (target as Record<PropertyKey, unknown>)[key];
      }
  for (const m of plan.adds)
    if (!m.key?.startsWith('#'))
      for (const target of memberTargets(rec, m.classPath, m.isStatic)) {
        const key = m.key ?? (rec.evalHook(m.keyCode!) as PropertyKey);
        const desc = Object.getOwnPropertyDescriptor(target, key) ?? { configurable: true, enumerable: false };
        if (m.kind === 'get') Object.defineProperty(target, key, { get: m.fn as () => unknown, set: desc.set, configurable: true, enumerable: false });
        else if (m.kind === 'set')
          Object.defineProperty(target, key, { get: desc.get, set: m.fn as (v: unknown) => void, configurable: true, enumerable: false });
        else Object.defineProperty(target, key, { value: m.fn, writable: true, configurable: true, enumerable: false });
      }
  rec.adopt(plan.next);
  rec.bindings = plan.bindings;
  rec.version++;
  for (const e of plan.events) emit(e);

  // function declarations first, as hoisting would have them
  const runs = [...plan.runs.filter((r) => r.functionDecl), ...plan.runs.filter((r) => !r.functionDecl)];
  // effects: what replaced and deleted statements set up is undone before anything runs again
  const disposing = disposeAll(plan.disposals);
  if (disposing) await disposing;
  for (const r of runs) {
    emit({ type: 'run', file: rec.file, line: r.line, text: r.shown });
    const owner = (plan.next.owners[r.index] = new Owner(rec.file, r.line));
    owner.locate = () => ownerLine(rec, owner);
    try {
      const result = runAs(owner, () => r.wrapper());
      if (r.isAsync) await result;
    } catch (error) {
      plan.next.failed.add(r.index);
      emit({
        type: 'error',
        file: rec.file,
        line: r.line,
        column: 1,
        message: `this statement threw; it runs again at the next save: ${userStack(error)}`,
        error,
      });
    }
  }
}

/** An error's stack without jurig's own frames below the statement (the user's code is what matters). */

function userStack(error: unknown): string {
  const stack = (error as Error)?.stack;
  if (typeof stack !== 'string') return String(error);
  const own = new URL('..', import.meta.url).pathname;
  return stack
    .split('\n')
    .filter((l) => !(l.trimStart().startsWith('at ') && l.includes(own)))
    .join('\n');
}

/** The `await` and `yield` expressions of fn itself (not of functions or classes inside it). */

function memberTargets(rec: ModuleRecord, classPath: string, isStatic: boolean): object[] {
  const out: object[] = [];
  for (const e of rec.liveClasses(classPath)) {
    const cls = e.ref.deref();
    if (cls) out.push(isStatic ? cls : cls.prototype);
  }
  return out;
}
