// Conformance of plain functions, closures and module-level behaviour: instrumented == plain, and a live
// edit of one constant == a plain run of the edited file. See run-case.mjs.
import { defineCases } from './run-case.mjs';
import { cases } from './cases/functions.mjs';

defineCases('functions', cases);
