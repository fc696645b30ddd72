// Shared end-to-end helpers: a temp app folder, jurig (or node --import jurig/register) spawned on it,
// its output read line by line, files edited the ways editors edit them. Waits are on conditions only.
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, renameSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'dist/entry/jurig.js');
export const REGISTER = new URL('../dist/entry/register.js', import.meta.url).href;
/** The node binary tests run under (CI sets JURIG_TEST_NODE to test a newer Node). */
export const NODE = process.env.JURIG_TEST_NODE || process.execPath;

/** Where apps that use the frameworks in jurig's devDependencies live: inside the repository (test/.apps/,
 * git-ignored), so `require('express')` resolves to the repository's node_modules. */
export const APPS = join(ROOT, 'test/.apps');

/** A temp app folder with these files (`{ frameworks: true }`: under APPS, so it resolves them). */
export function makeApp(files, { frameworks = false } = {}) {
  if (frameworks) mkdirSync(APPS, { recursive: true });
  const dir = mkdtempSync(join(frameworks ? APPS : tmpdir(), 'jurig-test-'));
  const app = {
    dir,
    path: (name) => join(dir, name),
    /** In-place write, as most editors and `fs.writeFile` do. */
    write(name, text) { const p = join(dir, name); mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, text); },
    /** Editor-style save: write a temp file beside it, then rename it over the original. */
    save(name, text) { const p = join(dir, name); const tmp = join(dir, `.${name.replace(/\//g, '_')}.${process.hrtime.bigint()}.tmp`); writeFileSync(tmp, text); renameSync(tmp, p); },
    read(name) { return readFileSync(join(dir, name), 'utf8'); },
    /** Replace text in a file (in place) and return the new text. */
    edit(name, from, to, how = 'write') { const t = app.read(name); if (!t.includes(from)) throw new Error(`${name} has no ${JSON.stringify(from)}`); const n = t.replace(from, to); app[how](name, n); return n; },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
  for (const [name, text] of Object.entries(files)) app.write(name, text);
  if (!files['package.json']) app.write('package.json', JSON.stringify({ type: 'module' }));
  return app;
}

export class Proc {
  constructor(child) {
    this.child = child;
    this.out = [];
    this.err = [];
    this.waiters = [];
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => { this.exitInfo = { code, signal }; this.check(); resolve({ code, signal }); }));
    const read = (stream, into) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) !== -1) { into.push(buf.slice(0, i)); buf = buf.slice(i + 1); }
        this.check();
      });
      stream.on('end', () => { if (buf) { into.push(buf); buf = ''; this.check(); } });
    };
    read(child.stdout, this.out);
    read(child.stderr, this.err);
  }
  check() {
    for (const w of [...this.waiters]) {
      const v = w.test();
      if (v !== undefined) { this.waiters.splice(this.waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(v); }
      else if (this.exitInfo && !w.allowExit) { this.waiters.splice(this.waiters.indexOf(w), 1); clearTimeout(w.timer); w.reject(new Error(`process exited (${JSON.stringify(this.exitInfo)}) while waiting for ${w.what}\nstdout:\n${this.out.join('\n')}\nstderr:\n${this.err.join('\n')}`)); }
    }
  }
  /** Wait for a stdout (or stderr with {stream:'err'}) line matching pred after index `from`. */
  waitFor(pred, { stream = 'out', from = 0, timeout = 15000 } = {}) {
    const lines = stream === 'out' ? this.out : this.err;
    const match = typeof pred === 'function' ? pred : (l) => (pred instanceof RegExp ? pred.test(l) : l.includes(pred));
    const what = `${stream} line matching ${pred}`;
    return new Promise((resolve, reject) => {
      const w = { what, resolve, reject, test: () => { for (let i = from; i < lines.length; i++) if (match(lines[i])) return lines[i]; return undefined; } };
      w.timer = setTimeout(() => { this.waiters.splice(this.waiters.indexOf(w), 1); reject(new Error(`timed out waiting for ${what}\nstdout:\n${this.out.join('\n')}\nstderr:\n${this.err.join('\n')}`)); }, timeout);
      this.waiters.push(w);
      this.check();
    });
  }
  /** Send a line on stdin and wait for the next stdout line. */
  async ask(line, opts = {}) {
    const from = this.out.length;
    this.child.stdin.write(line + '\n');
    return this.waitFor(() => true, { ...opts, from });
  }
  /** Ask repeatedly until the answer satisfies pred (the patch lands asynchronously after a save). */
  async askUntil(line, pred, { timeout = 15000 } = {}) {
    const t0 = Date.now();
    let last;
    while (Date.now() - t0 < timeout) {
      last = await this.ask(line);
      if (pred(last)) return last;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no answer to ${line} satisfied the condition; last: ${last}\nstderr:\n${this.err.join('\n')}`);
  }
  kill() { if (!this.exitInfo) this.child.kill('SIGKILL'); return this.exited; }
}

export function jurig(app, args, { env = {} } = {}) {
  const child = spawn(NODE, [CLI, ...args], { cwd: app.dir, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Proc(child);
}

export function nodeRegister(app, args, { env = {} } = {}) {
  const child = spawn(NODE, ['--import', REGISTER, ...args], { cwd: app.dir, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Proc(child);
}

/** Poll a condition until it holds. */
export async function until(cond, { timeout = 15000, what = 'condition' } = {}) {
  const t0 = Date.now();
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** GET a URL without keep-alive (a pooled socket would keep the test process alive). */
export function httpGet(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => { let b = ''; res.setEncoding('utf8'); res.on('data', (d) => (b += d)); res.on('end', () => resolve(b)); }).on('error', reject);
  });
}
