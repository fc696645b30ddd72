// Watching the files of instrumented modules. chokidar watches their folders (not the files themselves:
// editors that save by writing a temp file and renaming it replace the file's inode), one level deep,
// and events for files no module came from are dropped. Beside it, each folder's raw fs.watch event
// prompts a look at once (chokidar stats first). What goes wrong with native watching is handled here:
//   - a folder renamed away or deleted, then created again (a checkout, `git stash`): its watchers were
//     bound to the old folder; it is looked for until it exists again, then watched again and its files
//     compared;
//   - the system's limit on watchers (ENOSPC: fs.inotify.max_user_watches) or on inotify instances / open
//     files (EMFILE): one warning that says what to raise, and every file is polled from then on;
//   - a module reached through a symbolic link: the link's folder is watched too, and when the link is
//     replaced (a rename save over it) or pointed elsewhere, its new target is watched.
import { watch, type FSWatcher } from 'chokidar';
import { watch as fsWatch, realpathSync, statSync, type FSWatcher as RawWatcher } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

/** What the watcher reports: a key is what a path was added with (the module's file). */
export interface WatchEvents {
  change(key: string): void;
  /** These may have changed while they were not watched (before their folder's watcher was ready). */
  recheck(keys: string[]): void;
  /** Said once, when native events stop being usable. */
  warn(path: string, message: string): void;
}

const REAPPEAR_POLL_MS = 250; // a folder that went away is looked for this often
const FALLBACK_POLL_MS = 200; // when native watching fails, every file is polled this often
const READY_DELAY_MS = 200; // chokidar has no per-add ready event

interface Dir {
  ino: number | null;
  raw: RawWatcher | null;
}

function inode(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

export class FileWatcher {
  private w: FSWatcher | null = null;
  private polling: boolean;
  private readonly interval: number;
  private readonly dirs = new Map<string, Dir>();
  private readonly files = new Map<string, string>(); // watched path → key
  private readonly links = new Map<string, string>(); // a symbolic link → the target watched for it
  private gone = new Set<string>(); // folders waiting to exist again
  private goneTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(
    private readonly on: WatchEvents,
    poll: number | null,
  ) {
    this.polling = poll !== null;
    this.interval = poll ?? FALLBACK_POLL_MS;
  }

  /** Watch `path` (a module's file, or a link to it), reporting its changes as `key`. */
  add(path: string, key = path): void {
    if (this.closed) return;
    this.files.set(path, key);
    this.watchDir(dirname(path));
  }

  /** `link` is a symbolic link to the module `key`: watch the link's folder and its current target. */
  addLink(link: string, key: string): void {
    this.add(link, key);
    this.retarget(link);
  }

  private retarget(link: string): void {
    const key = this.files.get(link);
    if (key === undefined) return;
    let target: string | null = null;
    try {
      target = realpathSync(link);
    } catch {
      /* replaced mid-rename, or dangling: its next event */
    }
    const before = this.links.get(link);
    if (target === before) return;
    if (before && before !== key) this.files.delete(before);
    if (target && target !== link) {
      this.links.set(link, target);
      this.add(target, key);
    } else this.links.delete(link); // no longer a link: a rename save put a regular file there
  }

  private fire(path: string): void {
    const key = this.files.get(path);
    if (key === undefined) return;
    if (this.links.has(path)) this.retarget(path);
    this.on.change(key);
  }

  private chokidar(dirs: string[]): void {
    const w = watch(dirs, {
      ignoreInitial: true,
      depth: 0,
      usePolling: this.polling,
      interval: this.interval,
      binaryInterval: this.interval,
      ignored: (p: string, stats?: { isFile(): boolean }) => stats?.isFile() === true && !this.files.has(p),
    });
    this.w = w;
    w.on('change', (p) => this.fire(p));
    w.on('add', (p) => this.fire(p));
    w.on('unlinkDir', (p) => {
      if (this.dirs.has(p)) this.check(p);
    });
    w.on('error', (e) => this.error(e as NodeJS.ErrnoException));
    w.on('ready', () => {
      if (this.w === w) this.on.recheck([...new Set(this.files.values())]);
    });
  }

  private watchDir(dir: string): void {
    if (this.dirs.has(dir)) return;
    const d: Dir = { ino: inode(dir), raw: null };
    this.dirs.set(dir, d);
    if (d.ino === null) {
      this.awaitDir(dir);
      return;
    }
    this.raw(dir, d);
    if (!this.w) this.chokidar([dir]);
    else {
      this.w.add(dir);
      setTimeout(() => this.on.recheck(this.keysIn(dir)), READY_DELAY_MS).unref();
    }
  }

  private keysIn(dir: string): string[] {
    const keys = new Set<string>();
    for (const [p, k] of this.files) if (dirname(p) === dir) keys.add(k);
    return [...keys];
  }

  // chokidar stats a file on the thread pool before it reports a change (~0.7 ms p50); the folder's raw
  // fs.watch event comes first. It only prompts a look at the file (the save logic compares its text), so
  // a duplicate or a missed raw event costs nothing: chokidar's event follows.
  private raw(dir: string, d: Dir): void {
    if (this.polling) return;
    try {
      const w = fsWatch(dir, { persistent: false }, (event, name) => {
        const n = name?.toString();
        // the folder itself renamed away or deleted: its watchers see the old folder from now on
        if (!n || (event === 'rename' && n === basename(dir))) this.check(dir);
        if (n) this.fire(join(dir, n));
      });
      w.on('error', () => {
        w.close();
        this.check(dir);
      });
      d.raw = w;
    } catch (e) {
      this.error(e as NodeJS.ErrnoException);
    }
  }

  /** Is `dir` still the folder that is watched? If not, watch it again once it exists. */
  private check(dir: string): void {
    const d = this.dirs.get(dir);
    if (!d || this.closed) return;
    const ino = inode(dir);
    if (ino !== null && ino === d.ino) return;
    // it and the watched folders under it are bound to the old folder
    for (const [other, od] of this.dirs) {
      if (other !== dir && !other.startsWith(dir + sep)) continue;
      od.raw?.close();
      od.raw = null;
      od.ino = null;
      this.w?.unwatch(other);
      this.awaitDir(other);
    }
    if (ino !== null) this.reappeared();
  }

  private awaitDir(dir: string): void {
    this.gone.add(dir);
    this.goneTimer ??= setInterval(() => this.reappeared(), REAPPEAR_POLL_MS);
    this.goneTimer.unref();
  }

  private reappeared(): void {
    for (const dir of [...this.gone]) {
      const ino = inode(dir);
      if (ino === null) continue;
      this.gone.delete(dir);
      const d = this.dirs.get(dir)!;
      d.ino = ino;
      this.raw(dir, d);
      if (!this.w) this.chokidar([dir]);
      else this.w.add(dir);
      // its files may be there already (chokidar does not report what it finds on adding a folder)
      this.on.recheck(this.keysIn(dir));
      setTimeout(() => this.on.recheck(this.keysIn(dir)), READY_DELAY_MS).unref();
    }
    if (this.gone.size === 0 && this.goneTimer) {
      clearInterval(this.goneTimer);
      this.goneTimer = null;
    }
  }

  private error(e: NodeJS.ErrnoException): void {
    if (this.closed) return;
    if (e?.code === 'ENOSPC' || e?.code === 'EMFILE') {
      void this.fallBackToPolling(e);
      return;
    }
    const where = (e as { path?: string })?.path ?? [...this.dirs.keys()][0] ?? process.cwd();
    this.on.warn(where, `file watcher error: ${e?.message ?? e}`);
  }

  /** Native watching failed for lack of watches or instances: poll every file from now on. */
  private async fallBackToPolling(e: NodeJS.ErrnoException): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const what =
      e.code === 'ENOSPC'
        ? 'the system limit on file watchers is reached (ENOSPC); raise fs.inotify.max_user_watches (e.g. `sudo sysctl fs.inotify.max_user_watches=524288`)'
        : 'no more inotify instances or open files (EMFILE); raise fs.inotify.max_user_instances (e.g. `sudo sysctl fs.inotify.max_user_instances=1024`) or the open-file limit (`ulimit -n`)';
    this.on.warn(
      [...this.dirs.keys()][0] ?? process.cwd(),
      `${what} to use native file events; jurig polls the watched files every ${this.interval} ms instead (--poll)`,
    );
    for (const d of this.dirs.values()) {
      d.raw?.close();
      d.raw = null;
    }
    const old = this.w;
    this.w = null;
    await old?.close().catch(() => {});
    if (this.closed) return;
    const dirs = [...this.dirs.keys()].filter((dir) => !this.gone.has(dir));
    if (dirs.length) this.chokidar(dirs);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const d of this.dirs.values()) d.raw?.close();
    if (this.goneTimer) clearInterval(this.goneTimer);
    await this.w?.close();
    this.w = null;
  }
}
