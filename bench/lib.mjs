// Shared helpers for the benchmarks: paths, statistics, tables, child processes, result sections.
// Every bench prints its table and writes bench/.results/<name>.md, which run-all.mjs assembles into
// bench/RESULTS.md. Figures are medians over several processes because the machine is noisy.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, release, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH, '..');
export const CLI = join(ROOT, 'dist/entry/jurig.js');
export const REGISTER = join(ROOT, 'dist/entry/register.js');
export const REGISTER_URL = new URL('../dist/entry/register.js', import.meta.url).href;
export const NODE = process.env.JURIG_BENCH_NODE || process.execPath;
export const BENCH_NM = join(BENCH, 'node_modules');
/** tsx as the restart peers and the start-up baseline use it (bench's own copy, same version as jurig's). */
export const TSX_CLI = join(BENCH_NM, 'tsx/dist/cli.mjs');
export const TSX_LOADER = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
export const QUICK = process.env.JURIG_BENCH_QUICK === '1' || process.env.QUICK === '1';
/** In-process peers, installed by bench's own `npm install` (bun ships its binary in @oven/bun-<platform>). */
// `bun/bin/bun.exe` is a placeholder until bun's postinstall links the binary (package.json's allowScripts
// lets it run); if scripts were skipped, the platform package's binary is the same file.
const BUN_LINKED = join(BENCH_NM, 'bun/bin/bun.exe');
const BUN_PLATFORM = join(BENCH_NM, `@oven/bun-${platform()}-${process.arch === 'arm64' ? 'aarch64' : 'x64'}/bin/bun`);
export const BUN = existsSync(BUN_LINKED) && statSync(BUN_LINKED).size > 1e6 ? BUN_LINKED : BUN_PLATFORM;
export const DYNOHOT_URL = new URL('./node_modules/dynohot/dist/entry/register.js', import.meta.url).href;
export const HOT_HOOK_URL = new URL('./node_modules/hot-hook/build/src/register.js', import.meta.url).href;
export const VITE_RUN = join(BENCH, 'peers/vite-run.mjs');

export function ensureBuilt() {
  if (!existsSync(CLI)) {
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('build failed');
  }
}

export function ensureBenchDeps() {
  if (existsSync(join(BENCH_NM, '.package-lock.json')) && existsSync(TSX_CLI) && existsSync(BUN) && existsSync(join(BENCH_NM, 'vite'))) return;
  console.log('bench: installing bench/node_modules (npm install in bench/) ...');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: BENCH, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm install in bench/ failed');
}

export function tmp(prefix) {
  return mkdtempSync(join(tmpdir(), `jurig-bench-${prefix}-`));
}
export function rm(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export function sorted(xs) {
  return [...xs].sort((a, b) => a - b);
}
/** Percentile by nearest rank (p in 0..100). */
export function pct(xs, p) {
  if (!xs.length) return NaN;
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
export function median(xs) {
  if (!xs.length) return NaN;
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
export function fmt(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (typeof x === 'string') return x;
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(Math.min(digits, 1));
  return x.toFixed(digits);
}
export function ratio(x) {
  return Number.isFinite(x) ? `${x.toFixed(3)}×` : '—';
}
export function verdict(ok) {
  return ok === null || ok === undefined ? '—' : ok ? 'met' : 'MISSED';
}

/** Markdown table (also readable as plain text). */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const w = headers.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  return [line(cells[0]), '| ' + w.map((n) => '-'.repeat(n)).join(' | ') + ' |', ...cells.slice(1).map(line)].join('\n');
}

export function machine() {
  const c = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpu: `${c[0]?.model ?? '?'} × ${c.length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  };
}

/**
 * This bench's verdicts for the summary at the top of RESULTS.md: [{ goal, measured, verdict }], verdict
 * 'met' | 'MISSED' | 'not measured'.
 */
export function writeVerdicts(name, list) {
  const dir = join(BENCH, '.results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.verdicts.json`), JSON.stringify(list, null, 1));
}

/** Write this bench's section (markdown) for RESULTS.md and echo it. */
export function writeSection(name, markdown) {
  const dir = join(BENCH, '.results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), markdown.trim() + '\n');
}

/**
 * Run a node process to completion; resolves with stdout, stderr, exit code and wall time (ms).
 */
export function run(args, { cwd, env = {}, input, timeout = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(NODE, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ out, err, code, signal, wall: performance.now() - t0 });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** The last line of stdout that parses as JSON with a given key. */
export function lastJson(out, key) {
  const lines = out.trim().split('\n').reverse();
  for (const l of lines) {
    if (!l.startsWith('{')) continue;
    try {
      const v = JSON.parse(l);
      if (!key || key in v) return v;
    } catch { /* not ours */ }
  }
  return null;
}

export function jurigEnv(options) {
  return { JURIG_OPTIONS: JSON.stringify({ debounce: 50, poll: null, verbose: false, includeNodeModules: false, ...options }) };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Least-squares slope of ys over xs. */
export function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  return num / den;
}

export function shuffle(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

/**
 * The "CPU hog": one busy process per core beside the measurement (same priority), so every tool
 * measured in the same round competes with it. Returns a stop function.
 */
export function startHog(n = cpus().length) {
  const kids = Array.from({ length: n }, () =>
    spawn(process.execPath, ['-e', 'let x = 0; for (;;) { x = (x * 31 + 7) | 0; }'], { stdio: 'ignore' }));
  return async () => {
    for (const k of kids) { try { k.kill('SIGKILL'); } catch { /* gone */ } }
    await sleep(200);
  };
}

/** The CLI of an older build to compare with (JURIG_BENCH_BASE): builds before the layers moved kept it in dist/cli. */
export function baseCli(base) {
  const now = join(base, 'dist/entry/jurig.js');
  return existsSync(now) ? now : join(base, 'dist/cli/jurig.js');
}
