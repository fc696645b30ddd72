// The compiler on a thread of its own: a big module's text is compiled (SWC), parsed and analysed here, so
// the program's thread only receives the result (runtime/off-thread.ts) and keeps answering meanwhile.
// `keep`: the result is sent serialised and moved, not copied, to be deserialised when it is needed.
import { serialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { type Analysed, analyseSource } from './index.js';
import { errorToData } from './transfer.js';

interface Request {
  id: number;
  source: string;
  file: string;
  keep: boolean;
}

parentPort!.on('message', ({ id, source, file, keep }: Request) => {
  let an: Analysed;
  try {
    an = analyseSource(source, file);
  } catch (e) {
    parentPort!.postMessage({ id, error: errorToData(e) });
    return;
  }
  try {
    if (keep) {
      const kept = new Uint8Array(serialize(an)); // (a copy that owns its memory: it can be moved)
      parentPort!.postMessage({ id, kept }, [kept.buffer]);
    } else parentPort!.postMessage({ id, an });
  } catch {
    parentPort!.postMessage({ id, unsent: true }); // (cannot be cloned: the caller analyses it itself)
  }
});
