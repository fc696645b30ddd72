// Shared by the real-program drivers: inputs from real source files, a checksum, and the report line.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NM = fileURLToPath(new URL('../node_modules/', import.meta.url));

/** Real JavaScript sources (sorted, deterministic) from installed packages, as input text. */
export function jsFiles(dir, max = Infinity) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?js)$/.test(name) && out.length < max) out.push({ name: p.slice(NM.length), text: readFileSync(p, 'utf8') });
    }
  };
  walk(join(NM, dir));
  return out;
}

export const hash = () => createHash('sha1');

/** Run `work` (sync or async) and print one JSON line: checksum, CPU ms and wall ms of the work only. */
export async function report(work) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const checksum = await work();
  const c = process.cpuUsage(c0), wall = performance.now() - t0;
  const rt = globalThis[Symbol.for('jurig')];
  console.log(JSON.stringify({ checksum, cpuMs: (c.user + c.system) / 1000, wallMs: wall, instrumented: rt ? rt.records.size : 0 }));
}
