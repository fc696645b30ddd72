// The runtime's surface for the layers above it: entry/ (what the package exposes) and cli/. Nothing above
// the runtime imports any other runtime file (test/core/layers.test.mjs checks it); the user-facing part is
// runtime/api.ts, shipped as `jurig/api` through entry/api.ts.
//
// What is here loads with the runtime at start-up, so it stays light: the tools that need a module's
// running version (and so the compiler: SWC, acorn) are behind `tools()`, loaded when first used.
import { runtimeGlobal } from './global.js';

export { startRuntime } from './runtime.js';
export { formatEvent, on, type JurigEvent, type Listener } from './events.js';
export { requireRuntime } from './global.js';
export type { ModuleScope } from './scope.js';
export type { Interceptor } from './takeover.js';

/** Is this thread running under jurig's loader? */
export function isActive(): boolean {
  return !!runtimeGlobal();
}

/** The REPL's module scope and the develoop's takeover of a definition (they analyse running modules). */
export async function tools(): Promise<typeof import('./scope.js') & typeof import('./takeover.js')> {
  const [scope, takeover] = await Promise.all([import('./scope.js'), import('./takeover.js')]);
  return { ...scope, ...takeover };
}
