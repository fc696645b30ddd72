// The folders are the architecture; imports run one way (README "How it works"):
//   entry → cli → runtime → compiler → common,   entry → loader → compiler → common
// and above the runtime only its surface is used (runtime/index.ts, and runtime/api.ts for `jurig/api`).
// A layer may use any layer below it. Checked on the TypeScript sources, static and dynamic imports alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BELOW = {
  common: [],
  compiler: ['common'],
  loader: ['compiler', 'common'],
  runtime: ['compiler', 'common'],
  cli: ['runtime', 'compiler', 'common'],
  entry: ['cli', 'loader', 'runtime', 'compiler', 'common'],
};
const RUNTIME_SURFACE = new Set(['runtime/index.ts', 'runtime/api.ts']);

function sources() {
  const out = [];
  for (const layer of Object.keys(BELOW)) {
    for (const f of readdirSync(join(ROOT, layer), { recursive: true })) if (String(f).endsWith('.ts') && !String(f).endsWith('.d.ts')) out.push(`${layer}/${f}`);
  }
  return out;
}

/** Relative specifiers a file imports: `from '…'`, `import('…')`, `new URL('…', import.meta.url)`. */
function importsOf(text) {
  const code = text.replace(/^\s*\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const specs = [];
  for (const m of code.matchAll(/(?:\brequire\(\s*|\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g)) specs.push(m[2]);
  return specs;
}

test('every layer folder exists and has sources', () => {
  const files = sources();
  for (const layer of Object.keys(BELOW)) assert.ok(files.some((f) => f.startsWith(layer + '/')), `no sources in ${layer}/`);
});

test('imports run one way between layers, and only the runtime surface is used above it', () => {
  const wrong = [];
  for (const file of sources()) {
    const layer = file.split('/')[0];
    for (const spec of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
      const target = relative(ROOT, join(dirname(join(ROOT, file)), spec)).replace(/\.js$/, '.ts');
      const to = target.split('/')[0];
      if (to === layer || !(to in BELOW)) continue;
      if (!BELOW[layer].includes(to)) wrong.push(`${file} → ${target} (${layer} may use ${BELOW[layer].join(', ') || 'nothing'})`);
      else if (to === 'runtime' && !RUNTIME_SURFACE.has(target)) wrong.push(`${file} → ${target} (above the runtime, use runtime/index.ts)`);
    }
  }
  assert.deepEqual(wrong, []);
});

// What loads at start-up stays light: SWC and acorn load with the first transform or save, never with the
// runtime (a program that watches acorn itself would otherwise get jurig's copy, and every start would pay
// ~60 ms). Static, non-type imports from the runtime's entry points; dynamic imports are the lazy doors.
test('the runtime and the loader load neither SWC nor acorn at start-up', () => {
  const HEAVY = new Set(['acorn', '@swc/core']);
  const reached = (entry) => {
    const seen = new Set(), heavy = [];
    const visit = (file, path) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(ROOT, file), 'utf8').replace(/^\s*\/\/.*$/gm, '');
      for (const m of code.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;'"]*?\bfrom\s+)?(['"])([^'"]+)\1/gm)) {
        const spec = m[2];
        if (HEAVY.has(spec)) heavy.push([...path, file, spec].join(' → '));
        else if (spec.startsWith('.')) visit(relative(ROOT, join(dirname(join(ROOT, file)), spec)).replace(/\.js$/, '.ts'), [...path, file]);
      }
    };
    visit(entry, []);
    return heavy;
  };
  assert.deepEqual([...reached('runtime/index.ts'), ...reached('entry/register.ts'), ...reached('loader/install.ts')], []);
});
