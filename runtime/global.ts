// The runtime's one global object. The emitted code reaches the runtime through it
// (`globalThis[Symbol.for("jurig")]?.m(…)`, compiler/names.ts), and so does every copy of jurig's code in
// the process (the CLI's, and a `jurig/api` the program imports from its own node_modules): one runtime per
// thread, whichever copy started it. Everything in the runtime reads it here.
import { RUNTIME_KEY } from '../compiler/names.js';
import type { JurigEvent } from './events.js';
import type { Cell, EvalHook, ModuleRecord } from './module-record.js';

/** Called around every applied save (and applySource): jurig/api's watch(). */
export interface SaveHook {
  before?(file: string): void;
  after?(file: string, events: JurigEvent[]): void;
}

export type ApplyResult = { ok: true } | { ok: false; error: Error & { line?: number; column?: number; frame?: string } };

export interface RuntimeGlobal {
  /** What an instrumented module calls as it starts (compiler/instrument.ts). */
  m(meta: ImportMeta, hook: EvalHook, cells: Cell[], hash: string, tag: string): ModuleRecord;
  records: Map<string, ModuleRecord>; // by URL
  byFile: Map<string, ModuleRecord>;
  processFile(file: string): Promise<void>;
  /** `text`: the new text, or how to make it from the running one (made again if a save applies meanwhile). */
  applySource(file: string, text: string | ((running: string) => string)): Promise<ApplyResult>;
  hooks: Set<SaveHook>;
  /** Stop watching files. */
  close(): Promise<void>;
  /** The loader ran a file it could not instrument (loader/install.ts reports it here). */
  notLive(file: string, reason: string): void;
}

const KEY = Symbol.for(RUNTIME_KEY);

/** The running runtime of this thread, if any. */
export function runtimeGlobal(): RuntimeGlobal | undefined {
  return (globalThis as Record<symbol, RuntimeGlobal | undefined>)[KEY];
}

/** The running runtime; throws a message a user can act on when jurig is not running. */
export function requireRuntime(): RuntimeGlobal {
  const g = runtimeGlobal();
  if (!g) throw new Error('jurig is not running in this process: start the program with `jurig app.ts` or `node --import jurig/register app.ts`');
  return g;
}

export function setRuntimeGlobal(g: RuntimeGlobal): void {
  (globalThis as Record<symbol, unknown>)[KEY] = g;
}
