// Node 20 under --experimental-default-type=module: the default load hook then returns the source of
// CommonJS files too, and Node runs a CommonJS file that comes with its source through the ESM loader,
// whose require() asks the hooks for a synchronous resolve. On the hooks thread that is not implemented
// (ERR_METHOD_NOT_IMPLEMENTED resolveSync): tsx's hooks, loading esbuild (CommonJS), die there and the
// program waits for them forever, with no output. Registered before tsx, this hook (the last of the chain)
// drops that source again, as the default hook does without the flag, so CommonJS files load through the
// CommonJS loader: tsx's own hooks module is loaded through it too.
type NextLoad = (url: string, context: object) => Promise<{ format?: string | null; source?: unknown }>;

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<object> {
  const out = await nextLoad(url, context);
  if (out.format === 'commonjs' && out.source != null && url.startsWith('file:')) return { ...out, source: null, shortCircuit: true };
  return out;
}
