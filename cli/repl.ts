// The live REPL: TypeScript accepted (types are stripped with SWC), `import` statements work (they become
// dynamic imports, so imported files are instrumented and stay live while you type), top-level await works.
// With a module record (`-i` after a script), that module's top-level names are reachable.
import swc from '@swc/core';
import { tooDeep } from '../compiler/nesting.js';
import { parse, type Program } from 'acorn';
import repl from 'node:repl';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleScope } from '../runtime/index.js';
import { pacedInput } from './repl-input.js';

export interface ReplOptions {
  /** A module whose top-level names the REPL can read, write and call (the script's module with -i). */
  scope?: ModuleScope | null;
  prompt?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** TypeScript → JavaScript for one REPL input, with `import` declarations made dynamic. */
export function toReplJs(code: string): string {
  return replJs(code).js;
}

/** `quiet`: the input only imports, so it has no value to print (not `undefined`). */
function replJs(code: string): { js: string; quiet: boolean } {
  let js = code;
  // like node's REPL: `{ a: 1 }` is an object, not a block
  if (/^\s*\{/.test(code) && /\}\s*$/.test(code) && !/;\s*$/.test(code)) code = `(${code.trim()})`;
  // a text SWC cannot take without overflowing its stack: node's REPL reports it (a RangeError)
  if (code.trim() && !tooDeep(code, true)) {
    try {
      js = swc.transformSync(code, {
        swcrc: false,
        configFile: false,
        isModule: 'unknown' as unknown as boolean,
        sourceMaps: false,
        jsc: {
          parser: { syntax: 'typescript', tsx: false },
          target: 'esnext',
          preserveAllComments: false,
          transform: { verbatimModuleSyntax: true } as object,
        },
      }).code;
    } catch {
      return { js: code, quiet: false }; // incomplete input (or not TypeScript): let node's REPL decide
    }
  }
  return rewriteImports(js);
}

function rewriteImports(js: string): { js: string; quiet: boolean } {
  if (!/\b(import|export)\b/.test(js)) return { js, quiet: false };
  let ast: Program;
  try {
    ast = parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true });
  } catch {
    return { js, quiet: false };
  }
  const quiet =
    ast.body.length > 0 &&
    ast.body.every((st) => st.type === 'ImportDeclaration' || (st.type === 'ExportNamedDeclaration' && !st.declaration && !st.specifiers.length && !st.source));
  let out = '',
    last = 0;
  for (const st of ast.body) {
    if (st.type === 'ExportNamedDeclaration' && !st.declaration && !st.specifiers.length && !st.source) {
      out += js.slice(last, st.start);
      last = st.end;
      continue;
    }
    if (st.type !== 'ImportDeclaration') continue;
    let spec = String(st.source.value);
    if (spec.startsWith('.') || spec.startsWith('/')) spec = pathToFileURL(resolve(spec)).href;
    const src = JSON.stringify(spec);
    const parts: string[] = [];
    const named: string[] = [];
    for (const s of st.specifiers) {
      if (s.type === 'ImportNamespaceSpecifier') parts.push(`var ${s.local.name} = await import(${src});`);
      else if (s.type === 'ImportDefaultSpecifier') named.push(`default: ${s.local.name}`);
      else {
        const imp = s.imported.type === 'Identifier' ? s.imported.name : JSON.stringify(s.imported.value);
        named.push(imp === s.local.name ? imp : `${imp}: ${s.local.name}`);
      }
    }
    if (named.length) parts.push(`var { ${named.join(', ')} } = await import(${src});`);
    if (!st.specifiers.length) parts.push(`await import(${src});`);
    out += js.slice(last, st.start) + parts.join(' ');
    last = st.end;
  }
  return { js: out + js.slice(last), quiet };
}

/** Make `scope`'s top-level names readable and writable from the REPL (names the global already has win). */
function exposeModuleScope(scope: ModuleScope, context: Record<string, unknown>): void {
  for (const name of scope.names) {
    if (name in context || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name)) continue;
    Object.defineProperty(context, name, { configurable: true, enumerable: false, get: () => scope.read(name), set: (v) => scope.write(name, v) });
  }
}

export async function startRepl(opts: ReplOptions = {}): Promise<repl.REPLServer> {
  if (opts.scope) exposeModuleScope(opts.scope, globalThis as Record<string, unknown>);
  // piped input is given one line at a time, each after the previous one has finished (cli/repl-input.ts)
  const paced = !opts.input && !process.stdin.isTTY ? pacedInput(process.stdin) : null;
  const server = repl.start({
    prompt: opts.prompt ?? 'jurig> ',
    useGlobal: true,
    input: paced?.input ?? opts.input ?? process.stdin,
    output: opts.output ?? process.stdout,
    terminal: (opts.output ?? process.stdout) === process.stdout ? process.stdout.isTTY && process.stdin.isTTY : undefined,
  });
  const defaultEval = server.eval;
  paced?.pace(server);
  (server as unknown as { eval: repl.REPLEval }).eval = function (code, context, file, cb) {
    const { js, quiet } = replJs(code);
    // the REPL prints a result only when the callback gets one: an import prints nothing, as in a module
    defaultEval.call(this, js, context, file, quiet ? (err) => (err ? cb(err, undefined) : (cb as (e: null) => void)(null)) : cb);
  };
  server.on('exit', () => process.exit(0));
  return server;
}
