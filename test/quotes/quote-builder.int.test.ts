/**
 * The quote builder through the HTTP API, on a real deal (lead → SQL → converted) with the real
 * deal workflow: prices from the price book, tax by region from approvals.yaml, versions with
 * optimistic concurrency, diffs, documents, validation and who may write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { openDeal, stockCatalogue } from './deal-fixture';

const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
/** Any of the UTC days (or years) a request made between `before` and now may have seen: a run at midnight sees two. */
const daysSince = (before: Date) => [before.toISOString().slice(0, 10), today()];
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

const newYorkQuote = {
  customer: {
    company: 'Compilers Inc',
    contactName: 'Grace Hopper',
    email: 'grace@compilers.io',
    address: '1 Broadway, New York',
    region: 'us-ny',
  },
  lines: [
    { sku: 'PLAT-ENT-1Y', quantity: 5, discount: '10' }, // 5 × 1,200.00 = 6,000.00 − 10% = 5,400.00
    { sku: 'ONBOARD', quantity: 1, unitPrice: '2250.00' }, // list 2,500.00, agreed 2,250.00: 10% below list
    { sku: 'SEAT', quantity: 3 }, // 3 × 49.99 = 149.97
  ],
};

describe.each(providers)('quote builder on %s', (provider) => {
  let system: TestSystem;
  let revops: string;
  let owner: string;
  let manager: string;
  let outsider: string;
  let reader: string;
  let dealId: string;
  const call = (
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    http(`${system.url}${path}`, {
      method,
      body,
      headers: { ...(token ? bearer(token) : {}), ...headers },
      anonymous: !token,
    });

  beforeAll(async () => {
    system = await startTestSystem(provider);
    revops = await system.personToken('revops@example.com', 'revops');
    await stockCatalogue(system, revops);
    const deal = await openDeal(system, revops, 'grace@compilers.io');
    dealId = deal.dealId;
    manager = await system.personToken('morgan.manager@example.com', 'manager');
    owner = await system.personToken(deal.ownerEmail, 'rep', { managerEmail: 'morgan.manager@example.com' });
    outsider = await system.personToken('other.rep@example.com', 'rep');
    // Reads go through the owner's manager: the deal is in their sight (their report's).
    reader = manager;
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  const createQuote = (body: unknown, token = owner) => call('POST', `/api/deals/${dealId}/quotes`, token, body);

  it('when a quote is created from the template, then it has price-book prices, New York tax at 8.875% and a rep-authority discount (10% off one line, another priced 10% below list) that is approved at once', async () => {
    const before = new Date();
    const created = await createQuote(newYorkQuote);
    expect(created.status).toBe(201);
    const { quote, submission } = created.body;
    expect(created.headers.get('location')).toBe(`/api/quotes/${quote.id}`);
    const years = new Set([before.getUTCFullYear(), new Date().getUTCFullYear()]);
    expect(quote).toMatchObject({
      number: expect.stringMatching(new RegExp(`^Q-(${[...years].join('|')})-\\d{4}$`)),
      dealId,
      revision: 1,
      currentVersion: 1,
    });
    expect(submission).toMatchObject({ submitted: true, status: 'approved', tier: 'rep-authority' });
    const { content, totals } = quote.current;
    expect(content.seller).toEqual({
      name: 'Leadflow Inc.',
      address: '1 Market St, San Francisco, CA 94105',
      taxId: 'US-12-3456789',
    });
    expect(content).toMatchObject({
      currency: 'USD',
      taxRegion: 'US-NY',
      taxRatePpm: 88_750,
      taxRate: '8.875%',
      paymentTerms: 'net-30',
      validUntil: inDays(30),
      notes: 'Prices exclude travel.',
    });
    expect(
      content.lines.map((l: Record<string, unknown>) => [
        l.id,
        l.sku,
        l.name,
        l.quantity,
        l.unitPriceMinor,
        l.unitPrice,
        l.discount,
      ]),
    ).toEqual([
      ['L1', 'PLAT-ENT-1Y', 'Platform Enterprise, 1 year', 5, 120_000, '1200.00', '10%'],
      ['L2', 'ONBOARD', 'Onboarding package', 1, 225_000, '2250.00', '0%'],
      ['L3', 'SEAT', 'Additional seat', 3, 4_999, '49.99', '0%'],
    ]);
    expect(content.lines[1]).toMatchObject({
      listUnitPriceMinor: 250_000,
      listUnitPriceFormatted: 'USD 2,500.00',
      priceOverride: { by: (await call('GET', '/api/me', owner)).body.email, role: 'rep', withoutApproval: false },
    });
    expect(content.lines[0].priceOverride).toBeUndefined();
    // list 8,649.97 (the price book's); subtotal 7,799.97; tax 8.875% = 692.2473… → 692.25; total 8,492.22
    expect(totals).toMatchObject({
      listTotalMinor: 864_997,
      subtotalMinor: 779_997,
      taxMinor: 69_225,
      totalMinor: 849_222,
      effectiveDiscountBp: 983,
      totalFormatted: 'USD 8,492.22',
      taxFormatted: 'USD 692.25',
      effectiveDiscount: '9.83%',
    });
    expect(totals.lines[1]).toMatchObject({ listFormatted: 'USD 2,500.00', effectiveDiscount: '10%' });
    expect(quote.current).toMatchObject({
      status: 'approved',
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      approval: { discountBp: 1000, discount: '10%', tier: 'rep-authority' },
    });

    const audit = await call('GET', `/api/audit?subjectType=quote&subjectId=${quote.id}`, reader);
    expect(audit.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'quote.created',
          actor: (await call('GET', '/api/me', owner)).body.email,
          dealId,
          details: expect.objectContaining({
            version: 1,
            contentHash: quote.current.contentHash,
            totals: expect.objectContaining({ total: { minor: 849_222, formatted: 'USD 8,492.22' } }),
            discount: expect.objectContaining({ bp: 1000 }),
          }),
        }),
      ]),
    );
  });

  it.each([
    ['GB', 200_000, '20%'],
    ['US-TX', 0, '0%'],
    ['JP', 0, '0%'],
  ])('when the customer is in %s, then the tax rate is %d ppm (%s)', async (region, ppm, text) => {
    const created = await createQuote({
      customer: { company: 'Elsewhere Ltd', region },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 1 }],
    });
    expect(created.status).toBe(201);
    expect(created.body.quote.current.content).toMatchObject({ taxRegion: region, taxRatePpm: ppm, taxRate: text });
    expect(created.body.quote.current.totals.taxMinor).toBe((120_000 * ppm) / 1_000_000);
  });

  it('when the quote is edited, then version 2 supersedes version 1, both are listed, and the diff shows the changed line and totals', async () => {
    const { quote } = (await createQuote(newYorkQuote)).body;
    const edited = await call('PUT', `/api/quotes/${quote.id}`, owner, {
      revision: 1,
      customer: newYorkQuote.customer,
      lines: [
        { sku: 'PLAT-ENT-1Y', quantity: 8, discount: '10' },
        { sku: 'ONBOARD', quantity: 1, unitPrice: '2250.00' },
      ],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      changed: true,
      submission: { submitted: true, status: 'approved' },
      quote: { revision: 2, currentVersion: 2, status: 'approved' },
    });
    expect(edited.body.quote.current.totals).toMatchObject({
      subtotalMinor: 1_089_000,
      taxMinor: 96_649,
      totalMinor: 1_185_649,
    });

    const versions = await call('GET', `/api/quotes/${quote.id}/versions`, reader);
    expect(
      versions.body.versions.map((v: { version: number; status: string; totalFormatted: string }) => [
        v.version,
        v.status,
        v.totalFormatted,
      ]),
    ).toEqual([
      [1, 'superseded', 'USD 8,492.22'],
      [2, 'approved', 'USD 11,856.49'],
    ]);
    const first = await call('GET', `/api/quotes/${quote.id}/versions/1`, reader);
    expect(first.body).toMatchObject({
      version: 1,
      status: 'superseded',
      content: { lines: [{ quantity: 5 }, {}, {}] },
    });

    const diff = await call('GET', `/api/quotes/${quote.id}/diff?from=1&to=2`, reader);
    expect(diff.status).toBe(200);
    expect(diff.body.lines).toMatchObject({
      added: [],
      removed: [{ id: 'L3', sku: 'SEAT' }],
      changed: [{ lineId: 'L1', changes: [{ field: 'quantity', before: 5, after: 8 }] }],
      reordered: false,
    });
    expect(diff.body.totals.total).toEqual({
      before: 849_222,
      after: 1_185_649,
      delta: 336_427,
      beforeFormatted: 'USD 8,492.22',
      afterFormatted: 'USD 11,856.49',
      deltaFormatted: 'USD 3,364.27',
    });
    expect((await call('GET', `/api/quotes/${quote.id}/diff`, reader)).body).toMatchObject({ from: 1, to: 2 });
  });

  it('when a quote built from another template is edited without naming one, then it keeps its template', async () => {
    expect(
      (
        await call('POST', '/api/quote-templates', revops, {
          name: 'emea-subsidiary',
          seller: { name: 'Leadflow Europe B.V.', address: 'Keizersgracht 1, Amsterdam' },
          paymentTerms: 'net-45',
          currency: 'USD',
        })
      ).status,
    ).toBe(201);
    const { quote } = (await createQuote({ ...newYorkQuote, template: 'emea-subsidiary' })).body;
    expect(quote.current.content).toMatchObject({ seller: { name: 'Leadflow Europe B.V.' }, paymentTerms: 'net-45' });
    const edited = await call('PUT', `/api/quotes/${quote.id}`, owner, {
      revision: quote.revision,
      customer: newYorkQuote.customer,
      lines: [{ sku: 'SEAT', quantity: 4 }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body.quote.current.content).toMatchObject({
      seller: { name: 'Leadflow Europe B.V.' },
      paymentTerms: 'net-45',
    });
  });

  it('when an edit names an old revision, then it is refused with 409 naming the current revision', async () => {
    const { quote } = (await createQuote(newYorkQuote)).body;
    const edit = (revision: number, quantity: number) =>
      call('PUT', `/api/quotes/${quote.id}`, owner, { ...newYorkQuote, revision, lines: [{ sku: 'SEAT', quantity }] });
    expect((await edit(1, 10)).status).toBe(200);
    const stale = await edit(1, 20);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'stale_revision',
      fields: [{ path: 'revision', message: 'the current revision is 2' }],
    });
    expect(stale.body.error.message).toContain('is at revision 2');
    expect((await call('GET', `/api/quotes/${quote.id}`, reader)).body).toMatchObject({
      revision: 2,
      currentVersion: 2,
      current: { content: { lines: [{ quantity: 10 }] } },
    });
  });

  it('when two people edit the same revision at the same moment, then exactly one new version is made and the other gets 409', async () => {
    const { quote } = (await createQuote(newYorkQuote)).body;
    const edit = (token: string, quantity: number) =>
      call('PUT', `/api/quotes/${quote.id}`, token, {
        ...newYorkQuote,
        revision: 1,
        lines: [{ sku: 'SEAT', quantity }],
      });
    const results = await Promise.all([edit(owner, 11), edit(manager, 12), edit(revops, 13)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const versions = await call('GET', `/api/quotes/${quote.id}/versions`, reader);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await call('GET', `/api/quotes/${quote.id}`, reader)).body).toMatchObject({
      revision: 2,
      current: { contentHash: winner.body.quote.current.contentHash },
    });
  });

  it('when two quotes are created at the same moment, then each gets its own number', async () => {
    const created = await Promise.all([1, 2, 3, 4].map(() => createQuote(newYorkQuote)));
    expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(created.map((r) => r.body.quote.number)).size).toBe(4);
    const listed = await call('GET', `/api/deals/${dealId}/quotes`, reader);
    const numbers = listed.body.quotes.map((q: { number: string }) => q.number);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('when the quote is signed, then it can no longer be edited', async () => {
    const { quote } = (await createQuote(newYorkQuote)).body;
    await system.database.db.quoteVersion.update({
      where: { id: quote.current.id },
      data: { status: 'signed', signedAt: new Date() },
    });
    const edit = await call('PUT', `/api/quotes/${quote.id}`, owner, {
      ...newYorkQuote,
      revision: 1,
      lines: [{ sku: 'SEAT', quantity: 1 }],
    });
    expect(edit.status).toBe(422);
    expect(edit.body.error).toMatchObject({ code: 'not_allowed', message: expect.stringContaining('is signed') });
  });

  it('when an edit changes nothing, then no version is made', async () => {
    const { quote } = (await createQuote({ ...newYorkQuote, validUntil: inDays(10) })).body;
    const same = await call('PUT', `/api/quotes/${quote.id}`, owner, {
      ...newYorkQuote,
      validUntil: inDays(10),
      revision: 1,
    });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ changed: false, submission: null, quote: { revision: 1, currentVersion: 1 } });
  });

  it("when the discount is beyond the rep's authority, then the version waits for the manager's approval", async () => {
    const created = await createQuote({
      ...newYorkQuote,
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 2, discount: '15' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.submission).toMatchObject({
      submitted: true,
      status: 'pending-approval',
      tier: 'manager-authority',
    });
    expect(created.body.quote.current.approval).toEqual({
      discountBp: 1500,
      discount: '15%',
      tier: 'manager-authority',
    });
    const again = await call('POST', `/api/quotes/${created.body.quote.id}/versions/1/submit`, owner);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ versionId: created.body.quote.current.id, status: 'pending-approval' });
  });

  it("when the deal's workflow cannot take the version, then the version is saved and the 202 answer says how to resubmit", async () => {
    const stopped = await openDeal(system, revops, 'ada@engines.io');
    const { workflowId } = await system.database.db.deal.findUniqueOrThrow({ where: { id: stopped.dealId } });
    await system.temporal.workflow.getHandle(workflowId).terminate('test: the deal workflow is gone');
    const created = await call('POST', `/api/deals/${stopped.dealId}/quotes`, revops, newYorkQuote);
    expect(created.status).toBe(202);
    const { quote, submission } = created.body;
    expect(submission).toMatchObject({
      submitted: false,
      reason: expect.stringContaining('Version 1 is saved'),
      retry: `POST /api/quotes/${quote.id}/versions/1/submit`,
    });
    expect((await call('GET', `/api/quotes/${quote.id}`, reader)).body).toMatchObject({
      currentVersion: 1,
      status: 'draft',
    });
    const retried = await call('POST', `/api/quotes/${quote.id}/versions/1/submit`, revops);
    expect(retried.status).toBe(409);
  });

  it('when the document is asked for as HTML, then customer text is escaped; as PDF, then it is a PDF file', async () => {
    const hostile = {
      ...newYorkQuote,
      customer: { ...newYorkQuote.customer, company: '<script>alert("x")</script> & Sons' },
    };
    const { quote } = (await createQuote(hostile)).body;
    const path = `/api/quotes/${quote.id}/versions/1/document`;
    const html = await fetch(`${system.url}${path}`, { headers: { ...bearer(reader), accept: 'text/html' } });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await html.text();
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons');
    expect(page).not.toContain('<script>alert');
    expect(page).toContain(quote.number);
    for (const request of [
      fetch(`${system.url}${path}`, { headers: { ...bearer(reader), accept: 'application/pdf' } }),
      fetch(`${system.url}${path}?format=pdf`, { headers: bearer(reader) }),
    ]) {
      const pdf = await request;
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString('latin1'),
      ).toBe('%PDF-');
    }
  });

  it('when the quote breaks the document, then 400; when it breaks the catalogue or the rules, then 422; each with the path of every bad field', async () => {
    const bad = await createQuote({
      customer: { company: 'Compilers Inc', region: 'UK' },
      lines: [
        { sku: 'NOPE', quantity: 1 },
        { sku: 'SEAT', quantity: 0 },
        { sku: 'SEAT', quantity: 1, unitPrice: 12.5 },
      ],
      validUntil: '2026-02-30',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'customer.region',
      'lines.1.quantity',
      'lines.2.unitPrice',
      'validUntil',
    ]);

    const business = await createQuote({
      customer: { company: 'Compilers Inc', region: 'US-NY' },
      lines: [
        { sku: 'NOPE', quantity: 1 },
        { sku: 'UNPRICED', quantity: 1 },
        { sku: 'SEAT', quantity: 1, unitPrice: '12.345', discount: '12.345' },
      ],
      overallDiscount: '120',
      validUntil: '2020-01-01',
    });
    expect(business.status).toBe(422);
    expect(business.body.error.fields).toEqual([
      { path: 'lines.0.sku', message: 'no product with SKU "NOPE" in the catalogue' },
      {
        path: 'lines.1.sku',
        message:
          'product UNPRICED has no price in price book "standard" for USD, and a quote\'s discounts are measured against the list price: ask revops to add it (PUT /api/products/UNPRICED/prices/standard/USD) or remove the line',
      },
      { path: 'lines.2.unitPrice', message: '"12.345" has 3 decimals; USD allows at most 2 decimals' },
      {
        path: 'lines.2.discount',
        message: '"12.345" has 3 decimals; percentages are kept in basis points (0.01%), so at most 2',
      },
    ]);

    const asked = new Date();
    const range = await createQuote({
      customer: { company: 'Compilers Inc', region: 'US-NY' },
      lines: [{ sku: 'SEAT', quantity: 1 }],
      overallDiscount: '120',
      validUntil: '2020-01-01',
    });
    const expiredMessages = daysSince(asked).map(
      (day) => `the quote would expire on 2020-01-01, before today (${day}): choose a later date`,
    );
    expect(range.body.error.fields).toEqual([
      {
        path: 'overallDiscount',
        message: 'the overall discount must be between 0% and 100% (0–10000 bp), got 12000 bp',
      },
      { path: 'validUntil', message: expect.toBeOneOf(expiredMessages) },
    ]);
    const noTemplate = await createQuote({ ...newYorkQuote, template: 'enterprise-emea' });
    expect(noTemplate.body.error.fields).toEqual([
      { path: 'template', message: 'no quote template "enterprise-emea": name an existing template' },
    ]);
  });

  it("when the caller has no token, is a rep of another deal, or is the owner's manager, then 401, 404 and success follow", async () => {
    expect((await createQuote(newYorkQuote, '')).status).toBe(401);
    // The deal is out of the other rep's sight: a 404, exactly as for a deal that does not exist.
    const hidden = await createQuote(newYorkQuote, outsider);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');
    const byManager = await createQuote(newYorkQuote, manager);
    expect(byManager.status).toBe(201);
    const id = byManager.body.quote.id;
    expect((await call('PUT', `/api/quotes/${id}`, outsider, { ...newYorkQuote, revision: 1 })).status).toBe(404);
    expect((await call('GET', `/api/quotes/${id}`, outsider)).status).toBe(404);
    const finance = await system.personToken('fin@example.com', 'finance');
    expect((await call('GET', `/api/quotes/${id}`, finance)).status).toBe(404); // no approval of theirs on it
    expect((await call('GET', `/api/quotes/${id}`, undefined)).status).toBe(401);
    expect((await call('GET', '/api/quotes/qo_doesnotexistdoesnotexi', reader)).status).toBe(404);
  });
});
