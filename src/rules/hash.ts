/**
 * Content hashes that name ruleset versions. Same texts, same version, on every machine,
 * so a decision's version always leads back to the exact text that made it.
 */
import { createHash } from 'node:crypto';

/** Length of the hex prefix used as a version: short enough to read, long enough to never clash in practice. */
export const VERSION_LENGTH = 16;

export function hashText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, VERSION_LENGTH);
}

/** Version of a set of files: order-independent, and sensitive to names as well as texts. */
export function hashFiles(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) {
    hash.update(name, 'utf8').update('\0').update(files[name]!, 'utf8').update('\0');
  }
  return hash.digest('hex').slice(0, VERSION_LENGTH);
}
