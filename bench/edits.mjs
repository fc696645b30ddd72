// The edits the latency benches make: the text of the edited module at version v for each kind of edit,
// and the answer `handle('q')` gives at version v. The tiny module is `handle` alone; the big module is
// ~2,000 lines of generated TypeScript (bench/gen.mjs) with the edited code in the middle.
//   body       one function body: the version string `handle()` returns
//   statement  a top-level statement (`CONFIG.version = 'vN';`), read by `handle()`
//   several    four definitions at once: a function, a class method, an arrow and `handle()`, plus the body
//              of a generated function at the top of the file (1,000 lines away)
//   method     a class method removed and another added (`m_vN` replaces `m_vN-1`), seen by an instance
//              made at load time
//   function   a new top-level function (`addedN`), called by `handle()` (earlier ones stay)
import { genModule } from './gen.mjs';

export const KINDS = ['body', 'statement', 'several', 'method', 'function'];

const target = {
  body: (v) => `export function handle(q: string): string {
  return 'v${v}:' + q;
}
`,
  statement: (v) => `const CONFIG = { version: '', mode: 'plain' };
CONFIG.version = 'v${v}';

export function handle(q: string): string {
  return CONFIG.version + ':' + q;
}
`,
  several: (v) => `function partA(): string {
  return 'v${v}';
}

class PartB {
  get(): string {
    return 'v${v}';
  }
}

const partC = (): string => 'v${v}';

export function handle(q: string): string {
  return 'v${v}:' + q + '|' + partA() + new PartB().get() + partC();
}
`,
  method: (v) => `class Ver {
  m_v${v}(): string {
    return 'v${v}';
  }

  current(): string {
    return this.m_v${v}();
  }
}
const ver = new Ver();

export function handle(q: string): string {
  return ver.current() + ':' + q;
}
`,
  function: (v) => `${Array.from({ length: v }, (_, i) => `function added${i + 1}(): string {
  return 'v${i + 1}';
}
`).join('\n')}
export function handle(q: string): string {
  return ${v ? `added${v}()` : `'v0'`} + ':' + q;
}
`,
};

export function expected(kind, v) {
  return kind === 'several' ? `v${v}:q|v${v}v${v}v${v}` : `v${v}:q`;
}

let filler = null;
/** The module's text at version v. */
export function moduleText(mod, kind, v) {
  if (mod === 'tiny') return target[kind](v);
  filler ??= [genModule('a', 58), genModule('b', 58)];
  let [a, b] = filler;
  // `several` also changes a function 1,000 lines up (the first generated score function)
  if (kind === 'several') a = a.replace('return Math.round(total * 100) / 100;', `return Math.round(total * 100) / 100 + 0 * ${v};`);
  return `${a}\n${target[kind](v)}\n${b}`;
}
