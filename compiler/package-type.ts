// The "type" of the package a file belongs to (its nearest package.json), as Node and tsx read it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const byDir = new Map<string, 'module' | 'commonjs'>();

export function packageType(file: string): 'module' | 'commonjs' {
  const seen: string[] = [];
  let dir = dirname(file),
    type: 'module' | 'commonjs' | undefined;
  for (;;) {
    type = byDir.get(dir);
    if (type) break;
    seen.push(dir);
    let text: string | null = null;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      /* none here: look further up */
    }
    if (text !== null) {
      try {
        type = (JSON.parse(text) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        type = 'commonjs';
      }
      break;
    }
    const up = dirname(dir);
    if (up === dir) {
      type = 'commonjs';
      break;
    }
    dir = up;
  }
  for (const d of seen) byDir.set(d, type);
  return type;
}

/**
 * Whether tsx runs the file as CommonJS: a `.js`/`.ts`/`.jsx`/`.tsx` file outside a `"type": "module"`
 * package (tsx compiles its import/export to require), and every `.cjs`/`.cts`.
 */
export function commonJsByPackage(file: string): boolean {
  if (/\.c[jt]s$/.test(file)) return true;
  if (/\.m[jt]s$/.test(file)) return false;
  return packageType(file) === 'commonjs';
}
