// A body edit inside a JSX component (automatic runtime) on a 660-line .tsx file of 60 components: save →
// patched, with the fast path and with JURIG_NO_FASTPATH=1 (the full path), 40 saves each, 120 ms apart (a
// human pace: the fast path analyses the whole new version once the program is idle). Run on its own:
// `node bench/jsx-fast-path.mjs` (JURIG_BENCH_NODE=<node> for another Node line). The app is made under
// test/.apps/ so it resolves react from the repository's devDependencies.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, ensureBuilt, rm, run } from './lib.mjs';

ensureBuilt();
mkdirSync(join(ROOT, 'test/.apps'), { recursive: true });
const dir = mkdtempSync(join(ROOT, 'test/.apps/bench-jsx-'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { jsx: 'react-jsx', strict: true } }));
writeFileSync(join(dir, 'Cards.tsx'), Array.from({ length: 60 }, (_, i) => `export function Card${i}({ title, items }: { title: string; items: string[] }) {
  const total = items.length * ${i};
  return (
    <section className="card${i}">
      <h2>{title} #${i}</h2>
      <ul><li>{items[0]}</li><li>{items[1]}</li></ul>
      <p>total {total}</p>
    </section>
  );
}
`).join('\n'));
writeFileSync(join(dir, 'main.tsx'), `import { renderToString } from 'react-dom/server';
import { readFileSync } from 'node:fs';
import * as Cards from './Cards.js';
const g = (globalThis as any)[Symbol.for('jurig')];
const file = new URL('./Cards.tsx', import.meta.url).pathname;
const src = readFileSync(file, 'utf8');
renderToString(<Cards.Card30 title="t" items={['a']} />);
await new Promise((r) => setTimeout(r, 500)); // the patch path warms up
const times: number[] = [];
for (let k = 0; k < 40; k++) {
  const text = src.replace('<p>total {total}</p>', \`<p>total {total} v\${k}</p>\`);
  await new Promise((r) => setTimeout(r, 120));
  const t0 = performance.now();
  const r = await g.applySource(file, text);
  times.push(performance.now() - t0);
  if (!r.ok) throw r.error;
}
if (!renderToString(<Cards.Card0 title="t" items={['a']} />).includes('v39')) throw new Error('not patched');
times.sort((a, b) => a - b);
console.log(JSON.stringify({ p50: times[20], p90: times[36] }));
`);
for (const [name, env] of [['fast path', {}], ['full path (JURIG_NO_FASTPATH=1)', { JURIG_NO_FASTPATH: '1' }]]) {
  const r = await run([CLI, 'main.tsx'], { cwd: dir, env });
  if (r.code !== 0) { console.error(r.err); process.exitCode = 1; continue; }
  const j = JSON.parse(r.out.trim().split('\n').pop());
  console.log(`${name}: p50 ${j.p50.toFixed(2)} ms, p90 ${j.p90.toFixed(2)} ms`);
}
rm(dir);
