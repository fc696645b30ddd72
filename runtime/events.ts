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
  | { type: 'warn'; file: string; line: number; message: string }
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
    case 'watch': return `Watch ${rel(e.file)}`;
    case 'update': return `Update ${rel(e.file)}:${e.path}`;
    case 'add': return `Add ${rel(e.file)}:${e.path}`;
    case 'delete': return `Delete ${rel(e.file)}:${e.path}`;
    case 'run': return `Run ${rel(e.file)}:${e.line}: ${cut(e.text)}`;
    case 'warn': return `${color('yellow', 'jurig warning')}${e.file ? ` ${rel(e.file)}${e.line ? `:${e.line}` : ''}` : ''}: ${e.message}`; // line 0: about the file or folder; no file: the process
    case 'error': {
      const head = `${color('red', 'jurig error')} ${rel(e.file)}:${e.line}:${e.column}: ${e.message}`;
      return e.frame ? `${head}\n${e.frame}` : head;
    }
  }
}

function cut(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? one.slice(0, 57) + '...' : one;
}

export function installLogger(verbose: boolean): void {
  // each worker thread patches its own copy of the modules: its lines say which thread they come from
  const thread = isMainThread ? '' : `[worker ${threadId}] `;
  on((e) => {
    if (e.type === 'error' || e.type === 'warn' || verbose) process.stderr.write(thread + formatEvent(e) + '\n');
  });
}
