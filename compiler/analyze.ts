// Analysis of one JavaScript module text (what SWC produced from TypeScript, or the file itself for JS):
// every function-like definition with a stable identity, the classes, the top-level statements, and a
// scope resolution of every identifier so that patched code can be compiled outside its original scope.
// The loader (transform) and the runtime (diff/patch) both run this, so it must be deterministic.
import type { Options } from 'acorn';
import { ScopeSetParser } from './parser.js';

const acornParse = (input: string, options: Options) => ScopeSetParser.parse(input, options);

// acorn's ESTree nodes; typed loosely because the walker is generic.
export type N = any;

export type BindingKind = 'var' | 'let' | 'const' | 'function' | 'class' | 'param' | 'import' | 'catch' | 'fname' | 'cname';
export interface Binding { name: string; kind: BindingKind; scope: Scope }

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

export type DefKind = 'function' | 'arrow' | 'method' | 'get' | 'set' | 'constructor' | 'field';

export interface Def {
  index: number;
  path: string; // unique in this version: names from the top (`Animal.talk`, `adder/<arrow>`), `#n` among namesakes
  name: string; // its own segment of the path, without the `#n` (`talk`, `get x`, `static m`, `<arrow>`)
  stmt: number; // index of the top-level statement that holds it
  kind: DefKind;
  fn: N; // the function node (FunctionDeclaration / FunctionExpression / ArrowFunctionExpression)
  owner: N | null; // MethodDefinition / Property / PropertyDefinition holding fn, if any
  isStatic: boolean;
  parent: Def | null;
  cls: ClassInfo | null; // class whose member this is
  inFunction: boolean; // some ancestor is a function: instances of it are closures
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
  node: N;
  parentDef: Def | null;
  hasPrivate: boolean;
  members: Def[];
  bodyStart: number; // just after `{`
}

export interface Ref {
  node: N; // Identifier
  name: string;
  binding: Binding | null;
  write: boolean; // assigned, updated or a pattern target
  decl: boolean; // the name of a function or class declaration: a binding, not a use
}

/** A use of a private name: `o.#m(…)` (call), `o.#x` (get), `o.#x = v` (set), `#x in o` (in), or else (other). */
export interface PrivateRef { node: N; name: string; role: 'call' | 'get' | 'set' | 'in' | 'other'; parent: N }

export interface ThisRef { node: N; kind: 'this' | 'super' | 'arguments' | 'new.target'; owner: number } // owner = start of the function/initializer that binds it (-1 module)

export interface ModuleInfo {
  js: string;
  ast: N;
  defs: Def[];
  classes: ClassInfo[];
  statements: N[];
  moduleScope: Scope;
  refs: Ref[]; // sorted by position
  thisRefs: ThisRef[]; // sorted by position
  metaRefs: N[]; // import.meta nodes
  privateRefs: PrivateRef[]; // sorted by position
  awaitTopLevel: N[]; // top-level await / for-await nodes
  hasModuleSyntax: boolean;
  usesCommonJs: boolean; // free require/module/exports/__dirname/__filename
  comments: number[]; // [start, end, start, end, …] of every comment, in order
  verbatim: number[]; // the same for string, regex and template-text literals (where whitespace counts)
  strings: Map<number, string>; // start of a string literal → its value as JSON (so 'a' and "a" are one)
}

// the comments acorn saw while parsing a tree (kept beside it, not on it: walkers visit every key)
const commentsOf = new WeakMap<N, number[]>();

export function parseModule(js: string): N {
  const comments: number[] = [];
  const ast = acornParse(js, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true, onComment: (_b, _t, s, e) => { comments.push(s, e); } });
  commentsOf.set(ast, comments);
  return ast;
}

/** CommonJS code: a (possibly sloppy) function body, where a top-level `return` is allowed. */
export function parseScript(js: string): N {
  const comments: number[] = [];
  const ast = acornParse(js, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true, onComment: (_b, _t, s, e) => { comments.push(s, e); } });
  commentsOf.set(ast, comments);
  return ast;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw', 'value', 'regex', 'bigint', 'operator', 'kind', 'sourceType']);

export function forEachChild(node: N, fn: (child: N, key: string) => void): void {
  for (const key in node) {
    if (SKIP_KEYS.has(key)) {
      if (key === 'value' && node.type === 'Property') fn(node.value, key);
      else if (key === 'value' && (node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') && node.value) fn(node.value, key);
      continue;
    }
    const v = node[key];
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === 'string') fn(c, key);
    } else if (typeof v.type === 'string') fn(v, key);
  }
}

/** Visit node and its descendants in source order; `enter` returning false skips a node's children. */
export function walk(node: N, enter: (n: N) => boolean | void): void {
  if (!node || typeof node.type !== 'string') return;
  if (enter(node) === false) return;
  forEachChild(node, (c) => walk(c, enter));
}

export function patternNames(p: N, out: string[] = []): string[] {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier': out.push(p.name); break;
    case 'ObjectPattern': for (const pr of p.properties) patternNames(pr.type === 'RestElement' ? pr.argument : pr.value, out); break;
    case 'ArrayPattern': for (const e of p.elements) if (e) patternNames(e, out); break;
    case 'RestElement': patternNames(p.argument, out); break;
    case 'AssignmentPattern': patternNames(p.left, out); break;
  }
  return out;
}

function keyName(node: N, js: string): string {
  const k = node.key;
  if (node.computed) return '[' + js.slice(k.start, k.end) + ']';
  if (k.type === 'Identifier') return k.name;
  if (k.type === 'PrivateIdentifier') return '#' + k.name;
  if (k.type === 'Literal') return String(k.value);
  return js.slice(k.start, k.end);
}

/**
 * Analyse a JS module. Throws acorn's SyntaxError (with .loc) on invalid code. With `outer`, the code is a
 * snippet that sits inside that (foreign) scope: names it does not declare resolve there.
 */
export function analyze(js: string, ast: N = parseModule(js), outer: Scope | null = null, extraModuleNames: Map<string, BindingKind> | null = null): ModuleInfo {
  const defs: Def[] = [];
  const classes: ClassInfo[] = [];
  const moduleScope = outer ? new Scope('block', outer, 0, js.length, null) : new Scope('module', null, 0, js.length, null);
  const scopeOf = new Map<N, Scope>(); // node that owns a scope → scope
  const used = new Map<string, number>(); // path → count, to disambiguate siblings

  const uniquePath = (p: string): string => {
    const n = (used.get(p) ?? 0) + 1;
    used.set(p, n);
    return n === 1 ? p : `${p}#${n}`;
  };

  let hasModuleSyntax = false;
  let stmt = 0; // the top-level statement being visited

  // ---- pass 1: scopes, declarations, definitions -------------------------------------------------
  const declarePattern = (p: N, scope: Scope, kind: BindingKind) => {
    for (const n of patternNames(p)) scope.declare(n, kind);
  };
  const varScope = (s: Scope): Scope => {
    while (s.kind !== 'function' && s.kind !== 'module') s = s.parent!;
    return s;
  };

  // name context: the prefix for definition paths ("" at top, "Animal." inside a class, "f/" inside a function)
  const visit = (node: N, scope: Scope, prefix: string, def: Def | null, cls: ClassInfo | null, hint: string | null): void => {
    switch (node.type) {
      case 'ImportDeclaration':
        hasModuleSyntax = true;
        for (const s of node.specifiers) moduleScope.declare(s.local.name, 'import');
        return;
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        hasModuleSyntax = true;
        if (node.type === 'ExportDefaultDeclaration') {
          const d = node.declaration;
          if (FUNCTION_TYPES.has(d.type) || d.type === 'ClassDeclaration' || d.type === 'ClassExpression') {
            visit(d, scope, prefix, def, cls, d.id ? d.id.name : 'default');
            return;
          }
          visit(d, scope, prefix, def, cls, 'default');
          return;
        }
        if (node.declaration) visit(node.declaration, scope, prefix, def, cls, null);
        return; // specifiers are names, not references (handled in pass 2)
      case 'VariableDeclaration': {
        const target = node.kind === 'var' ? varScope(scope) : scope;
        for (const d of node.declarations) {
          declarePattern(d.id, target, node.kind);
          if (d.init) visit(d.init, scope, prefix, def, cls, d.id.type === 'Identifier' ? d.id.name : null);
          visitPatternDefaults(d.id, scope, prefix, def, cls);
        }
        return;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        if (node.type === 'FunctionDeclaration' && node.id) scope.declare(node.id.name, 'function');
        const name = node.id ? node.id.name : hint ?? (node.type === 'ArrowFunctionExpression' ? '<arrow>' : '<function>');
        const d = makeDef(node, null, node.type === 'ArrowFunctionExpression' ? 'arrow' : 'function', prefix, name, def, null, false);
        d.hoisted = node.type === 'FunctionDeclaration' && scope === moduleScope;
        enterFunction(node, scope, d);
        return;
      }
      case 'ClassDeclaration':
      case 'ClassExpression': {
        if (node.type === 'ClassDeclaration' && node.id) scope.declare(node.id.name, 'class');
        if (node.superClass) visit(node.superClass, scope, prefix, def, cls, null);
        const name = node.id ? node.id.name : hint ?? '<class>';
        const info: ClassInfo = {
          index: classes.length, path: uniquePath(prefix + name), name, stmt, node, parentDef: def, hasPrivate: false, members: [],
          bodyStart: node.body.start + 1,
        };
        classes.push(info);
        // a class expression's own name is visible inside it only; a declaration's resolves to the outer binding
        let inner = scope;
        if (node.type === 'ClassExpression' && node.id) {
          inner = new Scope('class', scope, node.start, node.end, def);
          inner.declare(node.id.name, 'cname');
          scopeOf.set(node, inner);
        }
        for (const m of node.body.body) visitMember(m, inner, info, def);
        return;
      }
      case 'ObjectExpression': {
        const objPrefix = hint && hint !== '<arrow>' && hint !== '<function>' ? prefix + hint + '.' : prefix;
        for (const p of node.properties) {
          if (p.type === 'SpreadElement') { visit(p.argument, scope, prefix, def, cls, null); continue; }
          if (p.computed) visit(p.key, scope, prefix, def, cls, null);
          const key = keyName(p, js);
          if (p.kind === 'get' || p.kind === 'set' || p.method) {
            const kind: DefKind = p.kind === 'get' ? 'get' : p.kind === 'set' ? 'set' : 'method';
            const seg = kind === 'method' ? key : `${kind} ${key}`;
            const d = makeDef(p.value, p, kind, objPrefix, seg, def, null, false);
            enterFunction(p.value, scope, d);
          } else if (!p.shorthand) {
            visit(p.value, scope, objPrefix.endsWith('.') ? objPrefix : prefix, def, cls, key);
          } else visit(p.value, scope, prefix, def, cls, null);
        }
        return;
      }
      case 'AssignmentExpression': {
        let h: string | null = null;
        if (node.left.type === 'Identifier') h = node.left.name;
        else if (node.left.type === 'MemberExpression' && !node.left.computed) h = js.slice(node.left.start, node.left.end);
        visit(node.left, scope, prefix, def, cls, null);
        visit(node.right, scope, prefix, def, cls, h);
        return;
      }
      case 'BlockStatement':
      case 'StaticBlock': {
        const s = new Scope(node.type === 'StaticBlock' ? 'function' : 'block', scope, node.start, node.end, def);
        scopeOf.set(node, s);
        hoistBlock(node.body, s);
        for (const c of node.body) visit(c, s, prefix, def, cls, null);
        return;
      }
      case 'SwitchStatement': {
        visit(node.discriminant, scope, prefix, def, cls, null);
        const s = new Scope('block', scope, node.start, node.end, def);
        scopeOf.set(node, s);
        for (const c of node.cases) hoistBlock(c.consequent, s);
        for (const c of node.cases) { if (c.test) visit(c.test, s, prefix, def, cls, null); for (const x of c.consequent) visit(x, s, prefix, def, cls, null); }
        return;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const s = new Scope('block', scope, node.start, node.end, def);
        scopeOf.set(node, s);
        forEachChild(node, (c) => visit(c, s, prefix, def, cls, null));
        return;
      }
      case 'CatchClause': {
        const s = new Scope('block', scope, node.start, node.end, def);
        scopeOf.set(node, s);
        if (node.param) { declarePattern(node.param, s, 'catch'); visitPatternDefaults(node.param, s, prefix, def, cls); }
        visit(node.body, s, prefix, def, cls, null);
        return;
      }
      case 'PropertyDefinition':
      case 'MethodDefinition':
        return; // handled in visitMember
      default:
        forEachChild(node, (c) => visit(c, scope, prefix, def, cls, null));
    }
  };

  // defaults inside destructuring patterns are expressions that may hold functions
  const visitPatternDefaults = (p: N, scope: Scope, prefix: string, def: Def | null, cls: ClassInfo | null): void => {
    if (!p) return;
    switch (p.type) {
      case 'AssignmentPattern': visitPatternDefaults(p.left, scope, prefix, def, cls); visit(p.right, scope, prefix, def, cls, p.left.type === 'Identifier' ? p.left.name : null); break;
      case 'ObjectPattern': for (const pr of p.properties) { if (pr.type === 'RestElement') visitPatternDefaults(pr.argument, scope, prefix, def, cls); else { if (pr.computed) visit(pr.key, scope, prefix, def, cls, null); visitPatternDefaults(pr.value, scope, prefix, def, cls); } } break;
      case 'ArrayPattern': for (const e of p.elements) if (e) visitPatternDefaults(e, scope, prefix, def, cls); break;
      case 'RestElement': visitPatternDefaults(p.argument, scope, prefix, def, cls); break;
    }
  };

  const hoistBlock = (body: N[], s: Scope): void => {
    for (const st of body) {
      const d = st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration' ? st.declaration : st;
      if (!d) continue;
      if (d.type === 'FunctionDeclaration' && d.id) s.declare(d.id.name, 'function');
      else if (d.type === 'ClassDeclaration' && d.id) s.declare(d.id.name, 'class');
      else if (d.type === 'VariableDeclaration' && d.kind !== 'var') for (const x of d.declarations) declarePattern(x.id, s, d.kind);
      hoistVars(d, varScope(s));
    }
  };
  // `var` declarations anywhere in a function body (not in nested functions) belong to its scope
  const hoistVars = (node: N, fs: Scope): void => {
    if (!node || typeof node.type !== 'string') return;
    if (FUNCTION_TYPES.has(node.type) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return;
    if (node.type === 'VariableDeclaration') {
      if (node.kind === 'var') for (const x of node.declarations) declarePattern(x.id, fs, 'var');
      return;
    }
    if (node.type.endsWith('Statement') || node.type === 'SwitchCase' || node.type === 'CatchClause' || node.type === 'ExportNamedDeclaration') forEachChild(node, (c) => hoistVars(c, fs));
  };

  const visitMember = (m: N, scope: Scope, info: ClassInfo, def: Def | null): void => {
    const cprefix = info.path + '.';
    if (m.computed) visit(m.key, scope, cprefix, def, info, null);
    if (m.key && m.key.type === 'PrivateIdentifier') info.hasPrivate = true;
    if (m.type === 'MethodDefinition') {
      const key = keyName(m, js);
      const kind: DefKind = m.kind === 'constructor' ? 'constructor' : m.kind === 'get' ? 'get' : m.kind === 'set' ? 'set' : 'method';
      let seg = kind === 'get' || kind === 'set' ? `${kind} ${key}` : key;
      if (m.static) seg = 'static ' + seg;
      const d = makeDef(m.value, m, kind, cprefix, seg, def, info, m.static);
      d.derived = kind === 'constructor' && !!info.node.superClass;
      info.members.push(d);
      enterFunction(m.value, scope, d);
    } else if (m.type === 'PropertyDefinition') {
      if (m.value) {
        // a field initializer is its own `this` scope: functions in it are per instance
        const key = keyName(m, js);
        const s = new Scope('function', scope, m.value.start, m.value.end, def);
        scopeOf.set(m, s);
        visit(m.value, s, cprefix, def, info, (m.static ? 'static ' : '') + key);
      }
    } else if (m.type === 'StaticBlock') {
      visit(m, scope, cprefix, def, info, null);
    }
  };

  const makeDef = (fn: N, owner: N | null, kind: DefKind, prefix: string, name: string, parent: Def | null, cls: ClassInfo | null, isStatic: boolean): Def => {
    const boundNames: string[] = [];
    let simple = true;
    for (const p of fn.params) {
      patternNames(p, boundNames);
      if (p.type !== 'Identifier' && !(p.type === 'RestElement' && p.argument.type === 'Identifier')) simple = false;
    }
    const d: Def = {
      index: defs.length, path: uniquePath(prefix + name), name, stmt, kind, fn, owner, isStatic, parent, cls,
      inFunction: parent !== null, hoisted: false, boundNames, simpleParams: simple, captured: [], derived: false, scope: null,
      start: owner && owner.type !== 'Property' ? owner.start : owner ? owner.start : fn.start,
      end: fn.end,
    };
    if (kind === 'method' || kind === 'get' || kind === 'set' || kind === 'constructor') d.start = owner.start;
    defs.push(d);
    return d;
  };

  const enterFunction = (fn: N, outer: Scope, d: Def): void => {
    const s = new Scope('function', outer, fn.start, fn.end, d);
    d.scope = s;
    scopeOf.set(fn, s);
    if (fn.type === 'FunctionExpression' && fn.id) s.declare(fn.id.name, 'fname');
    for (const p of fn.params) declarePattern(p, s, 'param');
    for (const p of fn.params) visitPatternDefaults(p, s, d.path + '/', d, null);
    const childPrefix = d.path + '/';
    if (fn.body.type === 'BlockStatement') {
      // the body shares the function scope (params and top-level body declarations clash in JS anyway)
      hoistBlock(fn.body.body, s);
      for (const c of fn.body.body) visit(c, s, childPrefix, d, null, null);
    } else visit(fn.body, s, childPrefix, d, null, null);
  };

  hoistBlock(ast.body, moduleScope);
  // (for the new text of some statements of a module: the names the rest of the module declares)
  if (extraModuleNames) for (const [n, k] of extraModuleNames) if (!moduleScope.decls.has(n)) moduleScope.declare(n, k);
  for (; stmt < ast.body.length; stmt++) visit(ast.body[stmt], moduleScope, '', null, null, null);

  // ---- pass 2: references ------------------------------------------------------------------------
  const refs: Ref[] = [];
  const thisRefs: ThisRef[] = [];
  const metaRefs: N[] = [];
  const privateRefs: PrivateRef[] = [];
  const privateRole = new Map<N, { role: PrivateRef['role']; parent: N }>(); // member node → its use, set by the parent
  const isPrivateMember = (n: N) => n?.type === 'MemberExpression' && n.property.type === 'PrivateIdentifier';
  const awaitTopLevel: N[] = [];
  const verbatim: number[] = [];
  const strings = new Map<number, string>();
  let usesCommonJs = false;
  const CJS = new Set(['require', 'module', 'exports', '__dirname', '__filename']);

  const addRef = (id: N, scope: Scope, write: boolean, decl = false) => {
    const binding = scope.lookup(id.name);
    if (!binding && CJS.has(id.name)) usesCommonJs = true;
    refs.push({ node: id, name: id.name, binding, write, decl });
  };
  const refPattern = (p: N, scope: Scope, thisOwner: number, fnDepth: number): void => {
    if (!p) return;
    switch (p.type) {
      case 'Identifier': addRef(p, scope, true); break;
      case 'ObjectPattern': for (const pr of p.properties) { if (pr.type === 'RestElement') refPattern(pr.argument, scope, thisOwner, fnDepth); else { if (pr.computed) refs2(pr.key, scope, thisOwner, fnDepth); refPattern(pr.value, scope, thisOwner, fnDepth); } } break;
      case 'ArrayPattern': for (const e of p.elements) refPattern(e, scope, thisOwner, fnDepth); break;
      case 'RestElement': refPattern(p.argument, scope, thisOwner, fnDepth); break;
      case 'AssignmentPattern': refPattern(p.left, scope, thisOwner, fnDepth); refs2(p.right, scope, thisOwner, fnDepth); break;
      default: refs2(p, scope, thisOwner, fnDepth); // member expression targets
    }
  };

  const refs2 = (node: N, scope: Scope, thisOwner: number, fnDepth: number): void => {
    const own = scopeOf.get(node);
    const outer = scope;
    if (own && node.type !== 'PropertyDefinition') scope = own;
    switch (node.type) {
      case 'Identifier': addRef(node, scope, false); return;
      case 'ThisExpression': thisRefs.push({ node, kind: 'this', owner: thisOwner }); return;
      case 'Super': thisRefs.push({ node, kind: 'super', owner: thisOwner }); return;
      case 'MetaProperty':
        if (node.meta.name === 'import') metaRefs.push(node);
        else thisRefs.push({ node, kind: 'new.target', owner: thisOwner });
        return;
      case 'AwaitExpression':
        if (fnDepth === 0) awaitTopLevel.push(node);
        refs2(node.argument, scope, thisOwner, fnDepth);
        return;
      case 'ForOfStatement':
        if (node.await && fnDepth === 0) awaitTopLevel.push(node);
        break;
      case 'MemberExpression':
        if (node.property.type === 'PrivateIdentifier') {
          const r = privateRole.get(node) ?? { role: node.optional ? 'other' : 'get', parent: node };
          privateRefs.push({ node, name: node.property.name, role: r.role, parent: r.parent });
        }
        refs2(node.object, scope, thisOwner, fnDepth);
        if (node.computed) refs2(node.property, scope, thisOwner, fnDepth);
        return;
      case 'CallExpression':
        if (isPrivateMember(node.callee)) privateRole.set(node.callee, { role: node.optional || node.callee.optional ? 'other' : 'call', parent: node });
        break;
      case 'BinaryExpression':
        if (node.left.type === 'PrivateIdentifier') privateRefs.push({ node, name: node.left.name, role: 'in', parent: node });
        break;
      case 'Property':
        if (node.computed) refs2(node.key, scope, thisOwner, fnDepth);
        if (node.shorthand && node.value.type === 'Identifier') addRef(node.value, scope, false);
        else refs2(node.value, scope, thisOwner, fnDepth);
        return;
      case 'MethodDefinition':
        if (node.computed) refs2(node.key, scope, thisOwner, fnDepth);
        refs2(node.value, scope, thisOwner, fnDepth);
        return;
      case 'PropertyDefinition': {
        if (node.computed) refs2(node.key, scope, thisOwner, fnDepth);
        if (node.value) refs2(node.value, own ?? scope, node.start, fnDepth + 1);
        return;
      }
      case 'StaticBlock':
        for (const c of node.body) refs2(c, scope, node.start, fnDepth + 1);
        return;
      case 'Literal':
        if (typeof node.value === 'string') { verbatim.push(node.start, node.end); strings.set(node.start, JSON.stringify(node.value)); }
        else if (node.regex) verbatim.push(node.start, node.end);
        return;
      case 'TemplateElement': verbatim.push(node.start, node.end); return;
      case 'LabeledStatement': refs2(node.body, scope, thisOwner, fnDepth); return;
      case 'BreakStatement': case 'ContinueStatement': return;
      case 'ImportDeclaration': return;
      case 'ExportNamedDeclaration':
        if (node.declaration) refs2(node.declaration, scope, thisOwner, fnDepth);
        else if (!node.source) for (const s of node.specifiers) if (s.local.type === 'Identifier') addRef(s.local, scope, false);
        return;
      case 'ExportAllDeclaration': return;
      case 'VariableDeclarator':
        refPattern(node.id, scope, thisOwner, fnDepth);
        if (node.init) refs2(node.init, scope, thisOwner, fnDepth);
        return;
      case 'AssignmentExpression':
        if (isPrivateMember(node.left)) privateRole.set(node.left, { role: node.operator === '=' ? 'set' : 'other', parent: node });
        refPattern(node.left, scope, thisOwner, fnDepth);
        refs2(node.right, scope, thisOwner, fnDepth);
        return;
      case 'UpdateExpression':
        if (isPrivateMember(node.argument)) privateRole.set(node.argument, { role: 'other', parent: node });
        if (node.argument.type === 'Identifier') addRef(node.argument, scope, true);
        else refs2(node.argument, scope, thisOwner, fnDepth);
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const fs = scopeOf.get(node)!;
        const owner = node.type === 'ArrowFunctionExpression' ? thisOwner : node.start;
        if (node.type === 'FunctionDeclaration' && node.id) addRef(node.id, outer, true, true);
        for (const p of node.params) refPattern(p, fs, owner, fnDepth + 1);
        if (node.body.type === 'BlockStatement') for (const c of node.body.body) refs2(c, fs, owner, fnDepth + 1);
        else refs2(node.body, fs, owner, fnDepth + 1);
        return;
      }
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (node.type === 'ClassDeclaration' && node.id) addRef(node.id, outer, true, true);
        if (node.superClass) refs2(node.superClass, outer, thisOwner, fnDepth);
        for (const m of node.body.body) refs2(m, own ?? scope, thisOwner, fnDepth);
        return;
      case 'CatchClause':
        if (node.param) refPattern(node.param, scope, thisOwner, fnDepth);
        refs2(node.body, scope, thisOwner, fnDepth);
        return;
      case 'BlockStatement':
        for (const c of node.body) refs2(c, scope, thisOwner, fnDepth);
        return;
    }
    if (node.type === 'Identifier' && node.name === 'arguments') return;
    forEachChild(node, (c, key) => {
      if (key === 'label') return;
      refs2(c, scope, thisOwner, fnDepth);
    });
  };
  for (const st of ast.body) refs2(st, moduleScope, -1, 0);

  // `arguments` inside an arrow belongs to the enclosing function: record it like `this`
  for (const r of refs) if (r.name === 'arguments' && !r.binding) { /* kept as a ref; patch compile checks it */ }
  refs.sort((a, b) => a.node.start - b.node.start);
  thisRefs.sort((a, b) => a.node.start - b.node.start);
  privateRefs.sort((a, b) => a.node.start - b.node.start);

  // ---- captured names per definition ------------------------------------------------------------
  // A name is captured by def D when a reference inside D resolves to a non-module scope outside D.
  // Walk each reference up its chain of enclosing defs.
  const defAt = innermostDefFinder(defs);
  for (const r of refs) {
    const b = r.binding;
    if (!b || b.scope.kind === 'module' || r.decl) continue;
    for (let d = defAt(r.node.start); d; d = d.parent) {
      if (!b.scope.foreign && b.scope.start >= d.fn.start && b.scope.end <= d.fn.end) break; // bound inside d
      if (!d.captured.includes(r.name)) d.captured.push(r.name);
    }
  }

  const statements = ast.body;
  const comments = commentsOf.get(ast) ?? [];
  return { js, ast, defs, classes, statements, moduleScope, refs, thisRefs, metaRefs, privateRefs, awaitTopLevel, hasModuleSyntax, usesCommonJs, comments, verbatim: sortPairs(verbatim), strings };
}

function sortPairs(flat: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  return pairs.flat();
}

/** The module-level names some top-level statements declare (imports, functions, classes, let/const, and
 * `var` anywhere outside functions), with their kinds. */
export function moduleLevelNames(statements: N[]): Map<string, BindingKind> {
  const out = new Map<string, BindingKind>();
  const put = (n: string, k: BindingKind) => { if (!out.has(n) || k === 'function') out.set(n, k); };
  const vars = (node: N): void => {
    if (!node || typeof node.type !== 'string') return;
    if (FUNCTION_TYPES.has(node.type) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return;
    if (node.type === 'VariableDeclaration') { if (node.kind === 'var') for (const x of node.declarations) for (const n of patternNames(x.id)) put(n, 'var'); return; }
    if (node.type.endsWith('Statement') || node.type === 'SwitchCase' || node.type === 'CatchClause' || node.type === 'ExportNamedDeclaration') forEachChild(node, vars);
  };
  for (const st of statements) {
    if (st.type === 'ImportDeclaration') { for (const sp of st.specifiers) put(sp.local.name, 'import'); continue; }
    const d = st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration' ? st.declaration : st;
    if (!d) continue;
    if (d.type === 'FunctionDeclaration' && d.id) put(d.id.name, 'function');
    else if (d.type === 'ClassDeclaration' && d.id) put(d.id.name, 'class');
    else if (d.type === 'VariableDeclaration' && d.kind !== 'var') for (const x of d.declarations) for (const n of patternNames(x.id)) put(n, d.kind);
    vars(d);
  }
  return out;
}

/** Returns a function giving the innermost def whose function node contains a position. */
export function innermostDefFinder(defs: Def[]): (pos: number) => Def | null {
  const sorted = [...defs].sort((a, b) => a.fn.start - b.fn.start || b.fn.end - a.fn.end);
  return (pos: number) => {
    // binary search the last def starting at or before pos, then walk up parents until one contains pos
    let lo = 0, hi = sorted.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].fn.start <= pos) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // defs nest properly, so any def containing pos is an ancestor of the last one starting before it
    for (let d: Def | null = best >= 0 ? sorted[best] : null; d; d = d.parent) if (d.fn.start <= pos && pos < d.fn.end) return d;
    return null;
  };
}
