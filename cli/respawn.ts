// Runs jurig again in a new Node process: with the user's Node flags, or after a start-up error is fixed.
//
// jurig runs the program in its own process (see entry/jurig.ts), so Node's flags must be the flags of that
// process. Most cannot be applied once Node is running: `--inspect-brk`, `--conditions`, `--import`,
// `--enable-source-maps`, `--max-old-space-size`, V8 flags… Only `--env-file` could be imitated in-process
// (process.loadEnvFile), and even then not the same way (Node reads it before NODE_OPTIONS). So, as tsx
// does, a Node started with the flags runs jurig; the flags are in its process.execArgv, so workers and
// forked children inherit them as under `node <flags> app.js`. This costs one process only when flags are
// given.
import { spawn } from 'node:child_process';

// the `jurig` script to run again: the bin (entry/jurig.ts) says which it is
let CLI = '';
export function setCliScript(file: string): void {
  CLI = file;
}

/** Runs `node <nodeArgs> jurig <jurigArgs>` on this terminal; resolves with how it ended. */
export function runJurig(
  nodeArgs: string[],
  jurigArgs: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...jurigArgs], { stdio: 'inherit', env });
  // Ctrl-C reaches both processes from the terminal: the program decides what it means, and this process
  // ends with it. A SIGTERM or SIGHUP sent to this process alone is passed on.
  const ignore = () => {};
  const pass = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', pass);
  process.on('SIGHUP', pass);
  return new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`jurig: cannot start node: ${e.message}\n`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', pass);
      process.off('SIGHUP', pass);
      resolve({ code, signal });
    });
  });
}

/** Ends this process as the child ended. */
export function exitLike({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): never {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
}

export async function respawnWithNodeFlags(nodeFlags: string[], jurigArgs: string[]): Promise<never> {
  return exitLike(await runJurig([...process.execArgv, ...nodeFlags], jurigArgs));
}
