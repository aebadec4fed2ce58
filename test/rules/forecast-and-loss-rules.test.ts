/**
 * forecast.yaml and loss-reasons.yaml: what `rules check` says about mistakes in them, how a loss
 * is filed under a code, and how versions stored before the two files existed keep loading (their
 * pinned journeys must not break), while a rules folder without them is refused.
 */
import { cp, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateForecast } from '../../src/rules/evaluate-forecast';
import { classifyLoss } from '../../src/rules/evaluate-loss-reasons';
import { hashFiles } from '../../src/rules/hash';
import { loadRulesetFromTexts } from '../../src/rules/load';
import { RuleRegistry } from '../../src/rules/registry';
import { formatDiagnostic } from '../../src/rules/types';
import { InMemoryRuleVersionStore } from '../../src/rules/version-store';
import { edit, loadWith, RULES_DIR, rulesetWith, shippedTexts } from './support/rulesets';

const texts = await shippedTexts();
const forecast = texts['forecast.yaml']!;
const lossReasons = texts['loss-reasons.yaml']!;

async function messagesWith(file: string, text: string): Promise<string[]> {
  const result = await loadWith({ [file]: text });
  return result.ok ? result.warnings.map(formatDiagnostic) : result.diagnostics.map(formatDiagnostic);
}

describe('forecast.yaml checks', () => {
  it.each([
    [
      'a category rule no open stage reaches',
      'value: 0.75 }',
      'value: 0.9 }',
      'rules/forecast.yaml:30:5: categories[0].when: category rule "likely-to-close" matches no open stage with the probabilities above, so it can never decide (the stages are needs-analysis (0.1), presentation (0.25), proposal (0.5), negotiation (0.75))',
    ],
    [
      'a later stage less likely than an earlier one (a warning; the file still loads)',
      '  proposal: 0.5',
      '  proposal: 0.05',
      'rules/forecast.yaml:16:13: warning: probabilities.proposal: proposal (0.05) has a lower probability than the earlier stage presentation (0.25) (a deal usually becomes more likely to close as it advances; check for a typo)',
    ],
    [
      'a percentage written where a probability belongs',
      '  negotiation: 0.75',
      '  negotiation: 75',
      'rules/forecast.yaml:17:16: probabilities.negotiation: a probability is between 0 and 1, got 75 (write 0.75 for 75%)',
    ],
    [
      'a test naming a rule that does not exist',
      'rule: proposal-out }',
      'rule: proposal-sent }',
      'rules/forecast.yaml:61:60: tests[2].expect.rule: unknown category rule "proposal-sent": it is not defined in forecast.yaml categories (did you mean "proposal-out"?)',
    ],
  ])('when %s, then it is reported precisely', async (_what, from, to, expected) => {
    expect(await messagesWith('forecast.yaml', edit(forecast, from, to))).toEqual([expected]);
  });

  it('when a deal moves through the stages, then its probability and category follow the shipped rules', async () => {
    const ruleset = await rulesetWith();
    const outcomes = (['needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'] as const).map(
      (stage) => evaluateForecast(ruleset, { stage }).outcome,
    );
    expect(outcomes.map((o) => [o.stage, o.probability, o.kind === 'open' ? o.category : null])).toEqual([
      ['needs-analysis', 0.1, 'pipeline'],
      ['presentation', 0.25, 'pipeline'],
      ['proposal', 0.5, 'best-case'],
      ['negotiation', 0.75, 'commit'],
      ['closed-won', 1, null],
      ['closed-lost', 0, null],
    ]);
    expect(evaluateForecast(ruleset, { stage: 'negotiation' }).explanation.reasons).toContain('  ✓ deal.probability is at least 0.75 (seen: 0.75)');
  });
});

describe('loss-reasons.yaml checks', () => {
  it.each([
    [
      'the fallback requires a competitor',
      '    label: { en: Other, zh-CN: 其他 }\n    requires: [reason]',
      '    label: { en: Other, zh-CN: 其他 }\n    requires: [reason, competitor]',
      'rules/loss-reasons.yaml:33:15: reasons.other.requires: the fallback "other" may not require a competitor: a loss given only as free text names none (remove competitor from its requires, or choose another fallback)',
    ],
    [
      'the fallback is retired',
      '    requires: [reason]',
      '    requires: [reason]\n    retired: true',
      'rules/loss-reasons.yaml:38:11: fallback: the fallback "other" is retired, so losses given as free text would have no code (pick a code in use, or un-retire it)',
    ],
    [
      'a Chinese label left in English (a warning)',
      'zh-CN: 时机不对',
      'zh-CN: Bad timing',
      'rules/loss-reasons.yaml:26:37: warning: reasons.timing.label.zh-CN: the Simplified Chinese label "Bad timing" has no Chinese characters (translate it, e.g. 价格 for price)',
    ],
    [
      'a label without its Chinese',
      'label: { en: Bad timing, zh-CN: 时机不对 }',
      'label: { en: Bad timing }',
      'rules/loss-reasons.yaml:26:12: reasons.timing.label.zh-CN: missing required key "zh-CN"',
    ],
  ])('when %s, then it is reported precisely', async (_what, from, to, expected) => {
    expect(await messagesWith('loss-reasons.yaml', edit(lossReasons, from, to))).toEqual([expected]);
  });
});

describe('filing a loss under a code', () => {
  it.each([
    ['a code alone', { lossReason: 'price' }, { kind: 'accepted', lossReason: 'price', fallback: false, competitor: null, reason: null }],
    ['words only (an older client)', { reason: '  champion left  ' }, { kind: 'accepted', lossReason: 'other', fallback: true, reason: 'champion left' }],
    ['a competitor loss with its competitor', { lossReason: 'competitor', competitor: 'Acme CRM' }, { kind: 'accepted', lossReason: 'competitor', competitor: 'Acme CRM' }],
    ['blank words', { reason: '   ' }, { kind: 'refused', problems: [{ field: 'lossReason', message: 'is required when closing a deal as lost: give a loss reason code (price, budget, competitor, no-decision, timing, fit, other) or a reason in words' }] }],
    ['a misspelt code', { lossReason: 'competiter', competitor: 'Acme' }, { kind: 'refused', problems: [{ field: 'lossReason', message: '"competiter" is not a loss reason in loss-reasons.yaml (did you mean "competitor"?); known: price, budget, competitor, no-decision, timing, fit, other' }] }],
    ['other without words', { lossReason: 'other', competitor: 'Acme' }, { kind: 'refused', problems: [{ field: 'reason', message: 'is required for loss reason "other" (Other): say what happened' }] }],
  ])('when a loss is %s, then it is filed (or refused) as expected', async (_what, input, expected) => {
    expect(classifyLoss(await rulesetWith(), input).outcome).toMatchObject(expected);
  });

  it('when a code is retired, then new losses may not use it but its label is kept', async () => {
    const ruleset = await rulesetWith({ 'loss-reasons.yaml': edit(lossReasons, '    requires: [competitor]', '    requires: [competitor]\n    retired: true') });
    expect(classifyLoss(ruleset, { lossReason: 'competitor', competitor: 'Acme' }).outcome).toMatchObject({ kind: 'refused', problems: [{ field: 'lossReason' }] });
    expect(ruleset.lossReasons?.reasons.competitor?.label['zh-CN']).toBe('输给竞争对手');
  });
});

describe('versions stored before forecast.yaml and loss-reasons.yaml existed', () => {
  const { 'forecast.yaml': _f, 'loss-reasons.yaml': _l, ...fiveFiles } = texts;
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('when a rules folder lacks them, then it is refused and the hint says to copy the shipped files', () => {
    const result = loadRulesetFromTexts(fiveFiles, { displayDir: 'rules' });
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      'rules/forecast.yaml:1:1: forecast.yaml is missing (every ruleset needs all 7 files: scoring.yaml, routing.yaml, escalation.yaml, cadences.yaml, approvals.yaml, forecast.yaml, loss-reasons.yaml; new in this release: copy the shipped rules/forecast.yaml to start from)',
      'rules/loss-reasons.yaml:1:1: loss-reasons.yaml is missing (every ruleset needs all 7 files: scoring.yaml, routing.yaml, escalation.yaml, cadences.yaml, approvals.yaml, forecast.yaml, loss-reasons.yaml; new in this release: copy the shipped rules/loss-reasons.yaml to start from)',
    ]);
  });

  it('when a stored five-file version is loaded, then it keeps its version hash and has no forecast or loss reasons', () => {
    const result = loadRulesetFromTexts(fiveFiles, { stored: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.ruleset.version).toBe(hashFiles(fiveFiles));
    expect([result.ruleset.forecast, result.ruleset.lossReasons]).toEqual([null, null]);
    expect(Object.keys(result.ruleset.files)).toEqual(['scoring', 'routing', 'escalation', 'cadences', 'approvals']);
    expect(() => evaluateForecast(result.ruleset, { stage: 'proposal' })).toThrow(/has no forecast\.yaml: it was stored before forecast\.yaml existed/);
  });

  it('when an upgraded installation starts without the new files, then the last stored version runs and a pinned one still loads', async () => {
    const store = new InMemoryRuleVersionStore();
    const old = hashFiles(fiveFiles);
    await store.save({ hash: old, files: fiveFiles, createdAt: new Date('2026-01-05T09:00:00Z'), activatedAt: new Date('2026-01-05T09:00:00Z') });
    dir = await mkdtemp(join(tmpdir(), 'leadflow-upgrade-'));
    await cp(RULES_DIR, dir, { recursive: true });
    await unlink(join(dir, 'forecast.yaml'));
    const registry = new RuleRegistry({ dir, store, logger: { info() {}, warn() {}, error() {} }, watch: false });
    const result = await registry.start();
    expect(result).toMatchObject({ outcome: 'rejected' });
    expect(registry.status()).toMatchObject({ state: 'degraded', activeFrom: 'store', activeVersion: old });
    expect(registry.status().lastRejected?.messages[0]).toContain('forecast.yaml is missing');
    expect((await registry.getVersion(old))?.approvals.tiers.length).toBeGreaterThan(0);
    await registry.stop();
  });
});
