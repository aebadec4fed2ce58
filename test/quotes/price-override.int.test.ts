/**
 * Price overrides through the HTTP API on the dev server (issue #10): a unit price below the price
 * book's list price is a discount measured against the list price, combined with the line's and
 * the quote's discounts, and judged by the approval matrix; a price above list is none. The
 * approval request (its API view, audit entry and the approver's email) shows list, quoted and
 * effective discount. The rules are the shipped ones, except that approvals.yaml lets revops set
 * prices below list without approval (`priceOverrides.withoutApproval: [revops]`).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { rulesFixture } from '../support/rules-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { openDeal, stockCatalogue } from './deal-fixture';

const customer = { company: 'Compilers Inc', contactName: 'Grace Hopper', region: 'US' };
const platinum = (line: Record<string, unknown> = {}) => ({ sku: 'PLAT-1Y', quantity: 1, ...line });

interface PricedLine {
  listUnitPriceFormatted: string;
  unitPriceFormatted: string;
  effectiveDiscount: string;
}

describe.each(providers)('price overrides on %s', (provider) => {
  let system: TestSystem;
  let revops: string;
  let director: string;
  let tableDeals = 0;
  const rulesDir = rulesFixture({
    approvals: (doc) => doc.setIn(['priceOverrides', 'withoutApproval'], doc.createNode(['revops'])),
  });
  const call = (method: string, path: string, token: string, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: bearer(token) });

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir });
    revops = await system.personToken('revops@example.com', 'revops');
    await system.personToken('vera.vp@example.com', 'vp');
    await system.personToken('fiona.finance@example.com', 'finance');
    director = await system.personToken('dana.director@example.com', 'director', {
      managerEmail: 'vera.vp@example.com',
    });
    await system.personToken('mike.manager@example.com', 'manager', { managerEmail: 'dana.director@example.com' });
    await stockCatalogue(system, revops);
    expect((await call('POST', '/api/products', revops, { sku: 'PLAT-1Y', name: 'Platinum, 1 year' })).status).toBe(
      201,
    );
    expect(
      (await call('PUT', '/api/products/PLAT-1Y/prices/standard/USD', revops, { unitPrice: '1000.00', revision: 1 }))
        .status,
    ).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  /** A fresh deal whose owner (a rep reporting to Mike, Dana, Vera) holds a token. */
  async function dealWithOwner(email: string) {
    const deal = await openDeal(system, revops, email);
    const owner = await system.personToken(deal.ownerEmail, 'rep', { managerEmail: 'mike.manager@example.com' });
    return { ...deal, owner };
  }

  it('when a rep quotes PLAT-1Y (listed at USD 1,000.00) at unitPrice "0", then it is a 100% discount waiting for the executive tier, and the approval request, its audit entry and the email show list, quoted and effective discount', async () => {
    const { dealId, ownerEmail, owner } = await dealWithOwner('probe@compilers.io');
    const created = await call('POST', `/api/deals/${dealId}/quotes`, owner, {
      customer,
      lines: [{ sku: 'PLAT-1Y', unitPrice: '0', quantity: 1 }],
    });
    expect(created.status).toBe(201);
    expect(created.body.submission).toMatchObject({
      submitted: true,
      status: 'pending-approval',
      tier: 'executive-authority',
    });
    const { quote } = created.body;
    expect(quote.current.approval).toEqual({ discountBp: 10_000, discount: '100%', tier: 'executive-authority' });
    expect(quote.current.content.lines[0]).toMatchObject({
      unitPriceMinor: 0,
      listUnitPriceMinor: 100_000,
      priceOverride: { by: ownerEmail, role: 'rep', withoutApproval: false },
    });
    expect(quote.current.totals).toMatchObject({
      listTotalMinor: 100_000,
      totalMinor: 0,
      effectiveDiscount: '100%',
      lines: [{ listFormatted: 'USD 1,000.00', netFormatted: 'USD 0.00', effectiveDiscount: '100%' }],
    });

    const listed = await call('GET', `/api/approvals?dealId=${dealId}`, director);
    const requestId = listed.body.approvals[0].id as string;
    const approval = await call('GET', `/api/approvals/${requestId}`, director);
    expect(approval.status).toBe(200);
    expect(approval.body).toMatchObject({ tier: 'executive-authority', status: 'pending' });
    expect(approval.body.quote.pricing).toMatchObject({
      currency: 'USD',
      judgedDiscount: '100%',
      lines: [
        {
          sku: 'PLAT-1Y',
          listUnitPriceFormatted: 'USD 1,000.00',
          unitPriceFormatted: 'USD 0.00',
          effectiveDiscount: '100%',
          priceOverride: { by: ownerEmail, role: 'rep', withoutApproval: false },
        },
      ],
      total: { listFormatted: 'USD 1,000.00', netFormatted: 'USD 0.00', effectiveDiscount: '100%' },
    });
    expect(listed.body.approvals[0].quote.pricing.total.effectiveDiscount).toBe('100%');
    expect(approval.body.audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'approval.requested',
          details: expect.objectContaining({
            discount: { bp: 10_000, formatted: '100%' },
            pricing: expect.objectContaining({
              total: expect.objectContaining({ listFormatted: 'USD 1,000.00', effectiveDiscount: '100%' }),
            }),
          }),
        }),
      ]),
    );

    const asked = `Approval needed: ${quote.number} v1`;
    const mails = async () => system.mailbox!.list({ to: 'dana.director@example.com' });
    expect(await eventually(async () => (await mails()).some((m) => m.subject.startsWith(asked)))).toBe(true);
    const email = (await mails()).find((m) => m.subject.startsWith(asked))!;
    expect(email.text).toContain(
      `PLAT-1Y Platinum, 1 year × 1: list USD 1,000.00, quoted USD 0.00 (price set by ${ownerEmail}, rep), net USD 0.00: 100% below list`,
    );
    expect(email.text).toContain('Total: list USD 1,000.00, net USD 0.00 before tax: 100% below list');
    expect(email.text).toContain('Discount judged by the approval matrix: 100%');
  });

  const under = (unitPrice: string, discount?: string) => [platinum({ unitPrice, ...(discount ? { discount } : {}) })];
  it.each([
    {
      what: '10% below list',
      lines: under('900.00'),
      status: 'approved',
      tier: 'rep-authority',
      judged: '10%',
      line: '10%',
    },
    {
      what: '15% below list',
      lines: under('850.00'),
      status: 'pending-approval',
      tier: 'manager-authority',
      judged: '15%',
      line: '15%',
    },
    {
      what: 'above list',
      lines: under('1200.00'),
      status: 'approved',
      tier: 'rep-authority',
      judged: '0%',
      line: '0%',
    },
    {
      what: '10% below list with 10% off the line',
      lines: under('900.00', '10'),
      status: 'pending-approval',
      tier: 'manager-authority',
      judged: '19%',
      line: '19%',
    },
    {
      what: '10% below list with 10% off the quote',
      lines: under('900.00'),
      overallDiscount: '10',
      status: 'pending-approval',
      tier: 'manager-authority',
      judged: '19%',
      line: '10%',
    },
    {
      what: '20% below list with 10% off the line, beside a line at list',
      lines: [...under('800.00', '10'), { sku: 'SEAT', quantity: 10 }],
      status: 'pending-approval',
      tier: 'director-authority',
      judged: '28%',
      line: '28%',
    },
  ])(
    'when a rep quotes PLAT-1Y $what, then the version is $status at $tier (judged $judged; the line is $line below list)',
    async ({ lines, overallDiscount, status, tier, judged, line }) => {
      const { dealId, owner } = await dealWithOwner(`table-${++tableDeals}@compilers.io`);
      const created = await call('POST', `/api/deals/${dealId}/quotes`, owner, { customer, lines, overallDiscount });
      expect(created.status).toBe(201);
      expect(created.body.submission).toMatchObject({ submitted: true, status, tier });
      expect(created.body.quote.current.approval).toMatchObject({ discount: judged, tier });
      expect(created.body.quote.current.totals.lines[0].effectiveDiscount).toBe(line);
    },
  );

  it('when revops (allowed by approvals.yaml) sets a price below list, then it stands without approval, a rep keeping it keeps it approved, and a rep changing it needs approval again', async () => {
    const { dealId, owner, ownerEmail } = await dealWithOwner('special@compilers.io');
    const byRevops = await call('POST', `/api/deals/${dealId}/quotes`, revops, {
      customer,
      lines: [platinum({ unitPrice: '500.00' })],
    });
    expect(byRevops.status).toBe(201);
    const { quote } = byRevops.body;
    expect(byRevops.body.submission).toMatchObject({ status: 'approved', tier: 'rep-authority' });
    expect(quote.current.approval).toMatchObject({ discount: '0%' });
    expect(quote.current.content.lines[0].priceOverride).toEqual({
      by: 'revops@example.com',
      role: 'revops',
      withoutApproval: true,
    });
    expect(quote.current.totals.effectiveDiscount).toBe('50%');

    const kept = await call('PUT', `/api/quotes/${quote.id}`, owner, {
      revision: 1,
      customer,
      lines: [platinum({ unitPrice: '500.00', quantity: 2 })],
    });
    expect(kept.status).toBe(200);
    expect(kept.body.submission).toMatchObject({ status: 'approved', tier: 'rep-authority' });
    expect(kept.body.quote.current.content.lines[0].priceOverride).toMatchObject({ by: 'revops@example.com' });

    const changed = await call('PUT', `/api/quotes/${quote.id}`, owner, {
      revision: 2,
      customer,
      lines: [platinum({ unitPrice: '450.00', quantity: 2 })],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.submission).toMatchObject({ status: 'pending-approval', tier: 'executive-authority' });
    expect(changed.body.quote.current.approval).toMatchObject({ discount: '55%' });
    expect(changed.body.quote.current.content.lines[0].priceOverride).toEqual({
      by: ownerEmail,
      role: 'rep',
      withoutApproval: false,
    });
    const pricing = (await call('GET', `/api/approvals?dealId=${dealId}&status=pending`, director)).body.approvals[0]
      .quote.pricing as { lines: PricedLine[] };
    expect(pricing.lines[0]).toMatchObject({
      listUnitPriceFormatted: 'USD 1,000.00',
      unitPriceFormatted: 'USD 450.00',
      effectiveDiscount: '55%',
    });
  });

  it('when a line names a product without a price in the price book, then the quote is refused with 422 at its sku, even with a unitPrice', async () => {
    const { dealId, owner } = await dealWithOwner('unpriced@compilers.io');
    const refused = await call('POST', `/api/deals/${dealId}/quotes`, owner, {
      customer,
      lines: [{ sku: 'UNPRICED', quantity: 1, unitPrice: '10.00' }],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields).toEqual([
      { path: 'lines.0.sku', message: expect.stringContaining('has no price in price book "standard" for USD') },
    ]);
  });
});
