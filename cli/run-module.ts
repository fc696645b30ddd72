// `jurig -m <module>[:<function>] [args...]`: import a module the way an import from the current directory
// would resolve it (a path, with or without its extension, or a package name), and call the named export
// with no arguments; the remaining arguments are in process.argv (process.argv.slice(2), as for a script).
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export function splitModuleSpec(spec: string): { specifier: string; fn: string | null } {
  const i = spec.lastIndexOf(':');
  // "C:\x" style drive letters and URL schemes are not function separators
  if (i <= 1 || /^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return { specifier: spec, fn: null };
  return { specifier: spec.slice(0, i), fn: spec.slice(i + 1) || null };
}

const EXTENSIONS = ['.ts', '.mts', '.tsx', '.js', '.mjs', '.cjs', '.cts', '.jsx'];

function asFile(p: string): string | null {
  const isFile = (f: string) => existsSync(f) && statSync(f).isFile();
  if (isFile(p)) return p;
  for (const ext of EXTENSIONS) if (isFile(p + ext)) return p + ext;
  for (const ext of EXTENSIONS) if (isFile(resolve(p, 'index' + ext))) return resolve(p, 'index' + ext);
  return null;
}

/** The URL to import for `specifier`, resolved from the current directory. */
export function resolveModule(specifier: string): string {
  const explicitPath = specifier.startsWith('.') || specifier.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(specifier);
  const file = asFile(resolve(specifier));
  if (file && (explicitPath || /\.[cm]?[jt]sx?$/.test(specifier) || specifier.includes('/') || !isPackage(specifier))) return pathToFileURL(file).href;
  if (explicitPath) throw new Error(`cannot find module ${specifier}`);
  try {
    return pathToFileURL(createRequire(resolve('index.js')).resolve(specifier)).href;
  } catch {
    if (file) return pathToFileURL(file).href;
    throw new Error(`cannot find module ${specifier} (from ${process.cwd()})`);
  }
}

function isPackage(name: string): boolean {
  try {
    createRequire(resolve('index.js')).resolve(name);
    return true;
  } catch {
    return false;
  }
}

export async function runModule(spec: string): Promise<unknown> {
  const { specifier, fn } = splitModuleSpec(spec);
  let url: string;
  try {
    url = resolveModule(specifier);
  } catch (e) {
    process.stderr.write(`jurig: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  process.argv[1] = url.startsWith('file:') ? new URL(url).pathname : url;
  const mod = (await import(url)) as Record<string, unknown>;
  if (fn === null) return undefined;
  const f = fn.split('.').reduce<unknown>((o, k) => (o == null ? undefined : (o as Record<string, unknown>)[k]), mod);
  if (typeof f !== 'function') {
    process.stderr.write(`jurig: ${specifier} has no exported function '${fn}'\n`);
    process.exitCode = 1;
    return undefined;
  }
  const result = await f();
  if (result !== undefined) console.log(result);
  return result;
}
