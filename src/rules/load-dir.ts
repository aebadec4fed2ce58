/**
 * Reads a rules directory (`LEADFLOW_RULES_DIR`, default `rules/`) and loads it. Kept
 * apart from the pure loader so workflow code can never reach the file system.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRulesetFromTexts, type LoadOptions, type LoadResult } from './load';

/** Reads every `*.yaml` / `*.yml` directly in `dir` (not `schema/`). */
export async function readRuleTexts(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => e.name).sort();
  const texts = await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name), 'utf8')] as const));
  return Object.fromEntries(texts);
}

/** Loads the ruleset in `dir`; diagnostics name files as `dir/file.yaml`. */
export async function loadRulesetFromDir(dir: string, options: Pick<LoadOptions, 'tests'> = {}): Promise<LoadResult> {
  let texts: Record<string, string>;
  try {
    texts = await readRuleTexts(dir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, diagnostics: [{ file: dir, line: 1, col: 1, severity: 'error', code: 'missing-file', message: `cannot read the rules directory: ${reason}`, hint: 'set LEADFLOW_RULES_DIR to the folder holding scoring.yaml and the other rule files' }] };
  }
  return loadRulesetFromTexts(texts, { ...options, displayDir: dir });
}
