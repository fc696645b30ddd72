// The one decision the loader makes: is this URL a module jurig instruments? If so, its instrumented
// source (from the cache or freshly transformed). Used by both hook styles.
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransformCache } from './cache.js';
import type { JurigOptions } from './options.js';
import { createRequire } from 'node:module';
import { tsOptionsFor } from './transform/ts-options.js';
import { hashSource } from './transform/hash.js';

// The transform (SWC, acorn, the analysis: ~60 ms to load) is loaded only on a cache miss, so a warm
// start pays nothing for it. require() of ESM: synchronous, as the in-thread load hook must be.
const require = createRequire(import.meta.url);
type Transform = typeof import('./transform/index.js');
type ToJs = typeof import('./transform/to-js.js');
let transform: Transform | null = null;
let toJs: ToJs | null = null;
const loadTransform = () => (transform ??= require('./transform/index.js') as Transform);
const loadToJs = () => (toJs ??= require('./transform/to-js.js') as ToJs);

// bump when the instrumented output changes, so old cache entries are not reused
const TRANSFORM_VERSION = '10'; // 10: statement markers (effects)

const INSTRUMENTED = /\.(ts|mts|js|mjs|cjs)$/;
// jurig's own code (dist/) is never instrumented, even when the watch root contains it
const OWN_DIR = fileURLToPath(new URL('..', import.meta.url));
// cache entries are keyed by jurig's version too: a new jurig never reuses an old transform
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function instrumentedPath(url: string, o: JurigOptions): string | null {
  if (!url.startsWith('file:')) return null;
  const q = url.search(/[?#]/);
  const clean = q === -1 ? url : url.slice(0, q);
  if (!INSTRUMENTED.test(clean) || clean.endsWith('.d.ts')) return null;
  const file = fileURLToPath(clean);
  if (file.startsWith(OWN_DIR)) return null;
  if (!o.includeNodeModules && file.includes(`${sep}node_modules${sep}`)) {
    // node_modules only when a root itself is inside node_modules
    if (!o.roots.some((r) => r.includes(`${sep}node_modules${sep}`) && file.startsWith(r))) return null;
  }
  if (!o.roots.some((r) => file === r || file.startsWith(r.endsWith(sep) ? r : r + sep))) return null;
  return file;
}

export class Loader {
  private cache: TransformCache;
  constructor(readonly options: JurigOptions) {
    this.cache = new TransformCache(options.cacheDir);
  }

  /** Instrumented source and format for url, or null to let the next loader (tsx, node) handle it. */
  load(url: string): { source: string; format: 'module' | 'commonjs' } | null {
    const file = instrumentedPath(url, this.options);
    if (!file) return null;
    const source = readFileSync(file, 'utf8');
    const key = this.cache.key([VERSION, TRANSFORM_VERSION, url, JSON.stringify(tsOptionsFor(file)), hashSource(source)]);
    const cached = this.cache.get(key);
    // an entry is the format on its first line, then the code; '' records "left to tsx/node"
    if (cached !== null) {
      if (cached === '') return null;
      const nl = cached.indexOf('\n');
      return { format: cached.slice(0, nl) as 'module' | 'commonjs', source: cached.slice(nl + 1) };
    }
    let out;
    try {
      out = loadTransform().transformModule(source, file, url);
    } catch (e) {
      throw startupError(e, file);
    }
    this.cache.set(key, out ? `${out.format}\n${out.code}` : '');
    return out && { source: out.code, format: out.format };
  }
}

// A file that does not compile at start fails like it would under node/tsx, with a code frame.
function startupError(e: unknown, file: string): Error {
  if (e instanceof loadToJs().CompileError) {
    const err = new SyntaxError(`${file}:${e.line}:${e.column}: ${e.message}\n${e.frame}`);
    return err;
  }
  const loc = (e as { loc?: { line: number; column: number } }).loc;
  if (loc) return new SyntaxError(`${file}:${loc.line}:${loc.column + 1}: ${(e as Error).message}`);
  return e as Error;
}
