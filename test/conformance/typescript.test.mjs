// Conformance of TypeScript: plain = `node --import tsx`, instrumented = jurig's SWC transform. Enums,
// namespaces, parameter properties, abstract classes, overloads, satisfies, type-only imports, both kinds
// of decorators, class-field semantics from tsconfig, BOM/CRLF, non-ASCII names, JSON, import cycles.
import { defineCases } from './run-case.mjs';
import { cases } from './cases/typescript.mjs';

defineCases('typescript', cases);
