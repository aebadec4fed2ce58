/** Shared loading for rules tests: the shipped files, optionally with some files replaced. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRulesetFromTexts, type LoadResult } from '../../../src/rules/load';
import { readRuleTexts } from '../../../src/rules/load-dir';
import type { Ruleset } from '../../../src/rules/ruleset';
import { formatDiagnostic } from '../../../src/rules/types';

export const RULES_DIR = join(import.meta.dirname, '../../../rules');
export const FIXTURES_DIR = join(import.meta.dirname, '../fixtures');

export function shippedTexts(): Promise<Record<string, string>> {
  return readRuleTexts(RULES_DIR);
}

/**
 * Loads the shipped files with `replacements` swapped in, as `rules/<file>` in diagnostics. Their
 * own `tests:` do not gate the load here: these tests edit the rules to see what they decide, which
 * the shipped cases pin to the shipped values (gating is tested in rule-test-gate.test.ts).
 */
export async function loadWith(replacements: Record<string, string> = {}): Promise<LoadResult> {
  return loadRulesetFromTexts({ ...(await shippedTexts()), ...replacements }, { displayDir: 'rules', tests: false });
}

/** The shipped ruleset (with replacements); fails the test with readable diagnostics if it does not load. */
export async function rulesetWith(replacements: Record<string, string> = {}): Promise<Ruleset> {
  const result = await loadWith(replacements);
  if (!result.ok) throw new Error(`rules did not load:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  return result.ruleset;
}

export function fixture(name: string): Promise<string> {
  return readFile(join(FIXTURES_DIR, name), 'utf8');
}

/** Replaces `from` in `text`, failing loudly when it is absent, so an edited shipped file cannot silently void a test. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`test setup: "${from}" not found in the shipped file`);
  return text.replace(from, to);
}
