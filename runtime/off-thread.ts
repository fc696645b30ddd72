// Big texts are compiled, parsed and analysed on a worker thread (compiler/analysis-worker.ts): for a
// 300 KB module that is 0.4–0.7 s of CPU during which the program could not answer; received, the result
// costs the program's thread only its deserialisation (≈0.15 s), and the plan that follows runs a turn
// later. Small texts are analysed here: a round trip costs more than their analysis. Requests go one at a
// time. If the worker cannot start, exits, or its answer cannot be received (a text nested deeper than this
// thread can deserialise), the text is analysed here, as it was before: the result and errors are the same.
import { Worker } from 'node:worker_threads';
import { type Analysed, analyseSource } from '../compiler/index.js';
import { threadStack } from '../compiler/nesting.js';
import { dataToError, type ErrorData, reviveAnalysed } from '../compiler/transfer.js';
import { outsideOwners } from './effects.js';

// JURIG_OFF_THREAD=1: every text goes to the worker (tests); =0: none does
const MIN_BYTES = process.env.JURIG_OFF_THREAD === '1' ? 0 : process.env.JURIG_OFF_THREAD === '0' ? Number.POSITIVE_INFINITY : 64 * 1024;

type Answer = { id: number; an: Analysed } | { id: number; error: ErrorData } | { id: number; unsent: true };

let worker: Worker | null = null;
let broken = false;
let nextId = 0;
let queue: Promise<unknown> = Promise.resolve();
let inFlight: { id: number; settle: (a: Answer | null) => void } | null = null;

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
  worker.on('message', (m: Answer) => {
    if (inFlight?.id === m.id) inFlight.settle(m);
  });
  // the answer could not be deserialised here: analysed on this thread instead
  worker.on('messageerror', () => inFlight?.settle(null));
  const stop = () => {
    broken = true;
    worker = null;
    inFlight?.settle(null);
  };
  worker.on('error', stop);
  worker.on('exit', stop);
  worker.unref(); // (after the listeners: a 'message' listener added later refs the port again)
  return worker;
}

function ask(source: string, file: string): Promise<Answer | null> {
  const w = start();
  if (!w) return Promise.resolve(null);
  return new Promise((resolve) => {
    const id = ++nextId;
    inFlight = {
      id,
      settle: (a) => {
        inFlight = null;
        resolve(a);
      },
    };
    w.postMessage({ id, source, file });
  });
}

/** analyseSource(source, file), off this thread when the text is big. */
export function analyseOffThread(source: string, file: string): Promise<Analysed> {
  if (source.length < MIN_BYTES || broken) return new Promise((resolve) => resolve(analyseSource(source, file)));
  const turn = queue.then(async () => {
    const a = await ask(source, file);
    if (a === null || 'unsent' in a) return analyseSource(source, file);
    if ('error' in a) throw dataToError(a.error);
    return reviveAnalysed(a.an);
  });
  queue = turn.catch(() => {});
  return turn;
}

/** A turn of the event loop: the program's due timers and its I/O (a request that came meanwhile) are
 * handled before the next piece of a save's work (a timer, then an immediate after the poll phase). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
}
