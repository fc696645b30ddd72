// acorn (parser, ESM dist/acorn.mjs): parse real sources (terser + svelte compiler, ~2.5 MB) with locations,
// several times over; checksum over the node counts and end positions.
import { parse } from 'acorn';
import { hash, jsFiles, report } from './common.mjs';

const files = [...jsFiles('terser/lib'), ...jsFiles('svelte/src/compiler')];
const ROUNDS = Number(process.env.ROUNDS || 10);
await report(() => {
  const h = hash();
  let nodes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const f of files) {
      const ast = parse(f.text, { ecmaVersion: 'latest', sourceType: 'module', locations: true, onToken: () => { nodes++; } });
      if (r === 0) h.update(`${f.name}:${ast.body.length}:${ast.end}:${ast.loc.end.line}\n`);
    }
  }
  return h.update(String(nodes)).digest('hex');
});
