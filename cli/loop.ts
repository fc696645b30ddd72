// What the CLI starts next to the program: the develoop (`--loop` / `--xloop`) and the REPL after the
// script (`-i`).
//
// The develoop: when the program calls the named function, the call is taken over: the function runs,
// its stdout, stderr, result or error, run number and duration are shown, and it runs again on every
// save that changes code, until you press c (continue: the caller gets the last result, or the error),
// r (run again) or q (quit). `--xloop` takes over only when the function throws.
//
// How: the runtime routes every call of the function through the loop (runtime/takeover.ts), which survives
// saves; every reference to the function goes through it.
import { realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { inspect, styleText } from 'node:util';
import type { JurigOptions } from '../common/options.js';
import { on, tools } from '../runtime/index.js';
import { waitForKeyOrSave } from './key-or-save.js';

let runtimeTools: Awaited<ReturnType<typeof tools>>;

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};
// jurig's own scripts (the bin, cli/session.ts) are not the user's script
const ownDist = real(new URL('..', import.meta.url).pathname) + '/';

/** The script's file (or -m module's, once run-module has set argv[1]); null in a session without one. */
function entryFile(): string | null {
  const a = process.argv[1];
  if (!a || real(a).startsWith(ownDist)) return null;
  return real(a.startsWith('file:') ? new URL(a).pathname : a);
}

export async function start(options: JurigOptions): Promise<void> {
  const targets = [...(options.loop ?? []).map((n) => parseTarget(n, false)), ...(options.xloop ?? []).map((n) => parseTarget(n, true))];
  if (targets.length) {
    runtimeTools = await tools();
    installLoops(targets);
  }
  if (options.interactive) scheduleRepl();
}

// ---------------------------------------------------------------------------------------------------
// -i after a script

function scheduleRepl(): void {
  let started = false;
  const begin = () => {
    const file = entryFile();
    if (started || file === null) return; // no script: cli/session.ts starts the REPL
    started = true;
    off();
    void Promise.all([tools(), import('./repl.js')]).then(([t, { startRepl }]) => startRepl({ scope: file ? t.moduleScope(file) : null }));
  };
  // at once if the script keeps running (once its module has been evaluated), or when it ends
  const off = on((e) => {
    if (e.type === 'watch' && e.file === entryFile()) setTimeout(begin, 50);
  });
  process.once('beforeExit', begin);
  setTimeout(begin, 1000).unref();
}

// ---------------------------------------------------------------------------------------------------
// --loop / --xloop

interface Target {
  name: string;
  file: string | null;
  path: string;
  onlyOnError: boolean;
  installed: boolean;
}

/** `fn`, `Class.method`, `file.ts:fn`, `file.ts:Class.method` */
export function parseTarget(name: string, onlyOnError: boolean): Target {
  const i = name.lastIndexOf(':');
  const hasFile = i > 1 || (i === 1 && !/^[a-zA-Z]:[\\/]/.test(name));
  const file = hasFile ? real(resolve(name.slice(0, i))) : null;
  return { name, file, path: hasFile ? name.slice(i + 1) : name, onlyOnError, installed: false };
}

function installLoops(targets: Target[]): void {
  const { definesPath, eachModule } = runtimeTools;
  eachModule((file) => {
    for (const t of targets) {
      if (t.installed) continue;
      const want = t.file ?? entryFile();
      if (want !== null && real(file) !== want) continue;
      if (want === null && !definesPath(file, t.path)) continue;
      if (install(file, t)) t.installed = true;
    }
  });
  process.once('beforeExit', () => {
    for (const t of targets) if (!t.installed) process.stderr.write(`jurig: --${t.onlyOnError ? 'xloop' : 'loop'} ${t.name}: no such function was loaded\n`);
  });
}

function install(file: string, t: Target): boolean {
  let active = false;
  const setActive = (v: boolean) => {
    active = v;
  };
  const result = runtimeTools.intercept(file, t.path, (call, args) => {
    if (active) return call();
    const shown = `${t.path}(${args.map((x) => inspect(x, { depth: 1, breakLength: Infinity })).join(', ')})`;
    if (!t.onlyOnError) return develoop(call, shown, setActive, null);
    // --xloop: a call that does not throw is left alone (and stays synchronous)
    const failed = (error: unknown): RunResult => ({ ok: false, value: undefined, error, out: '', err: '', ms: 0 });
    let v: unknown;
    try {
      active = true;
      v = call();
    } catch (e) {
      return develoop(call, shown, setActive, failed(e));
    } finally {
      active = false;
    }
    if (v && typeof (v as Promise<unknown>).then === 'function')
      return (v as Promise<unknown>).then(undefined, (e) => develoop(call, shown, setActive, failed(e)));
    return v;
  });
  if (result === 'closure') {
    process.stderr.write(`jurig: --loop ${t.name}: only top-level functions and methods can be looped\n`);
    return true;
  }
  return result === 'ok';
}

// ---------------------------------------------------------------------------------------------------
// The loop UI

interface RunResult {
  ok: boolean;
  value: unknown;
  error: unknown;
  out: string;
  err: string;
  ms: number;
}

const write = process.stdout.write.bind(process.stdout);
const tty = () => !!process.stdout.isTTY && !!process.stdin.isTTY;
const paint = (c: Parameters<typeof styleText>[0], s: string) => (tty() && !process.env.NO_COLOR ? styleText(c, s) : s);

async function runCaptured(call: () => unknown): Promise<RunResult> {
  let out = '',
    err = '';
  const ow = process.stdout.write,
    ew = process.stderr.write;
  const grab =
    (into: 'out' | 'err') =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
      if (into === 'out') out += s;
      else err += s;
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  process.stdout.write = grab('out') as typeof process.stdout.write;
  process.stderr.write = grab('err') as typeof process.stderr.write;
  const t0 = performance.now();
  try {
    let value = call();
    if (value && typeof (value as Promise<unknown>).then === 'function') value = await value;
    return { ok: true, value, error: null, out, err, ms: performance.now() - t0 };
  } catch (error) {
    return { ok: false, value: undefined, error, out, err, ms: performance.now() - t0 };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

function show(n: number, label: string, r: RunResult, note: string | null): void {
  const lines: string[] = [];
  const ms = r.ms < 10 ? r.ms.toFixed(1) : Math.round(r.ms).toString();
  const status = r.ok ? paint('green', 'ok') : paint('red', 'error');
  lines.push(paint('bold', `──── #${n} ${label} (${status} in ${ms} ms) ────`));
  if (note) lines.push(paint('yellow', note));
  const section = (title: string, text: string) => {
    if (!text) return;
    lines.push(paint('cyan', `── ${title}`));
    lines.push(text.replace(/\n$/, ''));
  };
  section('stdout', r.out);
  section('stderr', r.err);
  if (r.ok) section('result', inspect(r.value, { colors: tty() && !process.env.NO_COLOR, depth: 4 }));
  else section('error', (r.error as Error)?.stack ?? String(r.error));
  lines.push(paint('bold', `#${n} (${r.ok ? 'ok' : 'error'} in ${ms} ms) | (c)ontinue | (r)erun | (q)uit | save a file to run again`));
  if (tty()) write('\x1b[2J\x1b[H');
  write(lines.join('\n') + '\n');
}

type Action = { kind: 'continue' | 'rerun' | 'quit' } | { kind: 'save'; note: string };

/** Wait for a key (c/r/q), or for a save that changed code. */
async function nextAction(): Promise<Action> {
  const c = await waitForKeyOrSave({
    keys: { continue: ['c', 'continue'], rerun: ['r', 'rerun'], quit: ['q', 'quit'] },
    enter: 'rerun',
    interrupt: 'quit',
    raw: tty() && typeof process.stdin.setRawMode === 'function',
    settleMs: 60,
    onError: (e) =>
      write(paint('red', `jurig error ${relative(process.cwd(), e.file)}:${e.line}:${e.column}: ${e.message}`) + (e.frame ? '\n' + e.frame : '') + '\n'),
  });
  return c.kind === 'save' ? { kind: 'save', note: `re-run after: ${c.changes.join(', ')}` } : c;
}

async function develoop(call: () => unknown, label: string, setActive: (v: boolean) => void, first: RunResult | null): Promise<unknown> {
  setActive(true);
  try {
    let n = 0;
    let note: string | null = null;
    for (;;) {
      n++;
      const r = n === 1 && first ? first : await runCaptured(call);
      show(n, label, r, note);
      const a = await nextAction();
      if (a.kind === 'quit') process.exit(r.ok ? 0 : 1);
      if (a.kind === 'continue') {
        if (!r.ok) throw r.error;
        return r.value;
      }
      note = a.kind === 'save' ? a.note : null;
    }
  } finally {
    setActive(false);
  }
}
