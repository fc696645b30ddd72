// Node's own flags on jurig's command line (`jurig --env-file=.env --inspect app.ts`), as tsx takes them:
// which arguments are Node's, which of them take the next argument as their value, and which are refused
// because they would make Node run something other than the script.
import { spawnSync } from 'node:child_process';

/** Node flags whose value may be the next argument (`--import x`); `--flag=value` always works. */
const WITH_VALUE = new Set([
  '--import',
  '--require',
  '-r',
  '--conditions',
  '-C',
  '--env-file',
  '--env-file-if-exists',
  '--loader',
  '--experimental-loader',
  '--input-type',
  '--title',
  '--redirect-warnings',
  '--disable-warning',
  '--inspect-port',
  '--debug-port',
  '--dns-result-order',
  '--unhandled-rejections',
  '--diagnostic-dir',
  '--cpu-prof-dir',
  '--cpu-prof-name',
  '--heap-prof-dir',
  '--heap-prof-name',
  '--report-dir',
  '--report-directory',
  '--report-filename',
  '--report-signal',
  '--openssl-config',
  '--icu-data-dir',
  '--secure-heap',
  '--secure-heap-min',
  '--max-http-header-size',
  '--trace-event-categories',
  '--trace-event-file-pattern',
  '--use-largepages',
  '--tls-cipher-list',
  '--tls-keylog',
  '--localstorage-file',
  '--experimental-default-type',
  '--experimental-config-file',
  '--disable-proto',
  '--stack-size',
  '--max-old-space-size',
  '--max-semi-space-size',
  '--stack-trace-limit',
]);

/** Node flags that run something else than the script (or nothing), so they cannot go with jurig. */
const REFUSED = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '-c',
  '--check',
  '--test',
  '--run',
  '--v8-options',
  '--completion-bash',
  '--watch-path',
  '--watch-preserve-output',
]);

export function takesValue(flag: string): boolean {
  return !flag.includes('=') && WITH_VALUE.has(flag);
}

const nameOf = (flag: string): string => flag.split('=')[0];

/**
 * Checks that every flag is Node's: the ones Node also allows in NODE_OPTIONS are known here; the others
 * (`--env-file`, V8 flags, …) are asked of Node itself, once for all, with `--version` so nothing runs.
 * Returns an error message for the user, or null.
 */
export function checkNodeFlags(flags: string[]): string | null {
  const names = flags.filter((f) => f.startsWith('-'));
  for (const f of names) {
    if (REFUSED.has(nameOf(f))) return `${nameOf(f)} is a Node option that does not run a script; it cannot be used with jurig`;
  }
  const unsure = names.filter((f) => !process.allowedNodeEnvironmentFlags.has(nameOf(f)));
  if (unsure.length === 0) return null;
  const probe = spawnSync(process.execPath, [...flags, '--version'], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  const err = (probe.stderr || '').trim();
  const bad = /bad option: (\S+)/.exec(err);
  if (bad) return `unknown option '${bad[1]}': neither one of jurig's options nor one of Node's`;
  return err.replace(/^node: /, '') || `Node refused the options ${unsure.join(' ')}`;
}
