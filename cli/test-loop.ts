// `jurig --test [patterns…]`: node:test files run in this one process, under jurig's loader, so the code
// under test and the tests themselves are live.
//
// - The files are imported one after the other; node:test's own harness runs and reports their tests
//   (its default reporter: spec on a terminal, TAP when piped on Node 20/22, spec on Node ≥ 23), and sets
//   the exit code, as `node --test` does.
// - Every test body goes through a wrapper (jurig hands test files its own `test`/`it`/`describe`/hooks:
//   see cli/test-api.ts). With a terminal, a failing test stops there: the failure is shown, and a save
//   that changes code runs it again at once (its beforeEach/afterEach around it, `before` fixtures kept),
//   as do the keys c (continue: the test fails), r (rerun), s (skip), q (quit).
// - `--test --watch`: the process stays; each save re-runs the tests that called a changed definition in
//   their last run (V8's precise coverage, function counts, taken around each test), and the tests of a
//   saved test file, as new top-level tests of the same harness: only their results print.
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect, styleText } from 'node:util';
import { on, watch, type JurigEvent } from '../runtime/api.js';
import { installTestApi, type Hook, type Suite, type TestRec, type TestHost } from './test-api.js';
import { findTestFiles } from './test-files.js';
import { CODE_EVENTS, waitForKeyOrSave } from './key-or-save.js';
import { CallRecorder } from './test-calls.js';

export interface TestLoopOptions {
  patterns: string[];
  watch: boolean;
  roots: string[];
  inThreadHooks: boolean;
}

const write = (s: string) => process.stdout.write(s);
/** Stop on failures and read keys: a terminal, or JURIG_TEST_INTERACTIVE=1 (tests drive it through pipes). */
const interactive = () =>
  process.env.JURIG_TEST_INTERACTIVE === '1' || (process.env.JURIG_TEST_INTERACTIVE !== '0' && !!process.stdin.isTTY && !!process.stdout.isTTY);
const paint = (c: Parameters<typeof styleText>[0], s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? styleText(c, s) : s);
const rel = (f: string | null) => (f ? relative(process.cwd(), f) || f : '?');

type Action = 'continue' | 'rerun' | 'skip' | 'quit' | 'save';

export async function runTests(o: TestLoopOptions): Promise<void> {
  const { files, missing } = findTestFiles(o.patterns);
  for (const m of missing) process.stderr.write(`jurig: no test files match ${m}\n`);
  if (!files.length) {
    process.stderr.write(`jurig: no test files found${o.patterns.length ? '' : ' in ' + process.cwd()}\n`);
    process.exitCode = 1;
    return;
  }
  // started by a `node --test` run, this process would report to it in its v8 wire format: it reports
  // as a test run of its own instead
  delete process.env.NODE_TEST_CONTEXT;
  const recorder = o.watch ? CallRecorder.start(o.roots) : null;
  let stopped = 0; // tests waiting on a key or a save: saves go to them, not to watch rounds
  let roundEvents: JurigEvent[] = [];

  const host: TestHost = {
    async body(rec, fn, t, self, outerHooks) {
      if (outerHooks) for (const h of chain(rec.suite, 'beforeEach', false)) await callHook(h, t);
      try {
        for (let attempt = 1; ; attempt++) {
          if (attempt > 1) {
            for (const h of chain(rec.suite, 'afterEach', true)) await callHook(h, t);
            for (const h of chain(rec.suite, 'beforeEach', true)) await callHook(h, t);
          }
          recorder?.begin();
          let error: unknown = null,
            ok = true;
          try {
            await callFn(fn, self, t);
          } catch (e) {
            ok = false;
            error = e;
          }
          if (recorder && rec.top) rec.calls = recorder.end();
          if (ok) {
            if (attempt > 1) write(paint('green', `jurig: ✔ ${rec.fullName} passes (run ${attempt})`) + '\n');
            return;
          }
          if (!interactive()) throw error;
          stopped++;
          let a: Action;
          try {
            a = await stopOn(rec, error, attempt);
          } finally {
            stopped--;
          }
          if (a === 'save') roundEvents = [];
          if (a === 'continue') throw error;
          if (a === 'skip') {
            (t as { skip(m?: string): void }).skip('skipped in jurig');
            return;
          }
          if (a === 'quit') await quit(1);
        }
      } finally {
        if (outerHooks) for (const h of chain(rec.suite, 'afterEach', false)) await callHook(h, t);
      }
    },
  };
  const api = installTestApi(host, o.inThreadHooks, o.watch);
  let quitting = false;
  const quit = async (code: number): Promise<never> => {
    if (!quitting) {
      quitting = true;
      write('jurig: quit\n');
      await api.runDeferredAfter();
    }
    process.exit(code);
  };

  // the files, one after the other; a file that throws while loading is a failing test named after it
  for (const file of files) {
    api.loading(file);
    try {
      await import(pathToFileURL(file).href);
    } catch (e) {
      api.original.test(rel(file), () => {
        throw e;
      });
    } finally {
      api.loading(null);
    }
  }
  if (!o.watch) return;

  await api.settled();
  await reporterFlushed();
  const stdin = process.stdin;
  write(paint('bold', `jurig: watching — a save re-runs the tests whose code changed${interactive() ? ' (q to quit)' : ''}`) + '\n');
  if (interactive()) {
    const raw = !!stdin.isTTY && typeof stdin.setRawMode === 'function';
    const onKey = (d: Buffer) => {
      if (stopped) return;
      const s = d.toString().trim().toLowerCase();
      if (s === 'q' || s === '\x03' || s === '\x04') void quit(Number(process.exitCode ?? 0));
    };
    const listen = () => {
      if (raw) stdin.setRawMode(true);
      stdin.on('data', onKey);
      stdin.resume();
    };
    listen();
    idleInput = {
      pause: () => {
        stdin.off('data', onKey);
        if (raw) stdin.setRawMode(false);
        stdin.pause();
      },
      resume: listen,
    };
  }
  setInterval(() => {}, 1 << 30); // the process stays until quit or killed
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void quit(sig === 'SIGINT' ? 130 : 143));

  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let batchStart = 0;
  // when the batch's first save starts applying (its events come after what it ran)
  watch().onBefore(() => {
    if (!roundEvents.length && !timer) batchStart = performance.now();
  });
  on((e) => {
    if (!CODE_EVENTS.has(e.type) || stopped) return;
    roundEvents.push(e);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void round(), 10);
  });
  const round = async () => {
    timer = null;
    if (running || stopped) return;
    const events = roundEvents;
    roundEvents = [];
    if (!events.length) return;
    const saved = new Set(events.map((e) => e.file));
    // a test the save itself registered (a new test() statement ran) is running already
    const since = batchStart;
    const picked = api.tests().filter((rec) => rec.top && rec.born < since && affected(rec, events, saved));
    const what = [...saved].map(rel).join(', ');
    if (!picked.length) {
      write(paint('dim', `jurig: ${what} saved: no test ran the changed code`) + '\n');
      return;
    }
    running = true;
    const t0 = performance.now();
    let failed = 0;
    try {
      for (const rec of picked) if (!(await api.rerun(rec))) failed++;
    } finally {
      running = false;
    }
    const ms = Math.round(performance.now() - t0);
    await reporterFlushed();
    write(
      paint(
        failed ? 'red' : 'green',
        `jurig: ${what} saved: ${picked.length} test${picked.length === 1 ? '' : 's'} re-run, ${picked.length - failed} passed, ${failed} failed (${ms} ms)`,
      ) + '\n',
    );
    if (roundEvents.length) void round();
  };
}

/** Did this test run code the save changed (or does it live in a saved test file)? */
function affected(rec: TestRec, events: JurigEvent[], saved: Set<string>): boolean {
  if (!rec.ran) return false; // skipped (in a skipped suite), or not picked by --test-name-pattern
  if (rec.file && saved.has(rec.file)) return true;
  if (!rec.calls) return true; // never recorded (still running when the save came): run it
  for (const e of events) {
    const names = rec.calls.get(e.file);
    if (!names) continue;
    if (e.type === 'run') return true; // a top-level statement ran again: the module's state may differ
    if (e.type === 'add') continue;
    const path = (e as { path: string }).path;
    if (path.includes('<')) {
      if (names.has('')) return true;
      continue;
    } // an anonymous function
    const last = path.slice(path.lastIndexOf('.') + 1);
    if (names.has(last) || names.has(path)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// hooks and bodies

function chain(suite: Suite | null, kind: 'beforeEach' | 'afterEach', withRoot: boolean): Hook[] {
  const suites: Suite[] = [];
  for (let s = suite; s; s = s.parent) if (withRoot || s.parent) suites.push(s);
  // beforeEach outermost first, afterEach innermost first
  if (kind === 'beforeEach') suites.reverse();
  return suites.flatMap((s) => s[kind]);
}

function callFn(fn: Function, self: unknown, t: unknown): Promise<unknown> {
  if (fn.length >= 2)
    return new Promise((res, rej) => {
      fn.call(self, t, (err?: unknown) => (err ? rej(err) : res(undefined)));
    });
  return Promise.resolve().then(() => fn.call(self, t));
}

const callHook = (h: Hook, t: unknown) => callFn(h, t, t);

// ---------------------------------------------------------------------------------------------------
// Stopping on a failure

/** node:test's reporter writes through a stream: its lines for the tests so far come out first. */
async function reporterFlushed(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

let idleInput: { pause(): void; resume(): void } | null = null;

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stack = error.stack ?? String(error);
    // node:test's and jurig's frames say nothing about the test
    return stack
      .split('\n')
      .filter((l) => !/^\s+at (?:.*(?:node:internal|node:async_hooks|\/dist\/cli\/test-)|async Promise\.all \(index)/.test(l))
      .join('\n');
  }
  return inspect(error);
}

async function stopOn(rec: TestRec, error: unknown, attempt: number): Promise<Action> {
  const where = rec.file ? ` (${rel(rec.file)})` : '';
  const lines = [
    '',
    paint('red', paint('bold', `──── ✖ ${rec.fullName}${where} failed${attempt > 1 ? ` (run ${attempt})` : ''} ────`)),
    describeError(error),
    paint('bold', '──── jurig: fix it and save to run it again | (c)ontinue | (r)erun | (s)kip | (q)uit ────'),
    '',
  ];
  await reporterFlushed();
  write(lines.join('\n'));
  idleInput?.pause();
  try {
    return await nextAction();
  } finally {
    idleInput?.resume();
  }
}

/** A key (c/r/s/q), or a save that changed code. */
async function nextAction(): Promise<Action> {
  const c = await waitForKeyOrSave({
    keys: { continue: ['c', 'continue'], rerun: ['r', 'rerun'], skip: ['s', 'skip'], quit: ['q', 'quit'] },
    enter: 'rerun',
    interrupt: 'quit',
    raw: !!process.stdin.isTTY && typeof process.stdin.setRawMode === 'function',
    settleMs: 10,
    // a paused pipe that has been read from can still hold the process open: the run must end by itself
    refStdin: true,
  });
  if (c.kind === 'save') write(paint('yellow', `jurig: re-run after ${c.changes.join(', ')}`) + '\n');
  return c.kind;
}
