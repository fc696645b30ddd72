// Content hash of a source text: the cache key part, and how the runtime checks that the file it reads is
// the text the loader compiled.
import { createHash } from 'node:crypto';

export function hashSource(source: string): string {
  return createHash('sha1').update(source).digest('base64url');
}
