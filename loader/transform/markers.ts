// The ends of every text the loader inserts, so `toString()` can cut them out again (runtime/to-string.ts).
// Kept apart from the transform so the runtime can use them without loading the parser.
export const GUARD_END = '/*@jurig*/';
export const EXPR_END = '/*@jurig:end*/';
