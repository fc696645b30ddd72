// Watching the files of instrumented modules. chokidar watches their folders (not the files themselves:
// editors that save by writing a temp file and renaming it replace the file's inode), one level deep,
// and events for files no module came from are dropped.
import { watch, type FSWatcher } from 'chokidar';
import { watch as fsWatch } from 'node:fs';
import { dirname, join } from 'node:path';

export class FileWatcher {
  private w: FSWatcher | null = null;
  private dirs = new Set<string>();
  private files = new Set<string>();
  /**
   * onReady(files): those files may have changed before their folder was being watched (between the
   * module reading them and chokidar starting), so the caller compares them once.
   */
  constructor(
    private readonly onChange: (file: string) => void,
    private readonly poll: number | null,
    private readonly onReady: (files: string[]) => void,
  ) {}

  add(file: string): void {
    this.files.add(file);
    const dir = dirname(file);
    if (this.dirs.has(dir)) return;
    this.dirs.add(dir);
    this.fastPath(dir);
    if (!this.w) {
      this.w = watch(dir, {
        ignoreInitial: true,
        depth: 0,
        usePolling: this.poll !== null,
        interval: this.poll ?? 100,
        ignored: (p: string, stats?: { isFile(): boolean }) => stats?.isFile() === true && !this.files.has(p),
      });
      const fire = (p: string) => { if (this.files.has(p)) this.onChange(p); };
      this.w.on('change', fire);
      this.w.on('add', fire);
      this.w.on('error', (e) => process.stderr.write(`jurig: watcher error: ${(e as Error)?.message ?? e}\n`));
      this.w.on('ready', () => this.onReady([...this.files]));
    } else {
      this.w.add(dir);
      // chokidar has no per-add ready event: look again once the folder's watcher had time to start
      setTimeout(() => this.onReady([...this.files].filter((f) => dirname(f) === dir)), 200).unref();
    }
  }

  // chokidar stats a file on the thread pool before it reports a change (~0.7 ms p50); the folder's raw
  // fs.watch event comes first. It only prompts a look at the file (the save logic compares its text), so
  // a duplicate or a missed raw event costs nothing: chokidar's event follows.
  private fastPath(dir: string): void {
    if (this.poll !== null) return;
    try {
      const w = fsWatch(dir, { persistent: false }, (_event, name) => {
        const file = name ? join(dir, name.toString()) : null;
        if (file && this.files.has(file)) this.onChange(file);
      });
      w.on('error', () => w.close());
    } catch { /* chokidar alone */ }
  }

  async close(): Promise<void> {
    await this.w?.close();
    this.w = null;
  }
}
