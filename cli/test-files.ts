// Which files `jurig --test [patterns…]` runs: node --test's discovery, with TypeScript too.
//
// Without patterns, the current directory is searched as Node ≥ 22 does with its default globs
// (`**/*.test.*`, `**/*-test.*`, `**/*_test.*`, `**/test-*.*`, `**/test.*`, `**/test/**/*.*`), for
// .js/.mjs/.cjs and, since jurig compiles them, .ts/.mts/.cts; node_modules and dot-folders are skipped.
// A pattern is a file, a folder (searched the same way, as Node 20 does with a folder) or a glob.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { toFilter } from '../runtime/api.js';

const EXT = /\.(?:js|mjs|cjs|ts|mts|cts)$/;

/** A file node --test would run when it finds it while searching a folder (root: the current directory). */
export function isTestFile(file: string, root: string): boolean {
  if (!EXT.test(file) || /\.d\.[cm]?ts$/.test(file)) return false;
  const name = basename(file).replace(EXT, '');
  if (name === 'test' || name.startsWith('test-') || /[.\-_]test$/.test(name)) return true;
  // anything under a folder named test
  return relative(root, file).split(sep).slice(0, -1).includes('test');
}

function walk(dir: string, into: string[]): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, into);
    else if (e.isFile()) into.push(p);
  }
}

export function findTestFiles(patterns: string[], cwd = process.cwd()): { files: string[]; missing: string[] } {
  const found = new Set<string>();
  const missing: string[] = [];
  const search = (dir: string) => {
    const all: string[] = [];
    walk(dir, all);
    for (const f of all) if (isTestFile(f, cwd)) found.add(f);
  };
  if (!patterns.length) search(cwd);
  let everything: string[] | null = null;
  for (const p of patterns) {
    const abs = resolve(cwd, p);
    let st = null;
    try {
      st = statSync(abs);
    } catch {
      /* a glob, or nothing */
    }
    if (st?.isFile()) {
      found.add(abs);
      continue;
    }
    if (st?.isDirectory()) {
      const before = found.size;
      search(abs);
      if (found.size === before) missing.push(p);
      continue;
    }
    if (!/[*?{]/.test(p)) {
      missing.push(p);
      continue;
    }
    if (!everything) {
      everything = [];
      walk(cwd, everything);
    }
    const match = toFilter(abs);
    const hits = everything.filter((f) => EXT.test(f) && match(f));
    if (!hits.length) missing.push(p);
    for (const f of hits) found.add(f);
  }
  // real paths: the runtime names saved files by theirs
  const real = (f: string) => {
    try {
      return realpathSync(f);
    } catch {
      return f;
    }
  };
  return { files: [...new Set([...found].map(real))].sort(), missing };
}
