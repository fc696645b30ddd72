// Hooks for module.register (Node 20, off-thread). Options arrive through `initialize`.
import { noticeLink } from './links.js';
import { instrumentedPath, Loader } from './load.js';
import type { JurigOptions } from './options.js';

let loader: Loader | null = null;

export async function initialize(options: JurigOptions): Promise<void> {
  loader = new Loader(options);
}

type NextResolve = (specifier: string, context: { parentURL?: string }) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: { parentURL?: string }, nextResolve: NextResolve): Promise<object> {
  const out = await nextResolve(specifier, context);
  const file = loader && instrumentedPath(out.url, loader.options);
  if (file) noticeLink(specifier, context.parentURL, file);
  return out;
}

type NextLoad = (url: string, context: object) => Promise<object>;

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<object> {
  const out = loader?.load(url) ?? null;
  if (out === null) return nextLoad(url, context);
  return { format: out.format, source: out.source, shortCircuit: true };
}
