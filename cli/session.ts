// What `jurig` runs when there is no script: `-m module[:function]`, then (or instead) the live REPL.
import { readOptions } from '../common/options.js';

const options = readOptions();
// process.argv[1] is this file, as for a script (the CLI may have left only the arguments there)
const self = new URL(import.meta.url).pathname;
if (process.argv[1] !== self) process.argv.splice(1, 0, self);
if (options.module) {
  const { runModule } = await import('./run-module.js');
  await runModule(options.module);
}
if (options.interactive) {
  // after -m, the module's top-level names are reachable
  const { startRepl } = await import('./repl.js');
  const { tools } = await import('../runtime/index.js');
  const scope = options.module ? (await tools()).moduleScope(process.argv[1]) : null;
  await startRepl({ scope });
}
