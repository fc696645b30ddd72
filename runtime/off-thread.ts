// Big texts are compiled, parsed and analysed on a worker thread (compiler/analysis-worker.ts): for a
// 300 KB module that is 0.4–0.7 s of CPU during which the program could not answer; received, the result
// costs the program's thread only its deserialisation (≈0.15 s), and the plan that follows runs a turn
// later. Small texts are analysed here: a round trip costs more than their analysis. Requests go one at a
// time. If the worker cannot start, exits, runs out of stack, or its answer cannot be received (a text nested
// deeper than this thread can deserialise), the text is analysed here, as it was before: the result and
// errors are the same.
//
// A big module's loaded version is analysed ahead (prefetch): a while after it loads, the worker analyses
// it and sends the result back serialised, moved, not copied (nothing is deserialised until its first save
// needs it), so that first save costs what later ones do.
// This file loads with the runtime: SWC and acorn are imported only when a text is analysed here or a
// result is received.
import { clearTimeout, setImmediate, setTimeout } from 'node:timers'; // (not a program's fake timers)
import { deserialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Analysed } from '../compiler/index.js';
import { threadStack } from '../compiler/nesting.js';
import type { ErrorData } from '../compiler/transfer.js';
import { outsideOwners } from './effects.js';

// a big text; JURIG_OFF_THREAD=1: every text goes to the worker (tests); =0: none does
const BIG = 64 * 1024;
const MIN_BYTES = process.env.JURIG_OFF_THREAD === '1' ? 0 : process.env.JURIG_OFF_THREAD === '0' ? Number.POSITIVE_INFINITY : BIG;
// what is analysed ahead, and how much of its results is kept (≈25 bytes of serialised analysis per byte)
const PREFETCH_MAX_BYTES = 1024 * 1024;
const PREFETCH_AFTER_MS = 1500;
const PREFETCH_BUDGET = 64 * 1024 * 1024;
// an idle worker is stopped (its compiler and heap are ≈60–90 MB of the process's memory) and started again
// for the next big text
const IDLE_MS = 30_000;

type Answer = { id: number; an: Analysed } | { id: number; kept: Uint8Array } | { id: number; error: ErrorData } | { id: number; unsent: true };

let worker: Worker | null = null;
let broken = false;
let nextId = 0;
let queue: Promise<unknown> = Promise.resolve();
let inFlight: { id: number; settle: (a: Answer | null) => void } | null = null;
let idle: ReturnType<typeof setTimeout> | null = null;

function start(): Worker | null {
  if (worker || broken) return worker;
  try {
    worker = outsideOwners(
      () =>
        new Worker(new URL('../compiler/analysis-worker.js', import.meta.url), {
          execArgv: [], // not the program's flags: no --import jurig/register, no --inspect
          // the stack the program's thread has: compiler/nesting.ts refuses the same texts there and here
          resourceLimits: { stackSizeMb: Math.max(4, Math.round(threadStack() / 2 ** 20)) },
          name: 'jurig analysis',
        }),
    );
  } catch {
    broken = true;
    return null;
  }
  const w = worker;
  w.on('message', (m: Answer) => {
    if (inFlight?.id === m.id) inFlight.settle(m);
  });
  // the answer could not be deserialised here: analysed on this thread instead
  w.on('messageerror', () => inFlight?.settle(null));
  const stop = () => {
    if (worker !== w) return; // (stopped when idle)
    broken = true;
    worker = null;
    inFlight?.settle(null);
  };
  w.on('error', stop);
  w.on('exit', stop);
  w.unref(); // (after the listeners: a 'message' listener added later refs the port again)
  return w;
}

function stopWhenIdle(): void {
  if (idle) clearTimeout(idle);
  idle = setTimeout(() => {
    idle = null;
    const w = worker;
    worker = null;
    void w?.terminate();
  }, IDLE_MS);
  idle.unref();
}

/** One request to the worker, after those before it; null: it could not answer. */
function ask(source: string, file: string, keep: boolean): Promise<Answer | null> {
  const turn = queue.then(
    () =>
      new Promise<Answer | null>((resolve) => {
        if (idle) clearTimeout(idle);
        const w = start();
        if (!w) return resolve(null);
        const id = ++nextId;
        inFlight = {
          id,
          settle: (a) => {
            inFlight = null;
            stopWhenIdle();
            resolve(a);
          },
        };
        w.postMessage({ id, source, file, keep });
      }),
  );
  queue = turn;
  return turn;
}

// loaded versions analysed ahead, by file: the text and its serialised analysis (a save that comes while
// one is being made waits for it rather than asking for the same analysis again)
const prefetched = new Map<string, Promise<{ source: string; kept: Uint8Array } | null>>();
let prefetchedBytes = 0;

/** Once the program has started, analyse a big module's loaded text ahead of its first save, on the worker
 * (never on this thread), if it is still `loaded()` (not analysed by a save or a tool meanwhile). */
export function prefetchLater(source: string, file: string, loaded: () => boolean): void {
  if (!bigText(source.length) || source.length > PREFETCH_MAX_BYTES) return;
  setTimeout(() => {
    if (loaded() && !broken && !prefetched.has(file)) prefetch(source, file);
  }, PREFETCH_AFTER_MS).unref();
}

function prefetch(source: string, file: string): void {
  prefetched.set(
    file,
    ask(source, file, true).then((a) => {
      if (!a || !('kept' in a) || prefetchedBytes + a.kept.byteLength > PREFETCH_BUDGET) return null;
      prefetchedBytes += a.kept.byteLength;
      return { source, kept: a.kept };
    }),
  );
}

/** Whether a text this long is big: it is better analysed whole on the worker than in part here. */
export function bigText(bytes: number): boolean {
  return bytes >= BIG && MIN_BYTES <= BIG && !broken;
}

// the compiler, loaded with the first text analysed (kept: on Node 20 each import() asks the hooks thread)
let compiler: { index: typeof import('../compiler/index.js'); transfer: typeof import('../compiler/transfer.js') } | null = null;

/** analyseSource(source, file), off this thread when the text is big. An analysis received from the worker
 * is handed over a turn of the event loop later: the program answers between receiving it and planning. */
export async function analyseOffThread(source: string, file: string): Promise<Analysed> {
  compiler ??= { index: await import('../compiler/index.js'), transfer: await import('../compiler/transfer.js') };
  const { analyseSource } = compiler.index,
    { dataToError, reviveAnalysed } = compiler.transfer;
  const pending = prefetched.get(file);
  if (pending) {
    const ahead = await pending;
    prefetched.delete(file);
    if (ahead) {
      prefetchedBytes -= ahead.kept.byteLength;
      if (ahead.source === source) {
        try {
          const an = reviveAnalysed(deserialize(ahead.kept) as Analysed);
          await nextTurn();
          return an;
        } catch {
          /* (deeper than this thread can deserialise) analysed below */
        }
      }
    }
  }
  if (source.length < MIN_BYTES || broken) return analyseSource(source, file);
  const a = await ask(source, file, false);
  if (a === null || 'unsent' in a || 'kept' in a) return analyseSource(source, file);
  if ('error' in a) {
    // out of stack there (a worker's JS stack is smaller on some Node lines): this thread decides
    if (a.error.kind === 'RangeError' || /stack space/i.test(a.error.message)) return analyseSource(source, file);
    throw dataToError(a.error);
  }
  const an = reviveAnalysed(a.an);
  await nextTurn();
  return an;
}

/** A turn of the event loop: the program's due timers and its I/O (a request that came meanwhile) are
 * handled first (a timer, then an immediate after the poll phase). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
}
