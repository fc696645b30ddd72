// Scopes and the names blocks declare: what `let`/`const`/`class`/`function` bind in their block, what `var`
// binds in its function (hoisted out of nested blocks), and the module-level names of top-level statements.
import { type AnyNode, declarationOf, forEachChild, FUNCTION_TYPES, type Pattern, patternNames, specifierName, type TopLevel } from '../ast.js';
import type { Def } from './definitions.js';

export type BindingKind = 'var' | 'let' | 'const' | 'using' | 'await using' | 'function' | 'class' | 'param' | 'import' | 'catch' | 'fname' | 'cname';
export interface Binding {
  name: string;
  kind: BindingKind;
  scope: Scope;
}

export class Scope {
  readonly decls = new Map<string, Binding>();
  constructor(
    readonly kind: 'module' | 'function' | 'block' | 'class',
    readonly parent: Scope | null,
    readonly start: number,
    readonly end: number,
    readonly def: Def | null, // innermost definition this scope is inside (or belongs to)
    readonly foreign = false, // a scope of another analysis (the running version), outside any range here
  ) {}
  declare(name: string, kind: BindingKind): void {
    if (!this.decls.has(name) || kind === 'function') this.decls.set(name, { name, kind, scope: this });
  }
  lookup(name: string): Binding | null {
    for (let s: Scope | null = this; s; s = s.parent) {
      const b = s.decls.get(name);
      if (b) return b;
    }
    return null;
  }
}

export function declarePattern(p: Pattern | null | undefined, scope: Scope, kind: BindingKind): void {
  for (const n of patternNames(p)) scope.declare(n, kind);
}

/** The scope a `var` in `s` belongs to: the innermost function (or the module). */
export function varScope(s: Scope): Scope {
  while (s.kind !== 'function' && s.kind !== 'module') s = s.parent!;
  return s;
}

/** Declare what the statements of a block bind before any of them runs: its functions, classes and
 * let/const, and the `var`s anywhere in it (in the enclosing function's scope). Imports are declared where
 * they are visited. */
export function hoistBlock(body: readonly TopLevel[], s: Scope): void {
  for (const st of body) hoistStatement(st, s);
}

function hoistStatement(st: TopLevel, s: Scope): void {
  const d = declarationOf(st);
  if (!d) return;
  if (d.type === 'FunctionDeclaration' && d.id) s.declare(d.id.name, 'function');
  else if (d.type === 'ClassDeclaration' && d.id) s.declare(d.id.name, 'class');
  else if (d.type === 'VariableDeclaration' && d.kind !== 'var') for (const x of d.declarations) declarePattern(x.id, s, d.kind);
  hoistVars(d, varScope(s));
}

/** `var` declarations anywhere in a function body (not in nested functions) belong to its scope. */
function hoistVars(node: AnyNode, fs: Scope): void {
  if (!node || typeof node.type !== 'string') return;
  if (FUNCTION_TYPES.has(node.type) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return;
  if (node.type === 'VariableDeclaration') {
    if (node.kind === 'var') for (const x of node.declarations) declarePattern(x.id, fs, 'var');
    return;
  }
  if (node.type.endsWith('Statement') || node.type === 'SwitchCase' || node.type === 'CatchClause' || node.type === 'ExportNamedDeclaration')
    forEachChild(node, (c) => hoistVars(c, fs));
}

/** The module-level names some top-level statements declare (imports, functions, classes, let/const, and
 * `var` anywhere outside functions), with their kinds: what analyze() declares in the module scope. */
export function moduleLevelNames(statements: readonly TopLevel[]): Map<string, BindingKind> {
  const s = new Scope('module', null, 0, 0, null);
  for (const st of statements) {
    if (st.type === 'ImportDeclaration') {
      for (const sp of st.specifiers) s.declare(sp.local.name, 'import');
      continue;
    }
    hoistStatement(st, s);
  }
  const out = new Map<string, BindingKind>();
  for (const [n, b] of s.decls) out.set(n, b.kind);
  return out;
}

/** The names some top-level statements export, in order: `default` for a default export, the names of an
 * exported declaration, a specifier's exported name, `ns` of `export * as ns from …`. */
export function exportedNames(statements: readonly TopLevel[]): Set<string> {
  const out = new Set<string>();
  for (const st of statements) {
    if (st.type === 'ExportDefaultDeclaration') out.add('default');
    else if (st.type === 'ExportAllDeclaration') {
      if (st.exported) out.add(specifierName(st.exported));
    } else if (st.type === 'ExportNamedDeclaration') {
      if (st.declaration) for (const name of moduleLevelNames([st.declaration]).keys()) out.add(name);
      for (const sp of st.specifiers) out.add(specifierName(sp.exported));
    }
  }
  return out;
}
