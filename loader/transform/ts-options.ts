// The tsconfig compiler options that change what emitted JavaScript does. Kept apart from the SWC step
// so the loader can compute cache keys without loading SWC.
import { getTsconfig } from 'get-tsconfig';
import { dirname } from 'node:path';

export interface TsOptions {
  experimentalDecorators: boolean;
  emitDecoratorMetadata: boolean;
  useDefineForClassFields: boolean;
  jsx: boolean;
}

const tsconfigCache = new Map<string, TsOptions>();

/** Compiler options that change what the emitted JavaScript does, read from the nearest tsconfig.json. */
export function tsOptionsFor(file: string): TsOptions {
  const dir = dirname(file);
  let o = tsconfigCache.get(dir);
  if (o) return o;
  const found = getTsconfig(dir);
  const co = (found?.config.compilerOptions ?? {}) as Record<string, unknown>;
  const target = String(co.target ?? 'es2022').toLowerCase();
  const modernTarget = target === 'esnext' || /^es20(2[2-9]|[3-9]\d)$/.test(target);
  o = {
    experimentalDecorators: co.experimentalDecorators === true,
    emitDecoratorMetadata: co.emitDecoratorMetadata === true,
    useDefineForClassFields: typeof co.useDefineForClassFields === 'boolean' ? co.useDefineForClassFields : modernTarget,
    jsx: false,
  };
  tsconfigCache.set(dir, o);
  return o;
}

