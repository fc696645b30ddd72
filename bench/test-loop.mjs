// The live test loop: save → result of the affected test, `jurig --test --watch` vs `node --test --watch`,
// on the same small suite whose `before` fixture takes 500 ms (a database, a model, a warm cache).
// jurig patches the saved function into the running process and re-runs the one test that called it;
// node --test --watch re-runs the test files that depend on the saved file, each in a new process, so it
// pays start-up and the fixture again; vitest --watch re-runs the test files that import the saved module
// (in its worker pool, the fixture again), from the same suite written with vitest's API.
//
// A round: write lib.mjs (the body of `add` changes, the results do not), then time until the output
// shows the `adds` test passing again. Medians over ROUNDS saves per tool.
// `node bench/test-loop.mjs` (QUICK=1: fewer rounds).
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_NM, CLI, NODE, QUICK, ensureBenchDeps, ensureBuilt, fmt, median, pct, ratio, rm, table, tmp, verdict, writeSection, writeVerdicts, machine } from './lib.mjs';

ensureBuilt();
ensureBenchDeps();
const VITEST = join(BENCH_NM, 'vitest/vitest.mjs');
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

// the same suite for vitest: its API, the same fixture and tests
const vitestFiles = {
  'package.json': files['package.json'],
  'lib.mjs': lib(0),
  'test/math.test.mjs': `import { test, beforeAll, expect } from 'vitest';
import { add, mul } from '../lib.mjs';
beforeAll(() => new Promise((r) => setTimeout(r, 500))); // the expensive fixture
test('adds', () => { expect(add(1, 2)).toBe(3); });
test('muls', () => { expect(mul(2, 3)).toBe(6); });
`,
  'test/other.test.mjs': `import { test, beforeAll, expect } from 'vitest';
import { mul } from '../lib.mjs';
beforeAll(() => new Promise((r) => setTimeout(r, 500)));
for (let i = 0; i < 20; i++) test('mul ' + i, () => { expect(mul(i, 2)).toBe(i * 2); });
`,
};

// node:test's spec and TAP pass lines, and vitest's verbose reporter's
const PASS = /^\s*(?:✔ adds \(|ok \d+ - adds$|✓ test\/math\.test\.mjs > adds\b)/;

async function measure(name, args, suite = files) {
  const dir = tmp('test-loop');
  for (const [f, t] of Object.entries(suite)) { mkdirSync(join(dir, f, '..'), { recursive: true }); writeFileSync(join(dir, f), t); }
  // (CI would turn vitest's watch mode off)
  const { NODE_TEST_CONTEXT: _, CI: _ci, ...env } = { ...process.env, NO_COLOR: '1' };
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
results.push(['vitest --watch', await measure('vitest', [VITEST, '--watch', '--reporter=verbose'], vitestFiles)]);
const rows = results.map(([name, t]) => [name, fmt(median(t)), fmt(pct(t, 90)), fmt(Math.min(...t)), String(t.length)]);
const jurigMs = median(results[0][1]);
const [fasterName, fasterTimes] = results.slice(1).sort((a, b) => median(a[1]) - median(b[1]))[0];
const r = jurigMs / median(fasterTimes);
const text = table(['tool', 'median ms', 'p90 ms', 'min ms', 'saves'], rows);
console.log(text);
console.log(`ratio jurig / ${fasterName} (the faster peer): ${ratio(r)} (goal ≤ 0.1×: ${verdict(r <= 0.1)})`);
const m = machine();
writeSection('9-test-loop', `## Live tests: save → result of the affected test (bench/test-loop.mjs)

Suite: 2 test files, 22 tests, each file with a 500 ms \`before\` fixture; a save changes the body of \`add\`,
which one test calls. Time from the write to that test's pass line in the output. ${m.node}, ${m.cpu}.

${text}

Ratio jurig / ${fasterName} (the faster peer): **${ratio(r)}** (goal ≤ 0.1×: ${verdict(r <= 0.1)}).
`);
writeVerdicts('9-test-loop', [{ goal: 'live tests: save → affected test result ≤ 0.1× the faster of node --test --watch and vitest --watch', measured: ratio(r), verdict: verdict(r <= 0.1) }]);
