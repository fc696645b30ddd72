// The loader's transform, in-process: every instrumented file of the conformance cases (shared with
// test/conformance/, which checks they behave the same as uninstrumented) is transformed and compared with
// its snapshot in test/core/snapshots/. A change to the emitted code shows up here as a readable diff,
// before any end-to-end test runs. `JURIG_UPDATE_SNAPSHOTS=1 npm test -- test/core/transform.test.mjs`
// rewrites the snapshots; review the diff before committing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'acorn';
import { transformModule } from '../../dist/compiler/index.js';
import { GUARD_END, MODULE } from '../../dist/compiler/names.js';

const SNAPSHOTS = fileURLToPath(new URL('./snapshots/', import.meta.url));
const UPDATE = !!process.env.JURIG_UPDATE_SNAPSHOTS;
const SUITES = ['functions', 'classes', 'async', 'tostring', 'typescript'];
const INSTRUMENTED = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** The output without its inline source map (a base64 blob no one can review). */
const withoutMap = (code) => code.replace(/\n\/\/# sourceMappingURL=data:[^\n]*\n?$/, '\n');

// A snapshot file: for each file, a `==== case :: file` line and the output as it is (diffs read as code).
const HEAD = '==== ';
function parseSnapshot(text) {
  const out = {};
  for (const part of text.split(new RegExp(`^${HEAD}`, 'm')).slice(1)) {
    const nl = part.indexOf('\n');
    out[part.slice(0, nl)] = part.slice(nl + 1);
  }
  return out;
}

for (const suite of SUITES) {
  test(`transform snapshots: ${suite} cases`, async () => {
    const { cases } = await import(`../conformance/cases/${suite}.mjs`);
    const out = {};
    for (const c of cases) {
      // the case's files on disk: its tsconfig.json and package.json decide how a file compiles
      const dir = mkdtempSync(join(tmpdir(), 'jurig-transform-'));
      for (const [name, text] of Object.entries(c.files)) { mkdirSync(dirname(join(dir, name)), { recursive: true }); writeFileSync(join(dir, name), text); }
      for (const [name, text] of Object.entries(c.files)) {
        if (!INSTRUMENTED.test(name)) continue;
        // a fixed URL: the output depends on it (the module tag, the map's source), never on where tests run
        const r = transformModule(text, join(dir, name), `file:///jurig-case/${name}`);
        out[`${c.name} :: ${name}`] = 'notLive' in r ? `(not live: ${r.notLive})` : withoutMap(r.code);
        if ('code' in r) {
          // what the loader hands to Node must parse as what it is
          assert.doesNotThrow(() => Parser.parse(r.code, { ecmaVersion: 'latest', sourceType: r.format === 'module' ? 'module' : 'script', allowHashBang: true, allowReturnOutsideFunction: r.format !== 'module' }), `${c.name} :: ${name}`);
          // and name the runtime through the names compiler/names.ts gives
          if (r.code.includes(GUARD_END)) assert.ok(r.code.includes(MODULE), `${c.name} :: ${name}: a guard but no module handle`);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
    const path = join(SNAPSHOTS, `${suite}.snap`);
    if (UPDATE || !existsSync(path)) {
      mkdirSync(SNAPSHOTS, { recursive: true });
      writeFileSync(path, Object.entries(out).map(([k, v]) => `${HEAD}${k}\n${v}`).join(''));
      if (!UPDATE) assert.fail(`${path} did not exist: written now; run again (and commit it)`);
      return;
    }
    const expected = parseSnapshot(readFileSync(path, 'utf8'));
    assert.deepEqual(Object.keys(out), Object.keys(expected), 'the cases changed: update the snapshots');
    for (const key of Object.keys(out)) assert.equal(out[key], expected[key], `${key}: the transform's output changed (JURIG_UPDATE_SNAPSHOTS=1 to accept)`);
  });
}
