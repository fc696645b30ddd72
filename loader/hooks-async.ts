// Hooks for module.register (Node 20, off-thread). Options and the port for not-live reports arrive
// through `initialize`.
import type { MessagePort } from 'node:worker_threads';
import { esmResult, Loader } from './load.js';
import type { JurigOptions } from './options.js';

let loader: Loader | null = null;

export async function initialize({ options, port }: { options: JurigOptions; port: MessagePort }): Promise<void> {
  port.unref();
  loader = new Loader(options, (file, reason) => port.postMessage({ file, reason }));
}

type NextLoad = (url: string, context: object) => Promise<object>;

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<object> {
  const out = loader?.load(url, true) ?? null;
  if (out === null) return nextLoad(url, context);
  return esmResult(out);
}
