// On-disk cache of instrumented modules, keyed by content hash + jurig version + options, so a second
// start skips SWC and the analysis. Entries are plain files; a failed read or write only costs speed.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export class TransformCache {
  private made = false; // the folder is created with the first entry: a run that instruments nothing leaves none
  constructor(private dir: string | null) {}
  key(parts: string[]): string {
    const h = createHash('sha1');
    for (const p of parts) h.update(p).update('\0');
    return h.digest('hex');
  }
  get(key: string): string | null {
    if (!this.dir) return null;
    try {
      return readFileSync(join(this.dir, key + '.js'), 'utf8');
    } catch {
      return null;
    }
  }
  set(key: string, code: string): void {
    if (!this.dir) return;
    if (!this.made) {
      try {
        mkdirSync(this.dir, { recursive: true });
      } catch {
        this.dir = null;
        return;
      }
      this.made = true;
    }
    try {
      const tmp = join(this.dir, `${key}.${process.pid}.tmp`);
      writeFileSync(tmp, code);
      renameSync(tmp, join(this.dir, key + '.js')); // atomic: readers never see a half-written entry
    } catch {
      /* read-only or full disk: run uncached */
    }
  }
}
