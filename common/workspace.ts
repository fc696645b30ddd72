// Workspaces (npm, yarn, pnpm) and roots added from the environment.
//
// Run from `packages/app`, a program imports `@acme/lib` through `node_modules/@acme/lib`, a link to
// `packages/lib`: the user's own code, outside the current directory. The workspace's root (the nearest
// folder above the current directory whose package.json has `workspaces`, or that has a
// pnpm-workspace.yaml) is a watch root of its own, so its packages are live wherever jurig starts in it.
// Its node_modules stay out, as under any root: a file is judged by its real path, and a workspace
// package's real path is `packages/lib/…`.
//
// With `node --preserve-symlinks` Node runs the package under its link path (`…/node_modules/@acme/lib/…`):
// such a file is live when its package folder is a link whose target is outside node_modules and under a
// root (`linkedReal`).
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve, sep } from 'node:path';

/** `JURIG_WATCH`: more roots, separated like PATH (`:`; `;` on Windows), relative to the current directory. */
export const WATCH_ENV = 'JURIG_WATCH';

export function envRoots(cwd = process.cwd()): string[] {
  const raw = process.env[WATCH_ENV];
  if (!raw) return [];
  return raw
    .split(delimiter)
    .filter(Boolean)
    .map((p) => resolve(cwd, p));
}

/** The root of the npm/yarn/pnpm workspace that `cwd` is in, or null. */
export function findWorkspaceRoot(cwd = process.cwd()): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const w = (JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces;
        if (Array.isArray(w) || (w && typeof w === 'object' && Array.isArray((w as { packages?: unknown }).packages))) return dir;
      } catch {
        /* not JSON: not a workspace root */
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

const NM = `${sep}node_modules${sep}`;
const linked = new Map<string, string | null>(); // a package folder under node_modules → its real folder

/** The package folder a path under node_modules belongs to: `…/node_modules/name` or `…/node_modules/@scope/name`. */
function packageDir(file: string): { dir: string; rest: string } | null {
  const i = file.lastIndexOf(NM);
  if (i === -1) return null;
  const after = file.slice(i + NM.length).split(sep);
  const n = after[0]?.startsWith('@') ? 2 : 1;
  if (after.length <= n) return null;
  return { dir: file.slice(0, i + NM.length) + after.slice(0, n).join(sep), rest: after.slice(n).join(sep) };
}

/**
 * For a file under node_modules whose package folder is a symbolic link to a folder outside node_modules
 * (a workspace package, `npm link`, a `file:`/`link:` dependency): its real path. Otherwise null. One lstat
 * per package folder.
 */
export function linkedReal(file: string): string | null {
  const p = packageDir(file);
  if (!p) return null;
  let real = linked.get(p.dir);
  if (real === undefined) {
    real = null;
    try {
      if (lstatSync(p.dir).isSymbolicLink()) {
        const r = realpathSync(p.dir);
        if (!(r + sep).includes(NM)) real = r;
      }
    } catch {
      /* gone: not live */
    }
    linked.set(p.dir, real);
  }
  return real === null ? null : join(real, p.rest);
}

/** The folder of the package.json nearest above `file` (the folder itself if there is none). */
export function packageFolder(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return dirname(file);
  }
}
