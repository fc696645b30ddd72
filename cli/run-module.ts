// `jurig -m <module>[:<function>] [args...]`: import a module the way an import from the current directory
// would resolve it (a path, or a package name), and call the named export with no arguments.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export function splitModuleSpec(spec: string): { specifier: string; fn: string | null } {
  const i = spec.lastIndexOf(':');
  // "C:\x" style drive letters and URL schemes are not function separators
  if (i <= 1 || /^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return { specifier: spec, fn: null };
  return { specifier: spec.slice(0, i), fn: spec.slice(i + 1) || null };
}

export async function runModule(spec: string): Promise<unknown> {
  const { specifier, fn } = splitModuleSpec(spec);
  const base = pathToFileURL(resolve('index.js')).href; // "an import from the current directory"
  const isPath = specifier.startsWith('.') || specifier.startsWith('/') || /\.[cm]?[jt]sx?$/.test(specifier);
  const url = isPath ? pathToFileURL(resolve(specifier)).href : import.meta.resolve(specifier, base);
  process.argv[1] = isPath ? resolve(specifier) : url;
  const mod = (await import(url)) as Record<string, unknown>;
  if (fn === null) return undefined;
  const f = mod[fn];
  if (typeof f !== 'function') {
    process.stderr.write(`jurig: ${specifier} has no exported function '${fn}'\n`);
    process.exitCode = 1;
    return undefined;
  }
  const result = await f();
  if (result !== undefined) console.log(result);
  return result;
}
