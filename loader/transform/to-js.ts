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
import { tsOptionsFor } from './ts-options.js';

export function isTypeScript(file: string): boolean {
  return /\.(m|c)?tsx?$/.test(file);
}

/** Files SWC compiles: TypeScript and JSX. */
export function needsCompile(file: string): boolean {
  return isTypeScript(file) || file.endsWith('.jsx');
}

export interface JsOutput { js: string; base: BaseMap }

export class CompileError extends Error {
  constructor(message: string, readonly line: number, readonly column: number, readonly frame: string) {
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
  let line = 1, column = 1;
  const head = /\[[^\]]*?:(\d+):(\d+)\]/.exec(text);
  if (head) { line = +head[1]; column = +head[2]; }
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

export function codeFrame(source: string, line: number, column: number): string {
  const lines = source.split(/\r?\n/);
  const from = Math.max(1, line - 2), to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let l = from; l <= to; l++) {
    out.push(`${l === line ? '>' : ' '} ${String(l).padStart(width)} | ${lines[l - 1]}`);
    if (l === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
