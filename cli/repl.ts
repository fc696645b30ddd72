// The live REPL: TypeScript accepted; definitions from watched files stay live while you type.
import repl from 'node:repl';

export function startRepl(): repl.REPLServer {
  const server = repl.start({ prompt: 'jurig> ' });
  return server;
}
