// `node --import jurig/register app.ts`: source maps on (before any app module loads, or they stay
// unmapped), tsx for TypeScript resolution and for everything jurig does not instrument, then jurig's
// load hook in front of it, then the runtime that patches modules as their files change.
import * as nodeModule from 'node:module';
import { readOptions } from './options.js';

process.setSourceMapsEnabled(true);
const options = readOptions();

// tsx registers its own hooks (ESM and CommonJS) when imported on the main thread
await import('tsx' as string);

type SyncLoad = (url: string, context: object, next: (url: string, context: object) => object) => object;
const registerHooks = (nodeModule as unknown as { registerHooks?: (h: { load: SyncLoad }) => unknown }).registerHooks;
if (typeof registerHooks === 'function') {
  // Node ≥ 22.15: in-thread synchronous hooks; they run before any async (tsx) hooks.
  const { Loader } = await import('./load.js');
  const loader = new Loader(options);
  registerHooks({
    load(url, context, next) {
      const source = loader.load(url);
      if (source === null) return next(url, context);
      return { format: 'module', source, shortCircuit: true };
    },
  });
} else {
  nodeModule.register(new URL('./hooks-async.js', import.meta.url), { data: options });
}

const { startRuntime } = await import('../runtime/runtime.js');
startRuntime(options);
