// jurig's `node:test` for the test files of `jurig --test`: the same functions, with every test body
// wrapped (cli/test-loop.ts decides what a failing body does) and the suites, beforeEach/afterEach hooks
// and tests recorded, so a test can run again on its own.
//
// How test files get it: node:test's CommonJS exports object is changed in place (its `test`, `it`,
// `describe`, hooks…) and syncBuiltinESMExports() carries that to `import { it } from 'node:test'`.
// The default export (`import test from 'node:test'`, `const test = require('node:test')`) is the
// original function itself and cannot change: for it, `node:test` is resolved from test files to a
// module of jurig's (a resolve hook), and require('node:test') from them returns jurig's function.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';

export type Hook = Function;
export interface Suite {
  name: string;
  parent: Suite | null;
  beforeEach: Hook[];
  afterEach: Hook[];
}
export interface TestRec {
  id: number;
  name: string;
  fullName: string;
  suite: Suite | null; // null: a subtest (t.test)
  file: string | null;
  fn: Function;
  options: Record<string, unknown>;
  top: boolean; // registered with test()/it() (not t.test()): can run again on its own
  calls: Map<string, Set<string>> | null; // the definitions its last run called: file → function names
  born: number; // performance.now() when registered
  ran: boolean; // its body has run (not skipped, not filtered out by --test-name-pattern)
}
export interface TestHost {
  /** Runs a test's body (outerHooks: its suites' beforeEach/afterEach too, for a re-run at the top). */
  body(rec: TestRec, fn: Function, t: unknown, self: unknown, outerHooks: boolean): Promise<void>;
}

type TestFn = ((...a: unknown[]) => Promise<void>) & Record<string, unknown>;
const req = createRequire(import.meta.url);
const GLOBAL = Symbol.for('jurig.test');
const SELF_DIR = fileURLToPath(new URL('.', import.meta.url));

/** (name, options, fn) in any of node:test's accepted shapes. */
function parseArgs(a: unknown[]): { name: string | undefined; options: Record<string, unknown>; fn: Function | undefined } {
  let name: string | undefined,
    options: Record<string, unknown> = {},
    fn: Function | undefined;
  for (const x of a) {
    if (typeof x === 'function') fn = x;
    else if (typeof x === 'string') name = x;
    else if (x && typeof x === 'object') options = x as Record<string, unknown>;
  }
  return { name, options, fn };
}

/** The file a test is written in: the first stack frame outside node and jurig. */
function callerFile(): string | null {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+?)(?:\?[^:)]*)?:\d+:\d+\)?$/.exec(line.trim());
    if (!m) continue;
    const f = m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1];
    if (f.startsWith(SELF_DIR) || f.includes('/node_modules/')) continue;
    return f;
  }
  return null;
}

export function installTestApi(host: TestHost, inThreadHooks: boolean, deferAfter: boolean) {
  const nt = req('node:test') as TestFn;
  const original = { ...nt, test: nt.test as TestFn } as Record<string, TestFn> & { test: TestFn };
  const root: Suite = { name: '', parent: null, beforeEach: [], afterEach: [] };
  let suite: Suite = root;
  let inTest = 0; // a test body is running: test()/it() there make subtests of it
  let loadingFile: string | null = null;
  const recs: TestRec[] = [];
  const topPromises: Promise<unknown>[] = [];
  let ids = 0;

  const record = (name: string | undefined, options: Record<string, unknown>, fn: Function, top: boolean): TestRec => {
    const n = name ?? (fn.name || '<anonymous>');
    const names: string[] = [];
    for (let s: Suite | null = suite; s && s !== root; s = s.parent) names.unshift(s.name);
    const rec: TestRec = {
      id: ++ids,
      name: n,
      fullName: [...names, n].join(' > '),
      suite: top ? suite : null,
      file: loadingFile ?? callerFile(),
      fn,
      options,
      top,
      calls: null,
      born: performance.now(),
      ran: false,
    };
    if (top) {
      // registered again (a save ran its statement again): the new one replaces it
      const i = recs.findIndex((r) => r.file === rec.file && r.fullName === rec.fullName);
      if (i !== -1) recs.splice(i, 1);
      recs.push(rec);
    }
    return rec;
  };

  const wrapBody = (rec: TestRec, fn: Function, outerHooks: boolean) =>
    async function jurigTest(this: unknown, t: Record<string, unknown>) {
      rec.ran = true;
      subtestsOf(t);
      inTest++;
      try {
        await host.body(rec, fn, t, this, outerHooks);
      } finally {
        inTest--;
      }
    };

  // t.test(): a subtest runs through the wrapper too (it stops on a failure, and re-runs with its parent)
  const subtestsOf = (t: Record<string, unknown>) => {
    const make = t.test as ((...a: unknown[]) => Promise<void>) | undefined;
    if (typeof make !== 'function' || (make as { jurig?: true }).jurig) return;
    const sub = function (this: unknown, ...a: unknown[]) {
      const { name, options, fn } = parseArgs(a);
      if (!fn || options.skip || options.todo || options.expectFailure) return make.apply(t, a);
      const rec = record(name, options, fn, false);
      rec.file = rec.file ?? null;
      return make.apply(t, replaceFn(a, wrapBody(rec, fn, false)));
    };
    (sub as { jurig?: true }).jurig = true;
    t.test = sub;
  };

  const replaceFn = (a: unknown[], fn: Function) => {
    const i = a.findIndex((x) => typeof x === 'function');
    const out = [...a];
    if (i === -1) out.push(fn);
    else out[i] = fn;
    return out;
  };

  // test() / it() and their .skip/.todo/.only
  const wrapTest = (make: TestFn, passThrough = false): TestFn => {
    const w = function (this: unknown, ...a: unknown[]) {
      const { name, options, fn } = parseArgs(a);
      // a skipped test does not run, a todo's or expected failure's failure is no failure: left as they are
      if (!fn || passThrough || options.skip || options.todo || options.expectFailure) return make.apply(this, a);
      const top = !inTest;
      const rec = record(name, options, fn, top);
      const p = make.apply(this, replaceFn(a, wrapBody(rec, fn, false)));
      if (top && suite === root) topPromises.push(Promise.resolve(p).catch(() => {}));
      return p;
    } as TestFn;
    for (const k of ['skip', 'todo', 'only', 'expectFailure']) if (typeof make[k] === 'function') w[k] = wrapTest(make[k] as TestFn, k !== 'only');
    return w;
  };

  // describe() / suite(): the suite's name and hooks, while its function registers its tests
  const wrapDescribe = (make: TestFn): TestFn => {
    const w = function (this: unknown, ...a: unknown[]) {
      const { name, fn } = parseArgs(a);
      if (!fn) return make.apply(this, a);
      const own: Suite = { name: name ?? (fn.name || '<anonymous>'), parent: suite, beforeEach: [], afterEach: [] };
      const body = function (this: unknown, ...args: unknown[]) {
        const outer = suite;
        suite = own;
        let r: unknown;
        try {
          r = fn.apply(this, args);
        } catch (e) {
          suite = outer;
          throw e;
        }
        if (r && typeof (r as Promise<unknown>).then === 'function')
          return (r as Promise<unknown>).finally(() => {
            suite = outer;
          });
        suite = outer;
        return r;
      };
      const outer = suite;
      const p = make.apply(this, replaceFn(a, body));
      if (outer === root && !inTest) topPromises.push(Promise.resolve(p).catch(() => {}));
      return p;
    } as TestFn;
    for (const k of ['skip', 'todo', 'only']) if (typeof make[k] === 'function') w[k] = wrapDescribe(make[k] as TestFn);
    return w;
  };

  const wrapEach = (make: TestFn, kind: 'beforeEach' | 'afterEach'): TestFn =>
    function (this: unknown, ...a: unknown[]) {
      const fn = a.find((x) => typeof x === 'function') as Hook | undefined;
      if (fn && !inTest) suite[kind].push(fn);
      return make.apply(this, a);
    } as TestFn;

  // --watch: `after` hooks (closing a database, stopping a server) run when the process quits, so the
  // tests that run again meanwhile still have the fixtures `before` made
  const deferred: { fn: Hook; name: string }[] = [];
  const wrapAfter = (make: TestFn): TestFn =>
    function (this: unknown, ...a: unknown[]) {
      const fn = a.find((x) => typeof x === 'function') as Hook | undefined;
      if (!fn || inTest) return make.apply(this, a);
      deferred.push({ fn, name: suite.name });
      return undefined;
    } as TestFn;

  const wrapped: Record<string, TestFn> = {};
  if (deferAfter && typeof nt.after === 'function') wrapped.after = wrapAfter(nt.after as TestFn);
  for (const k of ['test', 'it']) if (typeof nt[k] === 'function') wrapped[k] = wrapTest(nt[k] as TestFn);
  for (const k of ['describe', 'suite']) if (typeof nt[k] === 'function') wrapped[k] = wrapDescribe(nt[k] as TestFn);
  for (const k of ['beforeEach', 'afterEach'] as const) if (typeof nt[k] === 'function') wrapped[k] = wrapEach(nt[k] as TestFn, k);

  // the default export: test() with every other export as a property, as node:test's own
  const main = wrapTest(nt as TestFn);
  for (const k of Object.keys(nt)) main[k] = nt[k];
  Object.assign(main, wrapped);
  Object.assign(nt, wrapped);
  syncBuiltinESMExports();
  (globalThis as Record<symbol, unknown>)[GLOBAL] = main;
  redirectDefault(main, Object.keys(main), inThreadHooks);

  return {
    original,
    loading(file: string | null) {
      loadingFile = file;
    },
    /** The tests of the first run have all finished. */
    async settled() {
      for (let n = 0; n !== topPromises.length; ) {
        n = topPromises.length;
        await Promise.all(topPromises);
      }
    },
    tests: () => recs,
    /** The `after` hooks held back by --watch, innermost (last registered) first. */
    async runDeferredAfter(): Promise<void> {
      for (const { fn, name } of deferred.splice(0).reverse()) {
        const t = { name, signal: new AbortController().signal, diagnostic() {} };
        try {
          await (fn.length >= 2 ? new Promise<void>((res, rej) => fn.call(t, t, (e?: unknown) => (e ? rej(e) : res()))) : fn.call(t, t));
        } catch (e) {
          process.stderr.write(`jurig: an after() hook threw: ${(e as Error)?.stack ?? e}\n`);
        }
      }
    },
    /** Run a test again, as a new top-level test of the harness (its suites' each-hooks around it). */
    async rerun(rec: TestRec): Promise<boolean> {
      const { only: _only, ...options } = rec.options;
      let ok = true;
      const body = wrapBody(rec, rec.fn, true);
      await original.test(rec.fullName, options, async function (this: unknown, t: unknown) {
        try {
          await body.call(this, t as Record<string, unknown>);
        } catch (e) {
          ok = false;
          throw e;
        }
      });
      return ok;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// `import test from 'node:test'` and `require('node:test')` in test files

function redirectDefault(main: TestFn, names: string[], inThread: boolean): void {
  // require('node:test') from the program's files (jurig's own modules keep node's)
  const Module = req('node:module') as { _load(request: string, parent: { filename?: string } | null, isMain: boolean): unknown };
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'node:test' && parent?.filename && !parent.filename.startsWith(SELF_DIR)) return main;
    return load.call(this, request, parent, isMain);
  };
  // import … from 'node:test': a module whose default export is jurig's test()
  const exportable = names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
  const src = `const t = globalThis[Symbol.for('jurig.test')];\nexport default t;\n${exportable.map((n) => `export const ${n} = t[${JSON.stringify(n)}];`).join('\n')}\n`;
  const shim = 'data:text/javascript;base64,' + Buffer.from(src).toString('base64');
  const registerHooks = (nodeModule as unknown as { registerHooks?: (h: object) => unknown }).registerHooks;
  if (typeof registerHooks === 'function' && inThread) {
    registerHooks({
      resolve(specifier: string, context: { parentURL?: string; conditions?: string[] }, next: (s: string, c: object) => object) {
        if (specifier === 'node:test' && context.parentURL?.startsWith('file:') && !context.conditions?.includes('require'))
          return { url: shim, shortCircuit: true };
        return next(specifier, context);
      },
    });
  } else {
    const hook = `let shim;\nexport function initialize(d) { shim = d.shim; }\nexport async function resolve(specifier, context, next) {\n  if (specifier === 'node:test' && context.parentURL?.startsWith('file:') && !context.conditions?.includes('require')) return { url: shim, shortCircuit: true };\n  return next(specifier, context);\n}\n`;
    nodeModule.register('data:text/javascript;base64,' + Buffer.from(hook).toString('base64'), { data: { shim } });
  }
}
