// The compiler on a thread of its own: a big module's text is compiled (SWC), parsed and analysed here, so
// the program's thread only receives the result (runtime/off-thread.ts) and keeps answering meanwhile.
import { parentPort } from 'node:worker_threads';
import { type Analysed, analyseSource } from './index.js';
import { errorToData } from './transfer.js';

interface Request {
  id: number;
  source: string;
  file: string;
}

parentPort!.on('message', ({ id, source, file }: Request) => {
  let an: Analysed;
  try {
    an = analyseSource(source, file);
  } catch (e) {
    parentPort!.postMessage({ id, error: errorToData(e) });
    return;
  }
  try {
    parentPort!.postMessage({ id, an });
  } catch {
    parentPort!.postMessage({ id, unsent: true }); // (cannot be cloned: the caller analyses it itself)
  }
});
