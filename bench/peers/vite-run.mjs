// Runs an app under Vite's module runner with server-side HMR, the way Vite's docs set it up for SSR
// (`createServer` in middleware mode + `createServerModuleRunner(server.environments.ssr)`): Vite's
// watcher sees a save, the runner re-executes the changed module and calls the app's `accept` callback.
// Usage: node vite-run.mjs ./app.ts   (cwd = the app's folder)
import { createServer, createServerModuleRunner } from 'vite';

const entry = process.argv[2];
const server = await createServer({
  configFile: false,
  root: process.cwd(),
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, ws: false },
});
const runner = createServerModuleRunner(server.environments.ssr);
await runner.import(entry);
