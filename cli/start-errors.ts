// What the user sees when the program fails to start: a file that does not compile as one
// `jurig error file:line:col: reason` and a code frame; an error the program throws with the program's
// stack, without jurig's frames or Node's module-loading frames under it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { formatEvent } from '../runtime/index.js';

const STARTUP_SYNTAX = 'ERR_JURIG_SYNTAX'; // loader/load.ts (not imported: it would load the loader here)
const OWN_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface StartupSyntax {
  file: string;
  text: string;
}

/** A file jurig instruments that does not compile (the loader's message: `file:line:col: reason\nframe`). */
export function startupSyntaxError(e: unknown): StartupSyntax | null {
  if ((e as { code?: unknown } | null)?.code !== STARTUP_SYNTAX) return null;
  const message = String((e as Error).message);
  const nl = message.indexOf('\n');
  const head = nl === -1 ? message : message.slice(0, nl);
  const m = /^(.*):(\d+):(\d+): (.*)$/.exec(head);
  if (!m) return null;
  const frame = nl === -1 ? undefined : message.slice(nl + 1);
  const text = formatEvent({ type: 'error', file: m[1], line: Number(m[2]), column: Number(m[3]), message: m[4], frame });
  return { file: m[1], text };
}

/**
 * Whether to wait for a fix after a file does not compile at start, rather than exit: where a person
 * watches (stdout is a terminal, not CI). JURIG_WAIT_FOR_FIX=1 or 0 decides instead (tests, scripts).
 */
export function waitsForFix(): boolean {
  const forced = process.env.JURIG_WAIT_FOR_FIX;
  if (forced === '1' || forced === '0') return forced === '1';
  return Boolean(process.stdout.isTTY) && !process.env.CI;
}

/**
 * An error the program threw at start, reported as Node reports an uncaught error (the source line with
 * a caret, then the stack, exit code 1), with jurig's frames and Node's module-loading frames taken out.
 * It cannot simply be thrown again with a shorter stack: Node then points at its own run_main instead of
 * the program's line. The program's 'uncaughtException' listeners get it first, as under node.
 */
export function reportStartupThrow(e: unknown): void {
  if (!(e instanceof Error) || typeof e.stack !== 'string') throw e;
  const frame = (l: string) => /^\s+at /.test(l);
  const own = (l: string) => frame(l) && (l.includes(OWN_DIR) || /\(node:internal\/modules\/|at (async )?node:internal\/modules\//.test(l));
  const lines = e.stack.split('\n');
  try {
    e.stack = lines.filter((l) => !own(l)).join('\n');
  } catch {
    /* a frozen error keeps its stack */
  }
  if (process.listenerCount('uncaughtException') > 0) {
    (process as NodeJS.EventEmitter).emit('uncaughtException', e, 'uncaughtException');
    return;
  }
  const top = lines.find((l) => frame(l) && !own(l));
  process.stderr.write(`${top ? arrow(top) : ''}${inspect(e)}\n\nNode.js ${process.version}\n`);
  process.exit(1);
}

// `file:line`, the line, and a caret under the column, as Node prints above an uncaught error
function arrow(frameLine: string): string {
  const m = /\(?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?$/.exec(frameLine.trim());
  if (!m) return '';
  try {
    const file = m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1];
    const text = readFileSync(file, 'utf8').split('\n')[Number(m[2]) - 1]?.replace(/\r$/, '');
    if (text === undefined) return '';
    return `${m[1]}:${m[2]}\n${text}\n${' '.repeat(Number(m[3]) - 1)}^\n\n`;
  } catch {
    return '';
  }
}
