/**
 * Notices about a deal, in the reader's language (src/domain/deal-notices.ts): the renewal
 * reminder a contract's owner gets, with its lead time in their words.
 */
import { describe, expect, it } from 'vitest';
import { dealNoticeText } from '../../src/domain/deal-notices';
import { formatDuration } from '../../src/email/i18n';
import { mustParseDuration } from '../../src/rules/duration';

const DEAL = { name: 'Acme platform', url: 'https://leadflow.example/deals/dl_1' };

describe('deal notices', () => {
  it('when a contract comes up for renewal, then its owner reads the dates, values and lead time in English', () => {
    const text = dealNoticeText(
      {
        kind: 'renewal-due',
        endDate: '2027-03-31',
        offset: formatDuration(mustParseDuration('90 days'), 'en'),
        acv: 'USD 12,000.00',
        tcv: 'USD 36,000.00',
      },
      DEAL,
      'en',
    );
    expect(text).toEqual({
      subject: 'Renewal coming up, ends 2027-03-31: Acme platform',
      text: 'The contract for Acme platform (USD 12,000.00 a year, USD 36,000.00 in total, excluding tax) ends on 2027-03-31, 90 days from now.\n\nDeal: https://leadflow.example/deals/dl_1\n',
    });
  });

  it('when the owner reads Chinese, then the reminder and its lead time are in Chinese', () => {
    const text = dealNoticeText(
      {
        kind: 'renewal-due',
        endDate: '2027-03-31',
        offset: formatDuration(mustParseDuration('10 business days'), 'zh-CN'),
        acv: 'CNY 80,000.00',
        tcv: 'CNY 240,000.00',
      },
      DEAL,
      'zh-CN',
    );
    expect(text.subject).toBe('即将续约，2027-03-31 到期：Acme platform');
    expect(text.text).toContain(
      'Acme platform 的合同（每年 CNY 80,000.00，合计 CNY 240,000.00，不含税）将于 2027-03-31 到期，距今还有 10 个工作日。',
    );
    expect(text.text).toContain('商机：https://leadflow.example/deals/dl_1');
  });

  it('when any duration unit is written, then both languages name it', () => {
    for (const written of [
      '90 seconds',
      '5 minutes',
      '48 hours',
      '30 days',
      '2 weeks',
      '2 business hours',
      '3 business days',
    ])
      for (const language of ['en', 'zh-CN'] as const) {
        const shown = formatDuration(mustParseDuration(written), language);
        expect(shown, `${written} in ${language}`).not.toContain('duration.');
        expect(shown).toMatch(/^\d+ \S/);
      }
    expect(formatDuration(mustParseDuration('3 business days'), 'en')).toBe('3 business days');
    expect(formatDuration(mustParseDuration('1 week'), 'en')).toBe('1 week');
    expect(formatDuration(mustParseDuration('1 week'), 'zh-CN')).toBe('1 周');
  });
});
