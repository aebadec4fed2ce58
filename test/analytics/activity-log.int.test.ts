/**
 * The activity log (ActivityLog) that the database's triggers keep: whoever writes an interaction or
 * a deal activity, one at a time or many in one statement, the log holds exactly the activities the
 * fact loader counts (LEAD_ACTIVITY's touches with a person as actor, DEAL_ACTIVITY's kinds on a
 * deal whose lead is of its tenant), with the tenant and creation the report filters on and the
 * meeting an outcome records, and the lead's segment fields a breakdown reads (migration
 * `analytics_activity_segment`). A correction or a deletion of an activity, its deal or its lead
 * (its fields too) is followed, and the migrations' backfills give the same rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEveryRow } from '../../src/bench/naive-facts';
import { companySize, NONE, type Dimension } from '../../src/domain/analytics/facts';
import { periodOf } from '../../src/domain/analytics/filters';
import { DEAL_ACTIVITY, LEAD_ACTIVITY, loadFacts } from '../../src/usecases/analytics/load-facts';
import { DEFAULT_OPTIONS } from '../../src/usecases/analytics/reports';
import { reportFrom, reportInputs, runReport, type ReportRequest } from '../../src/usecases/analytics/run-report';
import { NEW_YORK_HOURS } from './fixture';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { blocked, connectTo } from '../support/projections';

const TENANT = 'acme';
const at = (iso: string) => new Date(iso);
const CREATED = at('2026-03-02T14:00:00Z');

/** The kinds of interaction the product writes, counted or not (src/domain/lead-events.ts and the journeys). */
const INTERACTION_KINDS = [
  'call-logged',
  'email-sent',
  'meeting-booked',
  'email-opened',
  'email-replied',
  'page-visit',
  'form-submitted',
  'note-added',
];
/** The kinds of deal activity (prisma/schema.prisma, DealActivity.kind). */
const DEAL_ACTIVITY_KINDS = ['call', 'email', 'meeting', 'demo', 'note', 'material'];

/** The text of the migration named `name`, as committed for the provider. */
function migrationText(provider: string, name: string): string {
  const dir = provider === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations';
  const migration = readdirSync(dir).find((entry) => entry.endsWith(`_${name}`));
  return readFileSync(`${dir}/${migration}/migration.sql`, 'utf8');
}

/** The log's backfill statements, as committed for the provider. */
function activityLogBackfills(provider: string): string[] {
  const text = migrationText(provider, 'analytics_activity_log');
  return [...text.matchAll(/^INSERT INTO "ActivityLog"[\s\S]*?;$/gm)].map((match) => match[0]);
}

/** The backfill of the leads' segment fields on the log (migration `analytics_activity_segment`). */
function segmentBackfills(provider: string): string[] {
  const text = migrationText(provider, 'analytics_activity_segment');
  return [...text.matchAll(/^UPDATE "ActivityLog"[\s\S]*?;$/gm)].map((match) => match[0]);
}

describe.each(providers)('the activity log on %s', (provider) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(provider);
    await database.db.account.create({ data: { id: 'acc', tenant: TENANT, name: 'Acme Buyer' } });
  });
  afterEach(async () => {
    await database.drop();
  });

  const lead = (id: string, tenant = TENANT) => ({
    id,
    tenant,
    source: 'webinar',
    sourceDetails: {},
    attributes: {},
    journeyId: `journey-${id}`,
    createdAt: CREATED,
  });
  const touch = (id: string, leadId: string, kind: string, actor: unknown, occurredAt = '2026-03-05T09:00:00Z') => ({
    id,
    leadId,
    kind,
    occurredAt: at(occurredAt),
    payload: actor === undefined ? {} : { actor },
    idempotencyKey: id,
  });
  const deal = (id: string, leadId: string, tenant = TENANT) => ({
    id,
    tenant,
    leadId,
    accountId: 'acc',
    name: id,
    ownerEmail: 'rep@acme.example',
    workflowId: `deal-${id}`,
    needs: {},
    createdAt: at('2026-03-04T10:00:00Z'),
  });
  const activity = (id: string, dealId: string, kind: string, key = id, actor: string | null = 'rep@acme.example') => ({
    id,
    dealId,
    kind,
    summary: kind,
    actor,
    occurredAt: at('2026-03-06T11:00:00Z'),
    payload: {},
    idempotencyKey: key,
  });

  type Segment = [string | null, string | null, string | null, string | null, string | null, string | null];
  type Row = [
    string,
    string,
    string,
    string,
    string,
    string | null,
    string,
    string | null,
    string,
    string | null,
    ...Segment,
  ];
  const sorted = (rows: Row[]) => rows.sort((a, b) => (`${a[0]}/${a[1]}` < `${b[0]}/${b[1]}` ? -1 : 1));

  /** The log as the triggers keep it. */
  const logged = async (): Promise<Row[]> =>
    sorted(
      (await database.db.activityLog.findMany()).map((row) => [
        row.origin,
        row.id,
        row.tenant,
        row.at.toISOString(),
        row.kind,
        row.actor,
        row.leadId,
        row.dealId,
        row.createdAt.toISOString(),
        row.meetingId,
        row.leadSource,
        row.leadCampaign,
        row.leadIndustry,
        row.leadRegion,
        row.leadSizeBand,
        row.leadSizeText,
      ]),
    );

  /**
   * A lead's segment fields as a breakdown reads them (segmentKeyOf's inputs): its source; its
   * campaign, industry and region when each is a JSON string; its size band when `employees` is a
   * number, and its text when it is a string.
   */
  const segmentOf = (row: { source: string; sourceDetails: unknown; attributes: unknown }): Segment => {
    const details = (row.sourceDetails ?? {}) as Record<string, unknown>;
    const attributes = (row.attributes ?? {}) as Record<string, unknown>;
    const string = (value: unknown) => (typeof value === 'string' ? value : null);
    const employees = attributes.employees;
    return [
      row.source,
      string(details.campaign),
      string(attributes.industry),
      string(attributes.region),
      typeof employees === 'number' ? companySize(employees) : null,
      string(employees),
    ];
  };

  /** The log as the fact loader reads the same activities (leadActivities and dealActivities in load-facts.ts). */
  const expected = async (): Promise<Row[]> => {
    const { db } = database;
    const leads = new Map((await db.lead.findMany()).map((row) => [row.id, row]));
    const deals = new Map((await db.deal.findMany()).map((row) => [row.id, row]));
    const touches = (await db.interaction.findMany()).flatMap((row): Row[] => {
      const actor = (row.payload as { actor?: unknown } | null)?.actor;
      const of = leads.get(row.leadId)!;
      if (!LEAD_ACTIVITY[row.kind] || typeof actor !== 'string') return [];
      return [
        [
          'lead',
          row.id,
          of.tenant,
          row.occurredAt.toISOString(),
          row.kind,
          actor,
          row.leadId,
          null,
          of.createdAt.toISOString(),
          null,
          ...segmentOf(of),
        ],
      ];
    });
    const dealRows = (await db.dealActivity.findMany()).flatMap((row): Row[] => {
      const of = deals.get(row.dealId)!;
      if (!DEAL_ACTIVITY[row.kind] || leads.get(of.leadId)?.tenant !== of.tenant) return [];
      const meeting = row.idempotencyKey.endsWith(':outcome') ? row.idempotencyKey.slice(0, -':outcome'.length) : null;
      const fields: Row = [
        'deal',
        row.id,
        of.tenant,
        row.occurredAt.toISOString(),
        row.kind,
        row.actor,
        of.leadId,
        of.id,
        of.createdAt.toISOString(),
        meeting,
        ...segmentOf(leads.get(of.leadId)!),
      ];
      return [fields];
    });
    return sorted([...touches, ...dealRows]);
  };

  it('when touches of every kind are written, then the log holds those a person logged of the counted kinds', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-1') });
    // One statement for many (an import, the demo data), and one at a time.
    await db.interaction.createMany({
      data: INTERACTION_KINDS.map((kind, index) => touch(`ix-${index}`, 'ld-1', kind, 'rep@acme.example')),
    });
    await db.interaction.create({ data: touch('ix-number', 'ld-1', 'call-logged', 42) });
    await db.interaction.create({ data: touch('ix-none', 'ld-1', 'email-sent', undefined) });
    await db.interaction.create({ data: touch('ix-null', 'ld-1', 'meeting-booked', null) });
    await db.interaction.create({ data: touch('ix-object', 'ld-1', 'meeting-booked', { email: 'rep@acme.example' }) });
    const log = await logged();
    expect(log).toEqual(await expected());
    // The counted kinds are LEAD_ACTIVITY's, each once, with the actor the payload names.
    expect(log.map((row) => row[4]).sort()).toEqual(Object.keys(LEAD_ACTIVITY).sort());
    expect(log[0]).toEqual([
      'lead',
      'ix-0',
      TENANT,
      '2026-03-05T09:00:00.000Z',
      'call-logged',
      'rep@acme.example',
      'ld-1',
      null,
      CREATED.toISOString(),
      null,
      'webinar',
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("when deal activities of every kind are written, then the log holds the counted kinds, with the deal's lead and creation and the meeting an outcome records", async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-1') });
    await db.deal.create({ data: deal('dl-1', 'ld-1') });
    await db.dealActivity.createMany({
      data: DEAL_ACTIVITY_KINDS.map((kind, index) => activity(`da-${index}`, 'dl-1', kind)),
    });
    await db.dealActivity.create({ data: activity('da-outcome', 'dl-1', 'meeting', 'mt-7:outcome') });
    await db.dealActivity.create({ data: activity('da-no-actor', 'dl-1', 'call', 'da-no-actor', null) });
    // A key that only contains the suffix names no meeting; one differing in case does not either.
    await db.dealActivity.create({ data: activity('da-mid', 'dl-1', 'email', 'mt-8:outcome:again') });
    await db.dealActivity.create({ data: activity('da-case', 'dl-1', 'email', 'mt-9:OUTCOME') });
    const log = await logged();
    expect(log).toEqual(await expected());
    expect(log.filter((row) => row[9] !== null).map((row) => [row[1], row[9]])).toEqual([['da-outcome', 'mt-7']]);
    expect(new Set(log.map((row) => row[4]))).toEqual(new Set(Object.keys(DEAL_ACTIVITY)));
    expect(log.find((row) => row[1] === 'da-0')).toEqual([
      'deal',
      'da-0',
      TENANT,
      '2026-03-06T11:00:00.000Z',
      'call',
      'rep@acme.example',
      'ld-1',
      'dl-1',
      '2026-03-04T10:00:00.000Z',
      null,
      'webinar',
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("when a deal's lead is of another tenant, then its activities are not logged until the lead is corrected", async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-x', 'other') });
    await db.deal.create({ data: deal('dl-x', 'ld-x') });
    await db.dealActivity.create({ data: activity('da-x', 'dl-x', 'call') });
    expect(await logged()).toEqual([]);
    await db.lead.update({ where: { id: 'ld-x' }, data: { tenant: TENANT } });
    expect((await logged()).map((row) => row[1])).toEqual(['da-x']);
    expect(await logged()).toEqual(await expected());
  });

  it('when interactions and deal activities are corrected or deleted, then the log follows', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-1'), lead('ld-2')] });
    await db.deal.createMany({ data: [deal('dl-1', 'ld-1'), deal('dl-2', 'ld-2')] });
    await db.interaction.createMany({
      data: [
        touch('ix-a', 'ld-1', 'call-logged', 'rep@acme.example'),
        touch('ix-b', 'ld-1', 'email-opened', 'rep@acme.example'),
        touch('ix-c', 'ld-1', 'email-sent', 'rep@acme.example'),
        touch('ix-d', 'ld-1', 'meeting-booked', 7),
      ],
    });
    await db.dealActivity.createMany({
      data: [activity('da-a', 'dl-1', 'call'), activity('da-b', 'dl-1', 'note'), activity('da-c', 'dl-1', 'demo')],
    });
    const steps: (() => Promise<unknown>)[] = [
      // The actor is no longer a person; a kind becomes counted; the instant and the lead change; one goes.
      () => db.interaction.update({ where: { id: 'ix-a' }, data: { payload: { actor: 12 } } }),
      () => db.interaction.update({ where: { id: 'ix-b' }, data: { kind: 'email-sent' } }),
      () => db.interaction.update({ where: { id: 'ix-d' }, data: { payload: { actor: 'other@acme.example' } } }),
      () =>
        db.interaction.update({
          where: { id: 'ix-c' },
          data: { occurredAt: at('2026-04-01T08:00:00Z'), leadId: 'ld-2' },
        }),
      () => db.interaction.delete({ where: { id: 'ix-b' } }),
      // A deal activity's kind, actor, key, deal; one deleted.
      () => db.dealActivity.update({ where: { id: 'da-a' }, data: { kind: 'material' } }),
      () => db.dealActivity.update({ where: { id: 'da-b' }, data: { kind: 'email', actor: 'other@acme.example' } }),
      () => db.dealActivity.update({ where: { id: 'da-c' }, data: { idempotencyKey: 'mt-1:outcome', dealId: 'dl-2' } }),
      () => db.dealActivity.delete({ where: { id: 'da-b' } }),
      // The lead's creation and the deal's are corrected.
      () => db.lead.update({ where: { id: 'ld-2' }, data: { createdAt: at('2026-02-01T00:00:00Z') } }),
      () => db.deal.update({ where: { id: 'dl-2' }, data: { createdAt: at('2026-02-03T00:00:00Z') } }),
      // Deleting a lead deletes its interactions and its log rows (its deal and the deal's activities stay).
      () => db.lead.delete({ where: { id: 'ld-1' } }),
    ];
    for (const step of steps) {
      await step();
      expect(await logged()).toEqual(await expected());
    }
    expect((await logged()).map((row) => [row[1], row[8]])).toEqual([
      ['da-c', '2026-02-03T00:00:00.000Z'],
      ['ix-c', '2026-02-01T00:00:00.000Z'],
    ]);
  });

  it("when a deal's activities are written before its lead, then they are logged once the lead is", async () => {
    const { db } = database;
    // Deal has no foreign key to Lead: an import may write the deal first.
    await db.deal.create({ data: deal('dl-early', 'ld-late') });
    await db.dealActivity.create({ data: activity('da-early', 'dl-early', 'call') });
    expect(await logged()).toEqual([]);
    await db.lead.create({ data: lead('ld-late') });
    expect((await logged()).map((row) => [row[1], row[6]])).toEqual([['da-early', 'ld-late']]);
    expect(await logged()).toEqual(await expected());
  });

  it("when a lead's source, campaign, industry, region or employees change, then its touches and its deals' activities follow", async () => {
    const { db } = database;
    await db.lead.createMany({
      data: [
        {
          ...lead('ld-1'),
          sourceDetails: { campaign: 'spring' },
          attributes: { industry: 'software', region: 'emea', employees: 120 },
        },
        { ...lead('ld-2'), attributes: { industry: 7, employees: ' 40 ' } },
      ],
    });
    await db.deal.create({ data: deal('dl-1', 'ld-1') });
    await db.interaction.createMany({
      data: [
        touch('ix-1', 'ld-1', 'call-logged', 'rep@acme.example'),
        touch('ix-2', 'ld-2', 'email-sent', 'rep@acme.example'),
      ],
    });
    await db.dealActivity.create({ data: activity('da-1', 'dl-1', 'call') });
    const segments = async () => (await logged()).map((row) => [row[1], ...row.slice(10)]);
    expect(await segments()).toEqual([
      ['da-1', 'webinar', 'spring', 'software', 'emea', '50-199', null],
      ['ix-1', 'webinar', 'spring', 'software', 'emea', '50-199', null],
      ['ix-2', 'webinar', null, null, null, null, ' 40 '],
    ]);
    expect(await logged()).toEqual(await expected());
    const changes = [
      { source: 'referral' },
      { sourceDetails: { campaign: 42 } },
      { sourceDetails: { campaign: ' autumn ' } },
      { attributes: { industry: 'retail', region: null, employees: 0.5 } },
      { attributes: { industry: 'retail', employees: 5000 } },
      { attributes: { industry: { name: 'retail' }, region: 'apac', employees: 'many' } },
      { attributes: { industry: 'retail', employees: true, score: 3 } },
    ];
    for (const data of changes) {
      await db.lead.update({ where: { id: 'ld-1' }, data });
      expect(await logged()).toEqual(await expected());
    }
    expect((await segments())[0]).toEqual(['da-1', 'referral', ' autumn ', 'retail', null, null, null]);
    // Many leads in one statement.
    await db.$executeRawUnsafe(`UPDATE "Lead" SET source = 'partner', attributes = '{"employees": 49}'`);
    expect(await segments()).toEqual([
      ['da-1', 'partner', ' autumn ', null, null, '1-49', null],
      ['ix-1', 'partner', ' autumn ', null, null, '1-49', null],
      ['ix-2', 'partner', null, null, null, '1-49', null],
    ]);
    expect(await logged()).toEqual(await expected());
  });

  it.each<Dimension>(['source', 'campaign', 'industry', 'region', 'size'])(
    "when activities' leads hold fields of every JSON type, then the activity report by %s groups them as the fact path does",
    async (dimension) => {
      const { db } = database;
      const fields: [unknown, unknown, unknown, unknown][] = [
        // campaign, industry, region, employees
        ['spring', 'software', 'emea', 120],
        [' spring ', ' software ', 'emea ', ' 120 '],
        [42, 7, true, 'many'],
        [null, null, null, null],
        [{ name: 'x' }, ['a'], '', 0.5],
        [undefined, undefined, undefined, 5000],
        ['', '   ', 'apac', '40'],
      ];
      await db.lead.createMany({
        data: fields.map(([campaign, industry, region, employees], index) => ({
          ...lead(`ld-${index}`),
          source: index % 2 === 0 ? 'webinar' : 'ads',
          sourceDetails: campaign === undefined ? {} : { campaign },
          attributes: JSON.parse(JSON.stringify({ industry, region, employees })),
        })),
      });
      await db.deal.create({ data: deal('dl-1', 'ld-2') });
      await db.interaction.createMany({
        data: fields.map((_, index) => touch(`ix-${index}`, `ld-${index}`, 'call-logged', 'rep@acme.example')),
      });
      await db.dealActivity.create({ data: activity('da-1', 'dl-1', 'email') });
      const sight = { tenant: TENANT, all: true, admin: true, owners: [], queues: [], me: 'ops@acme.example' };
      const request: ReportRequest = {
        sight,
        filters: { from: '2026-03-01', to: '2026-03-31', zone: 'UTC', breakdown: dimension },
        options: DEFAULT_OPTIONS,
        asOf: at('2026-04-15T00:00:00Z'),
        defaultZone: 'UTC',
        calendar: NEW_YORK_HOURS,
        probabilities: {},
      };
      const facts = await loadFacts(
        db,
        { sight, period: periodOf(request.filters, 'UTC'), asOf: request.asOf },
        loadEveryRow,
      );
      const served = await runReport(db, 'activity', request);
      expect(served).toEqual(
        reportFrom(facts, 'activity', request, await reportInputs(db, 'activity', request, facts)),
      );
      // Trimmed strings, and anything else as none; a size from a number or a numeric string.
      const keys: Record<string, string[]> = {
        source: ['ads', 'webinar'],
        campaign: [NONE, 'spring'],
        industry: [NONE, 'software'],
        region: [NONE, 'apac', 'emea'],
        size: ['1-49', '1000+', '50-199', 'unknown'],
      };
      expect(served.breakdown?.groups.map((group) => group.key).sort()).toEqual(keys[dimension]);
    },
  );

  const connect = () => connectTo(database);

  /** A call logged on deal dl-1 as `id`, through a connection of its own. */
  const logCall = (client: pg.Client, id: string) =>
    client.query(`INSERT INTO "DealActivity" (id, "dealId", kind, summary, actor, "occurredAt", payload, "idempotencyKey")
      VALUES ('${id}', 'dl-1', 'call', 'call', 'rep@acme.example', '2026-03-06T11:00:00Z', '{}', '${id}')`);

  /**
   * `first` written in an open transaction of `one`, then `second` in one of `two`, which waits for
   * the first to commit (it fails if it does not wait), and commits after it.
   */
  async function interleaved(
    [one, two]: [pg.Client, pg.Client],
    first: (client: pg.Client) => Promise<unknown>,
    second: (client: pg.Client) => Promise<unknown>,
  ): Promise<void> {
    await one.query('BEGIN');
    await first(one);
    await two.query('BEGIN');
    const waiting = second(two);
    await blocked(database.db, two);
    await one.query('COMMIT');
    await waiting;
    await two.query('COMMIT');
  }

  it.runIf(provider === 'postgresql')(
    "when a lead's fields change while an activity is logged on its deal, in either order, then the log holds the fields as committed",
    async () => {
      const { db } = database;
      await db.lead.create({ data: { ...lead('ld-1'), attributes: { industry: 'software' } } });
      await db.deal.create({ data: deal('dl-1', 'ld-1') });
      const clients: [pg.Client, pg.Client] = [await connect(), await connect()];
      const change = (industry: string) => (client: pg.Client) =>
        client.query(`UPDATE "Lead" SET attributes = '{"industry": "${industry}"}' WHERE id = 'ld-1'`);
      try {
        // The activity first: the change waits for it, then takes its row along.
        await interleaved(clients, (client) => logCall(client, 'da-a'), change('retail'));
        expect((await logged()).map((row) => [row[1], row[12]])).toEqual([['da-a', 'retail']]);
        // The change first: the activity waits for it, then reads the lead as changed.
        await interleaved(clients, change('energy'), (client) => logCall(client, 'da-b'));
        expect((await logged()).map((row) => [row[1], row[12]])).toEqual([
          ['da-a', 'energy'],
          ['da-b', 'energy'],
        ]);
        expect(await logged()).toEqual(await expected());
      } finally {
        await Promise.all(clients.map((client) => client.end()));
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    'when an activity is logged on a deal while the deal moves to a lead another transaction holds, then neither deadlocks',
    async () => {
      const { db } = database;
      await db.lead.createMany({
        data: [
          { ...lead('ld-0'), attributes: { industry: 'energy' } },
          { ...lead('ld-1'), attributes: { industry: 'software' } },
        ],
      });
      await db.deal.create({ data: deal('dl-1', 'ld-1') });
      const [holder, mover, logger] = [await connect(), await connect(), await connect()];
      try {
        // The move takes the deal, then waits for its new lead; the activity, logged meanwhile on
        // the deal, waits for the move (its foreign key), then is logged under the new lead.
        await holder.query('BEGIN');
        await holder.query(`UPDATE "Lead" SET stage = 'mql' WHERE id = 'ld-0'`);
        await mover.query('BEGIN');
        const move = mover.query(`UPDATE "Deal" SET "leadId" = 'ld-0' WHERE id = 'dl-1'`);
        await blocked(db, mover);
        await logger.query('BEGIN');
        const call = logCall(logger, 'da-1');
        await blocked(db, logger);
        await holder.query('COMMIT');
        await move;
        await mover.query('COMMIT');
        await call;
        await logger.query('COMMIT');
        expect((await logged()).map((row) => [row[1], row[6], row[12]])).toEqual([['da-1', 'ld-0', 'energy']]);
        expect(await logged()).toEqual(await expected());
      } finally {
        await Promise.all([holder, mover, logger].map((client) => client.end()));
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    'when a deal is corrected while an activity is logged on it, in either order, then the log holds the activity with the corrected deal',
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-1') });
      await db.deal.create({ data: deal('dl-1', 'ld-1') });
      const clients: [pg.Client, pg.Client] = [await connect(), await connect()];
      const correct = (iso: string) => (client: pg.Client) =>
        client.query(`UPDATE "Deal" SET "createdAt" = '${iso}' WHERE id = 'dl-1'`);
      try {
        // The correction first: the insert waits for it, and reads the deal as corrected.
        await interleaved(clients, correct('2026-02-01T00:00:00Z'), (client) => logCall(client, 'da-a'));
        // The insert first: the correction waits for it, and makes its row again.
        await interleaved(clients, (client) => logCall(client, 'da-b'), correct('2026-01-15T00:00:00Z'));
        expect((await logged()).map((row) => [row[1], row[8]])).toEqual([
          ['da-a', '2026-01-15T00:00:00.000Z'],
          ['da-b', '2026-01-15T00:00:00.000Z'],
        ]);
        expect(await logged()).toEqual(await expected());
      } finally {
        await Promise.all(clients.map((client) => client.end()));
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when a deal moves to another lead, or an interaction's payload is corrected, while its lead's row is held, then no deadlock follows",
    async () => {
      const { db } = database;
      await db.lead.createMany({ data: [lead('ld-1'), lead('ld-2'), lead('ld-3')] });
      await db.deal.create({ data: deal('dl-1', 'ld-1') });
      await db.dealActivity.create({ data: activity('da-1', 'dl-1', 'call') });
      await db.interaction.create({ data: touch('ix-1', 'ld-3', 'call-logged', 'rep@acme.example') });
      const [one, two] = [await connect(), await connect()];
      try {
        // A stage change holds ld-1; the deal's move waits for it before writing the log, so the
        // lead's correction in the same transaction does not wait for the move's rows.
        await one.query('BEGIN');
        await one.query(`UPDATE "Lead" SET stage = 'mql' WHERE id = 'ld-1'`);
        await two.query('BEGIN');
        const move = two.query(`UPDATE "Deal" SET "leadId" = 'ld-2' WHERE id = 'dl-1'`);
        await blocked(db, two);
        await one.query(`UPDATE "Lead" SET "createdAt" = '2026-02-20T00:00:00Z' WHERE id = 'ld-1'`);
        await one.query('COMMIT');
        await move;
        await two.query('COMMIT');
        expect((await logged()).find((row) => row[1] === 'da-1')?.[6]).toBe('ld-2');
        // A correction of an interaction's payload alone takes no lead's row: it does not wait for
        // a transaction holding its lead, whose deletion of the lead then waits for it.
        await one.query('BEGIN');
        await one.query(`UPDATE "Lead" SET stage = 'mql' WHERE id = 'ld-3'`);
        await two.query('BEGIN');
        await two.query(`UPDATE "Interaction" SET payload = '{"actor": 7}' WHERE id = 'ix-1'`);
        const erase = one.query(`DELETE FROM "Lead" WHERE id = 'ld-3'`);
        await blocked(db, one);
        await two.query('COMMIT');
        await erase;
        await one.query('COMMIT');
        expect(await logged()).toEqual(await expected());
      } finally {
        await one.end();
        await two.end();
      }
    },
  );

  it("when the log is emptied and the migration's backfill runs, then it holds the same rows as the triggers kept", async () => {
    const { db } = database;
    await db.lead.createMany({
      data: [
        { ...lead('ld-1'), sourceDetails: { campaign: 'spring' }, attributes: { industry: 'software', employees: 12 } },
        { ...lead('ld-2'), attributes: { region: 'emea', employees: '300' } },
        lead('ld-o', 'other'),
      ],
    });
    await db.deal.createMany({ data: [deal('dl-1', 'ld-1'), deal('dl-o', 'ld-o')] });
    await db.interaction.createMany({
      data: [
        ...INTERACTION_KINDS.map((kind, index) => touch(`ix-${index}`, 'ld-1', kind, 'rep@acme.example')),
        touch('ix-x', 'ld-2', 'call-logged', 5),
        touch('ix-y', 'ld-2', 'email-sent', 'rep2@acme.example'),
      ],
    });
    await db.dealActivity.createMany({
      data: [
        ...DEAL_ACTIVITY_KINDS.map((kind, index) => activity(`da-${index}`, 'dl-1', kind)),
        activity('da-outcome', 'dl-1', 'demo', 'mt-3:outcome'),
        activity('da-o', 'dl-o', 'call'),
      ],
    });
    const kept = await logged();
    expect(kept).toHaveLength(Object.keys(LEAD_ACTIVITY).length + 1 + Object.keys(DEAL_ACTIVITY).length + 1);
    await db.activityLog.deleteMany();
    const backfills = activityLogBackfills(provider);
    expect(backfills).toHaveLength(2);
    for (const statement of backfills) await db.$executeRawUnsafe(statement);
    expect(await logged()).toEqual(kept);
    // The segment fields' backfill, on rows logged without them.
    await db.$executeRawUnsafe(
      `UPDATE "ActivityLog" SET "leadSource" = NULL, "leadCampaign" = NULL, "leadIndustry" = NULL, "leadRegion" = NULL, "leadSizeBand" = NULL, "leadSizeText" = NULL`,
    );
    const segmented = segmentBackfills(provider);
    expect(segmented).toHaveLength(1);
    await db.$executeRawUnsafe(segmented[0]!);
    expect(await logged()).toEqual(kept);
    expect(await logged()).toEqual(await expected());
  });
});
