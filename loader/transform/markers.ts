// The ends of every text the loader inserts, so `toString()` can cut them out again (runtime/to-string.ts).
// Kept apart from the transform so the runtime can use them without loading the parser.
export const GUARD_END = '/*@jurig*/';
export const EXPR_END = '/*@jurig:end*/';
/** Put before a guard that follows a directive without `;`. */
export const ASI_GUARD = ';/*@jurig:asi*/';
/** A guard's test of its cell: `__jc<index>_<module tag>.p!==void 0` (patch code: no tag). */
export const CELL_TEST = /__jc(\d+)(?:_([0-9a-z]+))?\.p!==void 0/;
