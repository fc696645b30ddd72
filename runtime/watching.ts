// One file watcher per process. Every thread that runs jurig (the main thread, and workers started with
// its loader) patches its own copy of the modules, but only the main thread watches files: a worker asks
// it, over a BroadcastChannel, to watch the files of its modules, and hears of their changes from it. So a
// process with N workers uses one inotify instance and one watch per folder, not N + 1 of each (a thread's
// fs.watch has its own instance: libuv keeps one per event loop). A worker whose main thread does not run
// jurig (a worker started with jurig's loader in its own execArgv) watches for itself.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { BroadcastChannel } from 'node:worker_threads';
import { LINKS_CHANNEL } from '../common/links.js';
import type { WatchEvents } from './watcher.js';

// chokidar is loaded when watching starts, not with the runtime: a short script never pays for it
const load = () => import('./watcher.js');

export interface Watching {
  add(path: string, key?: string): void;
  addLink(link: string, key: string): void;
  close(): Promise<void>;
}

const CHANNEL = LINKS_CHANNEL;
type Message =
  | { t: 'hello' } // a worker looks for the process's watcher
  | { t: 'host' } // the main thread answers
  | { t: 'add'; path: string; key: string }
  | { t: 'link'; link: string; key: string } // from the loader (loader/links.ts): every thread hears it
  | { t: 'change'; key: string }
  | { t: 'recheck'; keys: string[] };

const HOST_TIMEOUT_MS = 500;

/**
 * The main thread: answer workers from start-up on (their adds wait for the watcher, which starts a little
 * later); `local` is this thread's own handling of changes.
 */
export function hostWatching(local: WatchEvents, poll: number | null): { start(): Promise<Watching> } {
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  let watcher: import('./watcher.js').FileWatcher | null = null;
  const pending: Message[] = [];
  const apply = (m: Message) => {
    if (!watcher) {
      pending.push(m);
      return;
    }
    if (m.t === 'add') watcher.add(m.path, m.key);
  };
  channel.onmessage = (e) => {
    const m = (e as { data: Message }).data;
    if (m.t === 'hello') channel.postMessage({ t: 'host' } satisfies Message);
    else apply(m);
  };
  return {
    async start() {
      const { FileWatcher } = await load();
      watcher = new FileWatcher(
        {
          change(key) {
            local.change(key);
            channel.postMessage({ t: 'change', key } satisfies Message);
          },
          recheck(keys) {
            local.recheck(keys);
            channel.postMessage({ t: 'recheck', keys } satisfies Message);
          },
          warn: local.warn,
        },
        poll,
      );
      for (const m of pending.splice(0)) apply(m);
      const w = watcher;
      return {
        add: (p, k) => w.add(p, k),
        addLink: (l, k) => w.addLink(l, k),
        close: async () => {
          channel.close();
          await w.close();
        },
      };
    },
  };
}

/** A worker: the main thread's watcher if it answers, else one of its own. */
export async function workerWatching(local: WatchEvents, poll: number | null): Promise<Watching> {
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  const found = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), HOST_TIMEOUT_MS);
    timer.unref();
    channel.onmessage = (e) => {
      if ((e as { data: Message }).data.t === 'host') {
        clearTimeout(timer);
        resolve(true);
      }
    };
    channel.postMessage({ t: 'hello' } satisfies Message);
  });
  if (!found) {
    channel.close();
    const { FileWatcher } = await load();
    const w = new FileWatcher(local, poll);
    return { add: (p, k) => w.add(p, k), addLink: (l, k) => w.addLink(l, k), close: () => w.close() };
  }
  channel.onmessage = (e) => {
    const m = (e as { data: Message }).data;
    if (m.t === 'change') local.change(m.key);
    else if (m.t === 'recheck') local.recheck(m.keys);
  };
  return {
    add: (path, key = path) => channel.postMessage({ t: 'add', path, key } satisfies Message),
    addLink: () => {}, // the main thread heard of the link too, and watches it
    close: async () => channel.close(),
  };
}

// chokidar's fs watchers must not keep a program alive that would otherwise exit.
// JURIG_TEST_WATCH_ERROR=ENOSPC|EMFILE (a test hook): every fs.watch fails with that code, as when the
// system's inotify watches or instances are used up, which a test cannot arrange.
export function unrefWatchers(): void {
  const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
  const simulated = process.env.JURIG_TEST_WATCH_ERROR;
  for (const name of ['watch', 'watchFile'] as const) {
    const original = fs[name] as (...args: unknown[]) => { unref?: () => void };
    (fs as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      if (simulated && name === 'watch')
        throw Object.assign(new Error(`${simulated}: simulated by JURIG_TEST_WATCH_ERROR, watch '${args[0]}'`), {
          code: simulated,
          syscall: 'watch',
          path: String(args[0]),
        });
      const w = original.apply(this, args);
      if (new Error().stack?.includes(`${'/'}chokidar${'/'}`)) w?.unref?.();
      return w;
    };
  }
  syncBuiltinESMExports();
}
