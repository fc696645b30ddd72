// Saves written the way editors, formatters and checkouts write them: in two pieces with a pause between,
// emptied and then written, renamed over the file, in bursts of 50 a second. After each burst the program
// equals a fresh run of the last text (its values are the last text's), nothing that was running ran again
// (`init lib` printed once, the counter goes on), and jurig never ran a torn or empty text (its `-v` log of
// every statement run and every deletion). The pauses between the pieces of a write are the input here,
// not waits for a result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { makeApp, jurig } from '../helpers.mjs';

const lib = (n) => `console.log('init lib');
let count = 0;
export function handle(): string {
  return 'v${n}';
}
export function bump(): number {
  return ++count;
}
export const LIMIT = ${2000 + n};
`;
const APP = `import { handle, bump, LIMIT } from './lib.ts';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { for (const _ of d.trim().split('\\n')) console.log(handle() + ' ' + LIMIT + ' ' + bump()); });
`;

/** Busy-wait: a pause of a few ms inside one write (timers are too coarse for 1 ms). */
function pause(ms) {
  const t = performance.now();
  while (performance.now() - t < ms) { /* the pause is the test's input */ }
}
/** One write in pieces: open with truncation, write each piece, pausing `ms` between them. */
function writePieces(path, pieces, ms) {
  const fd = openSync(path, 'w');
  try {
    pieces.forEach((p, i) => { if (i) pause(ms); writeSync(fd, p); });
  } finally { closeSync(fd); }
}
/** Cut points where the first piece still parses or looks like a deletion. */
function cuts(text) {
  return {
    'mid-number (`LIMIT = 2`)': text.lastIndexOf('LIMIT = ') + 'LIMIT = 2'.length,
    'after a whole function': text.indexOf('}\n') + 2,
    'mid-line': text.indexOf("'v") + 2,
  };
}

async function withApp(fn) {
  const app = makeApp({ 'lib.ts': lib(0), 'app.ts': APP });
  const p = jurig(app, ['-v', 'app.ts']);
  const answers = [];
  const ask = async (n) => { const a = await p.askUntil('?', (l) => l.startsWith(`v${n} ${2000 + n} `)); answers.push(Number(a.split(' ')[2])); return a; };
  try {
    await ask(0);
    await p.waitFor('Watch lib.ts', { stream: 'err' });
    await fn({ app, p, ask });
    // nothing that was running ran again, and no torn or empty text ever ran
    assert.equal(p.out.filter((l) => l === 'init lib').length, 1, 'the module body ran once:\n' + p.out.join('\n'));
    for (let i = 1; i < answers.length; i++) assert.ok(answers[i] > answers[i - 1], `the counter went on (state kept): ${answers}`);
    const runs = p.err.filter((l) => l.startsWith('Run '));
    for (const r of runs) assert.match(r, /^Run lib\.ts:9: export const LIMIT = 2\d{3};$/, 'only whole LIMIT statements ran:\n' + p.err.join('\n'));
    assert.ok(!p.err.some((l) => l.startsWith('Delete ') || l.startsWith('Add ')), 'nothing deleted or added:\n' + p.err.join('\n'));
    assert.ok(!p.err.some((l) => /internal error/.test(l)), p.err.join('\n'));
  } finally {
    await p.kill();
    app.cleanup();
  }
}

test('a two-piece write with a 1–5 ms pause never runs its first piece', async () => {
  await withApp(async ({ app, ask }) => {
    let n = 0;
    for (let ms = 1; ms <= 5; ms++) {
      for (const [, at] of Object.entries(cuts(lib(n + 1)))) {
        const text = lib(++n);
        writePieces(app.path('lib.ts'), [text.slice(0, at), text.slice(at)], ms);
        await ask(n);
      }
    }
  });
});

test('an emptied file is never applied; when its text comes back only what changed runs', async () => {
  await withApp(async ({ app, p, ask }) => {
    let n = 0;
    for (const gap of [0, 1, 5, 20, 60, 200, 500]) {
      writeFileSync(app.path('lib.ts'), '');
      await new Promise((r) => setTimeout(r, gap)); // how long the file stays empty: the input
      writeFileSync(app.path('lib.ts'), lib(++n));
      await ask(n);
    }
    // left empty: reported once, still running the last text; the same text back changes nothing
    writeFileSync(app.path('lib.ts'), '');
    await p.waitFor(/jurig warning lib\.ts:1: the file is empty/, { stream: 'err' });
    await ask(n);
    writeFileSync(app.path('lib.ts'), lib(n));
    writeFileSync(app.path('lib.ts'), lib(++n));
    await ask(n);
    assert.equal(p.err.filter((l) => l.includes('the file is empty')).length, 1);
  });
});

test('bursts of 50 saves a second (in place, rename, two pieces, emptied first) end on the last text', async () => {
  await withApp(async ({ app, ask }) => {
    let n = 0;
    for (let burst = 0; burst < 3; burst++) {
      for (let i = 0; i < 40; i++) {
        const text = lib(++n);
        const how = (i + burst) % 4;
        if (how === 0) app.write('lib.ts', text);
        else if (how === 1) app.save('lib.ts', text);
        else if (how === 2) { const at = Object.values(cuts(text))[i % 3]; writePieces(app.path('lib.ts'), [text.slice(0, at), text.slice(at)], 1 + (i % 5)); }
        else { writeFileSync(app.path('lib.ts'), ''); pause(i % 5); writeFileSync(app.path('lib.ts'), text); }
        await new Promise((r) => setTimeout(r, 20)); // 50 saves a second
      }
      await ask(n);
    }
  });
});
