// Pass 1 of the analysis: the scopes of the module with what each declares, and every function-like
// definition and class with a stable identity (its path: names from the top, `#n` among namesakes).
import {
  type AnyNode,
  type AssignmentExpression,
  type ClassNode,
  type ExportDefaultDeclaration,
  type ExportNamedDeclaration,
  type ExportAllDeclaration,
  type FunctionNode,
  isClass,
  isFunction,
  keyName,
  type MethodDefinition,
  type ObjectExpression,
  type Pattern,
  type Program,
  type Property,
  type PropertyDefinition,
  type StaticBlock,
  type VariableDeclaration,
  forEachChild,
  patternNames,
} from '../ast.js';
import type { Ref } from './references.js';
import { type BindingKind, declarePattern, hoistBlock, Scope, varScope } from './scope.js';

export type DefKind = 'function' | 'arrow' | 'method' | 'get' | 'set' | 'constructor' | 'field';

export interface Def {
  index: number;
  path: string; // unique in this version: names from the top (`Animal.talk`, `adder/<arrow>`), `#n` among namesakes
  name: string; // its own segment of the path, without the `#n` (`talk`, `get x`, `static m`, `<arrow>`)
  stmt: number; // index of the top-level statement that holds it
  kind: DefKind;
  fn: FunctionNode;
  owner: MethodDefinition | Property | null; // the class or object member holding fn (method, accessor, constructor), if any
  isStatic: boolean;
  parent: Def | null; // non-null: some ancestor is a function, so instances of this one are closures
  cls: ClassInfo | null; // class whose member this is
  hoisted: boolean; // a function declaration (callable before its statement runs)
  boundNames: string[]; // names bound by the parameter list, in order
  simpleParams: boolean; // every parameter is a plain identifier (rest allowed)
  captured: string[]; // names from enclosing non-module scopes that this def (or anything inside it) uses
  scope: Scope | null; // the function's own scope (params and body)
  derived: boolean; // constructor of a class with `extends`
  // the range whose text changes mean "this definition changed" (header + body)
  start: number;
  end: number;
}

export interface ClassInfo {
  index: number;
  path: string;
  name: string; // as Def.name
  stmt: number;
  node: ClassNode;
  parentDef: Def | null;
  hasPrivate: boolean;
  members: Def[];
  bodyStart: number; // just after `{`
}

export interface Definitions {
  defs: Def[];
  classes: ClassInfo[];
  /** The node that owns each scope below the module's (functions, blocks, loops, catch, class expressions
   * with a name, field initializers). */
  scopeOf: Map<AnyNode, Scope>;
  hasModuleSyntax: boolean;
}

/** Pass 1 over a module's statements. `extraModuleNames`: names the rest of the module declares (for the
 * new text of some of its statements). */
export function collectDefinitions(js: string, ast: Program, moduleScope: Scope, extraModuleNames: Map<string, BindingKind> | null): Definitions {
  hoistBlock(ast.body, moduleScope);
  if (extraModuleNames) for (const [n, k] of extraModuleNames) if (!moduleScope.decls.has(n)) moduleScope.declare(n, k);
  const pass = new DefinitionPass(js, moduleScope);
  pass.statements(ast.body);
  return { defs: pass.defs, classes: pass.classes, scopeOf: pass.scopeOf, hasModuleSyntax: pass.hasModuleSyntax };
}

/**
 * The walk of pass 1. Each visit carries the scope, the name prefix of definitions made there ("" at the top,
 * "Animal." inside a class, "f/" inside a function), the innermost definition, and a hint: the name a
 * function or class made there takes when it has none of its own (`const f = () => …` → `f`).
 */
class DefinitionPass {
  readonly defs: Def[] = [];
  readonly classes: ClassInfo[] = [];
  readonly scopeOf = new Map<AnyNode, Scope>();
  hasModuleSyntax = false;
  private stmt = 0; // the top-level statement being visited
  private readonly used = new Map<string, number>(); // path → count, to disambiguate siblings

  constructor(
    private readonly js: string,
    private readonly moduleScope: Scope,
  ) {}

  statements(body: Program['body']): void {
    for (this.stmt = 0; this.stmt < body.length; this.stmt++) this.visit(body[this.stmt], this.moduleScope, '', null, null);
  }

  private uniquePath(p: string): string {
    const n = (this.used.get(p) ?? 0) + 1;
    this.used.set(p, n);
    return n === 1 ? p : `${p}#${n}`;
  }

  private visit(node: AnyNode, scope: Scope, prefix: string, def: Def | null, hint: string | null): void {
    switch (node.type) {
      case 'ImportDeclaration':
        this.hasModuleSyntax = true;
        for (const s of node.specifiers) this.moduleScope.declare(s.local.name, 'import');
        return;
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        this.visitExport(node, scope, prefix, def);
        return;
      case 'VariableDeclaration':
        this.visitVariables(node, scope, prefix, def);
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        if (node.type === 'FunctionDeclaration' && node.id) scope.declare(node.id.name, 'function');
        const name = node.id ? node.id.name : (hint ?? (node.type === 'ArrowFunctionExpression' ? '<arrow>' : '<function>'));
        const d = this.makeDef(node, null, node.type === 'ArrowFunctionExpression' ? 'arrow' : 'function', prefix, name, def, null, false);
        d.hoisted = node.type === 'FunctionDeclaration' && scope === this.moduleScope;
        this.enterFunction(node, scope, d);
        return;
      }
      case 'ClassDeclaration':
      case 'ClassExpression':
        this.visitClass(node, scope, prefix, def, hint);
        return;
      case 'ObjectExpression':
        this.visitObject(node, scope, prefix, def, hint);
        return;
      case 'AssignmentExpression':
        this.visitAssignment(node, scope, prefix, def);
        return;
      case 'BlockStatement':
      case 'StaticBlock': {
        const s = new Scope(node.type === 'StaticBlock' ? 'function' : 'block', scope, node.start, node.end, def);
        this.scopeOf.set(node, s);
        hoistBlock(node.body, s);
        for (const c of node.body) this.visit(c, s, prefix, def, null);
        return;
      }
      case 'SwitchStatement': {
        this.visit(node.discriminant, scope, prefix, def, null);
        const s = new Scope('block', scope, node.start, node.end, def);
        this.scopeOf.set(node, s);
        for (const c of node.cases) hoistBlock(c.consequent, s);
        for (const c of node.cases) {
          if (c.test) this.visit(c.test, s, prefix, def, null);
          for (const x of c.consequent) this.visit(x, s, prefix, def, null);
        }
        return;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const s = new Scope('block', scope, node.start, node.end, def);
        this.scopeOf.set(node, s);
        forEachChild(node, (c) => this.visit(c, s, prefix, def, null));
        return;
      }
      case 'CatchClause': {
        const s = new Scope('block', scope, node.start, node.end, def);
        this.scopeOf.set(node, s);
        if (node.param) {
          declarePattern(node.param, s, 'catch');
          this.visitPatternDefaults(node.param, s, prefix, def);
        }
        this.visit(node.body, s, prefix, def, null);
        return;
      }
      case 'PropertyDefinition':
      case 'MethodDefinition':
        return; // handled in visitMember
      default:
        forEachChild(node, (c) => this.visit(c, scope, prefix, def, null));
    }
  }

  private visitExport(node: ExportNamedDeclaration | ExportDefaultDeclaration | ExportAllDeclaration, scope: Scope, prefix: string, def: Def | null): void {
    this.hasModuleSyntax = true;
    if (node.type === 'ExportDefaultDeclaration') {
      const d = node.declaration;
      // `export default function () {}` / `class {}` is named `default`
      this.visit(d, scope, prefix, def, (isFunction(d) || isClass(d)) && d.id ? d.id.name : 'default');
      return;
    }
    if (node.type === 'ExportNamedDeclaration' && node.declaration) this.visit(node.declaration, scope, prefix, def, null);
    // specifiers are names, not references (pass 2)
  }

  private visitVariables(node: VariableDeclaration, scope: Scope, prefix: string, def: Def | null): void {
    const target = node.kind === 'var' ? varScope(scope) : scope;
    for (const d of node.declarations) {
      declarePattern(d.id, target, node.kind);
      if (d.init) this.visit(d.init, scope, prefix, def, d.id.type === 'Identifier' ? d.id.name : null);
      this.visitPatternDefaults(d.id, scope, prefix, def);
    }
  }

  private visitClass(node: ClassNode, scope: Scope, prefix: string, def: Def | null, hint: string | null): void {
    if (node.type === 'ClassDeclaration' && node.id) scope.declare(node.id.name, 'class');
    if (node.superClass) this.visit(node.superClass, scope, prefix, def, null);
    const name = node.id ? node.id.name : (hint ?? '<class>');
    const info: ClassInfo = {
      index: this.classes.length,
      path: this.uniquePath(prefix + name),
      name,
      stmt: this.stmt,
      node,
      parentDef: def,
      hasPrivate: false,
      members: [],
      bodyStart: node.body.start + 1,
    };
    this.classes.push(info);
    // a class expression's own name is visible inside it only; a declaration's resolves to the outer binding
    let inner = scope;
    if (node.type === 'ClassExpression' && node.id) {
      inner = new Scope('class', scope, node.start, node.end, def);
      inner.declare(node.id.name, 'cname');
      this.scopeOf.set(node, inner);
    }
    for (const m of node.body.body) this.visitMember(m, inner, info, def);
  }

  private visitMember(m: MethodDefinition | PropertyDefinition | StaticBlock, scope: Scope, info: ClassInfo, def: Def | null): void {
    const cprefix = info.path + '.';
    if (m.type === 'StaticBlock') {
      this.visit(m, scope, cprefix, def, null);
      return;
    }
    if (m.computed) this.visit(m.key, scope, cprefix, def, null);
    if (m.key.type === 'PrivateIdentifier') info.hasPrivate = true;
    if (m.type === 'MethodDefinition') {
      const key = keyName(m, this.js);
      const kind: DefKind = m.kind === 'constructor' ? 'constructor' : m.kind === 'get' ? 'get' : m.kind === 'set' ? 'set' : 'method';
      let seg = kind === 'get' || kind === 'set' ? `${kind} ${key}` : key;
      if (m.static) seg = 'static ' + seg;
      const d = this.makeDef(m.value, m, kind, cprefix, seg, def, info, m.static);
      d.derived = kind === 'constructor' && !!info.node.superClass;
      info.members.push(d);
      this.enterFunction(m.value, scope, d);
    } else if (m.value) {
      // a field initializer is its own `this` scope: functions in it are per instance
      const key = keyName(m, this.js);
      const s = new Scope('function', scope, m.value.start, m.value.end, def);
      this.scopeOf.set(m, s);
      this.visit(m.value, s, cprefix, def, (m.static ? 'static ' : '') + key);
    }
  }

  private visitObject(node: ObjectExpression, scope: Scope, prefix: string, def: Def | null, hint: string | null): void {
    const objPrefix = hint && hint !== '<arrow>' && hint !== '<function>' ? prefix + hint + '.' : prefix;
    for (const p of node.properties) {
      if (p.type === 'SpreadElement') {
        this.visit(p.argument, scope, prefix, def, null);
        continue;
      }
      if (p.computed) this.visit(p.key, scope, prefix, def, null);
      const key = keyName(p, this.js);
      // (a method's or accessor's value is always a function expression)
      if ((p.kind === 'get' || p.kind === 'set' || p.method) && p.value.type === 'FunctionExpression') {
        const kind: DefKind = p.kind === 'get' ? 'get' : p.kind === 'set' ? 'set' : 'method';
        const seg = kind === 'method' ? key : `${kind} ${key}`;
        const d = this.makeDef(p.value, p, kind, objPrefix, seg, def, null, false);
        this.enterFunction(p.value, scope, d);
      } else if (!p.shorthand) {
        this.visit(p.value, scope, objPrefix.endsWith('.') ? objPrefix : prefix, def, key);
      } else this.visit(p.value, scope, prefix, def, null);
    }
  }

  private visitAssignment(node: AssignmentExpression, scope: Scope, prefix: string, def: Def | null): void {
    let h: string | null = null;
    if (node.left.type === 'Identifier') h = node.left.name;
    else if (node.left.type === 'MemberExpression' && !node.left.computed) h = this.js.slice(node.left.start, node.left.end);
    this.visit(node.left, scope, prefix, def, null);
    this.visit(node.right, scope, prefix, def, h);
  }

  // defaults inside destructuring patterns are expressions that may hold functions
  private visitPatternDefaults(p: Pattern | null | undefined, scope: Scope, prefix: string, def: Def | null): void {
    if (!p) return;
    switch (p.type) {
      case 'AssignmentPattern':
        this.visitPatternDefaults(p.left, scope, prefix, def);
        this.visit(p.right, scope, prefix, def, p.left.type === 'Identifier' ? p.left.name : null);
        break;
      case 'ObjectPattern':
        for (const pr of p.properties) {
          if (pr.type === 'RestElement') this.visitPatternDefaults(pr.argument, scope, prefix, def);
          else {
            if (pr.computed) this.visit(pr.key, scope, prefix, def, null);
            this.visitPatternDefaults(pr.value, scope, prefix, def);
          }
        }
        break;
      case 'ArrayPattern':
        for (const e of p.elements) if (e) this.visitPatternDefaults(e, scope, prefix, def);
        break;
      case 'RestElement':
        this.visitPatternDefaults(p.argument, scope, prefix, def);
        break;
    }
  }

  private makeDef(
    fn: FunctionNode,
    owner: MethodDefinition | Property | null,
    kind: DefKind,
    prefix: string,
    name: string,
    parent: Def | null,
    cls: ClassInfo | null,
    isStatic: boolean,
  ): Def {
    const boundNames: string[] = [];
    let simple = true;
    for (const p of fn.params) {
      patternNames(p, boundNames);
      if (p.type !== 'Identifier' && !(p.type === 'RestElement' && p.argument.type === 'Identifier')) simple = false;
    }
    const d: Def = {
      index: this.defs.length,
      path: this.uniquePath(prefix + name),
      name,
      stmt: this.stmt,
      kind,
      fn,
      owner,
      isStatic,
      parent,
      cls,
      hoisted: false,
      boundNames,
      simpleParams: simple,
      captured: [],
      derived: false,
      scope: null,
      start: (owner ?? fn).start, // a member starts at its key (`static`, `get`, `async` …)
      end: fn.end,
    };
    this.defs.push(d);
    return d;
  }

  private enterFunction(fn: FunctionNode, outer: Scope, d: Def): void {
    const s = new Scope('function', outer, fn.start, fn.end, d);
    d.scope = s;
    this.scopeOf.set(fn, s);
    if (fn.type === 'FunctionExpression' && fn.id) s.declare(fn.id.name, 'fname');
    for (const p of fn.params) declarePattern(p, s, 'param');
    for (const p of fn.params) this.visitPatternDefaults(p, s, d.path + '/', d);
    const childPrefix = d.path + '/';
    if (fn.body.type === 'BlockStatement') {
      // the body shares the function scope (params and top-level body declarations clash in JS anyway)
      hoistBlock(fn.body.body, s);
      for (const c of fn.body.body) this.visit(c, s, childPrefix, d, null);
    } else this.visit(fn.body, s, childPrefix, d, null);
  }
}

/** Captured names per definition: a name is captured by def D when a reference inside D resolves to a
 * non-module scope outside D. Each reference walks up its chain of enclosing defs. */
export function collectCaptures(defs: Def[], refs: readonly Ref[]): void {
  const defAt = innermostDefFinder(defs);
  for (const r of refs) {
    const b = r.binding;
    if (!b || b.scope.kind === 'module' || r.decl) continue;
    for (let d = defAt(r.node.start); d; d = d.parent) {
      if (!b.scope.foreign && b.scope.start >= d.fn.start && b.scope.end <= d.fn.end) break; // bound inside d
      if (!d.captured.includes(r.name)) d.captured.push(r.name);
    }
  }
}

/** Returns a function giving the innermost def whose function node contains a position. */
export function innermostDefFinder(defs: Def[]): (pos: number) => Def | null {
  const sorted = [...defs].sort((a, b) => a.fn.start - b.fn.start || b.fn.end - a.fn.end);
  return (pos: number) => {
    // binary search the last def starting at or before pos, then walk up parents until one contains pos
    let lo = 0,
      hi = sorted.length - 1,
      best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].fn.start <= pos) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // defs nest properly, so any def containing pos is an ancestor of the last one starting before it
    for (let d: Def | null = best >= 0 ? sorted[best] : null; d; d = d.parent) if (d.fn.start <= pos && pos < d.fn.end) return d;
    return null;
  };
}
