// What a stopped loop waits for (the develoop, cli/loop.ts; a failing test, cli/test-loop.ts): a key the
// user types (a letter or its word, a line at a time when stdin is not a terminal) or a save that changed
// code (the events of one save settle for `settleMs` first).
import { relative } from 'node:path';
import { type JurigEvent, on } from '../runtime/index.js';

export type Choice<K extends string> = { kind: K } | { kind: 'save'; changes: string[] };

export interface WaitOptions<K extends string> {
  /** Each choice and what selects it: `{ rerun: ['r', 'rerun'] }` (compared in lower case, trimmed). */
  keys: Record<K, string[]>;
  /** Enter in a terminal (raw mode) selects this; Ctrl-C or Ctrl-D selects `interrupt`. */
  enter: NoInfer<K>;
  interrupt: NoInfer<K>;
  /** Read keys one by one from a terminal (raw mode) rather than lines. */
  raw: boolean;
  settleMs: number;
  /** A save's error event (it does not end the wait: the user saves again). */
  onError?(e: Extract<JurigEvent, { type: 'error' }>): void;
  /** stdin is ref'd while waiting and unref'd after, so a paused pipe cannot hold the process open. */
  refStdin?: boolean;
}

/** The events of a save that changed code. */
export const CODE_EVENTS = new Set<JurigEvent['type']>(['update', 'add', 'delete', 'run']);

export function waitForKeyOrSave<K extends string>(o: WaitOptions<K>): Promise<Choice<K>> {
  return new Promise((resolveChoice) => {
    const stdin = process.stdin as NodeJS.ReadStream & { ref?(): void; unref?(): void };
    let buf = '';
    let saveTimer: NodeJS.Timeout | null = null;
    const changes: string[] = [];
    const done = (c: Choice<K>) => {
      stdin.off('data', onData);
      offEvents();
      if (saveTimer) clearTimeout(saveTimer);
      if (o.raw) stdin.setRawMode(false);
      stdin.pause();
      if (o.refStdin) stdin.unref?.();
      resolveChoice(c);
    };
    const key = (k: string): boolean => {
      const typed = k.trim().toLowerCase();
      for (const [kind, words] of Object.entries(o.keys) as [K, string[]][]) {
        if (words.includes(typed)) {
          done({ kind });
          return true;
        }
      }
      if (o.raw && (k === '\r' || k === '\n')) {
        done({ kind: o.enter });
        return true;
      }
      if (k === '\x03' || k === '\x04') {
        done({ kind: o.interrupt });
        return true;
      }
      return false;
    };
    const onData = (d: Buffer | string) => {
      const s = d.toString();
      if (o.raw) {
        for (const ch of s) if (key(ch)) return;
        return;
      }
      buf += s;
      let i: number;
      while ((i = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (key(line)) return;
      }
    };
    const offEvents = on((e) => {
      if (CODE_EVENTS.has(e.type)) {
        changes.push(`${e.type} ${relative(process.cwd(), e.file) || e.file}${'path' in e ? ':' + e.path : ''}`);
        if (saveTimer) clearTimeout(saveTimer);
        saveTimer = setTimeout(() => done({ kind: 'save', changes: [...new Set(changes)] }), o.settleMs);
      } else if (e.type === 'error') o.onError?.(e);
    });
    if (o.raw) stdin.setRawMode(true);
    stdin.on('data', onData);
    if (o.refStdin) stdin.ref?.();
    stdin.resume();
  });
}
