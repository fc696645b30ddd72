// Conformance of Function.prototype.toString: the code the loader inserts (guards, class registrations)
// must never show, for every kind of function, and a patched function shows its new text.
import { defineCases } from './run-case.mjs';
import { cases } from './cases/tostring.mjs';

defineCases('toString', cases);
