// The event stream of what jurig does. The CLI's verbose log is one listener; `jurig/api` users add theirs.
import { relative } from 'node:path';
import { styleText } from 'node:util';
import { isMainThread, threadId } from 'node:worker_threads';

export type JurigEvent =
  | { type: 'watch'; file: string }
  | { type: 'update'; file: string; path: string; line: number }
  | { type: 'add'; file: string; path: string; line: number }
  | { type: 'delete'; file: string; path: string; line: number }
  | { type: 'run'; file: string; line: number; text: string }
  | { type: 'dispose'; file: string; line: number; summary: Partial<Record<string, number>>; kept: boolean }
  | { type: 'warn'; file: string; line: number; message: string } // line 0: about the whole file
  | { type: 'error'; file: string; line: number; column: number; message: string; frame?: string; error?: unknown };

export type Listener = (e: JurigEvent) => void;

const listeners = new Set<Listener>();

export function on(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emit(e: JurigEvent): void {
  for (const l of listeners) {
    try {
      l(e);
    } catch (err) {
      // a listener's failure is reported and never stops patching
      process.stderr.write(`jurig: an event listener threw: ${(err as Error)?.stack ?? err}\n`);
    }
  }
}

const rel = (file: string) => relative(process.cwd(), file) || file;
const color = (c: Parameters<typeof styleText>[0], s: string) => (process.stderr.isTTY ? styleText(c, s) : s);

/** jurigged-style log lines. Without verbose, only errors and warnings print. */
export function formatEvent(e: JurigEvent): string {
  switch (e.type) {
    case 'watch':
      return `Watch ${rel(e.file)}`;
    case 'update':
      return `Update ${where(e)}`;
    case 'add':
      return `Add ${where(e)}`;
    case 'delete':
      return `Delete ${where(e)}`;
    case 'run':
      return `Run ${rel(e.file)}:${e.line}: ${cut(e.text)}`;
    case 'dispose':
      return `Dispose ${rel(e.file)}:${e.line}: ${e.kept ? 'kept (keepEffects), ran ' : ''}${disposed(e.summary)}`;
    case 'warn':
      return !e.file
        ? `${color('yellow', 'jurig warning')}: ${e.message}` // about the process
        : e.line === 0
          ? `${color('yellow', 'jurig warning')}: ${rel(e.file)} ${e.message}` // about the file or folder
          : `${color('yellow', 'jurig warning')} ${rel(e.file)}:${e.line}: ${e.message}`;
    case 'error': {
      const head = `${color('red', 'jurig error')} ${rel(e.file)}:${e.line}:${e.column}: ${e.message}`;
      return e.frame ? `${head}\n${e.frame}` : head;
    }
  }
}

// a named definition by its path (`lib.ts:Animal.talk`); an anonymous one by its line and what it belongs
// to (`server.ts:14 app.get('/hello') <arrow>`)
function where(e: { file: string; path: string; line: number }): string {
  return e.path.includes('<') ? `${rel(e.file)}:${e.line} ${e.path}` : `${rel(e.file)}:${e.path}`;
}

function disposed(s: Partial<Record<string, number>>): string {
  const parts = Object.entries(s).map(([k, n]) => `${n} ${n === 1 ? k : k === 'child process' ? 'child processes' : k + 's'}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

function cut(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? one.slice(0, 57) + '...' : one;
}

// The first process that logs names itself here; the processes it starts (`child_process.fork`, cluster
// workers, anything that inherits its environment and jurig's loader) find another pid and say theirs.
const FIRST_PID = 'JURIG_LOG_PID';

export function installLogger(verbose: boolean): void {
  const first = process.env[FIRST_PID];
  if (isMainThread && !first) process.env[FIRST_PID] = String(process.pid);
  const proc = first && first !== String(process.pid) ? `[pid ${process.pid}] ` : '';
  // each worker thread patches its own copy of the modules: its lines say which thread they come from
  const prefix = proc + (isMainThread ? '' : `[worker ${threadId}] `);
  on((e) => {
    if (e.type === 'error' || e.type === 'warn' || verbose) process.stderr.write(prefix + formatEvent(e) + '\n');
  });
}
