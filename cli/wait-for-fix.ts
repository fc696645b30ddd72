// After a file does not compile at start, with a person watching (cli/start-errors.ts waitsForFix): wait
// until the file changes, then start the program again, in a new process (the failed import cannot be
// retried in this one: Node keeps the failed modules). That process reports a start-up syntax error back
// through a file named by JURIG_START_REPORT instead of waiting itself, so this process stays the one
// that waits, for as many fixes as it takes.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { exitLike, runJurig } from './respawn.js';

export const REPORT_ENV = 'JURIG_START_REPORT';

const rel = (file: string) => relative(process.cwd(), file) || file;

const textOf = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/**
 * Resolves when the file's text is no longer `before`. Its text is polled, not its stat: `fs.watchFile`
 * takes its first stat asynchronously, so a write landing before that stat is never reported (seen on
 * Node 26), and editors that save by rename are seen too.
 */
function changed(file: string, before: string | null): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (textOf(file) === before) return;
      clearInterval(timer);
      resolve();
    };
    const timer = setInterval(check, 100);
    check(); // it may have changed between the error and now
  });
}

export async function waitForFixThenRun(file: string, execArgv: string[], args: string[]): Promise<never> {
  const dir = mkdtempSync(join(tmpdir(), 'jurig-start-'));
  const report = join(dir, 'failed');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (;;) {
    const before = textOf(file);
    process.stderr.write(`jurig: waiting for a fix to ${rel(file)}; the program starts when it compiles (Ctrl-C to quit)\n`);
    await changed(file, before);
    process.stderr.write(`jurig: ${rel(file)} changed, starting the program\n`);
    rmSync(report, { force: true });
    const end = await runJurig(execArgv, args, { ...process.env, [REPORT_ENV]: report });
    if (!existsSync(report)) exitLike(end);
    file = readFileSync(report, 'utf8');
  }
}
