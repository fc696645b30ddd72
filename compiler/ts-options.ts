// The tsconfig compiler options that change what emitted JavaScript does. Kept apart from the SWC step
// so the loader can compute cache keys without loading SWC.
import { getTsconfig } from 'get-tsconfig';
import { dirname } from 'node:path';

/** How JSX is compiled (tsconfig `jsx`, `jsxFactory`, `jsxFragmentFactory`, `jsxImportSource`). */
export interface JsxOptions {
  /** classic: `React.createElement` (or the factory); automatic: calls into `<importSource>/jsx-runtime` */
  runtime: 'classic' | 'automatic';
  development: boolean; // `react-jsxdev`: `jsxDEV` with source positions
  factory: string;
  fragment: string;
  importSource: string;
}

export interface TsOptions {
  experimentalDecorators: boolean;
  emitDecoratorMetadata: boolean;
  useDefineForClassFields: boolean;
  jsx: JsxOptions;
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
    jsx: jsxOptions(co),
  };
  tsconfigCache.set(dir, o);
  return o;
}

/**
 * `react-jsx` / `react-jsxdev` use the automatic runtime; `react` (TypeScript's default) and the modes
 * that leave JSX to a later tool (`preserve`, `react-native`: Node cannot run JSX) compile to the
 * factory calls, as tsx does without a tsconfig. A `@jsx` / `@jsxImportSource` pragma in a file wins
 * (SWC reads them).
 */
function jsxOptions(co: Record<string, unknown>): JsxOptions {
  const mode = String(co.jsx ?? 'react').toLowerCase();
  const automatic = mode === 'react-jsx' || mode === 'react-jsxdev';
  return {
    runtime: automatic ? 'automatic' : 'classic',
    development: mode === 'react-jsxdev',
    factory: typeof co.jsxFactory === 'string' ? co.jsxFactory : 'React.createElement',
    fragment: typeof co.jsxFragmentFactory === 'string' ? co.jsxFragmentFactory : 'React.Fragment',
    importSource: typeof co.jsxImportSource === 'string' ? co.jsxImportSource : 'react',
  };
}
