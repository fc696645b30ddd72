// `node --import jurig/register app.ts`: the module hooks first (before any of the program's modules
// load), then the runtime that patches modules as their files change, then what the options ask the CLI to
// start next to the program (`-i` after a script, `--loop`, `--xloop`).
import { options } from '../loader/install.js';

export { formatOf, hooksInThread } from '../loader/install.js';

// (imported once the hooks are in place, as everything after them is)
const { startRuntime } = await import('../runtime/index.js');
startRuntime(options);
if (options.interactive || options.loop?.length || options.xloop?.length) await (await import('../cli/loop.js')).start(options);
