// Conformance of classes and object literals: super, accessors, #private, fields, static blocks, computed
// keys, constructors. Instrumented == plain, and a live edit of one constant == a plain run of the edit.
import { defineCases } from './run-case.mjs';
import { cases } from './cases/classes.mjs';

defineCases('classes', cases);
