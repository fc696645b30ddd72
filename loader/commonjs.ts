// CommonJS: jurig compiles the CommonJS files under the watch roots itself, on every Node line, through
// the CommonJS loader's per-extension compile step (`Module._extensions`), in front of tsx's.
//
// Why not the load hooks: tsx compiles required `.js`/`.ts`/`.cjs` files in its own `_extensions`
// handlers, from disk, so a `require()` never reaches `module.registerHooks` load hooks (22.22+, 24.11+,
// 26); and on Node 20 a hook that returns the source of a CommonJS file makes Node run it with the ES
// module loader's `require`, where requiring a `.json` file throws (`cjsCache.get(job.url).exports`).
// Here Node's own CommonJS loader keeps doing everything else: resolution (with tsx's), `require.cache`,
// JSON, `.node` addons and builtins. The ES module hooks send CommonJS files here (register.ts).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Loader } from './load.js';

interface CjsModule {
  _compile(code: string, filename: string): unknown;
}
type Compile = (this: unknown, module: CjsModule, filename: string) => void;
const Module = createRequire(import.meta.url)('node:module') as { _extensions: Record<string, Compile> };

// `.cjs`/`.cts` are not registered by Node or tsx (Node compiles them with the `.js` handler); they are
// added non-enumerable, so `require('./x')` still does not try `x.cjs` (resolution lists the enumerable ones).
const EXTENSIONS = ['.js', '.cjs', '.ts', '.cts', '.tsx', '.jsx'];

export function compileCommonJs(loader: Loader): void {
  const exts = Module._extensions;
  const js = exts['.js']; // tsx's (or Node's): what a `.cjs`/`.cts` file went to before
  for (const ext of EXTENSIONS) {
    const next = exts[ext] ?? js;
    const compile: Compile = function (module, filename) {
      // tsx's own require API loads files as `file?namespace=…`: those are tsx's
      const out = filename.includes('?') ? null : loader.load(pathToFileURL(filename).href);
      if (out === null) return next.call(this, module, filename);
      if (out.format === 'module') {
        // import/export reached through require(): tsx compiles it to CommonJS; Node's require(esm) cannot
        // be given instrumented code on Node 20 (its imports skip the off-thread hooks)
        loader.report(filename, 'it has import/export and is loaded with require() (tsx compiles it to CommonJS); import it instead');
        return next.call(this, module, filename);
      }
      module._compile(out.source, filename);
    };
    Object.defineProperty(exts, ext, {
      value: compile,
      writable: true,
      configurable: true,
      enumerable: Object.getOwnPropertyDescriptor(exts, ext)?.enumerable ?? false,
    });
  }
}
