// Piped input for the live REPL, one line at a time: the next line goes to the REPL only when it shows its
// prompt again, that is when the previous input has finished (an `import` or an `await` included). Node's
// REPL reads on while an evaluation awaits, so `import { hi } from './lib.ts'` then `hi('x')` would call
// `hi` before the import had set it.
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import type { REPLServer } from 'node:repl';

export function pacedInput(source: NodeJS.ReadableStream): { input: PassThrough; pace(server: REPLServer): void } {
  const input = new PassThrough();
  const lines: string[] = [];
  let ended = false;
  let ready = true; // the REPL shows its first prompt when it starts
  const feed = () => {
    if (!ready) return;
    if (lines.length) {
      ready = false;
      input.write(lines.shift() + '\n');
    } else if (ended) input.end();
  };
  const rl = createInterface({ input: source, crlfDelay: Infinity, terminal: false });
  rl.on('line', (l) => {
    lines.push(l);
    feed();
  });
  rl.on('close', () => {
    ended = true;
    feed();
  });
  return {
    input,
    pace(server) {
      const show = server.displayPrompt;
      server.displayPrompt = function (this: REPLServer, ...args: Parameters<REPLServer['displayPrompt']>) {
        show.apply(this, args);
        ready = true;
        setImmediate(feed);
      };
    },
  };
}
