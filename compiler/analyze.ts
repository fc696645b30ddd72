// Analysis of one JavaScript module text (what SWC produced from TypeScript, or the file itself for JS):
// every function-like definition with a stable identity, the classes, the top-level statements, and a
// scope resolution of every identifier so that patched code can be compiled outside its original scope.
// The loader (transform) and the runtime (diff/patch) both run this, so it must be deterministic.
//   pass 1 (analyze/definitions.ts): scopes and what they declare (analyze/scope.ts), definitions, classes;
//   pass 2 (analyze/references.ts): identifiers resolved, this/super/new.target, import.meta, private names,
//           top-level awaits, verbatim literals;
//   then the names each definition captures from enclosing functions.
import { commentsOfTree, parseModule, type AwaitExpression, type ForOfStatement, type MetaProperty, type Program, type TopLevel } from './ast.js';
import { type ClassInfo, collectCaptures, collectDefinitions, type Def } from './analyze/definitions.js';
import { collectReferences, type PrivateRef, type Ref, type ThisRef } from './analyze/references.js';
import { type BindingKind, Scope } from './analyze/scope.js';

export { forEachChild, parseModule, parseScript, patternNames, walk } from './ast.js';
export { type ClassInfo, type Def, type DefKind, innermostDefFinder } from './analyze/definitions.js';
export type { PrivateRef, Ref, ThisRef } from './analyze/references.js';
export { type Binding, type BindingKind, exportedNames, moduleLevelNames, Scope } from './analyze/scope.js';

export interface ModuleInfo {
  js: string;
  defs: Def[];
  classes: ClassInfo[];
  statements: TopLevel[]; // the program's body (the Program node itself is not kept)
  moduleScope: Scope;
  refs: Ref[]; // sorted by position
  thisRefs: ThisRef[]; // sorted by position
  metaRefs: MetaProperty[]; // import.meta nodes
  privateRefs: PrivateRef[]; // sorted by position
  awaitTopLevel: (AwaitExpression | ForOfStatement)[]; // top-level await / for-await nodes
  hasModuleSyntax: boolean;
  usesCommonJs: boolean; // free require/module/exports/__dirname/__filename
  comments: number[]; // [start, end, start, end, …] of every comment, in order
  verbatim: number[]; // the same for string, regex and template-text literals (where whitespace counts)
  strings: Map<number, string>; // start of a string literal → its value as JSON (so 'a' and "a" are one)
}

/**
 * Analyse a JS module. Throws acorn's SyntaxError (with .loc) on invalid code. With `outer`, the code is a
 * snippet that sits inside that (foreign) scope: names it does not declare resolve there. With
 * `extraModuleNames`, it is the new text of some statements of a module that declares those names elsewhere.
 */
export function analyze(
  js: string,
  ast: Program = parseModule(js),
  outer: Scope | null = null,
  extraModuleNames: Map<string, BindingKind> | null = null,
): ModuleInfo {
  const moduleScope = outer ? new Scope('block', outer, 0, js.length, null) : new Scope('module', null, 0, js.length, null);
  const { defs, classes, scopeOf, hasModuleSyntax } = collectDefinitions(js, ast, moduleScope, extraModuleNames);
  const { refs, thisRefs, metaRefs, privateRefs, awaitTopLevel, usesCommonJs, verbatim, strings } = collectReferences(ast, moduleScope, scopeOf);
  collectCaptures(defs, refs);
  return {
    js,
    defs,
    classes,
    statements: ast.body,
    moduleScope,
    refs,
    thisRefs,
    metaRefs,
    privateRefs,
    awaitTopLevel,
    hasModuleSyntax,
    usesCommonJs,
    comments: commentsOfTree(ast),
    verbatim: sortPairs(verbatim),
    strings,
  };
}

function sortPairs(flat: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  return pairs.flat();
}
