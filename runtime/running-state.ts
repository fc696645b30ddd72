// A module's running version, analysed lazily: a module starts with only its loaded text (ModuleRecord
// status 'loaded'); the first save, the REPL or a --loop analyses it once (status 'analysed'), and every
// applied save replaces it.
import { exportedNames } from '../compiler/analyze.js';
import { type Analysed, analyseSource, hashSource, originalPos } from '../compiler/index.js';
import { exportedLocals, layoutOf } from '../compiler/instrument.js';
import { loadedOwners, type Owner } from './effects.js';
import { ModuleRecord, type RunningState } from './module-record.js';
import { analyseOffThread } from './off-thread.js';
import { SaveRejected } from './save-rejected.js';
import { privateNames } from './structure.js';

ModuleRecord.analyse = analyseLoaded;
ModuleRecord.analyseAsync = analyseLoadedAsync;

export function analyseLoaded(rec: ModuleRecord, source: string): RunningState {
  checkLoaded(rec, source);
  return stateOf(rec, source, analyseSource(source, rec.file));
}

/** analyseLoaded with a big text analysed off this thread; if something analysed it meanwhile, that stands. */
export async function analyseLoadedAsync(rec: ModuleRecord, source: string): Promise<RunningState> {
  checkLoaded(rec, source);
  const an = await analyseOffThread(source, rec.file);
  return rec.state ?? stateOf(rec, source, an);
}

function checkLoaded(rec: ModuleRecord, source: string): void {
  if (hashSource(source) !== rec.hash) {
    throw new SaveRejected('the file changed between loading and the first save; restart to pick up that change', 1, 1, '');
  }
}

function stateOf(rec: ModuleRecord, source: string, an: Analysed): RunningState {
  const cells = an.info.defs.map((d) => ({ cell: rec.initialCells[d.index], layout: layoutOf(d, an.js), kind: d.kind }));
  rec.bindings = new Set(an.info.moduleScope.decls.keys());
  const exported = exportedLocals(an.info);
  rec.consts = new Set([...an.info.moduleScope.decls.values()].filter((b) => b.kind === 'const' && !exported.has(b.name)).map((b) => b.name));
  const classKeys = an.info.classes.map((c) => c.path);
  const realPrivates = new Map(an.info.classes.map((c, i) => [classKeys[i], privateNames(c)]));
  const state: RunningState = {
    source,
    an,
    cells,
    classKeys,
    failed: new Set(),
    exports: exportedNames(an.info.statements),
    retired: new Map(),
    realPrivates,
    owners: loadedOwners(rec),
  };
  for (const o of state.owners) if (o) o.locate = () => ownerLine(rec, o);
  return state;
}

/** The line of the statement whose owner `o` is in the running version (0: none holds it any more). */
export function ownerLine(rec: ModuleRecord, o: Owner): number {
  const s = rec.state;
  const i = s ? s.owners.indexOf(o) : -1;
  return i < 0 ? 0 : originalPos(s!.an, s!.an.info.statements[i].start).line;
}
