// Step one of the transform: the user's file as JavaScript plus a map back to it. TypeScript and JSX go
// through SWC (types stripped; enums, namespaces, parameter properties and decorators lowered; JSX
// compiled as tsconfig says). Other JavaScript is kept byte for byte, so `toString()` and columns are
// exactly the user's.
import type * as Swc from '@swc/core';
import { createRequire } from 'node:module';
// a plain CommonJS require: the ESM default import of @swc/core came back undefined on Node 24 when this
// module itself is loaded through require() by the in-thread load hook (loader/load.ts)
const swc = createRequire(import.meta.url)('@swc/core') as typeof Swc;
import { type BaseMap, decodeMappings, identityMap } from './edits.js';
import { tooDeep } from './nesting.js';
import { tsOptionsFor } from './ts-options.js';

export function isTypeScript(file: string): boolean {
  return /\.(m|c)?tsx?$/.test(file);
}

/** Files SWC compiles: TypeScript and JSX. */
export function needsCompile(file: string): boolean {
  return isTypeScript(file) || file.endsWith('.jsx');
}

export interface JsOutput {
  js: string;
  base: BaseMap;
}

export class CompileError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly frame: string,
  ) {
    super(message);
  }
}

/**
 * `format`: how the file runs. In CommonJS, SWC's automatic JSX runtime is a `require()` instead of an
 * `import`. Everything else is compiled as a module: SWC's script mode leaves references to a class with
 * standard decorators pointing at the undecorated binding.
 */
export function toJs(source: string, file: string, format: 'module' | 'commonjs' = 'module'): JsOutput {
  if (!needsCompile(file)) return { js: source, base: identityMap(source) };
  // SWC does not bound its recursion: a text nested deeper than the thread's stack kills the process
  const deep = tooDeep(source, true);
  if (deep) throw new CompileError(deep.message, deep.line, deep.column, codeFrame(source, deep.line, deep.column));
  const ts = tsOptionsFor(file);
  const jsx = /x$/.test(file);
  const automatic = jsx && ts.jsx.runtime === 'automatic';
  let out: Swc.Output;
  try {
    out = swc.transformSync(source, {
      filename: file,
      swcrc: false,
      configFile: false,
      sourceMaps: true,
      isModule: format === 'commonjs' && automatic ? 'commonjs' : true,
      jsc: {
        parser: isTypeScript(file) ? { syntax: 'typescript', tsx: jsx, decorators: true } : { syntax: 'ecmascript', jsx: true, decorators: true },
        target: 'esnext',
        keepClassNames: true,
        preserveAllComments: true,
        experimental: { keepImportAttributes: true, emitAssertForImportAttributes: false },
        transform: {
          legacyDecorator: ts.experimentalDecorators,
          decoratorMetadata: ts.emitDecoratorMetadata,
          decoratorVersion: ts.experimentalDecorators ? '2021-12' : '2022-03',
          useDefineForClassFields: ts.useDefineForClassFields,
          ...(jsx && {
            react: {
              runtime: ts.jsx.runtime,
              development: ts.jsx.development,
              pragma: ts.jsx.factory,
              pragmaFrag: ts.jsx.fragment,
              importSource: ts.jsx.importSource,
              throwIfNamespace: false,
            },
          }),
        },
      },
    });
  } catch (e) {
    throw swcError(e, source);
  }
  const map = JSON.parse(out.map!);
  return { js: out.code, base: decodeMappings(map.mappings) };
}

// SWC reports "x message\n ,-[file:line:col]\n ... frame"; pull out the position of the first label.
function swcError(e: unknown, source: string): CompileError {
  const text = String((e as Error)?.message ?? e).replace(/\x1b\[[0-9;]*m/g, '');
  const lines = text.split('\n');
  const msg = (lines.find((l) => /^\s*(x|×)\s/.test(l)) ?? lines[0]).replace(/^\s*(x|×)\s+/, '').trim();
  let line = 1,
    column = 1;
  const head = /\[[^\]]*?:(\d+):(\d+)\]/.exec(text);
  if (head) {
    line = +head[1];
    column = +head[2];
  }
  // the caret line follows the numbered line the label is on
  const numbered = /^\s*(\d+)\s+\|/;
  for (let i = 0; i < lines.length; i++) {
    const m = numbered.exec(lines[i]);
    const caret = lines[i + 1] && /^\s*:\s*(\s*)\^/.exec(lines[i + 1]);
    if (m && caret) {
      line = +m[1];
      const bar = lines[i].indexOf('|');
      const caretAt = lines[i + 1].indexOf('^');
      column = Math.max(1, caretAt - bar - 1);
      break;
    }
  }
  return new CompileError(msg, line, column, codeFrame(source, line, column));
}

const FRAME_WIDTH = 100; // characters of a long line shown around the column
// C0/C1 controls (but tab), and the bidirectional overrides and line separators that make a terminal show
// text other than what the file holds
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escapeControl = (s: string) =>
  s.replace(
    CONTROL,
    (c) =>
      (c.charCodeAt(0) <= 0xff ? '\\x' : '\\u') +
      c
        .charCodeAt(0)
        .toString(16)
        .padStart(c.charCodeAt(0) <= 0xff ? 2 : 4, '0'),
  );

/** A few lines around line:column (1-based) with a caret; control characters escaped, long lines cut. */
export function codeFrame(source: string, line: number, column: number): string {
  const from = Math.max(1, line - 2),
    to = line + 2;
  // the lines from..to, without splitting all of a big file
  let at = 0;
  for (let l = 1; l < from && at !== -1; l++) {
    at = source.indexOf('\n', at);
    if (at !== -1) at++;
  }
  const lines: string[] = [];
  for (let l = from; l <= to && at !== -1 && at <= source.length; l++) {
    const e = source.indexOf('\n', at);
    lines.push(source.slice(at, e === -1 ? source.length : e).replace(/\r$/, ''));
    at = e === -1 ? -1 : e + 1;
  }
  const last = from + lines.length - 1;
  const width = String(last).length;
  const out: string[] = [];
  const start = Math.max(0, column - 1 - FRAME_WIDTH / 2);
  for (let l = from; l <= last; l++) {
    let text = lines[l - from];
    let caret = Math.max(0, column - 1);
    // a long line: the same window of columns on every line of the frame
    if (text.length > FRAME_WIDTH) {
      const cut = text.slice(start, start + FRAME_WIDTH);
      text = (start > 0 ? '…' : '') + cut + (start + FRAME_WIDTH < lines[l - from].length ? '…' : '');
      caret = caret - start + (start > 0 ? 1 : 0);
    } else if (start > 0 && lines.some((t) => t.length > FRAME_WIDTH)) {
      text = '…' + text.slice(start);
      caret = caret - start + 1;
    }
    const shown = escapeControl(text);
    out.push(`${l === line ? '>' : ' '} ${String(l).padStart(width)} | ${shown}`);
    if (l === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, escapeControl(text.slice(0, Math.max(0, caret))).length))}^`);
  }
  return out.join('\n');
}
