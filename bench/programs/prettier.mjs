// prettier (formatter, ESM index.mjs + plugins/*.mjs): format real modules (terser's lib) with the babel
// parser; checksum over the formatted output.
import * as prettier from 'prettier';
import { hash, jsFiles, report } from './common.mjs';

const files = jsFiles('terser/lib');
const ROUNDS = Number(process.env.ROUNDS || 1);
await report(async () => {
  const h = hash();
  for (let r = 0; r < ROUNDS; r++) {
    for (const f of files) h.update(await prettier.format(f.text, { parser: 'babel', printWidth: 100 }));
  }
  return h.digest('hex');
});
