// acorn's parser with its redeclaration checks kept in Sets. acorn keeps each scope's declared names in
// arrays and checks every new declaration with indexOf, so a module with n top-level declarations parses
// in O(n²): of a 2,500-function module's parse, ~300 ms went to declareName (CPU profile); a generated
// module of 42,000 functions spent most of a minute there. These overrides do acorn's own checks (acorn
// 8.19, pp$3.declareName and checkLocalExport), in the same order with the same errors, against a Set kept
// beside each array. The arrays are still filled: nothing else in acorn reads them, but the shape stays.
// test/core/parser.test.mjs compares the result and the errors with stock acorn.
import { Parser } from 'acorn';

// acorn's scope and binding flags (acorn.mjs: SCOPE_*, BIND_*)
const SCOPE_TOP = 1,
  SCOPE_FUNCTION = 2,
  SCOPE_SIMPLE_CATCH = 32,
  SCOPE_CLASS_STATIC_BLOCK = 256;
const SCOPE_VAR = SCOPE_TOP | SCOPE_FUNCTION | SCOPE_CLASS_STATIC_BLOCK;
const BIND_LEXICAL = 2,
  BIND_FUNCTION = 3,
  BIND_SIMPLE_CATCH = 4;

interface Scope {
  flags: number;
  var: string[];
  lexical: string[];
  functions: string[];
}
interface Names {
  var: Set<string>;
  lexical: Set<string>;
  functions: Set<string>;
}
/** What the overrides use of acorn's parser state. */
interface Internals {
  scopeStack: Scope[];
  inModule: boolean;
  undefinedExports: Record<string, unknown>;
  treatFunctionsAsVar: boolean;
  currentScope(): Scope;
  treatFunctionsAsVarInScope(scope: Scope): boolean;
  raiseRecoverable(pos: number, message: string): void;
}

const namesOf = new WeakMap<Scope, Names>();
function names(scope: Scope): Names {
  let n = namesOf.get(scope);
  if (!n) namesOf.set(scope, (n = { var: new Set(scope.var), lexical: new Set(scope.lexical), functions: new Set(scope.functions) }));
  return n;
}
function add(scope: Scope, kind: 'var' | 'lexical' | 'functions', name: string): void {
  scope[kind].push(name);
  names(scope)[kind].add(name);
}

const base = Parser.prototype as unknown as Record<string, unknown>;
// (if acorn's internals ever change shape, its own methods are kept)
const known = typeof base.declareName === 'function' && typeof base.checkLocalExport === 'function' && typeof base.treatFunctionsAsVarInScope === 'function';

export const ScopeSetParser: typeof Parser = known
  ? (class extends Parser {
      declareName(this: Internals, name: string, bindingType: number, pos: number): void {
        let redeclared = false;
        if (bindingType === BIND_LEXICAL) {
          const scope = this.currentScope(),
            n = names(scope);
          redeclared = n.lexical.has(name) || n.functions.has(name) || n.var.has(name);
          add(scope, 'lexical', name);
          if (this.inModule && scope.flags & SCOPE_TOP) delete this.undefinedExports[name];
        } else if (bindingType === BIND_SIMPLE_CATCH) {
          add(this.currentScope(), 'lexical', name);
        } else if (bindingType === BIND_FUNCTION) {
          const scope = this.currentScope(),
            n = names(scope);
          redeclared = this.treatFunctionsAsVar ? n.lexical.has(name) : n.lexical.has(name) || n.var.has(name);
          add(scope, 'functions', name);
        } else {
          for (let i = this.scopeStack.length - 1; i >= 0; --i) {
            const scope = this.scopeStack[i],
              n = names(scope);
            if (
              (n.lexical.has(name) && !(scope.flags & SCOPE_SIMPLE_CATCH && scope.lexical[0] === name)) ||
              (!this.treatFunctionsAsVarInScope(scope) && n.functions.has(name))
            ) {
              redeclared = true;
              break;
            }
            add(scope, 'var', name);
            if (this.inModule && scope.flags & SCOPE_TOP) delete this.undefinedExports[name];
            if (scope.flags & SCOPE_VAR) break;
          }
        }
        if (redeclared) this.raiseRecoverable(pos, `Identifier '${name}' has already been declared`);
      }

      checkLocalExport(this: Internals, id: { name: string }): void {
        const n = names(this.scopeStack[0]);
        if (!n.lexical.has(id.name) && !n.var.has(id.name)) this.undefinedExports[id.name] = id;
      }
    } as unknown as typeof Parser)
  : Parser;
