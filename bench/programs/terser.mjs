// terser (minifier, ESM main.js + lib/*.js): minify real modules (acorn's ESM build and svelte compiler
// phases) with compress + mangle; checksum over the minified output.
import { minify } from 'terser';
import { hash, jsFiles, report } from './common.mjs';

const files = [...jsFiles('acorn/dist').filter((f) => f.name.endsWith('acorn.mjs')), ...jsFiles('svelte/src/compiler/phases', 60)];
const ROUNDS = Number(process.env.ROUNDS || 1);
await report(async () => {
  const h = hash();
  for (let r = 0; r < ROUNDS; r++) {
    for (const f of files) {
      const out = await minify(f.text, { module: true, compress: { passes: 2 }, mangle: true });
      h.update(out.code);
    }
  }
  return h.digest('hex');
});
