import { describe, expect, it } from 'vitest';
import { RULE_VERSIONS_KEPT, processMetrics, recordRuleEvaluation } from '../../src/metrics/instruments';
import { parseExposition, seriesOf } from './exposition';

const versionsShown = async (): Promise<string[]> =>
  seriesOf(parseExposition(await processMetrics.metrics()), 'leadflow_rule_evaluations_total').map(
    ({ labels }) => `${labels.kind}@${labels.version}`,
  );

describe('rule evaluation series stay bounded by ruleset version', () => {
  it('when a worker evaluates with more versions than it keeps, then the least recently used ones lose their series', async () => {
    expect(RULE_VERSIONS_KEPT).toBe(8);
    for (let v = 1; v <= 8; v++) recordRuleEvaluation('scoring', `v${v}`, 0.0001);
    recordRuleEvaluation('routing', 'v1', 0.0001); // v1 is now the most recently used
    recordRuleEvaluation('scoring', 'v9', 0.0001); // a ninth version: v2, the least recently used, goes
    recordRuleEvaluation('scoring', 'v10', 0.0001); // and then v3

    const shown = await versionsShown();
    expect(shown).toHaveLength(9); // v1 (scoring and routing) and v4…v10: 8 versions
    expect(shown).toEqual(expect.arrayContaining(['scoring@v1', 'routing@v1', 'scoring@v4', 'scoring@v10']));
    expect(shown).not.toContain('scoring@v2');
    expect(shown).not.toContain('scoring@v3');
  });

  it('when a dropped version is used again, then its count starts again from 1', async () => {
    recordRuleEvaluation('scoring', 'v2', 0.0001);
    const samples = parseExposition(await processMetrics.metrics());
    expect(samples.get('leadflow_rule_evaluations_total{kind="scoring",version="v2"}')).toBe(1);
    expect(new Set((await versionsShown()).map((series) => series.split('@')[1])).size).toBe(RULE_VERSIONS_KEPT);
  });
});
