import { describe, expect, it } from 'vitest';
import { computeQuote } from '../../src/domain/quote';
import { composeQuoteEmail, quoteRecipient } from '../../src/domain/quote-mail';
import { quoteContent } from '../quotes/support';

describe('who a sent quote is emailed to', () => {
  const customer = quoteContent().customer;
  it.each([
    ['the quote names an email', customer, 'lead@acme.de', { email: 'jana@acme.de', name: 'Jana Berg' }],
    [
      'the quote names none',
      { ...customer, email: undefined },
      'lead@acme.de',
      { email: 'lead@acme.de', name: 'Jana Berg' },
    ],
    [
      'the quote email is blank',
      { ...customer, email: '  ', contactName: ' ' },
      'lead@acme.de',
      { email: 'lead@acme.de' },
    ],
    ['neither has one', { ...customer, email: undefined }, null, null],
  ])('when %s, then %j', (_case, quoteCustomer, leadEmail, expected) => {
    expect(quoteRecipient({ customer: quoteCustomer }, leadEmail)).toEqual(expected);
  });
});

describe('the quote email', () => {
  const content = quoteContent();
  const input = {
    quoteNumber: 'Q-2026-0042',
    version: 3,
    content,
    totals: computeQuote(content),
    ownerEmail: 'alice.chen@leadflow.example',
  };

  it('when written in English, then it names the quote, version, company, total with tax, validity and who replies reach', () => {
    const email = composeQuoteEmail(input, 'en');
    expect(email.subject).toBe('Quote Q-2026-0042 from Leadflow Inc.');
    expect(email.fileName).toBe('Q-2026-0042-v3.pdf');
    expect(email.text).toBe(
      'Hello Jana Berg,\n\n' +
        `Please find attached our quote Q-2026-0042 (version 3) for Acme GmbH: ${totalOf(input)}, valid until 2026-04-30.\n\n` +
        'If you have any questions, just reply to this email; it reaches alice.chen@leadflow.example.\n\n' +
        'Leadflow Inc.\n',
    );
  });

  it('when written in Simplified Chinese, then it says the same with the same figures', () => {
    const email = composeQuoteEmail(
      { ...input, content: { ...content, customer: { ...content.customer, contactName: undefined } } },
      'zh-CN',
    );
    expect(email.subject).toBe('Leadflow Inc. 的报价单 Q-2026-0042');
    expect(email.text).toContain('您好：');
    expect(email.text).toContain(`报价单 Q-2026-0042（第 3 版）：总计 ${totalOf(input)}，有效期至 2026-04-30。`);
    expect(email.text).toContain('alice.chen@leadflow.example');
  });
});

function totalOf(input: { totals: { totalMinor: number } }): string {
  return `USD ${(input.totals.totalMinor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
}
