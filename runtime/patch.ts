// The patch machinery, loaded with the first save (with it the compiler: SWC, acorn): plan a save
// (runtime/plan.ts, which compiles with runtime/compile.ts), then apply it (runtime/apply.ts).
export { applyPlan } from './apply.js';
export { type Plan, planSave } from './plan.js';
export { SaveRejected } from './save-rejected.js';
