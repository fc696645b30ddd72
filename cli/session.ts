// What `jurig` runs when there is no script: `-m module[:function]`, or the live REPL.
import { readOptions } from '../loader/options.js';

const options = readOptions();
if (options.module) {
  const { runModule } = await import('./run-module.js');
  await runModule(options.module);
}
if (options.interactive) {
  const { startRepl } = await import('./repl.js');
  startRepl();
}
