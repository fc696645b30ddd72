// The live test loop: save → result of the affected test, `jurig --test --watch` vs `node --test --watch`,
// on the same small suite whose `before` fixture takes 500 ms (a database, a model, a warm cache).
// jurig patches the saved function into the running process and re-runs the one test that called it;
// node --test --watch re-runs the test files that depend on the saved file, each in a new process, so it
// pays start-up and the fixture again. (vitest --watch is not measured: vitest is not installed here,
// and this bench does not add it.)
//
// A round: write lib.mjs (the body of `add` changes, the results do not), then time until the output
// shows the `adds` test passing again. Medians over ROUNDS saves per tool.
// `node bench/test-loop.mjs` (QUICK=1: fewer rounds).
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, NODE, QUICK, ensureBuilt, fmt, median, pct, ratio, rm, table, tmp, verdict, writeSection, writeVerdicts, machine } from './lib.mjs';

ensureBuilt();
const ROUNDS = QUICK ? 5 : 15;

const lib = (n) => `export function add(a, b) {
  const x = ${n};
  return a + b + x - ${n};
}
export function mul(a, b) {
  return a * b;
}
`;
const files = {
  'package.json': JSON.stringify({ type: 'module' }),
  'lib.mjs': lib(0),
  'test/math.test.mjs': `import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { add, mul } from '../lib.mjs';
before(() => new Promise((r) => setTimeout(r, 500))); // the expensive fixture
test('adds', () => { assert.equal(add(1, 2), 3); });
test('muls', () => { assert.equal(mul(2, 3), 6); });
`,
  'test/other.test.mjs': `import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mul } from '../lib.mjs';
before(() => new Promise((r) => setTimeout(r, 500)));
for (let i = 0; i < 20; i++) test('mul ' + i, () => { assert.equal(mul(i, 2), i * 2); });
`,
};

const PASS = /^\s*(?:✔ adds \(|ok \d+ - adds$)/;

async function measure(name, args) {
  const dir = tmp('test-loop');
  for (const [f, t] of Object.entries(files)) { mkdirSync(join(dir, f, '..'), { recursive: true }); writeFileSync(join(dir, f), t); }
  const { NODE_TEST_CONTEXT: _, ...env } = { ...process.env, NO_COLOR: '1' };
  const child = spawn(NODE, args, { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let passes = 0, buf = '', waiter = null;
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (PASS.test(line)) { passes++; waiter?.(); }
    }
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const passCount = (n, ms = 20000) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${name}: no pass #${n} of 'adds' in ${ms} ms\n${err}`)), ms);
    const check = () => { if (passes >= n) { clearTimeout(t); waiter = null; resolve(); } };
    waiter = check;
    check();
  });
  const times = [];
  try {
    await passCount(1);
    await new Promise((r) => setTimeout(r, 1500)); // the first run is over and the watchers are ready
    for (let round = 1; round <= ROUNDS; round++) {
      const want = passes + 1;
      const t0 = performance.now();
      writeFileSync(join(dir, 'lib.mjs'), lib(round));
      await passCount(want);
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 700)); // let the peer finish the round (other files, summary)
    }
  } finally {
    child.kill('SIGKILL');
    rm(dir);
  }
  return times;
}

const results = [];
results.push(['jurig --test --watch', await measure('jurig', [CLI, '--test', '--watch'])]);
results.push(['node --test --watch', await measure('node', ['--test', '--watch'])]);
const rows = results.map(([name, t]) => [name, fmt(median(t)), fmt(pct(t, 90)), fmt(Math.min(...t)), String(t.length)]);
const jurigMs = median(results[0][1]);
const peerMs = median(results[1][1]);
const r = jurigMs / peerMs;
const text = table(['tool', 'median ms', 'p90 ms', 'min ms', 'saves'], rows);
console.log(text);
console.log(`ratio jurig / node --test --watch: ${ratio(r)} (goal ≤ 0.1×: ${verdict(r <= 0.1)}); vitest --watch: not installed, not measured`);
const m = machine();
writeSection('9-test-loop', `## Live tests: save → result of the affected test (bench/test-loop.mjs)

Suite: 2 test files, 22 tests, each file with a 500 ms \`before\` fixture; a save changes the body of \`add\`,
which one test calls. Time from the write to that test's pass line in the output. ${m.node}, ${m.cpu}.

${text}

Ratio jurig / node --test --watch (the faster peer measured): **${ratio(r)}** (goal ≤ 0.1×: ${verdict(r <= 0.1)}).
vitest --watch: not measured (vitest is not installed in this repository).
`);
writeVerdicts('9-test-loop', [{ goal: 'live tests: save → affected test result ≤ 0.1× node --test --watch', measured: ratio(r), verdict: verdict(r <= 0.1) }]);
