#!/usr/bin/env node
// `jurig [options] <script> [args...]`: runs the script with jurig's loader, with its arguments in
// process.argv as node would give them, and its own exit code.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { defaultOptions, ENV_KEY, type JurigOptions } from '../common/options.js';
import { checkNodeFlags, takesValue } from '../cli/node-flags.js';
import { respawnWithNodeFlags, setCliScript } from '../cli/respawn.js';
import { reportStartupThrow, startupSyntaxError, waitsForFix } from '../cli/start-errors.js';
import { REPORT_ENV, waitForFixThenRun } from '../cli/wait-for-fix.js';

setCliScript(fileURLToPath(import.meta.url));

const HELP = `Usage: jurig [options] [script.ts|script.js] [args...]

Runs the script with live code patching: edit a function, a method or a closure, save, and the running
program uses the new code at its next call. Without a script, starts a live REPL.

Node's own options before the script (--env-file=.env, --inspect, --conditions=x, --import x, …) are
given to the Node process that runs the program.

Options:
  -v, --verbose          log every watched file and every update (Watch/Update/Add/Delete/Run)
  -w, --watch <dir|glob> instrument and watch these files (repeatable; default: the current directory;
                         the packages of an npm/yarn/pnpm workspace are always added; JURIG_WATCH=a:b adds more)
  -d, --debounce <ms>    how long a save that deletes code is held for the rest of the write (default 50)
      --poll <ms>        poll the files every <ms> instead of using native file events
  -m <module>[:<fn>]     import a module (and call its export <fn>) instead of running a script
  -i, --interactive      enter a live REPL after the script (or at once if it keeps running)
      --loop <name>      run function <name> and run it again on every save that changes its code
      --xloop <name>     like --loop, but only loop while the function throws
      --test [patterns]  run node:test files (as node --test finds them, or these files, folders or
                         globs) in this one process, live: with a terminal, a failing test waits for
                         a fix and runs again at each save (keys: c continue, r rerun, s skip, q quit)
      --test --watch     after the run, keep going: each save re-runs the tests that ran the changed
                         code (with --test, a bare --watch is this; give roots as -w dir or --watch=dir)
      --no-cache         do not use the on-disk transform cache
      --version          print the version
  -h, --help             print this help
`;

const OPTIONS = {
  verbose: { type: 'boolean', short: 'v' },
  watch: { type: 'string', short: 'w', multiple: true },
  debounce: { type: 'string', short: 'd' },
  poll: { type: 'string' },
  m: { type: 'string', short: 'm' },
  interactive: { type: 'boolean', short: 'i' },
  loop: { type: 'string', multiple: true },
  xloop: { type: 'string', multiple: true },
  test: { type: 'boolean' },
  'test-watch': { type: 'boolean' },
  'no-cache': { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const WITH_VALUE = new Set(['-w', '--watch', '-d', '--debounce', '--poll', '-m', '--loop', '--xloop']);
const OWN_LONG = new Set(Object.keys(OPTIONS).map((k) => `--${k}`));
const OWN_SHORT = new Set<string>(Object.values(OPTIONS).flatMap((o) => ('short' in o ? [o.short] : [])));

/** jurig's options, or a group of its short flags (`-vi`, `-wsrc`). */
function isOwn(arg: string): boolean {
  if (arg.startsWith('--')) return OWN_LONG.has(arg.split('=')[0]);
  return OWN_SHORT.has(arg[1]);
}

/** Options come before the script; everything from the script on belongs to the script. Of the options,
 * jurig's own are `own` and all others are taken as Node's (`node`), for the Node that runs the program. */
export function splitArgs(argv: string[]): { own: string[]; node: string[]; script: string | null; rest: string[] } {
  const own: string[] = [];
  const node: string[] = [];
  // with --test, a bare --watch is the test watch mode (roots are then -w dir or --watch=dir)
  const end = argv.indexOf('--');
  const testing = argv.slice(0, end === -1 ? argv.length : end).includes('--test');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (testing && a === '--watch') {
      own.push('--test-watch');
      continue;
    }
    if (a === '--') return { own, node, script: argv[i + 1] ?? null, rest: argv.slice(i + 2) };
    if (!a.startsWith('-') || a === '-') return { own, node, script: a, rest: argv.slice(i + 1) };
    const into = isOwn(a) ? own : node;
    into.push(a);
    const withValue = into === own ? WITH_VALUE.has(a) : takesValue(a);
    if (withValue && i + 1 < argv.length) into.push(argv[++i]);
  }
  return { own, node, script: null, rest: [] };
}

function fail(message: string): never {
  process.stderr.write(`jurig: ${message}\nTry 'jurig --help'.\n`);
  process.exit(2);
}

// Node gives workers the execArgv the process started with, which does not hold the `--import` added
// above: workers created without execArgv of their own get process.execArgv, as `node --import` would.
function inheritLoaderInWorkers(): void {
  const wt = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const Base = wt.Worker;
  const Worker = class Worker extends Base {
    constructor(file: string | URL, options: import('node:worker_threads').WorkerOptions = {}) {
      super(file, options.execArgv ? options : { ...options, execArgv: [...process.execArgv] });
    }
  };
  (wt as { Worker: typeof Base }).Worker = Worker;
  syncBuiltinESMExports();
}

async function main(): Promise<void> {
  const startArgs = process.argv.slice(2),
    startExecArgv = [...process.execArgv];
  // set when this process was started again after a start-up error was fixed (cli/wait-for-fix.ts)
  const report = process.env[REPORT_ENV];
  delete process.env[REPORT_ENV];
  const split = splitArgs(process.argv.slice(2));
  const { own } = split;
  let { script, rest } = split;
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'] | undefined;
  try {
    ({ values } = parseArgs({ args: own, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`jurig ${pkg.version}\n`);
    return;
  }
  if (split.node.length) {
    const problem = checkNodeFlags(split.node);
    if (problem) fail(problem);
    const after = script === null ? [] : ['--', script, ...rest];
    respawnWithNodeFlags(split.node, [...own, ...after]);
    return;
  }
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) fail(`${name} takes a number of milliseconds, not '${v}'`);
    return n;
  };
  const options: JurigOptions = defaultOptions();
  if (values.watch?.length) options.roots = values.watch.map((w) => resolve(w));
  options.verbose = values.verbose ?? false;
  options.debounce = num(values.debounce, '--debounce') ?? options.debounce;
  options.poll = num(values.poll, '--poll') ?? null;
  if (values['no-cache']) options.cacheDir = null;
  options.interactive = values.interactive ?? false;
  options.loop = values.loop ?? [];
  options.xloop = values.xloop ?? [];
  if (values.m) options.module = values.m;
  if (values['test-watch'] && !values.test) fail('--test-watch goes with --test');
  // with -m there is no script: every argument after the module goes to process.argv
  if (values.m && script !== null) {
    rest = [script, ...rest];
    script = null;
  }

  if (script === null && !values.m && !values.test) options.interactive = true;

  // The program runs in this process, after the loader is registered, as `node --import` would run it;
  // workers and forked children inherit the loader through execArgv and the options through the env.
  const register = new URL('./register.js', import.meta.url).href;
  process.env[ENV_KEY] = JSON.stringify(options);
  process.execArgv.push('--import', register);
  inheritLoaderInWorkers();
  const { formatOf, hooksInThread } = (await import(register)) as typeof import('./register.js');
  if (values.test) {
    // every argument after the options is a test file, folder or glob
    const patterns = script === null ? [] : [script, ...rest];
    const { runTests } = (await import(new URL('../cli/test-loop.js', import.meta.url).href)) as typeof import('../cli/test-loop.js');
    await runTests({ patterns, watch: !!values['test-watch'], roots: options.roots, inThreadHooks: hooksInThread });
    return;
  }
  if (script === null) {
    process.argv.splice(1, process.argv.length - 1, ...rest);
    await import(new URL('../cli/session.js', import.meta.url).href);
    return;
  }
  const file = resolve(script);
  if (!existsSync(file)) fail(`cannot find the script ${script}`);
  if (statSync(file).isDirectory()) fail(`${script} is a directory: give the file to run (for example ${script.replace(/[\\/]$/, '')}/index.ts)`);
  process.argv.splice(1, process.argv.length - 1, file, ...rest);
  try {
    await runScript(file, formatOf);
  } catch (e) {
    const syntax = startupSyntaxError(e);
    if (!syntax) return reportStartupThrow(e);
    process.stderr.write(syntax.text + '\n');
    if (report) writeFileSync(report, syntax.file);
    else if (waitsForFix()) await waitForFixThenRun(syntax.file, startExecArgv, startArgs);
    process.exit(1);
  }
}

async function runScript(file: string, formatOf: (file: string) => string | null): Promise<void> {
  // a CommonJS script is the main module, as under node (`require.main === module`); an ES module is imported
  let format = null;
  try {
    format = formatOf(file);
  } catch {
    /* does not compile: the import reports it as it always does */
  }
  if (format === 'commonjs')
    (createRequire(import.meta.url)('node:module') as { _load(f: string, parent: null, isMain: boolean): unknown })._load(file, null, true);
  else await import(pathToFileURL(file).href);
}

await main();
