/**
 * A deal with several quotes, through the real HTTP API on the dev server (issue #11, items 2, 3
 * and 13): a second and a third quote on a deal never disturb the first one's approval; a new
 * version of one quote supersedes only that quote's previous version; closing the deal won on one
 * quote withdraws the others and values the contract at that quote's TCV and ACV (term-aware,
 * excluding tax, as its documents say); closing it lost withdraws every open version and cancels
 * every pending approval, also when an approval workflow ended without telling the deal. Every
 * answer agrees with what was stored, and no approval request is left pending without steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteOnly } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';
import { drawnText } from '../quotes/support';

const DAY = 86_400_000;

interface StepView {
  id: string;
  level: string;
  assignee: string;
  status: string;
  decidedBy: string | null;
  comment: string | null;
}
interface ApprovalView {
  id: string;
  status: string;
  outcomeReason: string | null;
  contentHash: string;
  quote: { id: string; version: number; status: string };
  steps: StepView[];
}
interface QuoteWrite {
  status: number;
  body: {
    quote: { id: string; number: string; revision: number; current: { id: string; contentHash: string } };
    submission: { submitted: boolean; status?: string; approvalWorkflowId?: string | null; reason?: string };
  };
}

describe.each(sqliteOnly)('several quotes on one deal (%s)', (provider) => {
  let system: TestSystem;
  let revops: string;
  let manager: string;

  const call = (method: string, path: string, token = revops, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: bearer(token) });
  const quoteBody = (discount: string, quantity: number) => ({
    customer: { company: 'Compilers Inc', contactName: 'Grace Hopper', email: 'grace@compilers.io', region: 'US' },
    lines: [{ sku: 'PLAT-ENT-1Y', quantity, discount }],
  });
  const newQuote = async (dealId: string, body: unknown) =>
    (await call('POST', `/api/deals/${dealId}/quotes`, revops, body)) as QuoteWrite;
  const approval = async (requestId: string) => (await call('GET', `/api/approvals/${requestId}`)).body as ApprovalView;
  const approvalsOf = async (dealId: string) =>
    (await call('GET', `/api/approvals?dealId=${dealId}`)).body.approvals as ApprovalView[];
  const versionStatus = async (versionId: string) =>
    (await system.database.db.quoteVersion.findUniqueOrThrow({ where: { id: versionId } })).status;
  /** Waits, as the manager does, for the email asking for the version's approval; returns the request. */
  const assigned = async (write: QuoteWrite, version = 1) => {
    const subject = `Approval needed: ${write.body.quote.number} v${version} `;
    const asked = async () =>
      (await system.mailbox!.list({ to: 'mike.manager@example.com' })).some((m) => m.subject.startsWith(subject));
    expect(await eventually(asked, 30_000)).toBe(true);
    return approval(`apr_${write.body.quote.current.id}`);
  };
  const approveFirstStep = async (write: QuoteWrite) => {
    const requestId = `apr_${write.body.quote.current.id}`;
    const request = await assigned(write);
    const step = request.steps[0]!;
    const decided = await call('POST', `/api/approvals/${requestId}/steps/${step.id}/decision`, manager, {
      decision: 'approve',
      comment: 'fine',
      contentHash: request.contentHash,
    });
    expect(decided.status).toBe(200);
    expect(await eventually(async () => (await approval(requestId)).status === 'approved', 30_000)).toBe(true);
  };
  /** No approval request of the deal is pending without a step. */
  const noStepless = async (dealId: string) =>
    expect((await approvalsOf(dealId)).filter((a) => a.status === 'pending' && a.steps.length === 0)).toEqual([]);

  beforeAll(async () => {
    system = await startTestSystem(provider);
    revops = await system.personToken('revops@example.com', 'revops');
    await system.personToken('dana.director@example.com', 'director');
    manager = await system.personToken('mike.manager@example.com', 'manager', {
      managerEmail: 'dana.director@example.com',
    });
    await stockCatalogue(system, revops);
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  /** A deal owned by a rep who reports to Mike (the manager approver). */
  async function dealFor(email: string): Promise<string> {
    const { dealId, ownerEmail } = await openDeal(system, revops, email);
    await system.personToken(ownerEmail, 'rep', { managerEmail: 'mike.manager@example.com' });
    return dealId;
  }

  let wonDeal: string;
  let contractQuote: QuoteWrite;
  const quotes: Record<'first' | 'second' | 'third', { id: string; versionId: string; requestId: string }> = {
    first: { id: '', versionId: '', requestId: '' },
    second: { id: '', versionId: '', requestId: '' },
    third: { id: '', versionId: '', requestId: '' },
  };

  it('when a deal gets a second and a third quote while the first waits for approval, then each quote keeps its own approval: every write is 201 and submitted, and nothing is withdrawn', async () => {
    wonDeal = await dealFor('grace@compilers.io');
    // 50 seats at USD 1,200.00 per seat per year for 24 months, 15 % off, plus one-time onboarding, in New York.
    const first = await newQuote(wonDeal, {
      customer: { company: 'Compilers Inc', contactName: 'Grace Hopper', region: 'US-NY' },
      lines: [
        { sku: 'PLAT-ENT-1Y', quantity: 50, discount: '15' },
        { sku: 'ONBOARD', quantity: 1 },
      ],
      termMonths: 24,
    });
    contractQuote = first;
    expect(first.status).toBe(201);
    expect(first.body.submission).toMatchObject({ submitted: true, status: 'pending-approval' });
    quotes.first = {
      id: first.body.quote.id,
      versionId: first.body.quote.current.id,
      requestId: `apr_${first.body.quote.current.id}`,
    };
    await assigned(first);

    const second = await newQuote(wonDeal, quoteBody('15', 5));
    expect(second.status).toBe(201);
    expect(second.body.submission).toMatchObject({ submitted: true, status: 'pending-approval' });
    quotes.second = {
      id: second.body.quote.id,
      versionId: second.body.quote.current.id,
      requestId: `apr_${second.body.quote.current.id}`,
    };
    expect(second.body.submission.approvalWorkflowId).not.toBe(first.body.submission.approvalWorkflowId);

    const third = await newQuote(wonDeal, quoteBody('5', 2));
    expect(third.status).toBe(201);
    expect(third.body.submission).toMatchObject({ submitted: true, status: 'approved' });
    quotes.third = { id: third.body.quote.id, versionId: third.body.quote.current.id, requestId: '' };

    await assigned(second);
    // The first quote's approval was not touched by the others.
    expect(await approval(quotes.first.requestId)).toMatchObject({
      status: 'pending',
      quote: { status: 'pending-approval' },
      steps: [{ level: 'manager', status: 'pending' }],
    });
    expect(await approval(quotes.second.requestId)).toMatchObject({
      status: 'pending',
      quote: { status: 'pending-approval' },
    });
    await noStepless(wonDeal);

    // The deal's approvals, one per page, are the whole list in the same order, each once.
    const whole = (await approvalsOf(wonDeal)).map((request) => request.id);
    expect(whole).toEqual(expect.arrayContaining([quotes.first.requestId, quotes.second.requestId]));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `/api/approvals?dealId=${wonDeal}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.approvals.length).toBeLessThanOrEqual(1);
      paged.push(...page.body.approvals.map((request: ApprovalView) => request.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null && paged.length <= whole.length);
    expect(paged).toEqual(whole);
    for (const [bad, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
    ] as const) {
      const refused = await call('GET', `/api/approvals?dealId=${wonDeal}&${bad}`);
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.fields, bad).toEqual([expect.objectContaining({ path: field })]);
    }

    // The first quote can still be approved, and the deal hears of it (the chain tells it just after storing).
    await approveFirstStep(first);
    expect(await versionStatus(quotes.first.versionId)).toBe('approved');
    const journeyQuotes = async () =>
      (await call('GET', `/api/deals/${wonDeal}`)).body.journey.quotes as Array<{ quoteId: string; status: string }>;
    expect(
      await eventually(
        async () => (await journeyQuotes()).some((q) => q.quoteId === quotes.first.id && q.status === 'approved'),
        10_000,
      ),
    ).toBe(true);
    expect(await journeyQuotes()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ quoteId: quotes.first.id, status: 'approved' }),
        expect.objectContaining({ quoteId: quotes.second.id, status: 'pending-approval' }),
        expect.objectContaining({ quoteId: quotes.third.id, status: 'approved' }),
      ]),
    );
  });

  it('when a quote sells 50 seats at USD 1,200 per seat per year for 24 months with one-time onboarding, then its totals and its HTML and PDF documents show the price per year over the term, tax apart, TCV and ACV', async () => {
    // 50 × 1,200.00 × 24/12 = 120,000.00 − 15 % = 102,000.00; onboarding 2,500.00 once.
    // TCV = 104,500.00 (taxable); ACV = 104,500.00 × 12 / 24 = 52,250.00; NY tax 8.875 % = 9,274.375 → 9,274.38.
    const view = (await call('GET', `/api/quotes/${contractQuote.body.quote.id}`)).body;
    expect(view.current.totals).toMatchObject({
      listTotalMinor: 12_250_000,
      taxableMinor: 10_450_000,
      taxMinor: 927_438,
      totalMinor: 11_377_438,
      termMonths: 24,
      tcvMinor: 10_450_000,
      tcvFormatted: 'USD 104,500.00',
      acvMinor: 5_225_000,
      acvFormatted: 'USD 52,250.00',
    });
    expect(view.current.content.lines.map((l: { sku: string; billing: string }) => [l.sku, l.billing])).toEqual([
      ['PLAT-ENT-1Y', 'yearly'],
      ['ONBOARD', 'one-time'],
    ]);

    const path = `/api/quotes/${contractQuote.body.quote.id}/versions/1/document`;
    const html = await (await fetch(`${system.url}${path}`, { headers: bearer(revops) })).text();
    for (const shown of [
      'per year for 24 months',
      'one-time',
      'Total contract value (TCV), excluding tax',
      'USD 104,500.00',
      'Annual contract value (ACV), excluding tax',
      'USD 52,250.00',
      'Tax 8.875% (US-NY)',
      'USD 9,274.38',
      'USD 113,774.38',
      'Prices per year apply for each year of the 24-month term',
    ])
      expect(html, shown).toContain(shown);
    const pdf = await fetch(`${system.url}${path}?format=pdf`, { headers: bearer(revops) });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const drawn = drawnText(new Uint8Array(await pdf.arrayBuffer()));
    expect(drawn).toEqual(
      expect.arrayContaining([
        '1,200.00',
        'per year for 24 months',
        'one-time',
        '102,000.00',
        'CONTRACT VALUE',
        'Total contract value (TCV), excluding tax',
        'USD 104,500.00',
        'Annual contract value (ACV), excluding tax',
        'USD 52,250.00',
        'USD 113,774.38',
      ]),
    );
  });

  it('when one of several quotes gets a new version, then only its own previous version is superseded: its request is cancelled with the reason, and every step with it', async () => {
    const current = (await call('GET', `/api/quotes/${quotes.second.id}`)).body;
    const edited = await call('PUT', `/api/quotes/${quotes.second.id}`, revops, {
      ...quoteBody('18', 5),
      revision: current.revision,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.submission).toMatchObject({ submitted: true, status: 'pending-approval' });
    const replaced = quotes.second;
    expect(await eventually(async () => (await approval(replaced.requestId)).status === 'cancelled', 30_000)).toBe(
      true,
    );
    const cancelled = await approval(replaced.requestId);
    expect(cancelled).toMatchObject({
      outcomeReason: 'quote edited: version 2 replaces 1',
      quote: { version: 1, status: 'superseded' },
    });
    expect(cancelled.steps.map((s) => [s.status, s.decidedBy, s.comment])).toEqual([
      ['cancelled', 'system', 'quote edited: version 2 replaces 1'],
    ]);
    quotes.second = {
      id: replaced.id,
      versionId: edited.body.quote.current.id,
      requestId: `apr_${edited.body.quote.current.id}`,
    };
    await assigned(edited, 2);
    // The other quotes are as they were.
    expect(await versionStatus(quotes.first.versionId)).toBe('approved');
    expect(await versionStatus(quotes.third.versionId)).toBe('approved');
    await noStepless(wonDeal);
  });

  it('when a deal with several approved quotes is closed won, then it must name the quote; the named one makes the contract, and every other open version is withdrawn with its pending approval cancelled', async () => {
    const unnamed = await call('POST', `/api/deals/${wonDeal}/stage`, revops, { to: 'closed-won' });
    expect(unnamed.status).toBe(422);
    expect(unnamed.body.error).toMatchObject({
      code: 'not_allowed',
      fields: [{ path: 'quoteId', message: expect.stringContaining('several quotes') }],
    });
    const pending = await call('POST', `/api/deals/${wonDeal}/stage`, revops, {
      to: 'closed-won',
      quoteId: quotes.second.id,
    });
    expect(pending.status).toBe(422);
    expect(pending.body.error.fields).toEqual([
      { path: 'quoteId', message: expect.stringContaining('pending-approval') },
    ]);

    const won = await call('POST', `/api/deals/${wonDeal}/stage`, revops, {
      to: 'closed-won',
      quoteId: quotes.first.id,
    });
    expect(won).toMatchObject({ status: 200, body: { stage: 'closed-won' } });
    const deal = (await call('GET', `/api/deals/${wonDeal}`)).body;
    expect(deal).toMatchObject({ stage: 'closed-won', contract: { currency: 'USD' } });
    const contract = await system.database.db.contract.findUniqueOrThrow({ where: { dealId: wonDeal } });
    expect(contract.quoteVersionId).toBe(quotes.first.versionId);
    // The contract and the deal are worth the won quote over its term, excluding tax, in queryable columns.
    expect(contract).toMatchObject({ termMonths: 24, tcvMinor: 10_450_000n, acvMinor: 5_225_000n });
    expect(deal).toMatchObject({
      amountMinor: 10_450_000,
      acvMinor: 5_225_000,
      contract: {
        termMonths: 24,
        tcvMinor: 10_450_000,
        tcvFormatted: 'USD 104,500.00',
        acvMinor: 5_225_000,
        acvFormatted: 'USD 52,250.00',
      },
    });
    expect(Date.parse(deal.contract.endDate) - Date.parse(deal.contract.startDate)).toBeGreaterThan(2 * 364 * DAY);

    // What the answer said is what was stored, at once.
    expect(await versionStatus(quotes.first.versionId)).toBe('approved');
    expect(await versionStatus(quotes.second.versionId)).toBe('withdrawn');
    expect(await versionStatus(quotes.third.versionId)).toBe('withdrawn');
    const request = await approval(quotes.second.requestId);
    expect(request).toMatchObject({
      status: 'cancelled',
      outcomeReason: expect.stringMatching(/^deal closed won on quote Q-\d{4}-\d{4} version 1$/),
    });
    expect(request.steps.every((s) => s.status === 'cancelled' && s.comment === request.outcomeReason)).toBe(true);
    await noStepless(wonDeal);
  });

  it('when a deal is closed lost after one approval finished, while others wait and one approval workflow ended without telling the deal, then 200: every open version is withdrawn and every request cancelled', async () => {
    const dealId = await dealFor('ada@engines.io');
    const done = await newQuote(dealId, quoteBody('15', 4));
    await approveFirstStep(done);
    const waiting = await newQuote(dealId, quoteBody('25', 6));
    expect(waiting.body.submission).toMatchObject({ submitted: true, status: 'pending-approval' });
    const orphan = await newQuote(dealId, quoteBody('15', 7));
    expect(orphan.body.submission).toMatchObject({ submitted: true, status: 'pending-approval' });
    await assigned(orphan);
    // The chain ends without a word to the deal (an operator terminates it): the deal still thinks it waits.
    await system.temporal.workflow.getHandle(orphan.body.submission.approvalWorkflowId!).terminate('operator');

    const lost = await call('POST', `/api/deals/${dealId}/stage`, revops, {
      to: 'closed-lost',
      reason: 'chose a competitor',
    });
    expect(lost).toMatchObject({ status: 200, body: { stage: 'closed-lost' } });

    const deal = (await call('GET', `/api/deals/${dealId}`)).body;
    expect(deal).toMatchObject({ stage: 'closed-lost', closeReason: 'chose a competitor', contract: null });
    // The deal's close, then its lead following it (issue #11, item 11).
    expect(deal.stageEvents.slice(-2)).toMatchObject([
      { toStage: 'closed-lost', reason: 'chose a competitor' },
      { fromStage: 'sql', toStage: 'lost', reason: `deal ${dealId} closed lost: chose a competitor` },
    ]);
    for (const write of [done, waiting, orphan])
      expect(await versionStatus(write.body.quote.current.id), write.body.quote.number).toBe('withdrawn');
    const requests = await approvalsOf(dealId);
    expect(requests.map((r) => [r.quote.id, r.status, r.outcomeReason]).sort()).toEqual(
      [
        [done.body.quote.id, 'approved', expect.any(String)],
        [waiting.body.quote.id, 'cancelled', 'deal closed lost'],
        [orphan.body.quote.id, 'cancelled', 'deal closed lost'],
      ].sort(),
    );
    expect(requests.flatMap((r) => r.steps).filter((s) => s.status === 'pending')).toEqual([]);

    // The withdrawn chain ends cancelled, not failed, though the deal it reports to has finished.
    const chain = system.temporal.workflow.getHandle(waiting.body.submission.approvalWorkflowId!);
    expect(await chain.result()).toMatchObject({ status: 'cancelled', reason: 'deal closed lost' });
    const trail = (await call('GET', `/api/audit?dealId=${dealId}&limit=200`)).body.entries as Array<{
      action: string;
      details: Record<string, unknown>;
    }>;
    expect(trail.filter((e) => e.action === 'deal.stage-changed' && e.details.to === 'closed-lost')).toHaveLength(1);
    expect(trail.filter((e) => e.action === 'quote.withdrawn')).toHaveLength(3);
  });
});
