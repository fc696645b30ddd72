// compiler/parser.ts: acorn with its redeclaration checks in Sets must parse exactly as acorn does — the
// same tree, the same errors (which declarations clash, and where) — in modules and scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'acorn';
import { ScopeSetParser } from '../../dist/compiler/parser.js';

const CASES = [
  // fine
  'let a = 1; const b = 2; var c; function d() { var a; let b; } class E {}',
  'export function f() {} export const g = 1; export { f as h, g as i }; var v; export { v };',
  'function f() {} function f() {}', // scripts: fine at top level
  'try {} catch (e) { var e; }', // simple catch: allowed
  'try {} catch ([e]) { }',
  '{ function f() {} var g; } var g;',
  'switch (x) { case 1: let a; break; case 2: { let a; } }',
  'label: for (var i of []) { let i; }',
  'class A { static { var x; let y; } } var x;',
  'function f(a) { var a; } function g() { let a; { var b; } }',
  'for (let i = 0;;) { let i; }',
  // errors
  'let a; let a;',
  'let a; var a;',
  'var a; let a;',
  'const a = 1; function a() {}',
  'function a() {} let a;',
  'try {} catch (e) { let e; }',
  'try {} catch ([e]) { var e; }',
  '{ let x; { var x; } }',
  'export { nope };',
  'export { a }; let a;',
  'function f() {} function f() {}', // modules: an error
  'class A { static { let y; var y; } }',
];

const parse = (P, text, sourceType) => {
  try { return JSON.stringify(P.parse(text, { ecmaVersion: 'latest', sourceType, allowHashBang: true })); } catch (e) { return `${e.constructor.name}: ${e.message} @${e.pos}`; }
};

test('the same trees and errors as stock acorn, in modules and scripts', () => {
  for (const text of CASES) for (const sourceType of ['module', 'script']) {
    assert.equal(parse(ScopeSetParser, text, sourceType), parse(Parser, text, sourceType), `${sourceType}: ${text}`);
  }
});

// (its speed is measured in bench/parsers.mjs, with stock acorn beside it)
test('a module of thousands of top-level declarations: the same tree', () => {
  const src = Array.from({ length: 3000 }, (_, i) => `export function f${i}(x) { return x + ${i}; }\nconst c${i} = ${i};\nvar v${i};\n`).join('') + 'export { c0, v1 };\n';
  const opts = { ecmaVersion: 'latest', sourceType: 'module' };
  assert.equal(JSON.stringify(ScopeSetParser.parse(src, opts)), JSON.stringify(Parser.parse(src, opts)));
});
