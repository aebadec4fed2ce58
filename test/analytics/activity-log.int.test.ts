/**
 * The activity log (ActivityLog) that the database's triggers keep: whoever writes an interaction or
 * a deal activity, one at a time or many in one statement, the log holds exactly the activities the
 * fact loader counts (LEAD_ACTIVITY's touches with a person as actor, DEAL_ACTIVITY's kinds on a
 * deal whose lead is of its tenant), with the tenant and creation the report filters on and the
 * meeting an outcome records. A correction or a deletion of an activity, its deal or its lead is
 * followed, and the migration's backfill gives the same rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEAL_ACTIVITY, LEAD_ACTIVITY } from '../../src/usecases/analytics/load-facts';
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

/** The migration's backfill statements, as committed for the provider. */
function activityLogBackfills(provider: string): string[] {
  const dir = provider === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations';
  const migration = readdirSync(dir).find((name) => name.endsWith('_analytics_activity_log'));
  const text = readFileSync(`${dir}/${migration}/migration.sql`, 'utf8');
  return [...text.matchAll(/^INSERT INTO "ActivityLog"[\s\S]*?;$/gm)].map((match) => match[0]);
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

  type Row = [string, string, string, string, string, string | null, string, string | null, string, string | null];
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
      ]),
    );

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

  const connect = () => connectTo(database);

  it.runIf(provider === 'postgresql')(
    'when a deal is corrected while an activity is logged on it, in either order, then the log holds the activity with the corrected deal',
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-1') });
      await db.deal.create({ data: deal('dl-1', 'ld-1') });
      const [one, two] = [await connect(), await connect()];
      const correct = (client: pg.Client, iso: string) =>
        client.query(`UPDATE "Deal" SET "createdAt" = '${iso}' WHERE id = 'dl-1'`);
      const log = (client: pg.Client, id: string) =>
        client.query(`INSERT INTO "DealActivity" (id, "dealId", kind, summary, actor, "occurredAt", payload, "idempotencyKey")
          VALUES ('${id}', 'dl-1', 'call', 'call', 'rep@acme.example', '2026-03-06T11:00:00Z', '{}', '${id}')`);
      try {
        // The correction first: the insert waits for it, and reads the deal as corrected.
        await one.query('BEGIN');
        await correct(one, '2026-02-01T00:00:00Z');
        await two.query('BEGIN');
        const first = log(two, 'da-a');
        await blocked(db, two);
        await one.query('COMMIT');
        await first;
        await two.query('COMMIT');
        // The insert first: the correction waits for it, and makes its row again.
        await one.query('BEGIN');
        await log(one, 'da-b');
        await two.query('BEGIN');
        const second = correct(two, '2026-01-15T00:00:00Z');
        await blocked(db, two);
        await one.query('COMMIT');
        await second;
        await two.query('COMMIT');
        expect((await logged()).map((row) => [row[1], row[8]])).toEqual([
          ['da-a', '2026-01-15T00:00:00.000Z'],
          ['da-b', '2026-01-15T00:00:00.000Z'],
        ]);
        expect(await logged()).toEqual(await expected());
      } finally {
        await one.end();
        await two.end();
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
    await db.lead.createMany({ data: [lead('ld-1'), lead('ld-2'), lead('ld-o', 'other')] });
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
  });
});
