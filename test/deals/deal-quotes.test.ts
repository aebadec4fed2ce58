import { describe, expect, it } from 'vitest';
import type { DealQuote, DealState } from '../../workflows/dealMessages';
import { putQuote, quoteToWin, upgradeDealState } from '../../workflows/deal/quotes';

const quote = (quoteId: string, status: DealQuote['status'], version = 1): DealQuote => ({
  quoteId,
  number: `Q-2026-${quoteId}`,
  version,
  versionId: `qv_${quoteId}_${version}`,
  status,
  expiresAt: null,
  approvalWorkflowId: null,
});

function dealWith(quotes: DealQuote[]): DealState {
  return {
    dealId: 'dl_1',
    tenant: 'default',
    leadId: 'ld_1',
    stage: 'negotiation',
    stageEnteredAt: '2026-03-02T09:00:00.000Z',
    owner: 'rep@example.com',
    quotes,
    stalled: null,
    meetings: [],
    warnings: [],
    contract: null,
    pendingWrites: 0,
  };
}

describe('the quote a deal is won on', () => {
  it.each([
    [
      'no quote at all',
      [],
      undefined,
      /create and approve a quote first/,
      { code: 'win-no-approved-quote', params: {} },
    ],
    [
      'only a pending one',
      [quote('0001', 'pending-approval')],
      undefined,
      /create and approve a quote first/,
      { code: 'win-no-approved-quote', params: {} },
    ],
    [
      'two approved and none named',
      [quote('0001', 'approved'), quote('0002', 'sent')],
      undefined,
      /several quotes are approved \(Q-2026-0001 version 1, Q-2026-0002 version 1\): name the one/,
      { code: 'win-several-approved-quotes', params: { quotes: 'Q-2026-0001 v1, Q-2026-0002 v1' } },
    ],
    [
      'a named quote that waits',
      [quote('0001', 'pending-approval')],
      '0001',
      /Q-2026-0001 version 1 is pending-approval/,
      {
        code: 'win-quote-not-winnable',
        params: { quote: 'Q-2026-0001', version: 1, status: 'pending-approval' },
      },
    ],
    [
      'a quote of another deal',
      [quote('0001', 'approved')],
      '0009',
      /the deal has no quote 0009/,
      { code: 'win-no-such-quote', params: { quoteId: '0009' } },
    ],
  ] as const)('when the deal has %s, then closing won is refused with the reason', (_, quotes, named, reason, why) => {
    const chosen = quoteToWin(dealWith([...quotes]), named);
    // In English words, and as a code with values that the API words in the caller's language.
    expect(chosen).toEqual({ refused: expect.stringMatching(reason), why });
  });

  it.each([
    ['the only approved one', [quote('0001', 'rejected'), quote('0002', 'approved')], undefined, '0002'],
    ['the named one among several', [quote('0001', 'approved'), quote('0002', 'signed')], '0002', '0002'],
  ] as const)('when the deal has %s, then it is won on that quote', (_, quotes, named, expected) => {
    expect(quoteToWin(dealWith([...quotes]), named)).toMatchObject({ quoteId: expected });
  });
});

describe("the deal's quotes", () => {
  it('when a new version of a quote arrives, then it replaces that quote only; a new quote is added', () => {
    const state = dealWith([quote('0001', 'pending-approval'), quote('0002', 'approved')]);
    putQuote(state, quote('0001', 'approved', 2));
    putQuote(state, quote('0003', 'pending-approval'));
    expect(state.quotes.map((q) => [q.quoteId, q.version, q.status])).toEqual([
      ['0001', 2, 'approved'],
      ['0002', 1, 'approved'],
      ['0003', 1, 'pending-approval'],
    ]);
  });

  it('when state from before several quotes is carried over, then its one quote becomes the list', () => {
    const { quotes, ...legacy } = dealWith([]);
    expect(quotes).toEqual([]);
    expect(upgradeDealState({ ...legacy, quote: quote('0001', 'sent') } as unknown as DealState).quotes).toEqual([
      quote('0001', 'sent'),
    ]);
    expect(upgradeDealState({ ...legacy, quote: null } as unknown as DealState).quotes).toEqual([]);
    expect(upgradeDealState({ ...legacy, quote: null } as unknown as DealState)).not.toHaveProperty('quote');
  });
});
