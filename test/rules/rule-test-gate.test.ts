/**
 * Gated activation: a ruleset whose own `tests:` fail does not load, whatever else changed, and
 * each failing expectation is an error at its file:line:col with expected and actual; the
 * registry keeps the previous version running. Stored versions load as they were.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRulesetFromTexts } from '../../src/rules/load';
import { RuleRegistry } from '../../src/rules/registry';
import { formatDiagnostic } from '../../src/rules/types';
import { InMemoryRuleVersionStore } from '../../src/rules/version-store';
import { edit, RULES_DIR, shippedTexts } from './support/rulesets';

const texts = await shippedTexts();
const load = (replacements: Record<string, string>, options: { stored?: boolean; tests?: boolean } = {}) =>
  loadRulesetFromTexts({ ...texts, ...replacements }, { displayDir: 'rules', ...options });
const withThreshold = (threshold: number) => edit(texts['scoring.yaml']!, '  threshold: 80', `  threshold: ${threshold}`);
const failing = [
  'rules/scoring.yaml:163:31: tests[1].expect.mql: test "the same lead becomes an MQL after visiting the pricing page" fails: expected mql true, the rules decide false (Score 85: is below the MQL threshold of 90; fix the rule or this test)',
  'rules/scoring.yaml:184:31: tests[3].expect.mql: test "behaviour points halve after 30 days and vanish after 180" fails: expected mql true, the rules decide false (Score 80: is below the MQL threshold of 90; fix the rule or this test)',
];

describe('rules whose own tests fail', () => {
  it('when a threshold change breaks two tests, then the ruleset does not load and each failing expectation is an error at its position', () => {
    const result = load({ 'scoring.yaml': withThreshold(90) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(failing);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['test-failed', 'test-failed']);
  });

  it('when only a test changes and now fails, then the ruleset does not load either', () => {
    const scoring = edit(texts['scoring.yaml']!, 'expect: { score: 70, mql: false }', 'expect: { score: 70, mql: true }');
    const result = load({ 'scoring.yaml': scoring });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'rules/scoring.yaml:153:31: tests[0].expect.mql: test "a strong profile from an ad is not yet an MQL" fails: expected mql true, the rules decide false (Score 70: is below the MQL threshold of 80; fix the rule or this test)',
    ]);
  });

  it('when the failing tests are fixed to expect the new outcome, then the ruleset loads', () => {
    const scoring = withThreshold(90)
      .replace('expect: { score: 85, mql: true }', 'expect: { score: 85, mql: false }')
      .replace('expect: { score: 80, mql: true }', 'expect: { score: 80, mql: false }');
    expect(load({ 'scoring.yaml': scoring }).ok).toBe(true);
  });

  it('when the texts come from the version store or the tests are turned off (rules test, explain), then the ruleset loads', () => {
    expect(load({ 'scoring.yaml': withThreshold(90) }, { stored: true }).ok).toBe(true);
    expect(load({ 'scoring.yaml': withThreshold(90) }, { tests: false }).ok).toBe(true);
  });
});

describe('the registry on a change whose tests fail', () => {
  let dir: string | undefined;
  let registry: RuleRegistry | undefined;
  afterEach(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when it reloads, then the change is rejected, the previous version keeps deciding, and status names the failing tests', async () => {
    dir = await mkdtemp(join(tmpdir(), 'leadflow-gate-'));
    await cp(RULES_DIR, dir, { recursive: true });
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    registry = new RuleRegistry({ dir, store: new InMemoryRuleVersionStore(), logger: silent, watch: false });
    await registry.start();
    const before = registry.active().version;

    const file = join(dir, 'scoring.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('  threshold: 80', '  threshold: 90'));
    const result = await registry.reload();

    expect(result).toMatchObject({ outcome: 'rejected', activeVersion: before });
    expect(registry.active().scoring.mql.threshold).toBe(80);
    expect(registry.status()).toMatchObject({
      state: 'degraded',
      lastRejected: { messages: failing.map((line) => line.replace('rules/', `${dir}/`)) },
    });
  });
});
