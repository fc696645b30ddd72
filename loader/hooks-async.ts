// Hooks for module.register (Node 20, off-thread). Options and the port for not-live reports arrive
// through `initialize`.
import type { MessagePort } from 'node:worker_threads';
import { noticeLink } from '../common/links.js';
import { esmResult, instrumentedPath, Loader } from './load.js';
import type { JurigOptions } from '../common/options.js';

let loader: Loader | null = null;

export async function initialize({ options, port }: { options: JurigOptions; port: MessagePort }): Promise<void> {
  port.unref();
  loader = new Loader(options, (file, reason) => port.postMessage({ file, reason }));
}

type NextResolve = (specifier: string, context: { parentURL?: string }) => Promise<{ url: string; format?: string | null }>;

// tsx marks a TypeScript file that runs as CommonJS (no `"type": "module"` above it) for an export preparse
// when the module importing it asks for named exports: it looks that up in the importer's source, which it
// recorded when it loaded the importer. It never loads a module jurig instruments, so it finds nothing, and
// `import { x } from '../outside/lib.ts'` fails with "does not provide an export named 'x'". The importer
// is passed to tsx as one that asked for the preparse (tsx's own query on the parent URL), as tsx would
// have decided for the named imports it could not see. (tsx 4.x; Node 22+ runs these through require(esm).)
const PREPARSE = 'tsx-commonjs-export-preparse';
const TYPESCRIPT = /\.[cm]?tsx?$/;

export async function resolve(specifier: string, context: { parentURL?: string }, nextResolve: NextResolve): Promise<object> {
  let out = await nextResolve(specifier, context);
  if (!loader) return out;
  const parent = context.parentURL;
  const file = instrumentedPath(out.url, loader.options);
  if (file) noticeLink(specifier, parent, file);
  else if (
    parent &&
    out.format === 'commonjs' &&
    TYPESCRIPT.test(out.url.replace(/[?#].*$/, '')) &&
    !out.url.includes(PREPARSE) &&
    instrumentedPath(parent, loader.options)
  ) {
    const asked = new URL(parent);
    asked.searchParams.set(PREPARSE, '1');
    out = await nextResolve(specifier, { ...context, parentURL: asked.href });
  }
  return out;
}

type NextLoad = (url: string, context: object) => Promise<object>;

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<object> {
  const out = loader?.load(url, true) ?? null;
  if (out === null) return nextLoad(url, context);
  return esmResult(out);
}
