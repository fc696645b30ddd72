// Which functions a test called, for `jurig --test --watch`: V8's precise coverage (function granularity,
// call counts) through an in-process inspector session. end() reads the functions called since the
// previous end(), in the watched files (patched code too: its sourceURL is the file's URL with
// `?jurig=…`), as file → function names ('' for anonymous functions).
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';

interface FunctionCoverage {
  functionName: string;
  ranges: { startOffset: number; endOffset: number; count: number }[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

export class CallRecorder {
  private constructor(
    private session: Session,
    private inRoots: (file: string) => boolean,
  ) {}

  static start(roots: string[]): CallRecorder | null {
    const session = new Session();
    try {
      session.connect();
      const ok = post(session, 'Profiler.enable') && post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: false });
      if (!ok) return null;
    } catch {
      return null;
    }
    const dirs = roots.map((r) => (r.endsWith('/') ? r : r + '/'));
    return new CallRecorder(session, (f) => !f.includes('/node_modules/') && dirs.some((d) => f.startsWith(d) || f + '/' === d));
  }

  private take(): ScriptCoverage[] {
    let out: ScriptCoverage[] = [];
    // an in-process session answers synchronously
    this.session.post('Profiler.takePreciseCoverage', (err, res) => {
      if (!err) out = (res as { result: ScriptCoverage[] }).result;
    });
    return out;
  }

  /** Counts start from the previous end(): one read per test (a read costs 2-7 ms with a big program
   * loaded), so what runs between two tests (the next one's beforeEach, the runner) counts for the next. */
  begin(): void {}

  end(): Map<string, Set<string>> {
    const calls = new Map<string, Set<string>>();
    for (const s of this.take()) {
      if (!s.url.startsWith('file:')) continue;
      let file: string;
      try {
        file = fileURLToPath(s.url.replace(/\?.*$/, ''));
      } catch {
        continue;
      }
      if (!this.inRoots(file)) continue;
      for (const f of s.functions) {
        if (!f.ranges[0] || f.ranges[0].count === 0) continue;
        // the module's own top level (the whole script) is not a definition
        if (f.ranges[0].startOffset === 0 && f.functionName === '') continue;
        let names = calls.get(file);
        if (!names) calls.set(file, (names = new Set()));
        names.add(f.functionName);
      }
    }
    return calls;
  }
}

function post(session: Session, method: string, params?: object): boolean {
  let ok = false;
  session.post(method, params ?? {}, (err) => {
    ok = !err;
  });
  return ok;
}
