// Generators of realistic TypeScript: modules of ~20 definitions of mixed kinds (interfaces, classes with
// #private fields, getters and methods, plain functions with loops, closures, generators, async functions,
// enums), about 8 KB each — the size the peer survey measured (300 modules ≈ 2.4 MB).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One definition of kind k (0..7) named with prefix p and index i; returns [source, exportedCallable?]. */
function definition(p, i, k) {
  const n = `${p}${i}`;
  switch (k) {
    case 0:
      return [`export interface Item${n} {
  id: number;
  name: string;
  tags: string[];
  score?: number;
}

export function score${n}(items: Item${n}[], weight = 1.5): number {
  let total = 0;
  for (const it of items) {
    const bonus = it.tags.includes('hot') ? 2 : 1;
    total += (it.score ?? it.name.length) * bonus * weight;
  }
  return Math.round(total * 100) / 100;
}
`, `score${n}([{ id: 1, name: 'a${i}', tags: ['hot'] }])`];
    case 1:
      return [`export class Store${n}<T extends { id: number }> {
  #items = new Map<number, T>();
  #version = 0;
  readonly label: string;

  constructor(label: string) {
    this.label = label;
  }

  get size(): number {
    return this.#items.size;
  }

  get version(): number {
    return this.#version;
  }

  put(item: T): this {
    this.#items.set(item.id, item);
    this.#version++;
    return this;
  }

  find(pred: (t: T) => boolean): T | undefined {
    for (const t of this.#items.values()) if (pred(t)) return t;
    return undefined;
  }

  toJSON(): { label: string; size: number } {
    return { label: this.label, size: this.size };
  }
}
`, `new Store${n}<{ id: number }>('s').put({ id: ${i} }).size`];
    case 2:
      return [`export function classify${n}(input: string): 'empty' | 'short' | 'word' | 'text' {
  if (input.length === 0) return 'empty';
  let spaces = 0;
  for (let j = 0; j < input.length; j++) {
    switch (input.charCodeAt(j)) {
      case 32:
      case 9:
        spaces++;
        break;
      default:
        break;
    }
  }
  if (spaces === 0) return input.length < 4 ? 'short' : 'word';
  return 'text';
}
`, `classify${n}('hello world ${i}').length`];
    case 3:
      return [`export const makeCounter${n} = (start = 0, step = 1) => {
  let value = start;
  const history: number[] = [];
  return {
    next: () => {
      value += step;
      history.push(value);
      return value;
    },
    reset: () => { value = start; history.length = 0; },
    get last() { return history[history.length - 1]; },
  };
};
`, `makeCounter${n}(${i}).next()`];
    case 4:
      return [`export type Options${n} = {
  retries: number;
  delayMs: number;
  mode: 'fast' | 'safe';
};

export const defaults${n}: Options${n} = { retries: 3, delayMs: ${i * 10}, mode: 'safe' };

export function merge${n}(o: Partial<Options${n}>): Options${n} {
  return { ...defaults${n}, ...o, retries: Math.max(0, o.retries ?? defaults${n}.retries) };
}
`, `merge${n}({ retries: 2 }).retries`];
    case 5:
      return [`export function* range${n}(from: number, to: number, step = 1): Generator<number, void, undefined> {
  if (step <= 0) throw new RangeError('step must be positive');
  for (let v = from; v < to; v += step) {
    yield v;
  }
}

export function sumRange${n}(to: number): number {
  let s = 0;
  for (const v of range${n}(0, to)) s += v;
  return s;
}
`, `sumRange${n}(${i % 20})`];
    case 6:
      return [`export async function fetchAll${n}(ids: number[], load: (id: number) => Promise<string>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const id of ids) {
    try {
      out.set(id, await load(id));
    } catch (e) {
      out.set(id, \`error: \${(e as Error).message}\`);
    }
  }
  return out;
}
`, null];
    default:
      return [`export enum Color${n} {
  Red = 'red',
  Green = 'green',
  Blue = 'blue',
}

export function paint${n}(c: Color${n}, alpha = 1): string {
  const base = c === Color${n}.Red ? 0xff0000 : c === Color${n}.Green ? 0x00ff00 : 0x0000ff;
  return \`rgba(\${(base >> 16) & 255}, \${(base >> 8) & 255}, \${base & 255}, \${alpha})\`;
}
`, `paint${n}(Color${n}.Green).length`];
  }
}

/**
 * A module of `count` definitions (kinds in rotation); `imports` are [specifier, name] pairs it imports and
 * calls once at top level. Exports `check_<p>()` returning a number that touches every definition.
 */
export function genModule(p, count, imports = []) {
  const parts = [];
  for (const [spec, name] of imports) parts.push(`import { ${name} } from '${spec}';`);
  // imported names are score functions (kind 0) of other modules: cheap, not recursive
  if (imports.length) parts.push('');
  const checks = [];
  for (let i = 0; i < count; i++) {
    const [src, call] = definition(p, i, i % 8);
    parts.push(src);
    if (call) checks.push(call);
  }
  parts.push(`export function check_${p}(): number {
  let h = 0;
${checks.map((c) => `  h = (h * 31 + Number(${c})) | 0;`).join('\n')}
${imports.map(([, name]) => `  h = (h + ${name}([{ id: 0, name: 'x', tags: [] }])) | 0;`).join('\n')}
  return h;
}
`);
  return parts.join('\n');
}

/** Generate an app of `n` modules under dir/src plus dir/main.ts importing all of them; returns total bytes. */
export function genApp(dir, n, defsPerModule = 20) {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  let bytes = 0;
  for (let m = 0; m < n; m++) {
    const imports = [];
    if (m >= 1) imports.push([`./m${m - 1}.ts`, `scorem${m - 1}_0`]);
    if (m >= 7) imports.push([`./m${m - 7}.ts`, `scorem${m - 7}_0`]);
    const src = genModule(`m${m}_`, defsPerModule, imports);
    bytes += src.length;
    writeFileSync(join(dir, 'src', `m${m}.ts`), src);
  }
  const main = [
    ...Array.from({ length: n }, (_, m) => `import { check_m${m}_ } from './src/m${m}.ts';`),
    '',
    `let h = 0;`,
    ...Array.from({ length: Math.min(n, 50) }, (_, m) => `h = (h + check_m${n - 1 - m}_()) | 0;`),
    `const cpu = process.cpuUsage();`,
    `console.log(JSON.stringify({ checksum: h, cpuMs: (cpu.user + cpu.system) / 1000, uptimeMs: performance.now() }));`,
  ].join('\n');
  writeFileSync(join(dir, 'main.ts'), main + '\n');
  return bytes + main.length;
}
