// The module hooks `jurig/register` installs (entry/register.ts): source maps on (before any app module
// loads, or they stay unmapped), tsx for TypeScript resolution and for everything jurig does not instrument,
// then jurig's load hook in front of it. The loader knows nothing of the runtime: files it cannot make live
// are reported through the `notLive` slot of the runtime's global, when there is one.
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { esmResult, instrumentedPath, Loader, type NotLiveReporter } from './load.js';
import { noticeLink } from '../common/links.js';
import { compileCommonJs } from './commonjs.js';
import { readOptions } from '../common/options.js';

process.setSourceMapsEnabled(true);
export const options = readOptions();
type SyncLoad = (url: string, context: object, next: (url: string, context: object) => object) => object;
type SyncResolve = (specifier: string, context: object, next: (specifier: string, context: object) => object) => object;

const registerHooks = (nodeModule as unknown as { registerHooks?: (h: { load: SyncLoad; resolve: SyncResolve }) => unknown }).registerHooks;
const inThreadHooks = typeof registerHooks === 'function' && syncHooksComposeWithAsync();
// before tsx: its hooks module is loaded through this one (loader/hooks-cjs-source.ts)
if (!inThreadHooks && defaultTypeIsModule()) nodeModule.register(new URL('./hooks-cjs-source.js', import.meta.url));

// tsx registers its own hooks (ESM and CommonJS) when imported on the main thread; in a worker (which runs
// this file again through the inherited execArgv) it must be asked to, or `./x.js` → `x.ts` fails there.
if (isMainThread) await import('tsx' as string);
else {
  const esm = (await import('tsx/esm/api' as string)) as { register(): unknown };
  const cjs = (await import('tsx/cjs/api' as string)) as { register(): unknown };
  esm.register();
  cjs.register();
}

// Files jurig loads but cannot make live are reported once, as warnings, by the runtime (started below,
// before any of the program's modules load).
const notLive: NotLiveReporter = (file, reason) =>
  (globalThis as Record<symbol, { notLive?: NotLiveReporter } | undefined>)[Symbol.for('jurig')]?.notLive?.(file, reason);
// this thread's loader: CommonJS files are compiled here on every Node line (loader/commonjs.ts)
const loader = new Loader(options, notLive);
compileCommonJs(loader);

if (inThreadHooks) {
  // In-thread synchronous hooks; they run before any async hooks (and before tsx's, registered earlier).
  registerHooks!({
    resolve(specifier, context, next) {
      const out = next(specifier, context) as { url: string };
      const file = instrumentedPath(out.url, options);
      if (file) noticeLink(specifier, (context as { parentURL?: string }).parentURL, file);
      return out;
    },
    load(url, context, next) {
      const out = loader.load(url, true);
      if (out === null) return next(url, context);
      return esmResult(out);
    },
  });
} else {
  // Node 20, and the versions whose sync hooks break next to async ones (where tsx itself still uses
  // module.register): off-thread hooks, one message round trip per module. Their not-live reports come
  // back over a port; a program that exits at once still gets them (read synchronously at exit).
  const { port1, port2 } = new MessageChannel();
  const take = (m: { file: string; reason: string }) => notLive(m.file, m.reason);
  port1.on('message', take).unref();
  process.on('exit', () => {
    for (let m: { message: { file: string; reason: string } } | undefined; (m = receiveMessageOnPort(port1)); ) take(m.message);
  });
  nodeModule.register(new URL('./hooks-async.js', import.meta.url), { data: { options, port: port2 }, transferList: [port2] });
}

/** Whether jurig's hooks run in this thread (module.registerHooks): other hooks the CLI adds follow it. */
export const hooksInThread = inThreadHooks;

/** `--experimental-default-type=module`, on the command line or in NODE_OPTIONS. */
function defaultTypeIsModule(): boolean {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return args.some((a, i) => a === '--experimental-default-type=module' || (a === '--experimental-default-type' && args[i + 1] === 'module'));
}

/**
 * Whether module.registerHooks can share the process with module.register hooks (tsx's on older Node, or
 * any other loader the user adds). From 22.15 to 22.22.2, 23.x and 24.0 to 24.11.0 it cannot: a CommonJS
 * module loaded through the ESM loader (a `.cjs` entry point, `import './x.cjs'`) fails in the sync chain
 * with ERR_INVALID_RETURN_PROPERTY_VALUE (nodejs/node#57327, fixed by #59929), and sync resolution
 * reaching an async loader throws ERR_METHOD_NOT_IMPLEMENTED resolveSync (nodejs/node#59666). tsx draws
 * the same line for its own hooks. On 26, where module.register is deprecated (DEP0205), registerHooks
 * is always used.
 */
function syncHooksComposeWithAsync(): boolean {
  const [major, minor, patch] = process.versions.node.split('.').map(Number);
  const atLeast = (m: number, p: number) => minor > m || (minor === m && patch >= p);
  if (major >= 25) return major > 25 || atLeast(1, 0);
  if (major === 24) return atLeast(11, 1);
  if (major === 22) return atLeast(22, 3);
  return false;
}

/** How jurig runs this file: as an ES module, as CommonJS, or null (left to tsx/node). For the CLI. */
export function formatOf(file: string): 'module' | 'commonjs' | null {
  return loader.load(pathToFileURL(file).href, true)?.format ?? null;
}
