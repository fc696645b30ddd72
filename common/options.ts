// Options shared by the CLI, the loader hooks (possibly on another thread) and the runtime. The CLI
// passes them to the `--import` file through one environment variable.
import { resolve } from 'node:path';
import { envRoots, findWorkspaceRoot } from './workspace.js';

export interface JurigOptions {
  roots: string[]; // absolute directories (or files) whose modules are instrumented and watched
  workspace?: string | null; // the npm/yarn/pnpm workspace's root, a root too (kept with -w): loader/workspace.ts
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
    workspace: findWorkspaceRoot(cwd),
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
  let o = base;
  if (raw) {
    try {
      o = { ...base, ...JSON.parse(raw) };
    } catch {
      /* the defaults */
    }
  }
  // JURIG_WATCH adds roots, for `node --import jurig/register` as for the CLI
  for (const r of envRoots()) if (!o.roots.includes(r)) o.roots = [...o.roots, r];
  return o;
}
