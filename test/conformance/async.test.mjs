// Conformance of generators, async functions, async generators and async iteration, including the order
// in which microtasks interleave (a guard or a patch must not add ticks).
import { defineCases } from './run-case.mjs';
import { cases } from './cases/async.mjs';

defineCases('async', cases);
