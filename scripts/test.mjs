// `npm test`: node's test runner over test/**/*.test.mjs. Node 20 takes a folder, Node ≥ 21 takes globs;
// listing the files works on both (and does not run helper modules as tests). Extra arguments are passed
// on, e.g. `npm test -- --test-name-pattern=recoder`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (!e.name.startsWith('.')) walk(p); } // not test/.apps (the tests' own app folders)
    else if (e.name.endsWith('.test.mjs')) files.push(relative(root, p));
  }
};
walk(join(root, 'test'));
files.sort();
const args = ['--test', '--test-concurrency=2', '--test-timeout=120000', ...process.argv.slice(2), ...files];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
