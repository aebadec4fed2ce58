/**
 * Campaigns and marketing spend through the real API: one entry at a time, or a CSV file whose
 * columns are mapped by header. Spend needs a campaign that exists; a file with any bad row imports
 * nothing and lists every bad row with its line and column; importing the same file again changes
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, startTestSystem, http, type TestSystem } from '../support/system';

describe.each(providers)('marketing spend on %s', (provider) => {
  let system: TestSystem;
  let revops: string;
  const call = (method: string, path: string, body?: unknown, token?: string) =>
    http(`${system.url}${path}`, { method, body, headers: token ? bearer(token) : {} });
  /** Posts a CSV file as the body, the way `curl --data-binary @spend.csv -H 'Content-Type: text/csv'` does. */
  const upload = async (csv: string, query = '') => {
    const response = await fetch(`${system.url}/api/marketing-spend/import${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...bearer(revops) },
      body: csv,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const stored = () =>
    system.database.db.marketingSpend.findMany({
      where: { tenant: system.config.tenant },
      orderBy: [{ month: 'asc' }, { campaignKey: 'asc' }, { currency: 'asc' }],
    });

  beforeAll(async () => {
    system = await startTestSystem(provider);
    revops = system.revopsToken;
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('when revops creates campaigns, then they are listed by key; posting a key again renames it', async () => {
    expect(
      (await call('POST', '/api/campaigns', { key: 'spring-search', name: 'Spring search', source: 'ads' })).status,
    ).toBe(201);
    expect((await call('POST', '/api/campaigns', { key: 'cfo-webinar', name: 'CFO webinar' })).status).toBe(201);
    const renamed = await call('POST', '/api/campaigns', {
      key: 'spring-search',
      name: 'Spring search (US)',
      source: 'ads',
    });
    expect(renamed).toMatchObject({ status: 200, body: { key: 'spring-search', name: 'Spring search (US)' } });
    const listed = await call('GET', '/api/campaigns');
    expect(listed.body.campaigns.map((c: { key: string; name: string }) => [c.key, c.name])).toEqual([
      ['cfo-webinar', 'CFO webinar'],
      ['spring-search', 'Spring search (US)'],
    ]);
  });

  it('when one entry is entered, then it is stored exactly; the same source, campaign and month again replaces its amount', async () => {
    const entered = await call('POST', '/api/marketing-spend', {
      source: 'ads',
      campaign: 'spring-search',
      month: '2026-03',
      currency: 'usd',
      amount: '12500.50',
    });
    expect(entered).toMatchObject({
      status: 201,
      body: {
        source: 'ads',
        campaign: 'spring-search',
        month: '2026-03',
        currency: 'USD',
        amountMinor: 1_250_050,
        amount: '12500.50',
        origin: 'api',
      },
    });
    const replaced = await call('POST', '/api/marketing-spend', {
      source: 'ads',
      campaign: 'spring-search',
      month: '2026-03',
      currency: 'USD',
      amount: '13000',
      note: 'invoice 42',
    });
    expect(replaced).toMatchObject({
      status: 200,
      body: { id: entered.body.id, amount: '13000.00', note: 'invoice 42' },
    });
    expect(await stored()).toHaveLength(1);
  });

  it('when an entry is wrong, then every field says why, and an unknown campaign says to create it first', async () => {
    const malformed = await call('POST', '/api/marketing-spend', {
      source: 'add',
      campaign: 'spring-search',
      month: '2026-03-01',
      currency: 'USD',
      amount: '-5',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['source', 'month', 'amount']);
    expect(malformed.body.error.fields[1]).toEqual({
      path: 'month',
      message: 'must be a month, YYYY-MM (e.g. "2026-03")',
    });

    const unfit = await call('POST', '/api/marketing-spend', {
      source: 'ads',
      campaign: 'spring-serch',
      month: '2026-03',
      currency: 'USD',
      amount: '12.345',
    });
    expect(unfit.status).toBe(422);
    expect(unfit.body.error).toMatchObject({ code: 'unprocessable' });
    expect(unfit.body.error.fields).toEqual([
      {
        path: 'campaign',
        message:
          'no campaign "spring-serch": create it first with POST /api/campaigns (its key is what leads carry in sourceDetails.campaign); did you mean "spring-search"?',
      },
      { path: 'amount', message: '"12.345" has 3 decimals; USD allows at most 2 decimals' },
    ]);
    const asRep = await call(
      'GET',
      '/api/marketing-spend',
      undefined,
      await system.personToken('erik@acme.test', 'rep'),
    );
    expect(asRep.status).toBe(403);
    const asManager = await call(
      'GET',
      '/api/marketing-spend?from=2026-01&to=2026-06',
      undefined,
      await system.personToken('mike@acme.test', 'manager'),
    );
    expect(asManager.body.entries).toHaveLength(1);
  });

  const FILE = [
    'Channel;Campaign;Month;Cost;Comment',
    'ads;spring-search;2026-03;13000.00;invoice 42',
    'ads;spring-search;2026-04;9000;',
    'events;cfo-webinar;2026-04;"4 500,00 refused";',
  ];
  const mapping =
    '?sourceColumn=Channel&campaignColumn=Campaign&monthColumn=Month&amountColumn=Cost&noteColumn=Comment&currency=EUR&delimiter=semicolon';

  it('when a file has bad rows, then every bad row is listed with its line and column, and nothing is imported', async () => {
    const before = await stored();
    const csv = [
      ...FILE,
      'social;summer-promo;2026-13;100;',
      'ads;spring-search;2026-04;9100;',
      'ads;spring-search',
    ].join('\n');
    const response = await upload(csv, mapping);
    expect(response.status).toBe(422);
    expect(response.body.error.message).toBe('4 of 6 rows are invalid (5 problems); nothing was imported.');
    expect(response.body.error.fields).toEqual([
      {
        path: 'rows[3].amount',
        line: 4,
        column: 'Cost',
        message: expect.stringMatching(/^line 4, column "Cost": "4 500,00 refused" is not an amount/),
      },
      {
        path: 'rows[4].campaign',
        line: 5,
        column: 'Campaign',
        message:
          'line 5, column "Campaign": no campaign "summer-promo": create it first with POST /api/campaigns (its key is what leads carry in sourceDetails.campaign)',
      },
      {
        path: 'rows[4].month',
        line: 5,
        column: 'Month',
        message: 'line 5, column "Month": "2026-13" is not a month: the month is 01 to 12',
      },
      {
        path: 'rows[5]',
        line: 6,
        column: null,
        message:
          "line 6 repeats line 3 (same source, campaign, month and currency): give one row per month, with the month's total",
      },
      { path: 'rows[6]', line: 7, column: null, message: 'line 7 has 2 values, the header has 5 columns' },
    ]);
    expect(await stored()).toEqual(before);
  });

  it('when a good file is imported with its columns mapped, then its rows are stored; the same file again changes nothing; a corrected amount is replaced', async () => {
    const good = [...FILE.slice(0, 3), 'events;cfo-webinar;2026-04;4500.00;booth and catering'].join('\r\n');
    const dry = await upload(good, `${mapping}&dryRun=true`);
    expect(dry).toMatchObject({ status: 200, body: { dryRun: true, rows: 3, created: 3, updated: 0, unchanged: 0 } });
    expect(await stored()).toHaveLength(1);

    const first = await upload(good, mapping);
    expect(first).toMatchObject({
      status: 200,
      body: { dryRun: false, rows: 3, created: 3, updated: 0, unchanged: 0 },
    });
    const rows = await stored();
    expect(
      rows.map((r) => [r.source, r.campaignKey, r.month, r.currency, Number(r.amountMinor), r.note, r.origin]),
    ).toEqual([
      ['ads', 'spring-search', '2026-03', 'EUR', 1_300_000, 'invoice 42', 'csv'],
      ['ads', 'spring-search', '2026-03', 'USD', 1_300_000, 'invoice 42', 'api'],
      ['events', 'cfo-webinar', '2026-04', 'EUR', 450_000, 'booth and catering', 'csv'],
      ['ads', 'spring-search', '2026-04', 'EUR', 900_000, null, 'csv'],
    ]);

    const again = await upload(good, mapping);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await stored()).toEqual(rows);

    const corrected = await upload(good.replace('2026-04;9000;', '2026-04;9250.75;'), mapping);
    expect(corrected.body).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect((await stored()).map((r) => Number(r.amountMinor))).toEqual([1_300_000, 1_300_000, 450_000, 925_075]);
    const imports = await system.database.db.auditEvent.findMany({ where: { action: 'marketing-spend.imported' } });
    expect(imports).toHaveLength(2); // the unchanged re-import changed nothing, so it left no entry
    expect(imports.map((e) => e.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rows: 3, created: 3, updated: 0, unchanged: 0 }),
        expect.objectContaining({ rows: 3, created: 0, updated: 1, unchanged: 2 }),
      ]),
    );
  });

  it.each([
    [
      'a column the mapping names is missing',
      'source,campaign,month,amount\nads,spring-search,2026-05,1\n',
      '?amountColumn=Cost&currency=USD',
      [
        {
          path: 'query.amountColumn',
          line: 1,
          column: null,
          message: 'the file has no column "Cost" (its columns: source, campaign, month, amount)',
        },
      ],
    ],
    [
      'no currency column and no currency',
      'source,campaign,month,amount\nads,spring-search,2026-05,1\n',
      '',
      [
        {
          path: 'query.currencyColumn',
          line: 1,
          column: null,
          message:
            'the file has no "currency" column: name the column that holds it with currencyColumn, or give currency for the whole file (its columns: source, campaign, month, amount)',
        },
      ],
    ],
    [
      'a quote that never closes',
      'source,campaign,month,currency,amount\nads,"spring-search,2026-05,USD,1\n',
      '',
      [{ path: 'line 2', line: 2, column: null, message: expect.stringContaining('Quote Not Closed') }],
    ],
  ])('when %s, then it is a 422 saying so and nothing is imported', async (_what, csv, query, fields) => {
    const before = await stored();
    const response = await upload(csv, query);
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual(fields);
    expect(await stored()).toEqual(before);
  });

  it.each(['/api/marketing-spend/import', '/api/imports/history', '/api/imports/attendees'])(
    'when the body of %s is JSON instead of a file, then it is a 400 that says how to send it',
    async (path) => {
      const response = await call('POST', path, { csv: 'source,campaign' });
      expect(response.status).toBe(400);
      expect(response.body.error.fields).toEqual([
        { path: 'body', message: 'must be CSV text (Content-Type: text/csv), got application/json' },
      ]);
    },
  );

  it('when an entry is removed, then it is gone from the list', async () => {
    const [entry] = (await call('GET', '/api/marketing-spend?source=events')).body.entries as { id: string }[];
    expect((await call('DELETE', `/api/marketing-spend/${entry!.id}`)).status).toBe(204);
    expect((await call('GET', '/api/marketing-spend?source=events')).body.entries).toEqual([]);
    expect((await call('DELETE', `/api/marketing-spend/${entry!.id}`)).status).toBe(404);
  });
});
