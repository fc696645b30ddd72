// An analysis made on another thread (compiler/analysis-worker.ts) arrives as a structured clone: the same
// graph, shared nodes and all, but without prototypes. Scopes get their methods back here, and an error
// becomes the same kind of error the analysis would have thrown on this thread, so callers cannot tell the
// two apart.
import { Scope } from './analyze/scope.js';
import type { Analysed } from './index.js';
import { NotLive } from './index.js';
import { CompileError } from './to-js.js';

/** An error as plain data (an Error's own fields do not survive postMessage in every Node line). */
export interface ErrorData {
  kind: 'NotLive' | 'CompileError' | 'SyntaxError' | 'RangeError' | 'Error';
  message: string;
  line?: number;
  column?: number;
  frame?: string;
  loc?: { line: number; column: number };
  pos?: number;
  stack?: string;
}

export function errorToData(e: unknown): ErrorData {
  const err = e as Error & Partial<ErrorData>;
  if (e instanceof NotLive) return { kind: 'NotLive', message: err.message };
  if (e instanceof CompileError) return { kind: 'CompileError', message: e.message, line: e.line, column: e.column, frame: e.frame };
  if (e instanceof SyntaxError)
    return { kind: 'SyntaxError', message: err.message, loc: err.loc && { line: err.loc.line, column: err.loc.column }, pos: err.pos };
  if (e instanceof RangeError) return { kind: 'RangeError', message: err.message };
  return { kind: 'Error', message: String(err?.message ?? e), stack: err?.stack };
}

export function dataToError(d: ErrorData): Error {
  switch (d.kind) {
    case 'NotLive':
      return new NotLive(d.message);
    case 'CompileError':
      return new CompileError(d.message, d.line!, d.column!, d.frame!);
    case 'SyntaxError':
      return Object.assign(new SyntaxError(d.message), d.loc ? { loc: d.loc, pos: d.pos } : {});
    case 'RangeError':
      return new RangeError(d.message);
    default:
      return Object.assign(new Error(d.message), d.stack ? { stack: d.stack } : {});
  }
}

/** The received clone of an analysis, with its scopes' methods back (in place). */
export function reviveAnalysed(an: Analysed): Analysed {
  const seen = new Set<object>();
  const revive = (s: Scope | null) => {
    for (; s && !seen.has(s); s = s.parent) {
      seen.add(s);
      Object.setPrototypeOf(s, Scope.prototype);
    }
  };
  const info = an.info;
  revive(info.moduleScope);
  for (const d of info.defs) revive(d.scope);
  for (const r of info.refs) if (r.binding) revive(r.binding.scope);
  return an;
}
