/**
 * Tiers, cadences, pools, queues and SLAs may carry `label: { en, zh-CN }`: the shipped files give
 * them in both languages, an entity without one has none (its name is shown), and a broken label
 * is reported at file:line:col.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/rules/types';
import { edit, loadWith, rulesetWith, shippedTexts } from './support/rulesets';

const texts = await shippedTexts();
const POOL_LABEL = 'label: { en: Mid-market, zh-CN: 中型企业 }';

async function problems(file: string, from: string, to: string): Promise<string[]> {
  const result = await loadWith({ [file]: edit(texts[file]!, from, to) });
  return result.ok ? [] : result.diagnostics.map(formatDiagnostic);
}

describe('entity labels', () => {
  it('when the shipped rules load, then every tier, cadence, pool, queue and SLA has its label in both languages', async () => {
    const { labels } = await rulesetWith();
    expect(labels.tiers['manager-authority']).toEqual({ en: 'Manager authority', 'zh-CN': '经理审批权限' });
    expect(labels.cadences['mql-standard']?.['zh-CN']).toBe('标准 MQL 跟进');
    expect(labels.pools['mid-market']).toEqual({ en: 'Mid-market', 'zh-CN': '中型企业' });
    expect(labels.queues['sdr-triage']?.en).toBe('SDR triage');
    expect(labels.slas['mql-first-touch']?.['zh-CN']).toBe('首次跟进 SLA');
  });

  it('when a pool has no label, then it has none and the rules still load', async () => {
    const { labels } = await rulesetWith({ 'routing.yaml': edit(texts['routing.yaml']!, `    ${POOL_LABEL}\n`, '') });
    expect(labels.pools['mid-market']).toBeUndefined();
  });

  it('when a Chinese label has no Chinese characters, then the rules load with a warning at it', async () => {
    const result = await loadWith({ 'routing.yaml': edit(texts['routing.yaml']!, POOL_LABEL, 'label: { en: Mid-market, zh-CN: Mid-market }') });
    expect(result.ok && result.warnings.map(formatDiagnostic)).toContain(
      'rules/routing.yaml:71:37: warning: pools.mid-market.label.zh-CN: the Simplified Chinese label "Mid-market" has no Chinese characters (translate it, e.g. 企业客户 for enterprise)',
    );
  });

  // The pool is then invalid, so the rules naming it are reported too; the label's own error is asserted.
  it.each([
    ['a language is left out', 'label: { en: Mid-market }', 'rules/routing.yaml:71:12: pools.mid-market.label.zh-CN: missing required key "zh-CN"'],
    [
      'a language is unknown',
      'label: { en: Mid-market, zh-CN: 中型企业, fr: Marché moyen }',
      'rules/routing.yaml:71:43: pools.mid-market.label.fr: unknown key "fr" (did you mean "en"?)',
    ],
  ])('when %s, then it is reported at file:line:col', async (_what, written, expected) => {
    expect(await problems('routing.yaml', POOL_LABEL, written)).toContain(expected);
  });
});
