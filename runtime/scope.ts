// A running module's top-level names, read and written in its own scope (through its eval hook): what the
// REPL after a script (`jurig -i app.ts`) gives the user.
import { runtimeGlobal } from './global.js';
import './running-state.js'; // rec.running() below

export interface ModuleScope {
  file: string;
  /** The module's top-level names (empty if the file changed before its running version was analysed). */
  names: Set<string>;
  read(name: string): unknown;
  write(name: string, value: unknown): void;
}

/** The scope of the instrumented module of `file`, or null if no such module runs in this thread. */
export function moduleScope(file: string): ModuleScope | null {
  const rec = runtimeGlobal()?.byFile.get(file);
  if (!rec) return null;
  let names = new Set<string>();
  try {
    names = new Set(rec.running().an.info.moduleScope.decls.keys());
  } catch {
    /* changed before its first save: out of reach */
  }
  const key = Symbol.for('jurig.repl.value');
  return {
    file,
    names,
    read: (name) => {
      try {
        return rec.evalHook(name);
      } catch {
        return rec.a[name];
      }
    },
    write: (name, value) => {
      const g = globalThis as Record<symbol, unknown>;
      g[key] = value;
      try {
        rec.evalHook(`${name} = globalThis[Symbol.for('jurig.repl.value')]`);
      } finally {
        delete g[key];
      }
    },
  };
}
