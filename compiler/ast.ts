// The syntax tree the compiler and the runtime read: acorn's ESTree nodes, with acorn's own types
// (`AnyNode` is the union of every node; `switch (node.type)` narrows it). Parsing keeps the comments beside
// the tree, and a generic walk visits children in source order.
import type { Options } from 'acorn';
import { ScopeSetParser } from './parser.js';

// (acorn with its redeclaration checks in Sets: compiler/parser.ts)
const acornParse = (input: string, options: Options) => ScopeSetParser.parse(input, options);
import type {
  AnonymousClassDeclaration,
  AnonymousFunctionDeclaration,
  AnyNode,
  ArrowFunctionExpression,
  ClassDeclaration,
  ClassExpression,
  ExportDefaultDeclaration,
  ExpressionStatement,
  FunctionDeclaration,
  FunctionExpression,
  Identifier,
  Literal,
  MemberExpression,
  MethodDefinition,
  Pattern,
  PrivateIdentifier,
  Program,
  Property,
  PropertyDefinition,
} from 'acorn';

export type * from 'acorn';

/** A top-level statement of a module or script. */
export type TopLevel = Program['body'][number];
/** Anything that makes a function: a declaration (`export default function () {}` has no id), an expression, an arrow. */
export type FunctionNode = FunctionDeclaration | AnonymousFunctionDeclaration | FunctionExpression | ArrowFunctionExpression;
export type ClassNode = ClassDeclaration | AnonymousClassDeclaration | ClassExpression;
/** `o.#x`: a member expression whose property is a private name. */
export type PrivateMember = MemberExpression & { property: PrivateIdentifier };
/** A class or object member with a key (`keyName`). */
export type Keyed = MethodDefinition | PropertyDefinition | Property;

// the comments acorn saw while parsing a tree (kept beside it, not on it: walkers visit every key)
const commentsOf = new WeakMap<Program, number[]>();

export function parseModule(js: string): Program {
  const comments: number[] = [];
  const ast = acornParse(js, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    allowHashBang: true,
    onComment: (_b, _t, s, e) => {
      comments.push(s, e);
    },
  });
  commentsOf.set(ast, comments);
  return ast;
}

/** CommonJS code: a (possibly sloppy) function body, where a top-level `return` is allowed. */
export function parseScript(js: string): Program {
  const comments: number[] = [];
  const ast = acornParse(js, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowHashBang: true,
    allowReturnOutsideFunction: true,
    onComment: (_b, _t, s, e) => {
      comments.push(s, e);
    },
  });
  commentsOf.set(ast, comments);
  return ast;
}

/** [start, end, start, end, …] of every comment acorn saw in a tree parsed here, in order. */
export function commentsOfTree(ast: Program): number[] {
  return commentsOf.get(ast) ?? [];
}

export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

export function isFunction(n: AnyNode): n is FunctionNode {
  return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';
}

export function isClass(n: AnyNode): n is ClassNode {
  return n.type === 'ClassDeclaration' || n.type === 'ClassExpression';
}

/** The name a function or class node declares or carries (`function f`, `class C`, `(function g() {})`), if any. */
export function idOf(n: AnyNode | null | undefined): Identifier | null | undefined {
  return n && (isFunction(n) || isClass(n)) ? n.id : undefined;
}

export function isPrivateMember(n: AnyNode | null | undefined): n is PrivateMember {
  return n?.type === 'MemberExpression' && n.property.type === 'PrivateIdentifier';
}

/** A directive of a prologue (`'use strict'`). */
export function isDirective(st: AnyNode): st is ExpressionStatement & { directive: string } {
  return st.type === 'ExpressionStatement' && st.directive !== undefined;
}

/** The declaration a top-level statement makes: its own node, or what `export` / `export default` wraps. */
export function declarationOf(st: TopLevel): TopLevel | ExportDefaultDeclaration['declaration'] | null | undefined {
  return st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration' ? st.declaration : st;
}

/** The module an import or re-export reads (`import … from 'x'`, `export … from 'x'`), if any. */
export function moduleSource(st: TopLevel): Literal | null {
  return st.type === 'ImportDeclaration' || st.type === 'ExportNamedDeclaration' || st.type === 'ExportAllDeclaration' ? (st.source ?? null) : null;
}

/** The name an import or export specifier gives (`a` in `{ a as b }`, `'a b'` in `{ 'a b' as c }`). */
export function specifierName(n: Identifier | Literal): string {
  return n.type === 'Identifier' ? n.name : String(n.value);
}

const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw', 'value', 'regex', 'bigint', 'operator', 'kind', 'sourceType']);

/** Call fn on each child node, in source order (with the key that holds it). */
export function forEachChild(node: AnyNode, fn: (child: AnyNode, key: string) => void): void {
  // generic over every node type: its fields are read by name (`value` is a child only on members)
  const fields = node as unknown as Record<string, unknown>;
  for (const key in fields) {
    if (SKIP_KEYS.has(key)) {
      if (key === 'value' && node.type === 'Property') fn(node.value, key);
      else if (key === 'value' && (node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') && node.value) fn(node.value, key);
      continue;
    }
    const v = fields[key];
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const c of v as (AnyNode | null)[]) if (c && typeof c.type === 'string') fn(c, key);
    } else if (typeof (v as AnyNode).type === 'string') fn(v as AnyNode, key);
  }
}

/** Visit node and its descendants in source order; `enter` returning false skips a node's children. */
export function walk(node: AnyNode | null | undefined, enter: (n: AnyNode) => unknown): void {
  if (!node || typeof node.type !== 'string') return;
  if (enter(node) === false) return;
  forEachChild(node, (c) => walk(c, enter));
}

/** The names a binding pattern binds, in order. */
export function patternNames(p: Pattern | null | undefined, out: string[] = []): string[] {
  if (!p) return out;
  switch (p.type) {
    case 'Identifier':
      out.push(p.name);
      break;
    case 'ObjectPattern':
      for (const pr of p.properties) patternNames(pr.type === 'RestElement' ? pr.argument : pr.value, out);
      break;
    case 'ArrayPattern':
      for (const e of p.elements) if (e) patternNames(e, out);
      break;
    case 'RestElement':
      patternNames(p.argument, out);
      break;
    case 'AssignmentPattern':
      patternNames(p.left, out);
      break;
  }
  return out;
}

/** A member's key as its path shows it: `m`, `#m`, `'a b'` → `a b`, `[expr]` for a computed key. */
export function keyName(node: Keyed, js: string): string {
  const k = node.key;
  if (node.computed) return '[' + js.slice(k.start, k.end) + ']';
  if (k.type === 'Identifier') return k.name;
  if (k.type === 'PrivateIdentifier') return '#' + k.name;
  if (k.type === 'Literal') return String(k.value);
  return js.slice(k.start, k.end);
}
