// The loader's transform of one file: JS (via SWC for TypeScript) → analysis → instrumented code with an
// inline source map back to the user's file. Deterministic: the runtime re-runs the same analysis.
import { analyze, type ModuleInfo, parseModule, parseScript } from './analyze.js';
import { applyEdits, cachedLineStarts, composeMap, lineIndex, mapComment, type BaseMap } from './edits.js';
import { instrumentModule } from './instrument.js';
import { toJs } from './to-js.js';

import { hashSource } from './hash.js';

export { hashSource };

/** A short tag for a module URL (FNV-1a, base 36), part of its cell names. */
export function moduleTag(url: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export type Format = 'module' | 'commonjs';
export interface Analysed { js: string; base: BaseMap; info: ModuleInfo; format: Format }

/**
 * The file as JavaScript, analysed, and whether it is an ES module or CommonJS: `.cjs`, or a `.js`/`.ts`
 * file that uses require/module/exports and has no import/export, is CommonJS. (`.cts` is left to tsx.)
 */
export function analyseSource(source: string, file: string): Analysed {
  const { js, base } = toJs(source, file);
  if (file.endsWith('.cjs')) return { js, base, info: analyze(js, parseScript(js)), format: 'commonjs' };
  let ast;
  try {
    ast = parseModule(js);
  } catch (moduleError) {
    if (file.endsWith('.mjs') || file.endsWith('.mts')) throw moduleError;
    let info;
    try { info = analyze(js, parseScript(js)); } catch { throw moduleError; }
    if (!info.usesCommonJs) throw moduleError; // not CommonJS either: report it as the module it looks like
    return { js, base, info, format: 'commonjs' };
  }
  const info = analyze(js, ast);
  const cjs = !info.hasModuleSyntax && info.usesCommonJs && !file.endsWith('.mjs') && !file.endsWith('.mts');
  return { js, base, info, format: cjs ? 'commonjs' : 'module' };
}

/** Where a JS offset of an analysed text is in the user's file, if a source map segment sits exactly there. */
export function sourceOffset(an: Analysed, source: string, jsOffset: number): number | null {
  if (an.js === source || an.base.length === 0) return jsOffset;
  const jsStarts = cachedLineStarts(an.js), srcStarts = cachedLineStarts(source);
  const l = lineIndex(jsStarts, jsOffset);
  const col = jsOffset - jsStarts[l];
  for (const seg of an.base[l] ?? []) if (seg[0] === col && seg.length >= 4) return srcStarts[seg[2]!] + seg[3]!;
  return null;
}

/** Instrumented code and its format for Node, or null to leave the file to tsx/node. */
export function transformModule(source: string, file: string, url: string): { code: string; format: Format } | null {
  if (file.endsWith('.cts')) return null;
  const { js, base, info, format } = analyseSource(source, file);
  const meta = format === 'module' ? 'import.meta' : `{url:${JSON.stringify(url)}}`;
  const { edits, prelude, appendix } = instrumentModule(info, hashSource(source), moduleTag(url), meta, format === 'module');
  // the prelude goes first: after a hashbang line and a directive prologue ('use strict') if any
  let at = js.startsWith('#!') ? js.indexOf('\n') + 1 || js.length : 0;
  for (const st of info.statements) { if (st.directive === undefined) break; at = st.end; }
  edits.insert(at, prelude, -1);
  const sorted = edits.sorted();
  const code = applyEdits(js, sorted);
  const map = composeMap({ base, baseText: js, edits: sorted, source: url });
  return { code: code + appendix + '\n' + mapComment(map) + '\n', format };
}
