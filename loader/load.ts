// The one decision the loader makes: is this URL a module jurig instruments? If so, its instrumented
// source (from the cache or freshly transformed). Used by both hook styles and by the CommonJS compile
// (loader/commonjs.ts).
import { readFileSync, realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransformCache } from './cache.js';
import type { JurigOptions } from '../common/options.js';
import { createRequire } from 'node:module';
import { tsOptionsFor } from '../compiler/ts-options.js';
import { hashSource } from '../compiler/hash.js';
import { commonJsByPackage } from '../compiler/package-type.js';
import { linkedReal, packageFolder, WATCH_ENV } from '../common/workspace.js';

// The transform (SWC, acorn, the analysis: ~60 ms to load) is loaded only on a cache miss, so a warm
// start pays nothing for it. require() of ESM: synchronous, as the in-thread load hook must be.
const require = createRequire(import.meta.url);
type Transform = typeof import('../compiler/index.js');
type ToJs = typeof import('../compiler/to-js.js');
let transform: Transform | null = null;
let toJs: ToJs | null = null;
const loadTransform = () => (transform ??= require('../compiler/index.js') as Transform);
const loadToJs = () => (toJs ??= require('../compiler/to-js.js') as ToJs);

// bump when the instrumented output changes, so old cache entries are not reused
const TRANSFORM_VERSION = '12'; // 11: statement markers (effects); 12: guards on the map's ignore list

/** The `code` of a start-up syntax error in a file jurig instruments. */
export const STARTUP_SYNTAX = 'ERR_JURIG_SYNTAX';

const INSTRUMENTED = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/;
const DECLARATIONS = /\.d\.[mc]?ts$/;
// jurig's own code (dist/) is never instrumented, even when the watch root contains it
const OWN_DIR = fileURLToPath(new URL('..', import.meta.url));
// cache entries are keyed by jurig's version too: a new jurig never reuses an old transform
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function instrumentedPath(url: string, o: JurigOptions): string | null {
  if (!url.startsWith('file:')) return null;
  const q = url.search(/[?#]/);
  const clean = q === -1 ? url : url.slice(0, q);
  if (!INSTRUMENTED.test(clean) || DECLARATIONS.test(clean)) return null;
  const file = fileURLToPath(clean);
  if (file.startsWith(OWN_DIR)) return null;
  if (!o.includeNodeModules && file.includes(`${sep}node_modules${sep}`)) {
    // node_modules only when a root itself is inside node_modules, or (node --preserve-symlinks) when the
    // package is a link to a folder under a root: a workspace package (loader/workspace.ts)
    if (!rootsOf(o).some((r) => r.includes(`${sep}node_modules${sep}`) && file.startsWith(r))) {
      const real = linkedReal(file);
      return real !== null && underRoots(real, o) ? file : null;
    }
  }
  return underRoots(file, o) ? file : null;
}

const under = (file: string, r: string) => file === r || file.startsWith(r.endsWith(sep) ? r : r + sep);
// a root reached through a symbolic link (`-w node_modules/x` in a checkout whose node_modules is a link)
// holds the files Node runs under their real paths
const realRoots = new WeakMap<JurigOptions, string[]>();
function rootsOf(o: JurigOptions): string[] {
  let r = realRoots.get(o);
  if (!r) {
    r = [...o.roots];
    for (const root of o.roots) {
      try {
        const real = realpathSync(root);
        if (real !== root) r.push(real);
      } catch {
        /* not there (yet) */
      }
    }
    realRoots.set(o, r);
  }
  return r;
}
function underRoots(file: string, o: JurigOptions): boolean {
  return rootsOf(o).some((r) => under(file, r)) || (!!o.workspace && under(file, o.workspace) && !file.includes(`${sep}node_modules${sep}`));
}

/**
 * A file the program loads that jurig leaves alone although it is the user's code: outside node_modules
 * (by its real path) and outside every root, as a package linked from elsewhere (`npm link`, `file:`) or a
 * folder beside the project. The folder to name in the warning (its package's), or null.
 */
export function skippedUserFolder(url: string, o: JurigOptions): string | null {
  if (!url.startsWith('file:') || o.includeNodeModules) return null;
  // (tsx loads a TypeScript file that runs as CommonJS as `x.ts%3Ftsx-commonjs-export-preparse=1?…`)
  const clean = url.replace(/(%3F|[?#]).*$/i, '');
  if (!INSTRUMENTED.test(clean) || DECLARATIONS.test(clean)) return null;
  let file = fileURLToPath(clean);
  if (file.startsWith(OWN_DIR)) return null;
  if (file.includes(`${sep}node_modules${sep}`)) {
    const real = linkedReal(file);
    if (real === null) return null;
    file = real;
  }
  if (underRoots(file, o)) return null;
  return packageFolder(file);
}

export type Loaded = { source: string; format: 'module' | 'commonjs' };
/** Told once per file that jurig loads but leaves to tsx, with the reason. */
export type NotLiveReporter = (file: string, reason: string) => void;

/**
 * What an ES module load hook returns for a file jurig loads. For CommonJS only the format: Node then runs
 * it with its CommonJS loader, whose compile step instruments it (loader/commonjs.ts).
 */
export function esmResult(out: Loaded): { format: string; source: string | null; shortCircuit: true } {
  return out.format === 'module' ? { format: 'module', source: out.source, shortCircuit: true } : { format: 'commonjs', source: null, shortCircuit: true };
}

export class Loader {
  private cache: TransformCache;
  // CommonJS results produced for the CommonJS compile that follows in this thread (the ESM hook, or the
  // CLI asking for the format of its script): without a disk cache the file would be transformed twice
  private handOver = new Map<string, Loaded>();
  private reported = new Set<string>();
  constructor(
    readonly options: JurigOptions,
    private notLive: NotLiveReporter = () => {},
  ) {
    this.cache = new TransformCache(options.cacheDir);
  }

  /**
   * Instrumented source and format for url, or null to let the next loader (tsx, node) handle it.
   * `handOver`: a CommonJS result is kept for the compile step that loads the file next.
   */
  load(url: string, handOver = false): Loaded | null {
    const file = instrumentedPath(url, this.options);
    if (!file) {
      this.skipped(url);
      return null;
    }
    const source = readFileSync(file, 'utf8');
    const key = this.cache.key([VERSION, TRANSFORM_VERSION, url, JSON.stringify(tsOptionsFor(file)), String(commonJsByPackage(file)), hashSource(source)]);
    const handed = this.handOver.get(key);
    if (handed) {
      this.handOver.delete(key);
      return handed;
    }
    // an entry is the format on its first line ('none': left to tsx), then the code (or the reason)
    let entry = this.cache.get(key);
    if (entry === null) {
      entry = this.transform(source, file, url);
      this.cache.set(key, entry);
    }
    const nl = entry.indexOf('\n');
    const format = entry.slice(0, nl),
      rest = entry.slice(nl + 1);
    if (format === 'none') {
      this.report(file, rest);
      return null;
    }
    const out = { format: format as Loaded['format'], source: rest };
    if (handOver && out.format === 'commonjs' && this.handOver.size < 64) this.handOver.set(key, out);
    return out;
  }

  // Outside the roots but the user's own code: said once per package folder, with how to add it
  private skippedFolders = new Set<string>();
  private skipped(url: string): void {
    const folder = skippedUserFolder(url, this.options);
    if (folder === null || this.skippedFolders.has(folder)) return;
    this.skippedFolders.add(folder);
    const rel = relative(process.cwd(), folder) || '.';
    const roots = this.options.roots.map((r) => relative(process.cwd(), r) || '.').join(', ');
    this.report(
      fileURLToPath(url.replace(/(%3F|[?#]).*$/i, '')),
      `it is outside the watched folders (${roots}): to make ${rel} live, ${WATCH_ENV}=${rel} (for jurig and node --import jurig/register) or jurig -w ${roots.split(', ').join(' -w ')} -w ${rel}`,
    );
  }

  /** Report a file that jurig loads but cannot make live, once. */
  report(file: string, reason: string): void {
    if (this.reported.has(file)) return;
    this.reported.add(file);
    this.notLive(file, reason);
  }

  private transform(source: string, file: string, url: string): string {
    let out: ReturnType<Transform['transformModule']>;
    try {
      out = loadTransform().transformModule(source, file, url);
    } catch (e) {
      // a file that does not compile fails as it would under tsx; a failure of jurig's own leaves it to tsx
      if (e instanceof loadToJs().CompileError || (e as { loc?: unknown }).loc) throw startupError(e, file, source);
      return `none\njurig could not instrument it (${String((e as Error)?.message ?? e).split('\n')[0]})`;
    }
    return 'notLive' in out ? `none\n${out.notLive}` : `${out.format}\n${out.code}`;
  }
}

// A file that does not compile at start fails like it would under node/tsx, as one message with the place
// and a code frame (JS and TS alike). Its stack is that message alone: the loader's frames say nothing about
// the user's file. `code` lets the CLI tell it from the program's own errors (cli/start-errors.ts).
function startupError(e: unknown, file: string, source: string): Error {
  let line: number, column: number, reason: string, frame: string;
  if (e instanceof loadToJs().CompileError) ({ line, column, message: reason, frame } = e);
  else {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    if (!loc) return e as Error;
    line = loc.line;
    column = loc.column + 1;
    reason = (e as Error).message.replace(/ \(\d+:\d+\)$/, ''); // acorn's own (line:column), 0-based
    frame = loadToJs().codeFrame(source, line, column);
  }
  const err = new SyntaxError(`${file}:${line}:${column}: ${reason}${frame ? `\n${frame}` : ''}`);
  err.stack = `SyntaxError: ${err.message}`;
  (err as { code?: string }).code = STARTUP_SYNTAX;
  return err;
}
