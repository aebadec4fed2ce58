/**
 * Importing CRM history through the real API and the real `leadflow import history` command: past
 * leads and closed deals land with their stage history on the export's dates and no journey, the
 * analytics count them, a second import of the same file adds nothing, and a file with bad rows
 * reports each by line and column and imports nothing. Every date is an explicit past date; "now"
 * only bounds them (nothing in the future).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/api/openapi/analytics-shapes';
import { leadIdentity } from '../../src/usecases/lead-identity';
import { providers } from '../support/database';
import { runLeadflow } from '../support/leadflow-process';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

const ZONE = 'America/New_York';
const HISTORY = [
  'External ID,Email,Name,Company,Lead Source,Lead Created On,MQL Date,SQL Date,Deal Name,Amount,Currency,Closed Date,Won/Lost,Loss Reason,Competitor,Owner,Country',
  'crm-1,ana@acme.example,Ana Ruiz,Acme,events,2025-02-03,2025-02-05,2025-02-12,Acme platform,24000.00,USD,2025-03-20,lost,Price too high,,Rita.Rep@example.com,United Kingdom',
  'crm-2,bo@beta.example,Bo Li,Beta,ads,2025-02-10,2025-02-11,,,,,,,,,,中国',
  'crm-3,cy@gamma.example,Cy Ng,Gamma,partner referral,2025-02-14T14:30:00Z,2025-02-15,2025-02-20,Gamma deal,50000,EUR,2025-03-15,won,,,rita.rep@example.com,de',
  'crm-4,di@delta.example,Di Ho,Delta,content,2025-02-20,2025-02-21,2025-02-25,Delta deal,8000.00,USD,2025-03-25,lost,competitor,Globex,rita.rep@example.com,',
].join('\n');

describe.each(providers)('history import on %s', (provider) => {
  let system: TestSystem;
  let dir: string;
  const upload = async (csv: string, query = '', token?: string) => {
    const response = await fetch(`${system.url}/api/imports/history${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...bearer(token ?? system.revopsToken) },
      body: csv,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const leadCount = () => system.database.db.lead.count({ where: { tenant: system.config.tenant } });
  const idOf = (email: string) => leadIdentity(system.config.tenant, { email }).leadId;

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_REPORTING_ZONE: ZONE });
    dir = mkdtempSync(path.join(os.tmpdir(), 'leadflow-history-'));
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when an export is imported, then its leads and closed deals are stored with their stage history on its dates', async () => {
    const answer = await upload(HISTORY, '?createdColumn=Lead%20Created%20On');
    expect(answer).toMatchObject({ status: 200, body: { dryRun: false, rows: 4, leads: 4, deals: 3, unchanged: 0 } });
    const { db } = system.database;
    const ana = await db.lead.findUniqueOrThrow({
      where: { id: idOf('ana@acme.example') },
      include: { stageEvents: true },
    });
    expect(ana).toMatchObject({
      externalId: 'crm-1',
      firstName: 'Ana',
      lastName: 'Ruiz',
      company: 'Acme',
      stage: 'lost',
      ownerId: 'rita.rep@example.com',
      // Exports name countries; the lead keeps the ISO code.
      country: 'GB',
    });
    const history = ana.stageEvents
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id.localeCompare(b.id))
      .map((e) => [e.toStage, e.occurredAt.toISOString()]);
    // Dates without a time are noon in New York (EST, UTC-5, in February and March until the 9th; EDT after).
    expect(history).toEqual([
      ['new', '2025-02-03T17:00:00.000Z'],
      ['mql', '2025-02-05T17:00:00.000Z'],
      ['sql', '2025-02-12T17:00:00.000Z'],
      ['needs-analysis', '2025-02-12T17:00:00.000Z'],
      ['closed-lost', '2025-03-20T16:00:00.000Z'],
      ['lost', '2025-03-20T16:00:00.000Z'],
    ]);
    const deal = await db.deal.findUniqueOrThrow({ where: { leadId: ana.id } });
    expect(deal).toMatchObject({
      stage: 'closed-lost',
      lossReason: 'price',
      closeReason: 'Price too high',
      currency: 'USD',
      acvMinor: 2_400_000n,
      ownerEmail: 'rita.rep@example.com',
    });
    expect((await db.deal.findUniqueOrThrow({ where: { leadId: idOf('di@delta.example') } })).lossCompetitor).toBe(
      'Globex',
    );
    const cy = await db.lead.findUniqueOrThrow({ where: { id: idOf('cy@gamma.example') } });
    expect(cy).toMatchObject({
      stage: 'customer',
      source: 'partner-referral',
      createdAt: new Date('2025-02-14T14:30:00Z'),
      country: 'DE',
    });
    expect(await db.lead.findUniqueOrThrow({ where: { id: idOf('bo@beta.example') } })).toMatchObject({
      stage: 'mql',
      country: 'CN',
    });
    for (const path of [`/api/leads/${ana.id}`, `/api/deals/${deal.id}`])
      expect((await http(`${system.url}${path}`)).status, path).toBe(200);
    // History starts no journey.
    await expect(system.temporal.workflow.getHandle(ana.journeyId).describe()).rejects.toMatchObject({
      name: 'WorkflowNotFoundError',
    });
  });

  it('when the same export is imported again, then nothing is added', async () => {
    const before = await leadCount();
    const again = await upload(HISTORY, '?createdColumn=Lead%20Created%20On');
    expect(again).toMatchObject({ status: 200, body: { rows: 4, leads: 0, deals: 0, unchanged: 4 } });
    expect(await leadCount()).toBe(before);
    expect(await system.database.db.stageEvent.count({ where: { leadId: idOf('ana@acme.example') } })).toBe(6);
  });

  it('when the analytics read the imported quarter, then the imported leads and deals are counted like any others', async () => {
    const query = `from=2025-02-01&to=2025-03-31&zone=${ZONE}&asOf=2025-06-01T00:00:00Z`;
    const funnel = reportSchema('funnel').parse(
      (await http(`${system.url}/api/analytics/funnel?${query}`)).body,
    ).current;
    expect(
      [funnel.stages.lead, funnel.stages.mql, funnel.stages.sql, funnel.stages.opportunity, funnel.stages.won].map(
        (s) => s.count,
      ),
    ).toEqual([4, 4, 3, 3, 1]);
    const review = reportSchema('win-loss').parse(
      (await http(`${system.url}/api/analytics/win-loss?${query}`)).body,
    ).current;
    expect(review.won.count).toBe(1);
    expect(review.lossReasons.map((r) => [r.key, r.deals.count])).toEqual([
      ['competitor', 1],
      ['price', 1],
    ]);
  });

  it('when a file has bad rows, then every problem is named by line and column and nothing is imported', async () => {
    const before = await leadCount();
    const bad = [
      'email,source,created,mql date,amount,currency,won/lost,closed date,country',
      'eve@epsilon.example,events,2025-02-03,2025-01-05,12.345,USD,maybe,,',
      'not-an-email,fax,2099-01-01,,,,,,Atlantis',
      'fay@zeta.example,ads,2025-02-01,,,,,,',
    ].join('\n');
    const answer = await upload(bad);
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toBe('2 of 3 rows are invalid (8 problems); nothing was imported.');
    expect(
      answer.body.error.fields.map((f: { path: string; line: number; column: string | null }) => [
        f.path,
        f.line,
        f.column,
      ]),
    ).toEqual([
      ['rows[1].mqlDate', 2, 'mql date'],
      ['rows[1].outcome', 2, 'won/lost'],
      ['rows[1].closedDate', 2, 'closed date'],
      ['rows[1].amount', 2, 'amount'],
      ['rows[2].email', 3, 'email'],
      ['rows[2].source', 3, 'source'],
      ['rows[2].country', 3, 'country'],
      ['rows[2].created', 3, 'created'],
    ]);
    expect(answer.body.error.fields[3].message).toBe(
      'line 2, column "amount": "12.345" has 3 decimals; USD allows at most 2 decimals',
    );
    expect(await leadCount()).toBe(before);
  });

  it('when a row is a lead leadflow already has from elsewhere, then the file is refused and the live lead is untouched', async () => {
    const { db } = system.database;
    const id = idOf('live@eta.example');
    await db.lead.create({
      data: {
        id,
        tenant: system.config.tenant,
        email: 'live@eta.example',
        source: 'ads',
        sourceDetails: {},
        attributes: {},
        journeyId: 'live-journey',
        stage: 'mql',
      },
    });
    const answer = await upload(
      'email,source,created\nlive@eta.example,events,2025-01-02\nnew@theta.example,ads,2025-01-03',
    );
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields).toEqual([
      expect.objectContaining({
        path: 'rows[1].email',
        line: 2,
        column: 'email',
        message: `line 2, column "email": leadflow already has this lead (${id}), not from a history import; leave the row out`,
      }),
    ]);
    expect(await db.lead.findUnique({ where: { id: idOf('new@theta.example') } })).toBeNull();
    expect((await db.lead.findUniqueOrThrow({ where: { id } })).stage).toBe('mql');
  });

  it('when the columns do not map, the body is not CSV, or the caller is a rep, then nothing is imported', async () => {
    const unmapped = await upload('mail,origin\na@b.example,ads', '?emailColumn=E-mail');
    expect(unmapped.status).toBe(422);
    expect(unmapped.body.error.fields.map((f: { path: string }) => f.path)).toEqual([
      'columns.email',
      'columns.created',
      'columns.source',
    ]);
    const json = await http(`${system.url}/api/imports/history`, { body: { email: 'a@b.example' } });
    expect(json).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    const rep = await system.personToken('rita.rep@example.com', 'rep');
    expect((await upload(HISTORY, '', rep)).status).toBe(403);
  });

  it('when a dry run checks a file, then it counts and stores nothing', async () => {
    const before = await leadCount();
    const answer = await upload('email,source,created\nkim@iota.example,social,2025-01-04', '?dryRun=true');
    expect(answer).toMatchObject({ status: 200, body: { dryRun: true, rows: 1, leads: 1, unchanged: 0 } });
    expect(await leadCount()).toBe(before);
  });

  it('when leadflow import history runs at the console with a map file, then it imports once and reports bad rows by line', async () => {
    const env = {
      DATABASE_URL: system.database.target.url,
      LEADFLOW_TENANT: system.config.tenant,
      LEADFLOW_REPORTING_ZONE: ZONE,
    };
    const file = path.join(dir, 'export.csv');
    const map = path.join(dir, 'map.yaml');
    writeFileSync(
      file,
      'E-mail;Origin;Opened;Result;Closed;Value;Cur;Owner\nlou@kappa.example;events;2025-01-06;won;2025-02-28;1200;USD;lou.rep@example.com\n',
    );
    writeFileSync(
      map,
      'email: E-mail\nsource: Origin\ncreated: Opened\noutcome: Result\nclosedDate: Closed\namount: Value\ncurrency: Cur\n',
    );
    const first = await runLeadflow(['import', 'history', file, '--map', map, '--delimiter', 'semicolon'], env);
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain(`imported ${file} into tenant ${system.config.tenant}: 1 rows`);
    expect(first.stdout).toContain('1 leads and 1 closed deals created, 0 unchanged');
    const second = await runLeadflow(['import', 'history', file, '--map', map, '--delimiter', 'semicolon'], env);
    expect(second.stdout).toContain('0 leads and 0 closed deals created, 1 unchanged');
    const badFile = path.join(dir, 'bad.csv');
    writeFileSync(badFile, 'email,source,created\nmo@lambda.example,ads,yesterday\n');
    const bad = await runLeadflow(['import', 'history', badFile], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 2, column "created": "yesterday" is not a date');
  });
});
