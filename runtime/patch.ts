// The patch machinery, loaded with the first save (with it the compiler: SWC, acorn): plan a save
// (runtime/plan.ts, which compiles with runtime/compile.ts), then apply it (runtime/apply.ts).
export { applyPlan } from './apply.js';
export { type Plan, planSave } from './plan.js';
export { SaveRejected } from './save-rejected.js';
// (for runtime/debug-lines.ts, which recompiles moved code while a debugger may be attached)
export { makeCompiler } from './compile.js';
export { originalPos } from '../compiler/index.js';
export { virtualPrivateFor } from './plan.js';
