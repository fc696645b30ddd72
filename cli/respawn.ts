// Runs jurig again in a new Node process that starts with the user's Node flags.
//
// jurig runs the program in its own process (see cli/jurig.ts), so the flags must be the flags of that
// process. Most cannot be applied once Node is running: `--inspect-brk`, `--conditions`, `--import`,
// `--enable-source-maps`, `--max-old-space-size`, V8 flags… Only `--env-file` could be imitated in-process
// (process.loadEnvFile), and even then not the same way (Node reads it before NODE_OPTIONS). So, as tsx
// does, a Node started with the flags runs jurig; the flags are in its process.execArgv, so workers and
// forked children inherit them as under `node <flags> app.js`. This costs one process only when flags are
// given.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function respawnWithNodeFlags(nodeFlags: string[], jurigArgs: string[]): void {
  const cli = fileURLToPath(new URL('./jurig.js', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, ...nodeFlags, cli, ...jurigArgs], { stdio: 'inherit' });
  // Ctrl-C reaches both processes from the terminal: the program decides what it means, and this process
  // exits with it. A SIGTERM or SIGHUP sent to this process alone is passed on.
  process.on('SIGINT', () => {});
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('error', (e) => { process.stderr.write(`jurig: cannot start node: ${e.message}\n`); process.exit(1); });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
