// Pass 2 of the analysis: every identifier resolved against the scopes of pass 1, and the other uses patched
// code must keep or rewrite: `this`/`super`/`new.target` with the function that binds them, `import.meta`,
// private names with the role of each use, top-level awaits; and the literals whose text is verbatim.
import {
  type AnyNode,
  type AssignmentExpression,
  type AwaitExpression,
  type BinaryExpression,
  type CallExpression,
  type ClassNode,
  type ForOfStatement,
  forEachChild,
  type FunctionNode,
  type Identifier,
  isPrivateMember,
  type MetaProperty,
  type Pattern,
  type PrivateMember,
  type Program,
  type Super,
  type ThisExpression,
} from '../ast.js';
import type { Binding, Scope } from './scope.js';

export interface Ref {
  node: Identifier;
  name: string;
  binding: Binding | null;
  write: boolean; // assigned, updated or a pattern target
  decl: boolean; // the name of a function or class declaration: a binding, not a use
}

/** How a private member `o.#x` is used, as its parent says: called, assigned, or else (compound assignment, ++/--, `?.`). */
type PrivateUse = { role: 'call'; parent: CallExpression } | { role: 'set'; parent: AssignmentExpression } | { role: 'other'; parent: AnyNode };

/** A use of a private name: `o.#m(…)` (call), `o.#x` (get), `o.#x = v` (set), `#x in o` (in), or else (other). */
export type PrivateRef = { name: string } & (
  | ({ node: PrivateMember } & (PrivateUse | { role: 'get'; parent: PrivateMember }))
  | { role: 'in'; node: BinaryExpression; parent: BinaryExpression }
);

/** owner: the start of the function or field initializer that binds it (-1: the module). */
export interface ThisRef {
  node: ThisExpression | Super | MetaProperty;
  kind: 'this' | 'super' | 'new.target';
  owner: number;
}

export interface References {
  refs: Ref[]; // sorted by position
  thisRefs: ThisRef[]; // sorted by position
  metaRefs: MetaProperty[]; // import.meta
  privateRefs: PrivateRef[]; // sorted by position
  awaitTopLevel: (AwaitExpression | ForOfStatement)[]; // top-level await and for-await
  usesCommonJs: boolean; // free require/module/exports/__dirname/__filename
  verbatim: number[]; // [start, end, …] of string, regex and template-text literals, unsorted
  strings: Map<number, string>; // start of a string literal → its value as JSON
}

const CJS = new Set(['require', 'module', 'exports', '__dirname', '__filename']);

/** Pass 2 over a module's statements, with the scopes pass 1 made (`scopeOf`). */
export function collectReferences(ast: Program, moduleScope: Scope, scopeOf: Map<AnyNode, Scope>): References {
  const pass = new ReferencePass(scopeOf);
  for (const st of ast.body) pass.visit(st, moduleScope, -1, 0);
  const { refs, thisRefs, metaRefs, privateRefs, awaitTopLevel, usesCommonJs, verbatim, strings } = pass;
  refs.sort((a, b) => a.node.start - b.node.start);
  thisRefs.sort((a, b) => a.node.start - b.node.start);
  privateRefs.sort((a, b) => a.node.start - b.node.start);
  return { refs, thisRefs, metaRefs, privateRefs, awaitTopLevel, usesCommonJs, verbatim, strings };
}

/**
 * The walk of pass 2. Each visit carries the scope names resolve in, the owner of `this` (see ThisRef) and
 * how many functions deep it is (0: top level, where an await is the module's).
 */
class ReferencePass {
  readonly refs: Ref[] = [];
  readonly thisRefs: ThisRef[] = [];
  readonly metaRefs: MetaProperty[] = [];
  readonly privateRefs: PrivateRef[] = [];
  readonly awaitTopLevel: (AwaitExpression | ForOfStatement)[] = [];
  readonly verbatim: number[] = [];
  readonly strings = new Map<number, string>();
  usesCommonJs = false;
  private readonly privateRole = new Map<AnyNode, PrivateUse>(); // member node → its use, set by the parent

  constructor(private readonly scopeOf: Map<AnyNode, Scope>) {}

  private addRef(id: Identifier, scope: Scope, write: boolean, decl = false): void {
    const binding = scope.lookup(id.name);
    if (!binding && CJS.has(id.name)) this.usesCommonJs = true;
    this.refs.push({ node: id, name: id.name, binding, write, decl });
  }

  /** A binding or assignment target: its names are written; defaults, computed keys and member targets are read. */
  private visitPattern(p: Pattern | null | undefined, scope: Scope, thisOwner: number, fnDepth: number): void {
    if (!p) return;
    switch (p.type) {
      case 'Identifier':
        this.addRef(p, scope, true);
        break;
      case 'ObjectPattern':
        for (const pr of p.properties) {
          if (pr.type === 'RestElement') this.visitPattern(pr.argument, scope, thisOwner, fnDepth);
          else {
            if (pr.computed) this.visit(pr.key, scope, thisOwner, fnDepth);
            this.visitPattern(pr.value, scope, thisOwner, fnDepth);
          }
        }
        break;
      case 'ArrayPattern':
        for (const e of p.elements) this.visitPattern(e, scope, thisOwner, fnDepth);
        break;
      case 'RestElement':
        this.visitPattern(p.argument, scope, thisOwner, fnDepth);
        break;
      case 'AssignmentPattern':
        this.visitPattern(p.left, scope, thisOwner, fnDepth);
        this.visit(p.right, scope, thisOwner, fnDepth);
        break;
      default:
        this.visit(p, scope, thisOwner, fnDepth); // member expression targets
    }
  }

  visit(node: AnyNode, scope: Scope, thisOwner: number, fnDepth: number): void {
    const own = this.scopeOf.get(node);
    const outer = scope;
    if (own && node.type !== 'PropertyDefinition') scope = own;
    switch (node.type) {
      case 'Identifier':
        this.addRef(node, scope, false);
        return;
      case 'ThisExpression':
        this.thisRefs.push({ node, kind: 'this', owner: thisOwner });
        return;
      case 'Super':
        this.thisRefs.push({ node, kind: 'super', owner: thisOwner });
        return;
      case 'MetaProperty':
        if (node.meta.name === 'import') this.metaRefs.push(node);
        else this.thisRefs.push({ node, kind: 'new.target', owner: thisOwner });
        return;
      case 'AwaitExpression':
        if (fnDepth === 0) this.awaitTopLevel.push(node);
        this.visit(node.argument, scope, thisOwner, fnDepth);
        return;
      case 'ForOfStatement':
        if (node.await && fnDepth === 0) this.awaitTopLevel.push(node);
        break;
      case 'MemberExpression':
        if (isPrivateMember(node)) {
          const use = this.privateRole.get(node) ?? (node.optional ? ({ role: 'other', parent: node } as const) : ({ role: 'get', parent: node } as const));
          this.privateRefs.push({ node, name: node.property.name, ...use });
        }
        this.visit(node.object, scope, thisOwner, fnDepth);
        if (node.computed) this.visit(node.property, scope, thisOwner, fnDepth);
        return;
      case 'CallExpression':
        if (isPrivateMember(node.callee))
          this.privateRole.set(node.callee, node.optional || node.callee.optional ? { role: 'other', parent: node } : { role: 'call', parent: node });
        break;
      case 'BinaryExpression':
        if (node.left.type === 'PrivateIdentifier') this.privateRefs.push({ node, name: node.left.name, role: 'in', parent: node });
        break;
      case 'Property':
        if (node.computed) this.visit(node.key, scope, thisOwner, fnDepth);
        if (node.shorthand && node.value.type === 'Identifier') this.addRef(node.value, scope, false);
        else this.visit(node.value, scope, thisOwner, fnDepth);
        return;
      case 'MethodDefinition':
        if (node.computed) this.visit(node.key, scope, thisOwner, fnDepth);
        this.visit(node.value, scope, thisOwner, fnDepth);
        return;
      case 'PropertyDefinition': // a field initializer binds its own `this`
        if (node.computed) this.visit(node.key, scope, thisOwner, fnDepth);
        if (node.value) this.visit(node.value, own ?? scope, node.start, fnDepth + 1);
        return;
      case 'StaticBlock':
        for (const c of node.body) this.visit(c, scope, node.start, fnDepth + 1);
        return;
      case 'Literal':
        if (typeof node.value === 'string') {
          this.verbatim.push(node.start, node.end);
          this.strings.set(node.start, JSON.stringify(node.value));
        } else if (node.regex) this.verbatim.push(node.start, node.end);
        return;
      case 'TemplateElement':
        this.verbatim.push(node.start, node.end);
        return;
      case 'LabeledStatement':
        this.visit(node.body, scope, thisOwner, fnDepth);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        return;
      case 'ImportDeclaration':
        return;
      case 'ExportNamedDeclaration':
        if (node.declaration) this.visit(node.declaration, scope, thisOwner, fnDepth);
        else if (!node.source) for (const s of node.specifiers) if (s.local.type === 'Identifier') this.addRef(s.local, scope, false);
        return;
      case 'ExportAllDeclaration':
        return;
      case 'VariableDeclarator':
        this.visitPattern(node.id, scope, thisOwner, fnDepth);
        if (node.init) this.visit(node.init, scope, thisOwner, fnDepth);
        return;
      case 'AssignmentExpression':
        if (isPrivateMember(node.left))
          this.privateRole.set(node.left, node.operator === '=' ? { role: 'set', parent: node } : { role: 'other', parent: node });
        this.visitPattern(node.left, scope, thisOwner, fnDepth);
        this.visit(node.right, scope, thisOwner, fnDepth);
        return;
      case 'UpdateExpression':
        if (isPrivateMember(node.argument)) this.privateRole.set(node.argument, { role: 'other', parent: node });
        if (node.argument.type === 'Identifier') this.addRef(node.argument, scope, true);
        else this.visit(node.argument, scope, thisOwner, fnDepth);
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.visitFunction(node, outer, thisOwner, fnDepth);
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
        this.visitClass(node, outer, own ?? scope, thisOwner, fnDepth);
        return;
      case 'CatchClause':
        if (node.param) this.visitPattern(node.param, scope, thisOwner, fnDepth);
        this.visit(node.body, scope, thisOwner, fnDepth);
        return;
      case 'BlockStatement':
        for (const c of node.body) this.visit(c, scope, thisOwner, fnDepth);
        return;
    }
    forEachChild(node, (c, key) => {
      if (key === 'label') return;
      this.visit(c, scope, thisOwner, fnDepth);
    });
  }

  /** A function: its name belongs to the scope outside; its parameters and body resolve in its own scope. */
  private visitFunction(node: FunctionNode, outer: Scope, thisOwner: number, fnDepth: number): void {
    const fs = this.scopeOf.get(node)!;
    const owner = node.type === 'ArrowFunctionExpression' ? thisOwner : node.start;
    if (node.type === 'FunctionDeclaration' && node.id) this.addRef(node.id, outer, true, true);
    for (const p of node.params) this.visitPattern(p, fs, owner, fnDepth + 1);
    if (node.body.type === 'BlockStatement') for (const c of node.body.body) this.visit(c, fs, owner, fnDepth + 1);
    else this.visit(node.body, fs, owner, fnDepth + 1);
  }

  /** A class: its name and `extends` resolve outside; its members inside (where a class expression's own name is). */
  private visitClass(node: ClassNode, outer: Scope, inner: Scope, thisOwner: number, fnDepth: number): void {
    if (node.type === 'ClassDeclaration' && node.id) this.addRef(node.id, outer, true, true);
    if (node.superClass) this.visit(node.superClass, outer, thisOwner, fnDepth);
    for (const m of node.body.body) this.visit(m, inner, thisOwner, fnDepth);
  }
}
