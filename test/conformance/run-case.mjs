// Conformance runner: a small program is run plain (node / node --import tsx) and instrumented
// (node --import jurig/register); stdout must be identical. Then, while the instrumented program waits
// on stdin, a version that changes one constant inside one function is saved; its next output must be
// exactly what a plain run of the edited version prints.
//
// A case is { name, files: { [name]: text }, entry?, edit: { file?, from, to }, todo?, patchTodo? }.
// The entry file defines `main(phase)` (may be async); FOOTER is appended to it: main(1) runs, then
// '@@PHASE' is printed and the program waits for a line on stdin, then main(2) runs and '@@END' ends it.
// This file only exports functions (node --test on Node 20 also loads it as a test file).
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NODE, REGISTER, makeApp, Proc } from '../helpers.mjs';

const TSX = import.meta.resolve('tsx');

export const FOOTER = `
;const __conf$run = (ph) => Promise.resolve().then(() => main(ph)).catch((e) => console.log('uncaught', e && e.constructor && e.constructor.name, e && e.message));
__conf$run(1).then(() => { console.log('@@PHASE'); process.stdin.once('data', () => __conf$run(2).then(() => { console.log('@@END'); process.exit(0); })); });
`;

const VERBOSE_LINE = /^(Watch|Update|Add|Delete|Run) /;
const PATCH_EVENT = /^(Update|Add|Delete|Run) |^jurig (error|warning)|^jurig: internal error/;

function entryOf(c) {
  return c.entry ?? Object.keys(c.files)[0];
}

function withFooter(c, files) {
  const entry = entryOf(c);
  return { ...files, [entry]: files[entry] + FOOTER };
}

function editedFiles(c) {
  const file = c.edit.file ?? entryOf(c);
  const text = c.files[file];
  if (!text.includes(c.edit.from)) throw new Error(`case ${c.name}: ${file} has no ${JSON.stringify(c.edit.from)}`);
  const next = text.replace(c.edit.from, c.edit.to);
  if (text.indexOf(c.edit.from) !== text.lastIndexOf(c.edit.from)) throw new Error(`case ${c.name}: edit ${JSON.stringify(c.edit.from)} is ambiguous`);
  return { ...c.files, [file]: next };
}

function splitPhases(lines) {
  const i = lines.indexOf('@@PHASE');
  const j = lines.indexOf('@@END');
  return { one: i < 0 ? null : lines.slice(0, i).join('\n'), two: i < 0 || j < 0 ? null : lines.slice(i + 1, j).join('\n'), complete: i >= 0 && j > i };
}

const isTs = (entry) => /\.(m|c)?tsx?$/.test(entry);

/** Plain run: the program gets its stdin line at once. */
function runPlain(files, entry) {
  const app = makeApp(files);
  const args = isTs(entry) ? ['--import', TSX, entry] : [entry];
  return new Promise((resolve) => {
    const child = spawn(NODE, args, { cwd: app.dir, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.stdin.on('error', () => {});
    child.stdin.write('go\n');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.on('close', (code) => {
      clearTimeout(timer);
      app.cleanup();
      const lines = out.split('\n');
      if (lines.at(-1) === '') lines.pop();
      resolve({ code, lines, err, ...splitPhases(lines) });
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());

/** Instrumented run: phase 1, save the edit, wait for jurig to report the patch, phase 2. */
async function runInstrumented(c) {
  const entry = entryOf(c);
  const app = makeApp(withFooter(c, c.files));
  const child = spawn(NODE, ['--import', REGISTER, entry], {
    cwd: app.dir, stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', JURIG_OPTIONS: JSON.stringify({ verbose: true }) },
  });
  const p = new Proc(child);
  const closed = new Promise((r) => child.on('close', r));
  const res = { lines: p.out, errLines: p.err, patched: false };
  try {
    await p.waitFor((l) => l === '@@PHASE', { timeout: 20000 });
    res.phase1Done = true;
    const file = c.edit.file ?? entry;
    const text = withFooter(c, editedFiles(c))[file];
    // The watcher starts asynchronously and a save made before it is ready is never seen (jurig does not
    // compare files with what it loaded once the watcher is up): if no event comes, write again.
    const from = p.err.length;
    for (let t0 = Date.now(); Date.now() - t0 < (c.patchTodo ? 1500 : 10000);) {
      app.write(file, text);
      try {
        await p.waitFor((l) => PATCH_EVENT.test(l), { stream: 'err', from, timeout: 500 });
        res.patched = true;
        break;
      } catch (e) {
        if (p.exitInfo) throw e;
      }
    }
    await sleep(100); // a save may report several definitions; let the whole plan apply
    child.stdin.write('go\n');
    await Promise.race([closed, sleep(15000)]);
  } catch (e) {
    res.error = e;
  } finally {
    await p.kill();
    app.cleanup();
  }
  return { ...res, ...splitPhases(p.out) };
}

export async function runCase(c) {
  const entry = entryOf(c);
  const [plain, edited, inst] = await Promise.all([
    runPlain(withFooter(c, c.files), entry),
    runPlain(withFooter(c, editedFiles(c)), entry),
    runInstrumented(c),
  ]);
  return { plain, edited, inst };
}

function describeRun(r) {
  const errs = r.inst.errLines.filter((l) => !VERBOSE_LINE.test(l));
  return `\n--- plain stdout ---\n${r.plain.lines.join('\n')}\n--- plain stderr ---\n${r.plain.err}` +
    `\n--- edited plain stdout ---\n${r.edited.lines.join('\n')}` +
    `\n--- instrumented stdout ---\n${r.inst.lines.join('\n')}\n--- instrumented stderr (log lines removed) ---\n${errs.join('\n')}` +
    `\n--- jurig log ---\n${r.inst.errLines.filter((l) => VERBOSE_LINE.test(l) && !l.startsWith('Watch ')).join('\n')}` +
    (r.inst.error ? `\n--- runner error ---\n${r.inst.error.message.split('\n')[0]}` : '');
}

/**
 * One describe block per area; every case gives two tests that share one set of runs:
 * "<name> › unpatched" (instrumented output == plain output) and "<name> › patched".
 */
export function defineCases(area, cases, { concurrency = 3 } = {}) {
  describe(area, { concurrency }, () => {
    for (const c of cases) {
      let memo;
      const run = () => (memo ??= runCase(c));
      it(`${c.name} › unpatched`, { todo: c.todo }, async () => {
        const r = await run();
        assert.ok(r.plain.complete, `plain run did not complete (case is broken)${describeRun(r)}`);
        assert.equal(r.inst.one, r.plain.one, `instrumented output differs from plain${describeRun(r)}`);
      });
      it(`${c.name} › patched`, { todo: c.todo ?? c.patchTodo }, async () => {
        const r = await run();
        assert.ok(r.edited.complete, `plain run of the edited version did not complete (case is broken)${describeRun(r)}`);
        assert.notEqual(r.edited.two, r.plain.two, `the edit is not observable (case is broken)${describeRun(r)}`);
        assert.equal(r.inst.one, r.plain.one, `instrumented output differs from plain before the edit${describeRun(r)}`);
        assert.ok(r.inst.patched, `jurig reported no patch after the save${describeRun(r)}`);
        assert.equal(r.inst.two, r.edited.two, `output after the live edit differs from a plain run of the edited file${describeRun(r)}`);
      });
    }
  });
}
