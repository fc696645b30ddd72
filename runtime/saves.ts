// Which texts of a watched file are saves, and when to apply them. Editors, formatters and checkouts do
// not write a file at once: an in-place write truncates the file and then writes it, maybe in pieces
// (`open(f, 'w')`, write, pause, write), a formatter can leave it empty for hundreds of ms, and a burst of
// saves fires events for texts already replaced. What was read can be a torn prefix of the next text, an
// empty file, or a save. The decision is made from what the text does relative to the running version,
// and from the timing of the writes (not from the first event):
//   - a blank file is never applied: it is reported once if it stays blank, and the next text is compared
//     with the running version as usual (so nothing that was running runs again);
//   - a text that parses, ends the way the running version ends (its last line, whole: an edit in the
//     middle keeps the tail, a torn prefix has lost it), drops no top-level statement and deletes no more
//     definitions than it adds (a renamed method is one of each) applies at once: ordinary saves never
//     wait. (A torn prefix that parses ends at a statement boundary: it drops the statements after it.)
//   - anything else (a change at the end, a deletion, a text that does not parse) is held until the file
//     has been quiet for the debounce window (no write: same text and mtime when read again), then
//     applied or reported. A write that goes on wakes the hold and is decided afresh.
// A save whose new imports do not exist yet waits for those files and applies when they appear.
import { existsSync, readFileSync, statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit } from './events.js';
import type { ModuleRecord, RunningState } from './module-record.js';
import { SaveRejected, StalePlan } from './save-rejected.js';
import type { Plan } from './plan.js';

/** Whitespace only: an in-place write between its truncation and its data, or a formatter's empty file. */
export function isBlank(text: string): boolean {
  return !/\S/.test(text);
}

/**
 * Does `text` end the way `running` ends: with its last non-blank line, whole, after a line break
 * (trailing whitespace aside)? An edit anywhere before the last line keeps that tail; a torn prefix of a
 * write has lost it (it ends where the writer paused, usually mid-line). A one-line file never keeps it.
 */
export function keepsTail(running: string, text: string): boolean {
  const r = trimEnd(running),
    t = trimEnd(text);
  const nl = r.lastIndexOf('\n');
  if (nl === -1) return false;
  const tail = r.length - nl;
  return t.length > tail && t.endsWith(r.slice(nl)) && t !== r;
}
function trimEnd(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) <= 32) e--;
  return e === s.length ? s : s.slice(0, e);
}

/** A new `import` of this save names a file that is not there (yet). Thrown before anything is applied. */
export class MissingImport extends Error {
  constructor(
    readonly specifier: string,
    readonly path: string | null,
    cause: Error,
  ) {
    super(cause.message.split('\n')[0]);
  }
}

/** What the save logic needs from the runtime. */
export interface SaveEnv {
  records: Map<string, ModuleRecord>; // by file
  pathOf(file: string): string; // where to read a module's saves (a link to it, if it was imported through one)
  debounce: () => number;
  patch: () => Promise<typeof import('./patch.js')>;
  plan(rec: ModuleRecord, text: string): Promise<Plan>;
  apply(rec: ModuleRecord, plan: Plan): Promise<void>;
}

interface Disk {
  text: string;
  mtime: number;
  size: number;
}
function readDisk(file: string): Disk | null {
  try {
    const text = readFileSync(file, 'utf8');
    let mtime = -1,
      size = -1;
    try {
      const s = statSync(file);
      mtime = s.mtimeMs;
      size = s.size;
    } catch {
      /* gone: the text decides */
    }
    return { text, mtime, size };
  } catch {
    return null; // gone (a rename save between unlink and rename, a checkout): its next event comes
  }
}

interface FileState {
  busy: boolean;
  again: boolean; // an event came while busy: read the file again before finishing
  wake: (() => void) | null; // ends a hold early: the file changed
  reported: string | null; // the last error reported, not reported twice for the same text
  trailing: ReturnType<typeof setTimeout> | null;
  blank: ReturnType<typeof setTimeout> | null; // reports a blank file once it stays blank
  blankReported: boolean;
  late: LateImports | null;
}

// chokidar throttles events per path (5 ms, and 50 ms for changes) without a trailing event, so the last
// write of a burst can go unseen: once a burst has been quiet this long, the file is read once more.
const TRAILING_CHECK_MS = 80;
// a formatter can leave a file empty for hundreds of ms: a blank file is reported only after this long
const BLANK_REPORT_MS = 1500;
// a checkout writes files one by one: after this long, a save still waiting for a missing import says so
const LATE_WARN_MS = 3000;
const LATE_POLL_MS = 250;

export class Saves {
  private states = new Map<string, FileState>();
  // the file's text and mtime when last applied or found equal to the running version: an event that
  // changes neither is not a save (a live patch from the Recoder survives it)
  readonly seen = new Map<string, { mtime: number; text: string }>();

  constructor(private readonly env: SaveEnv) {}

  /** A file event (raw or chokidar's; duplicates are cheap). */
  event(file: string): void {
    const st = this.state(file);
    if (st.trailing) clearTimeout(st.trailing);
    st.trailing = setTimeout(() => {
      st.trailing = null;
      this.recheck(file);
    }, TRAILING_CHECK_MS);
    st.trailing.unref();
    if (st.busy) {
      st.again = true;
      st.wake?.();
      return;
    }
    void this.process(file);
  }

  private state(file: string): FileState {
    let st = this.states.get(file);
    if (!st)
      this.states.set(file, (st = { busy: false, again: false, wake: null, reported: null, trailing: null, blank: null, blankReported: false, late: null }));
    return st;
  }

  /** Process the file if its text differs from the running version (cheap when it does not). */
  recheck(file: string): void {
    const rec = this.env.records.get(file);
    if (!rec) return;
    const disk = readDisk(this.env.pathOf(file));
    if (!disk || disk.text === rec.runningText || this.seenBefore(file, disk)) return;
    const st = this.state(file);
    if (st.busy) {
      st.again = true;
      st.wake?.();
      return;
    }
    void this.process(file);
  }

  private seenBefore(file: string, d: Disk): boolean {
    const seen = this.seen.get(file);
    return seen !== undefined && seen.mtime === d.mtime && seen.text === d.text;
  }

  async process(file: string): Promise<void> {
    const rec = this.env.records.get(file);
    if (!rec) return;
    const st = this.state(file);
    if (st.busy) {
      st.again = true;
      return;
    }
    st.busy = true;
    this.stopWaiting(st);
    try {
      await this.env.patch(); // the patch machinery (and the compiler) load with the first save
      // the text being held, since when it has been on disk unchanged, and its plan once made
      let held: (Disk & { since: number; planned: Plan | null }) | null = null;
      for (;;) {
        let running: RunningState;
        try {
          running = await rec.runningAsync(); // (the first save of a big module waits for its analysis)
        } catch (e) {
          this.report(rec, st, e, SaveRejected, '');
          break;
        }
        st.again = false;
        const disk = readDisk(this.env.pathOf(file));
        if (!disk) break;
        if (disk.text === running.source || this.seenBefore(file, disk)) {
          this.seen.set(file, { mtime: disk.mtime, text: disk.text });
          this.notBlank(st);
          break;
        }
        if (isBlank(disk.text)) {
          this.blank(rec, st);
          break;
        } // never applied; the text coming back is a save
        this.notBlank(st);
        if (!held || held.text !== disk.text || held.mtime !== disk.mtime || held.size !== disk.size)
          held = { ...disk, since: performance.now(), planned: null };
        const debounce = this.env.debounce();
        const quiet = performance.now() - held.since >= debounce;
        const hold = () => this.hold(st, held!.since + debounce - performance.now());

        if (!quiet && !keepsTail(running.source, disk.text)) {
          await hold();
          continue;
        }
        if (!held.planned) {
          try {
            held.planned = await this.env.plan(rec, disk.text);
          } catch (e) {
            if (e instanceof StalePlan) continue; // another change applied while this text was planned
            if (!quiet) {
              await hold();
              continue;
            }
            this.report(rec, st, e, SaveRejected, disk.text);
            if (!st.again) break;
            continue;
          }
        }
        if (!quiet && deletesCode(held.planned)) {
          await hold();
          continue;
        }
        if (st.again) continue; // a newer write arrived while planning
        st.reported = null;
        try {
          await this.env.apply(rec, held.planned);
        } catch (e) {
          if (e instanceof StalePlan) {
            held.planned = null; // nothing was applied: planned again against what runs now
            continue;
          }
          if (!(e instanceof MissingImport)) throw e;
          this.waitForImport(rec, st, e, held.planned.imports.find((i) => i.specifier === e.specifier)?.line ?? 1); // nothing was applied
          break;
        }
        this.seen.set(file, { mtime: disk.mtime, text: disk.text });
        held = null;
        if (!st.again) break;
      }
    } catch (e) {
      process.stderr.write(`jurig: internal error while patching ${file}: ${(e as Error)?.stack ?? e}\n`);
    } finally {
      st.busy = false;
      st.wake = null;
    }
    // an event that came while this text was being decided, after its last read: the file is read again
    if (st.again) {
      st.again = false;
      void this.process(file);
    }
  }

  /** Until the file changes (an event) or `ms` have passed. */
  private hold(st: FileState, ms: number): Promise<void> {
    if (st.again) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(1, ms));
      function done() {
        clearTimeout(timer);
        st.wake = null;
        resolve();
      }
      st.wake = done;
    });
  }

  private blank(rec: ModuleRecord, st: FileState): void {
    if (st.blank || st.blankReported) return;
    st.blank = setTimeout(() => {
      st.blank = null;
      const disk = readDisk(this.env.pathOf(rec.file));
      if (!disk || !isBlank(disk.text) || st.blankReported) return;
      st.blankReported = true;
      emit({
        type: 'warn',
        file: rec.file,
        line: 1,
        message: 'the file is empty; an empty file is never applied: the running version stays, and the next save is compared with it',
      });
    }, BLANK_REPORT_MS);
    st.blank.unref();
  }

  private notBlank(st: FileState): void {
    if (st.blank) clearTimeout(st.blank);
    st.blank = null;
    st.blankReported = false;
  }

  private report(rec: ModuleRecord, st: FileState, e: unknown, Rejected: Function, text: string): void {
    let line = 1,
      column = 1,
      message: string,
      frame: string | undefined;
    if (e instanceof Rejected) {
      const r = e as Error & { line: number; column: number; frame: string };
      ({ line, column, frame } = r);
      message = r.message;
    } else if (e instanceof RangeError) {
      // acorn and the analysis recurse over the syntax tree: a text nested deeper than the stack allows
      message = `this text is nested too deeply for jurig to analyse (${e.message})`;
    } else throw e;
    const key = text + '\0' + message;
    if (st.reported === key) return;
    st.reported = key;
    emit({ type: 'error', file: rec.file, line, column, message: message + ' (nothing was changed)', frame: frame || undefined });
  }

  // ---- late files ------------------------------------------------------------------------------------

  private waitForImport(rec: ModuleRecord, st: FileState, e: MissingImport, line: number): void {
    if (!e.path) {
      // a package: not something a checkout writes a moment later
      const key = 'import\0' + e.specifier;
      if (st.reported === key) return;
      st.reported = key;
      emit({
        type: 'error',
        file: rec.file,
        line,
        column: 1,
        message: `this save imports '${e.specifier}', which cannot be found: ${e.message} (nothing was changed)`,
      });
      return;
    }
    const late = st.late ?? (st.late = { path: e.path, specifier: e.specifier, line, since: Date.now(), watcher: null, poll: null, warn: null, warned: false });
    if (late.path !== e.path) {
      closeLate(late);
      Object.assign(late, { path: e.path, specifier: e.specifier, line, since: Date.now(), warned: false });
    }
    const retry = () => {
      if (candidates(late.path).some((p) => existsSync(p))) {
        closeLate(late);
        void this.process(rec.file);
      }
    };
    // the folder's events say at once when the file appears; polling covers a folder that does not exist yet
    try {
      late.watcher ??= fsWatch(dirname(late.path), { persistent: false }, retry);
      late.watcher.on('error', () => {});
    } catch {
      /* polled */
    }
    late.poll ??= setInterval(retry, LATE_POLL_MS);
    late.poll.unref();
    if (!late.warned) {
      late.warn ??= setTimeout(
        () => {
          late.warn = null;
          late.warned = true;
          emit({
            type: 'warn',
            file: rec.file,
            line: late.line,
            message: `this save imports '${late.specifier}', which does not exist yet (${late.path}): nothing was changed; it is applied when the file appears`,
          });
        },
        Math.max(0, late.since + LATE_WARN_MS - Date.now()),
      );
      late.warn.unref();
    }
  }

  /** A new save of the file: its earlier save stops waiting (it is replaced); the warning is kept. */
  private stopWaiting(st: FileState): void {
    if (st.late) closeLate(st.late);
  }
}

interface LateImports {
  path: string;
  specifier: string;
  line: number;
  since: number; // first seen missing (later saves that still miss it do not restart the warning's clock)
  watcher: FSWatcher | null;
  poll: ReturnType<typeof setInterval> | null;
  warn: ReturnType<typeof setTimeout> | null;
  warned: boolean;
}
function closeLate(l: LateImports): void {
  l.watcher?.close();
  l.watcher = null;
  if (l.poll) clearInterval(l.poll);
  l.poll = null;
  if (l.warn) clearTimeout(l.warn);
  l.warn = null;
}

/** The files a TypeScript-aware resolver may pick for a missing path (`./x.js` can be `x.ts`). */
function candidates(path: string): string[] {
  const ext = extname(path),
    base = path.slice(0, path.length - ext.length);
  const ts: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
  if (ext && ext !== '.') return [path, ...(ts[ext] ?? []).map((e) => base + e)];
  return [path, ...['.ts', '.tsx', '.js', '.mjs', '.mts', '.cjs', '.cts', '/index.ts', '/index.js'].map((e) => path + e)];
}

/** Does the plan drop top-level statements, or delete more definitions than it adds? */
function deletesCode(p: Plan): boolean {
  if (p.drops) return true;
  let balance = 0;
  for (const e of p.events)
    if (e.type === 'delete') balance++;
    else if (e.type === 'add') balance--;
  return balance > 0;
}

/** A `file:` URL's path, or null. */
export function filePath(url: string): string | null {
  try {
    return url.startsWith('file:') ? fileURLToPath(url) : null;
  } catch {
    return null;
  }
}
