// Options shared by the CLI, the loader hooks (possibly on another thread) and the runtime. The CLI
// passes them to the `--import` file through one environment variable.
import { resolve } from 'node:path';

export interface JurigOptions {
  roots: string[]; // absolute directories (or files) whose modules are instrumented and watched
  includeNodeModules: boolean;
  debounce: number; // ms: how long a save that deletes code is held for a follow-up write
  poll: number | null; // ms: chokidar polling interval, or null for native events
  verbose: boolean;
  cacheDir: string | null;
  interactive?: boolean;
  module?: string; // -m <module>[:<function>]
  loop?: string[];
  xloop?: string[];
}

export const ENV_KEY = 'JURIG_OPTIONS';

export function defaultOptions(cwd = process.cwd()): JurigOptions {
  return {
    roots: [cwd],
    includeNodeModules: false,
    debounce: 50,
    poll: null,
    verbose: false,
    cacheDir: resolve(cwd, 'node_modules/.cache/jurig'),
  };
}

export function readOptions(): JurigOptions {
  const base = defaultOptions();
  const raw = process.env[ENV_KEY];
  if (!raw) return base;
  try {
    return { ...base, ...JSON.parse(raw) };
  } catch {
    return base;
  }
}
