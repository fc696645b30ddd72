// The loader's transform of one file: JS (via SWC for TypeScript) → analysis → instrumented code with an
// inline source map back to the user's file. Deterministic: the runtime re-runs the same analysis.
import { createHash } from 'node:crypto';
import { analyze, type ModuleInfo } from './analyze.js';
import { applyEdits, composeMap, mapComment, type BaseMap } from './edits.js';
import { instrumentModule } from './instrument.js';
import { toJs } from './to-js.js';

export const TRANSFORM_VERSION = '1';

export function hashSource(source: string): string {
  return createHash('sha1').update(source).digest('base64url');
}

/** A short tag for a module URL (FNV-1a, base 36), part of its cell names. */
export function moduleTag(url: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export interface Analysed { js: string; base: BaseMap; info: ModuleInfo }

export function analyseSource(source: string, file: string): Analysed {
  const { js, base } = toJs(source, file);
  return { js, base, info: analyze(js) };
}

/** Instrumented module code, or null when the file is CommonJS (left to tsx/node). */
export function transformModule(source: string, file: string, url: string): string | null {
  const { js, base, info } = analyseSource(source, file);
  if (!info.hasModuleSyntax && info.usesCommonJs) return null;
  const { edits, prelude, appendix } = instrumentModule(info, hashSource(source), moduleTag(url));
  // the prelude goes first, after a hashbang line if there is one
  const at = js.startsWith('#!') ? js.indexOf('\n') + 1 || js.length : 0;
  edits.insert(at, prelude, -1);
  const sorted = edits.sorted();
  const code = applyEdits(js, sorted);
  const map = composeMap({ base, baseText: js, edits: sorted, source: url });
  return code + appendix + '\n' + mapComment(map) + '\n';
}
