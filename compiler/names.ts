// Every name and marker the emitted code uses, in one place. The loader's instrumentation
// (compiler/instrument.ts), the patch-time rewrite (compiler/rewrite.ts), the runtime that answers the
// emitted code (runtime/module-record.ts, runtime/effects.ts) and toString() (runtime/to-string.ts) all
// spell them from here. Kept free of imports so the runtime can use it without loading the parser.
//
// Emitted code, for orientation (one module, tag `k3f`, two definitions):
//   const __jc0_k3f={p:void 0},__jc1_k3f={p:void 0},
//         __jurig$m=globalThis[Symbol.for("jurig")]?.m(import.meta,__jurig$eval,[__jc0_k3f,__jc1_k3f],hash,"k3f");
//   function f(a){if(__jc0_k3f.p!==void 0)return __jc0_k3f.p.apply(this,arguments);/*@jurig*/ …body… }
//   __jurig$m?.e(3); setInterval(tick, 1000);          // effects: statement 3 starts
//   class A{static{__jurig$m?.k("A",this)} …}         // a class registers its live object
//   function __jurig$eval(__jurig$code){return eval(__jurig$code)}

/** The key of the runtime's global object: `globalThis[Symbol.for(RUNTIME_KEY)]` (runtime/global.ts). */
export const RUNTIME_KEY = 'jurig';

/** The module's handle on its ModuleRecord (runtime/module-record.ts); `undefined` when no runtime runs. */
export const MODULE = '__jurig$m';
/** Methods of the module handle the emitted code calls (see ModuleRecord). */
export const M = {
  /** `k(path, class, evalHook?)`: a class registers itself from its static block */
  classRegistered: 'k',
  /** `a`: module-level names added after start (a new top-level binding lives here) */
  added: 'a',
  /** `meta`: the module's import.meta */
  meta: 'meta',
  /** effects (runtime/effects.ts): `e(i)` statement i starts; `u(v)` a top-level await leaves; `w(v, i)`
   * it resumes; `x(v)` the module body ends; `o()` the current owner */
  enter: 'e',
  leave: 'u',
  resume: 'w',
  end: 'x',
  owner: 'o',
  /** private methods and accessors a save added to a running class: `vp(key, '#m')` the method,
   * `vpg(key, '#x', o)` get, `vps(key, '#x', o, v)` set, `vpin(key, o)` `#x in o` */
  privateMethod: 'vp',
  privateGet: 'vpg',
  privateSet: 'vps',
  privateIn: 'vpin',
} as const;

/** A definition's cell: `{p: undefined | patched code}`; the guard tests `.p`. */
export const CELL_SLOT = 'p';
/** Load-time cell names: `__jc<definition index>_<module tag>`; patch code's own cells: `__jc$<n>`. */
export const CELL_PREFIX = '__jc';
export const cellName = (index: number, tag: string): string => `${CELL_PREFIX}${index}_${tag}`;

/** The module's eval hook (appended at the end of the module): patches are compiled in its scope. */
export const EVAL_HOOK = '__jurig$eval';
/** The parameter of an eval hook (the module's and a class's `(__jurig$code)=>eval(__jurig$code)`). */
export const EVAL_CODE = '__jurig$code';
/** A `var` set by the prelude; guards of definitions callable before the module ran test it first. */
export const LIVE_FLAG = '__jurig$live';
/** `require` in an ES module that needs it: `createRequire as __jurig$cr`. */
export const CREATE_REQUIRE = '__jurig$cr';

/** Every other name the emitted code declares starts with this prefix (temporaries of the async and
 * generator drivers, the accessor's `__jurig$n`/`__jurig$v`, `__jurig$this`, `__jurig$super`…); user code
 * must not declare names that start with it. */
export const TEMP_PREFIX = '__jurig$';

// The ends of every text the loader inserts, so `toString()` can cut them out again (runtime/to-string.ts).
export const GUARD_END = '/*@jurig*/';
export const EXPR_END = '/*@jurig:end*/';
/** Put before a guard that follows a directive without `;`. */
export const ASI_GUARD = ';/*@jurig:asi*/';
/** A guard's test of its cell: `__jc<index>_<module tag>.p!==void 0` (patch code: no tag). */
export const CELL_TEST = /__jc(\d+)(?:_([0-9a-z]+))?\.p!==void 0/;
