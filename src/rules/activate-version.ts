/**
 * Activating a stored version by hand (a rollback, or going forward again): finding it by hash or
 * prefix, checking it as a new edit would be checked (all files, every file's own tests), and
 * writing its files into the rules folder.
 *
 * The decision (docs/rules.md "History and rollback"): the folder is the one source of what runs.
 * Activating a stored version writes that version's files into the rules folder, each file
 * atomically (a temporary file in the folder renamed over the old one), so the folder and the live
 * version agree: hot reload sees the same hash and changes nothing, a restart loads the same
 * version, every other process watching the folder follows, and the next edit of the folder starts
 * from the activated text rather than flipping back to what was there before.
 */
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRulesetFromTexts, type LoadResult } from './load';
import { kindOfFileName } from './types';
import type { RuleVersionStore, StoredRuleVersion } from './version-store';

/** A version reference: a full hash or a unique prefix of at least 4 hexadecimal digits. */
export const VERSION_REF = /^[0-9a-f]{4,64}$/;

export type VersionLookup =
  | { found: true; version: StoredRuleVersion }
  | { found: false; why: 'not-found' | 'ambiguous'; message: string };

/** The stored version `ref` names, by full hash or unique prefix. */
export async function findStoredVersion(store: RuleVersionStore, ref: string): Promise<VersionLookup> {
  const exact = await store.get(ref);
  if (exact) return { found: true, version: exact };
  const matches = await store.findByPrefix(ref, 5);
  if (matches.length === 1) {
    const version = await store.get(matches[0]!);
    if (version) return { found: true, version };
  }
  if (matches.length > 1)
    return {
      found: false,
      why: 'ambiguous',
      message: `rules version "${ref}" is ambiguous: it starts ${matches.length === 5 ? '5 or more' : matches.length} stored versions (${matches.join(', ')}); give more digits`,
    };
  return {
    found: false,
    why: 'not-found',
    message: `no rules version "${ref}" is stored (GET /api/rules/activations lists the versions that were active)`,
  };
}

/**
 * Loads a stored version as the folder would load it: every file required, every file's own tests
 * run (gated activation). A version stored before forecast.yaml or loss-reasons.yaml existed fails
 * here with `missing-file`, since the folder could not run without them.
 */
export function checkStoredVersion(version: StoredRuleVersion): LoadResult {
  return loadRulesetFromTexts(version.files, { displayDir: version.hash, tests: true });
}

/**
 * Writes `files` into `dir`, each through a temporary file renamed over the old one, so a reader
 * never sees half a file; a file that already has the text is left alone. A rule file of a kind the version has under another name (`scoring.yml`
 * beside `scoring.yaml`) is removed, so the folder holds exactly the version; other files stay.
 */
export async function writeRulesFolder(dir: string, files: Record<string, string>): Promise<void> {
  const kinds = new Set(Object.keys(files).map(kindOfFileName));
  for (const name of await readdir(dir)) {
    if (!(name in files) && kinds.has(kindOfFileName(name)) && kindOfFileName(name) !== undefined) await rm(join(dir, name));
  }
  for (const [name, text] of Object.entries(files)) {
    const current = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (current === text) continue; // unchanged: no write, no file event
    // The temporary name does not end in .yaml, so the folder watcher ignores it until the rename.
    const temporary = join(dir, `.${name}.activating-${process.pid}`);
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, join(dir, name));
  }
}
