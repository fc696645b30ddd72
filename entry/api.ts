// `jurig/api`: the programmatic side of jurig, for programs running under it (runtime/api.ts: watch,
// events, Recoder, conform, effects) and for tools that start it (register, here: it installs the loader,
// which is above the runtime).
import { resolve } from 'node:path';
import { defaultOptions, ENV_KEY, type JurigOptions } from '../common/options.js';
import { isActive, requireRuntime } from '../runtime/index.js';

export * from '../runtime/api.js';

export interface RegisterOptions {
  /** Directories, files or globs whose modules are instrumented and watched (default: the cwd). */
  watch?: string | string[];
  /** Log every watched file and every update (`-v`). */
  verbose?: boolean;
  /** ms a save that deletes code is held for the rest of the write (`-d`, default 50). */
  debounce?: number;
  /** Poll files every this many ms instead of native file events (`--poll`). */
  poll?: number | null;
  /** Also instrument modules under node_modules. */
  includeNodeModules?: boolean;
  /** On-disk transform cache (default on). */
  cache?: boolean;
}

export interface Registration {
  options: JurigOptions;
  /** Stop watching files (patches stop; instrumented modules keep running). */
  close(): Promise<void>;
}

/**
 * Install jurig's loader in this process, for the modules imported from now on (so: before importing the
 * app). What a dev server calls instead of asking users for `--import jurig/register`.
 */
export async function register(options: RegisterOptions = {}): Promise<Registration> {
  const o: JurigOptions = defaultOptions();
  if (options.watch !== undefined) o.roots = (Array.isArray(options.watch) ? options.watch : [options.watch]).map((w) => resolve(w));
  if (options.verbose !== undefined) o.verbose = options.verbose;
  if (options.debounce !== undefined) o.debounce = options.debounce;
  if (options.poll !== undefined) o.poll = options.poll;
  if (options.includeNodeModules !== undefined) o.includeNodeModules = options.includeNodeModules;
  if (options.cache === false) o.cacheDir = null;
  if (!isActive()) {
    const saved = process.env[ENV_KEY];
    process.env[ENV_KEY] = JSON.stringify(o);
    try {
      await import(new URL('./register.js', import.meta.url).href);
    } finally {
      if (saved === undefined) delete process.env[ENV_KEY];
      else process.env[ENV_KEY] = saved;
    }
  }
  const g = requireRuntime();
  return { options: o, close: () => g.close() };
}
