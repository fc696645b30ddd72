// The loader's transform of one file: JS (via SWC for TypeScript) → analysis → instrumented code with an
// inline source map back to the user's file. Deterministic: the runtime re-runs the same analysis.
import { analyze, type ModuleInfo } from './analyze.js';
import { type ImportDeclaration, isDirective, parseModule, parseScript, type Program, specifierName } from './ast.js';
import { applyEdits, cachedLineStarts, composeMap, lineIndex, mapComment, type BaseMap } from './edits.js';
import { instrumentModule } from './instrument.js';
import { CompileError, toJs } from './to-js.js';
import { commonJsByPackage } from './package-type.js';

import { hashSource } from './hash.js';
import { CREATE_REQUIRE } from './names.js';

export { hashSource };

/** A short tag for a module URL (FNV-1a, base 36), part of its cell names. */
export function moduleTag(url: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export type Format = 'module' | 'commonjs';
export interface Analysed {
  js: string;
  base: BaseMap;
  info: ModuleInfo;
  format: Format;
}

/** A file jurig runs but cannot make live (it is left to tsx); the message says why. A save that turns a
 * file into one is refused with it. */
export class NotLive extends CompileError {
  constructor(message: string) {
    super(message, 1, 1, '');
  }
}

const CJS_GLOBALS = ['require', '__filename', '__dirname'];
const CJS_EXPORTS = new Set(['module', 'exports']);

/** The free (global) names among require/module/exports/__filename/__dirname the code uses. */
function freeCommonJsNames(info: ModuleInfo): Set<string> {
  const out = new Set<string>();
  if (info.usesCommonJs) for (const r of info.refs) if (!r.binding && (CJS_EXPORTS.has(r.name) || CJS_GLOBALS.includes(r.name))) out.add(r.name);
  return out;
}

/**
 * The file as JavaScript, analysed, and whether it runs as an ES module or as CommonJS:
 * - `.cjs`/`.cts`, and `.js`/`.ts`/`.jsx`/`.tsx` files that use require/module/exports with no
 *   import/export, are CommonJS;
 * - files with import/export are ES modules. Where tsx would run one as CommonJS (no `"type": "module"`),
 *   `require`, `__filename` and `__dirname` are defined in it (see transformModule); one that also uses
 *   `module`/`exports` is left to tsx (NotLive), as is import/export in a `.cjs`/`.cts` file.
 */
export function analyseSource(source: string, file: string): Analysed {
  const { js, base } = toJs(source, file, /\.c[jt]s$/.test(file) ? 'commonjs' : 'module');
  if (/\.c[jt]s$/.test(file)) {
    let ast: Program;
    try {
      ast = parseScript(js);
    } catch (scriptError) {
      let esm = false;
      try {
        esm = analyze(js, parseModule(js)).hasModuleSyntax;
      } catch {
        /* a plain syntax error */
      }
      if (esm) throw new NotLive('it uses import/export in a CommonJS file (tsx compiles it to require)');
      throw scriptError;
    }
    const info = analyze(js, ast);
    return { js, base, info, format: 'commonjs' };
  }
  let ast: Program;
  try {
    ast = parseModule(js);
  } catch (moduleError) {
    if (file.endsWith('.mjs') || file.endsWith('.mts')) throw moduleError;
    let info: ModuleInfo;
    try {
      info = analyze(js, parseScript(js));
    } catch {
      throw moduleError;
    }
    if (!info.usesCommonJs) throw moduleError; // not CommonJS either: report it as the module it looks like
    return { js, base, info, format: 'commonjs' };
  }
  const info = analyze(js, ast);
  const esmOnly = file.endsWith('.mjs') || file.endsWith('.mts');
  if (info.usesCommonJs && !esmOnly && onlyJsxRuntimeImports(info)) {
    // CommonJS JSX: the import is SWC's (automatic runtime); compiled for CommonJS it is a require()
    const cjs = toJs(source, file, 'commonjs');
    try {
      const cjsInfo = analyze(cjs.js, parseScript(cjs.js));
      if (!cjsInfo.hasModuleSyntax) return { js: cjs.js, base: cjs.base, info: cjsInfo, format: 'commonjs' };
    } catch {
      /* not a script after all: an ES module */
    }
  }
  if (info.hasModuleSyntax && !esmOnly && info.usesCommonJs) {
    const free = freeCommonJsNames(info);
    if (free.has('module') || free.has('exports')) throw new NotLive('it mixes import/export with module.exports/exports (tsx compiles it to CommonJS)');
  }
  const cjs = !info.hasModuleSyntax && info.usesCommonJs && !esmOnly;
  return { js, base, info, format: cjs ? 'commonjs' : 'module' };
}

/** Where a JS offset of an analysed text is in the user's file, if a source map segment sits exactly there. */
export function sourceOffset(an: Analysed, source: string, jsOffset: number): number | null {
  return sourceOffsets(an, source)(jsOffset);
}

/** sourceOffset for many offsets of one version: the line tables are looked up once. */
export function sourceOffsets(an: Analysed, source: string): (jsOffset: number) => number | null {
  if (an.js === source || an.base.length === 0) return (o) => o;
  const jsStarts = cachedLineStarts(an.js),
    srcStarts = cachedLineStarts(source);
  return (jsOffset) => {
    const l = lineIndex(jsStarts, jsOffset);
    const col = jsOffset - jsStarts[l];
    for (const seg of an.base[l] ?? []) if (seg[0] === col && seg.length >= 4) return srcStarts[seg[2]!] + seg[3]!;
    return null;
  };
}

/** Module syntax made only of imports from a JSX runtime (`react/jsx-runtime`, `<source>/jsx-dev-runtime`). */
function onlyJsxRuntimeImports(info: ModuleInfo): boolean {
  if (!info.hasModuleSyntax) return false;
  const moduleSyntax = info.statements.filter((st) => st.type === 'ImportDeclaration' || st.type.startsWith('Export'));
  return moduleSyntax.length > 0 && moduleSyntax.every((st) => st.type === 'ImportDeclaration' && /\/jsx-(dev-)?runtime$/.test(String(st.source.value)));
}

/**
 * The declarations that give an ES module that tsx would run as CommonJS the `require`, `__filename`
 * and `__dirname` it has under tsx (names the module declares itself are left alone).
 */
function commonJsScope(info: ModuleInfo, file: string): string {
  if (!commonJsByPackage(file)) return '';
  const names = CJS_GLOBALS.filter((n) => !info.moduleScope.decls.has(n));
  if (names.length === 0) return '';
  const value: Record<string, string> = { require: `${CREATE_REQUIRE}(import.meta.url)`, __filename: 'import.meta.filename', __dirname: 'import.meta.dirname' };
  const imp = names.includes('require') ? `import{createRequire as ${CREATE_REQUIRE}}from"node:module";` : '';
  return `${imp}const ${names.map((n) => `${n}=${value[n]}`).join(',')};`;
}

/**
 * A definition compiled alone (the fast path) may get imports from SWC: the automatic JSX runtime imports
 * its helpers (`_jsx`, `_jsxs`, `_Fragment`). When the running version imports each of them under the same
 * name from the same module, the snippet's program without its imports, so those names resolve to the
 * running module's bindings; otherwise null.
 */
export function withoutBoundImports(program: Program, running: ModuleInfo): Program | null {
  const imports = program.body.filter((st) => st.type === 'ImportDeclaration');
  if (imports.length === 0) return program;
  const key = (source: unknown, sp: ImportDeclaration['specifiers'][number]) =>
    `${String(source)}\0${sp.type}\0${sp.type === 'ImportSpecifier' ? specifierName(sp.imported) : ''}\0${sp.local.name}`;
  const have = new Set<string>();
  for (const st of running.statements) if (st.type === 'ImportDeclaration') for (const sp of st.specifiers) have.add(key(st.source.value, sp));
  for (const st of imports) for (const sp of st.specifiers) if (!have.has(key(st.source.value, sp))) return null;
  return { ...program, body: program.body.filter((st) => st.type !== 'ImportDeclaration') };
}

export type Transformed = { code: string; format: Format } | { notLive: string };

/** Instrumented code and its format for Node, or why the file is left to tsx. */
export function transformModule(source: string, file: string, url: string): Transformed {
  let an: Analysed;
  try {
    an = analyseSource(source, file);
  } catch (e) {
    if (e instanceof NotLive) return { notLive: e.message };
    throw e;
  }
  const { js, base, info, format } = an;
  const meta = format === 'module' ? 'import.meta' : `{url:${JSON.stringify(url)}}`;
  const { edits, prelude, appendix } = instrumentModule(info, hashSource(source), moduleTag(url), meta, format === 'module');
  // the prelude goes first: after a hashbang line and a directive prologue ('use strict') if any
  let at = js.startsWith('#!') ? js.indexOf('\n') + 1 || js.length : 0;
  for (const st of info.statements) {
    if (!isDirective(st)) break;
    at = st.end;
  }
  edits.insert(at, (format === 'module' ? commonJsScope(info, file) : '') + prelude, -1);
  const sorted = edits.sorted();
  const code = applyEdits(js, sorted);
  const map = composeMap({ base, baseText: js, edits: sorted, source: url });
  return { code: code + appendix + '\n' + mapComment(map) + '\n', format };
}

/** The position in the original source (1-based) of an offset in `an.js`, through SWC's map. */
export function originalPos(an: Analysed, offset: number): { line: number; column: number } {
  const starts = cachedLineStarts(an.js);
  const l = lineIndex(starts, offset);
  const col = offset - starts[l];
  const segs = an.base[l] ?? [];
  let best: readonly number[] | null = null;
  for (const s of segs) {
    if (s[0] <= col && s.length >= 4) best = s;
    else if (s[0] > col) break;
  }
  if (!best)
    for (let k = l - 1; k >= 0 && !best; k--) {
      const prev = an.base[k];
      if (prev?.length) best = prev[prev.length - 1];
    }
  return best && best.length >= 4 ? { line: best[2] + 1, column: best[3] + 1 } : { line: l + 1, column: col + 1 };
}
