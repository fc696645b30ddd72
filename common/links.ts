// Modules reached through a symbolic link. Node runs a module under its real path (the link resolved), so
// the runtime would watch the target's folder only; but editors save through the link, and a rename save
// puts a regular file where the link was (or a tool points the link elsewhere), which the target's folder
// never sees. The resolve hook notices an import whose path is a link to an instrumented module and tells
// the runtime (in whichever thread it runs: the Node 20 hooks run on their own thread) over a
// BroadcastChannel; the runtime then reads that module's saves through the link and watches both folders.
import { lstatSync, realpathSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BroadcastChannel } from 'node:worker_threads';

export const LINKS_CHANNEL = 'jurig:files';
export interface LinkMessage {
  t: 'link';
  link: string;
  key: string;
}

let channel: BroadcastChannel | null = null;
const told = new Set<string>();

/** After `specifier` (from `parentURL`) resolved to the instrumented module `file`: was it a link to it? */
export function noticeLink(specifier: string, parentURL: string | undefined, file: string): void {
  if (!(specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:'))) return;
  let asked: string;
  try {
    asked = fileURLToPath(new URL(specifier, parentURL ?? 'file:///'));
  } catch {
    return;
  }
  if (asked === file) return;
  // tsx resolves `./x.js` to `x.ts`, and `./x` to `x.ts`: the link has the extension of what it points at
  const ext = extname(file),
    askedExt = extname(asked);
  for (const p of [asked, asked.slice(0, asked.length - askedExt.length) + ext, asked + ext]) {
    if (told.has(p)) return;
    try {
      if (!lstatSync(p).isSymbolicLink() || realpathSync(p) !== file) continue;
    } catch {
      continue;
    }
    told.add(p);
    if (!channel) {
      channel = new BroadcastChannel(LINKS_CHANNEL);
      channel.unref();
    }
    channel.postMessage({ t: 'link', link: p, key: file } satisfies LinkMessage);
    return;
  }
}
