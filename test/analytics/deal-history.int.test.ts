/**
 * The deal course and forecast history that the database's triggers keep in DealHistory (migration
 * `analytics_deal_history`): whoever writes a stage event, a forecast or a deal, one at a time or
 * in bulk, in order or not, corrected, moved or deleted, each lead's row lists its deal-stage and
 * SQL transitions and its deal's forecasts oldest first, then by id; concurrent writers of one lead
 * both count; and the migration's backfills give the same rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instantFromText } from '../../src/db/raw-sql';
import { DEAL_STAGES } from '../../src/rules/facts';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { connectTo, blocked, dealHistoryBackfills } from '../support/projections';

const TENANT = 'acme';

describe.each(providers)('the deal course and forecast history on %s', (provider) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(provider);
    await database.db.account.create({ data: { id: 'acc', tenant: TENANT, name: 'Acme Buyer' } });
  });
  afterEach(async () => {
    await database.drop();
  });

  const lead = (id: string) => ({
    id,
    tenant: TENANT,
    source: 'webinar',
    sourceDetails: { campaign: 'Expo' },
    attributes: {},
    journeyId: `journey-${id}`,
    createdAt: new Date('2026-03-02T14:00:00Z'),
  });
  const event = (id: string, leadId: string, toStage: string, occurredAt: string) => ({
    id,
    leadId,
    toStage,
    reason: 'test',
    occurredAt: new Date(occurredAt),
    idempotencyKey: id,
  });
  const deal = (id: string, leadId: string) => ({
    id,
    tenant: TENANT,
    leadId,
    accountId: 'acc',
    name: id,
    ownerEmail: 'rep@acme.example',
    workflowId: `deal-${id}`,
    needs: {},
  });
  const forecast = (
    id: string,
    dealId: string,
    occurredAt: string,
    category: string | null,
    expectedCloseDate: string | null,
  ) => ({
    id,
    tenant: TENANT,
    dealId,
    cause: 'edit',
    stage: 'proposal',
    category,
    expectedCloseDate,
    currency: 'USD',
    actor: 'rep@acme.example',
    occurredAt: new Date(occurredAt),
    idempotencyKey: id,
  });

  /** The lead's course as listed on its row: [stage, ISO instant] oldest first; null when none. */
  const courseOf = async (leadId: string) => {
    const row = await database.db.dealHistory.findUnique({ where: { leadId } });
    return row?.course?.split(',').map((entry) => {
      const [stage, at] = entry.split('@');
      return [stage, instantFromText(at!).toISOString()];
    });
  };
  /** The forecast history on the lead's row: [ISO instant, category, close date] oldest first. */
  const historyOf = async (leadId: string) => {
    const row = await database.db.dealHistory.findUnique({ where: { leadId } });
    return row?.forecasts?.split(',').map((entry) => {
      const [at, category, close] = entry.split('|');
      return [instantFromText(at!).toISOString(), category, close];
    });
  };

  it('when deal-stage and SQL events come out of order, among other stages and at one instant, then the course lists them oldest first, then by id', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-1') });
    expect(await courseOf('ld-1')).toBeUndefined();
    await db.stageEvent.create({ data: event('ev-4', 'ld-1', 'proposal', '2026-03-09T09:00:00Z') });
    await db.stageEvent.create({ data: event('ev-1', 'ld-1', 'mql', '2026-03-03T09:00:00Z') });
    await db.stageEvent.create({ data: event('ev-2', 'ld-1', 'sql', '2026-03-04T09:00:00Z') });
    await db.stageEvent.create({ data: event('ev-3b', 'ld-1', 'needs-analysis', '2026-03-05T09:00:00Z') });
    await db.stageEvent.create({ data: event('ev-3a', 'ld-1', 'presentation', '2026-03-05T09:00:00Z') });
    await db.stageEvent.create({ data: event('ev-5', 'ld-1', 'engaged', '2026-03-10T09:00:00Z') });
    expect(await courseOf('ld-1')).toEqual([
      ['sql', '2026-03-04T09:00:00.000Z'],
      ['presentation', '2026-03-05T09:00:00.000Z'],
      ['needs-analysis', '2026-03-05T09:00:00.000Z'],
      ['proposal', '2026-03-09T09:00:00.000Z'],
    ]);
  });

  it('when events are corrected, moved to another lead or deleted, then both courses follow', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-a'), lead('ld-b')] });
    await db.stageEvent.createMany({
      data: [
        event('ev-a1', 'ld-a', 'sql', '2026-03-04T09:00:00Z'),
        event('ev-a2', 'ld-a', 'needs-analysis', '2026-03-06T09:00:00Z'),
        event('ev-a3', 'ld-a', 'engaged', '2026-03-07T09:00:00Z'),
        event('ev-b1', 'ld-b', 'closed-won', '2026-03-20T09:00:00Z'),
      ],
    });
    expect(await courseOf('ld-a')).toEqual([
      ['sql', '2026-03-04T09:00:00.000Z'],
      ['needs-analysis', '2026-03-06T09:00:00.000Z'],
    ]);

    await db.stageEvent.update({ where: { id: 'ev-a2' }, data: { occurredAt: new Date('2026-03-01T09:00:00Z') } });
    await db.stageEvent.update({ where: { id: 'ev-a3' }, data: { toStage: 'closed-lost' } });
    expect(await courseOf('ld-a')).toEqual([
      ['needs-analysis', '2026-03-01T09:00:00.000Z'],
      ['sql', '2026-03-04T09:00:00.000Z'],
      ['closed-lost', '2026-03-07T09:00:00.000Z'],
    ]);

    await db.stageEvent.update({ where: { id: 'ev-a1' }, data: { toStage: 'mql' } });
    await db.stageEvent.update({ where: { id: 'ev-a3' }, data: { leadId: 'ld-b' } });
    expect(await courseOf('ld-a')).toEqual([['needs-analysis', '2026-03-01T09:00:00.000Z']]);
    expect(await courseOf('ld-b')).toEqual([
      ['closed-lost', '2026-03-07T09:00:00.000Z'],
      ['closed-won', '2026-03-20T09:00:00.000Z'],
    ]);

    await db.stageEvent.delete({ where: { id: 'ev-a2' } });
    await db.stageEvent.deleteMany({ where: { leadId: 'ld-b' } });
    expect(await courseOf('ld-a')).toBeUndefined();
    expect(await courseOf('ld-b')).toBeUndefined();
  });

  it('when events are written before their lead (foreign keys off, as a bulk import may), or after its row is gone, then the row is made with the course', async () => {
    const { db } = database;
    if (provider === 'sqlite') await db.$executeRawUnsafe('PRAGMA foreign_keys = OFF');
    else await db.$executeRawUnsafe('ALTER TABLE "StageEvent" DROP CONSTRAINT "StageEvent_leadId_fkey"');
    await db.stageEvent.createMany({
      data: [
        event('ev-l2', 'ld-late', 'closed-won', '2026-03-08T09:00:00Z'),
        event('ev-l1', 'ld-late', 'sql', '2026-03-03T09:00:00Z'),
      ],
    });
    await db.lead.create({ data: lead('ld-late') });
    expect(await courseOf('ld-late')).toEqual([
      ['sql', '2026-03-03T09:00:00.000Z'],
      ['closed-won', '2026-03-08T09:00:00.000Z'],
    ]);

    // A row gone (by hand) is made again by the lead's next transition.
    await db.dealHistory.delete({ where: { leadId: 'ld-late' } });
    await db.stageEvent.create({ data: event('ev-l3', 'ld-late', 'negotiation', '2026-03-04T09:00:00Z') });
    expect(await courseOf('ld-late')).toEqual([
      ['sql', '2026-03-03T09:00:00.000Z'],
      ['negotiation', '2026-03-04T09:00:00.000Z'],
      ['closed-won', '2026-03-08T09:00:00.000Z'],
    ]);
  });

  it('when forecasts come out of order, at one instant, with a category or a date holding a separator, then the history lists them oldest first, then by id', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-f') });
    await db.deal.create({ data: deal('dl-f', 'ld-f') });
    expect(await historyOf('ld-f')).toBeUndefined();
    await db.dealForecast.create({ data: forecast('fc-3', 'dl-f', '2026-03-12T09:00:00Z', 'commit', '2026-04-30') });
    await db.dealForecast.createMany({
      data: [
        forecast('fc-1', 'dl-f', '2026-03-05T09:00:00Z', 'pipeline', null),
        forecast('fc-2b', 'dl-f', '2026-03-08T09:00:00Z', 'best,case', '2026-05-31'),
        forecast('fc-2a', 'dl-f', '2026-03-08T09:00:00Z', null, '2026|05|15'),
      ],
    });
    expect(await historyOf('ld-f')).toEqual([
      ['2026-03-05T09:00:00.000Z', 'pipeline', ''],
      ['2026-03-08T09:00:00.000Z', '', ''],
      ['2026-03-08T09:00:00.000Z', '', '2026-05-31'],
      ['2026-03-12T09:00:00.000Z', 'commit', '2026-04-30'],
    ]);
  });

  it('when a deal and its forecasts are written before their lead (a deal has no foreign key to it), then the lead takes the history', async () => {
    const { db } = database;
    await db.deal.create({ data: deal('dl-early', 'ld-early') });
    await db.dealForecast.create({
      data: forecast('fc-e1', 'dl-early', '2026-03-05T09:00:00Z', 'commit', '2026-04-30'),
    });
    expect(await db.dealHistory.findUnique({ where: { leadId: 'ld-early' } })).toBeNull();
    await db.lead.create({ data: lead('ld-early') });
    expect(await historyOf('ld-early')).toEqual([['2026-03-05T09:00:00.000Z', 'commit', '2026-04-30']]);
  });

  it('when forecasts are corrected, moved to another deal or deleted, or a deal is moved or deleted, then both histories follow', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-x'), lead('ld-y'), lead('ld-z')] });
    await db.deal.create({ data: deal('dl-x', 'ld-x') });
    await db.deal.create({ data: deal('dl-y', 'ld-y') });
    await db.dealForecast.createMany({
      data: [
        forecast('fc-x1', 'dl-x', '2026-03-05T09:00:00Z', 'pipeline', '2026-04-30'),
        forecast('fc-x2', 'dl-x', '2026-03-07T09:00:00Z', 'best-case', '2026-04-30'),
        forecast('fc-y1', 'dl-y', '2026-03-06T09:00:00Z', 'commit', '2026-05-31'),
      ],
    });
    await db.dealForecast.update({
      where: { id: 'fc-x2' },
      data: { occurredAt: new Date('2026-03-04T09:00:00Z'), category: 'commit', expectedCloseDate: '2026-04-15' },
    });
    expect(await historyOf('ld-x')).toEqual([
      ['2026-03-04T09:00:00.000Z', 'commit', '2026-04-15'],
      ['2026-03-05T09:00:00.000Z', 'pipeline', '2026-04-30'],
    ]);

    await db.dealForecast.update({ where: { id: 'fc-x1' }, data: { dealId: 'dl-y' } });
    expect(await historyOf('ld-x')).toEqual([['2026-03-04T09:00:00.000Z', 'commit', '2026-04-15']]);
    expect(await historyOf('ld-y')).toEqual([
      ['2026-03-05T09:00:00.000Z', 'pipeline', '2026-04-30'],
      ['2026-03-06T09:00:00.000Z', 'commit', '2026-05-31'],
    ]);

    await db.dealForecast.delete({ where: { id: 'fc-x2' } });
    expect(await historyOf('ld-x')).toBeUndefined();

    // The deal moves to a lead of its own: its history goes with it.
    await db.deal.update({ where: { id: 'dl-y' }, data: { leadId: 'ld-z' } });
    expect(await historyOf('ld-y')).toBeUndefined();
    expect(await historyOf('ld-z')).toHaveLength(2);

    await db.deal.delete({ where: { id: 'dl-y' } });
    expect(await historyOf('ld-z')).toBeUndefined();
  });

  const connect = () => connectTo(database);

  it.runIf(provider === 'postgresql')(
    'when two transactions write a forecast of one deal, or a deal-stage event of one lead, then the one committed second sees the first',
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-r') });
      await db.deal.create({ data: deal('dl-r', 'ld-r') });
      const [one, two] = [await connect(), await connect()];
      try {
        const writeForecast = (client: pg.Client, id: string, at: string) =>
          client.query(`INSERT INTO "DealForecast" (id, tenant, "dealId", cause, stage, category, currency, actor, "occurredAt", "idempotencyKey")
            VALUES ('${id}', '${TENANT}', 'dl-r', 'edit', 'proposal', 'commit', 'USD', 'rep@acme.example', '${at}', '${id}')`);
        const writeEvent = (client: pg.Client, id: string, stage: string, at: string) =>
          client.query(`INSERT INTO "StageEvent" (id, "leadId", "toStage", reason, "occurredAt", "idempotencyKey")
            VALUES ('${id}', 'ld-r', '${stage}', 'test', '${at}', '${id}')`);
        await one.query('BEGIN');
        await writeForecast(one, 'fc-r1', '2026-03-05T09:00:00Z');
        await writeEvent(one, 'ev-r1', 'sql', '2026-03-04T09:00:00Z');
        await two.query('BEGIN');
        const second = (async () => {
          await writeForecast(two, 'fc-r2', '2026-03-06T09:00:00Z');
          await writeEvent(two, 'ev-r2', 'proposal', '2026-03-07T09:00:00Z');
        })();
        await blocked(db, two);
        await one.query('COMMIT');
        await second;
        await two.query('COMMIT');
        expect(await historyOf('ld-r')).toEqual([
          ['2026-03-05T09:00:00.000Z', 'commit', ''],
          ['2026-03-06T09:00:00.000Z', 'commit', ''],
        ]);
        expect(await courseOf('ld-r')).toEqual([
          ['sql', '2026-03-04T09:00:00.000Z'],
          ['proposal', '2026-03-07T09:00:00.000Z'],
        ]);
      } finally {
        await one.end();
        await two.end();
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    'when a deal moves stage (a forecast, then the stage event) while an MQL event of its lead is written, then neither waits for the other in turn',
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-d') });
      await db.deal.create({ data: deal('dl-d', 'ld-d') });
      const [moving, scoring] = [await connect(), await connect()];
      try {
        await moving.query('BEGIN');
        await moving.query(`INSERT INTO "DealForecast" (id, tenant, "dealId", cause, stage, category, currency, actor, "occurredAt", "idempotencyKey")
          VALUES ('fc-d1', '${TENANT}', 'dl-d', 'stage-change', 'proposal', 'commit', 'USD', 'rep@acme.example', '2026-03-05T09:00:00Z', 'fc-d1')`);
        await scoring.query('BEGIN');
        const scored =
          scoring.query(`INSERT INTO "StageEvent" (id, "leadId", "toStage", reason, "occurredAt", "idempotencyKey")
          VALUES ('ev-d-mql', 'ld-d', 'mql', 'test', '2026-03-01T09:00:00Z', 'ev-d-mql')`);
        await blocked(db, scoring);
        await moving.query(`INSERT INTO "StageEvent" (id, "leadId", "toStage", reason, "occurredAt", "idempotencyKey")
          VALUES ('ev-d-proposal', 'ld-d', 'proposal', 'test', '2026-03-05T09:00:00Z', 'ev-d-proposal')`);
        await moving.query('COMMIT');
        await scored;
        await scoring.query('COMMIT');
        expect(await courseOf('ld-d')).toEqual([['proposal', '2026-03-05T09:00:00.000Z']]);
        expect(await historyOf('ld-d')).toEqual([['2026-03-05T09:00:00.000Z', 'commit', '']]);
      } finally {
        await moving.end();
        await scoring.end();
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when the migration's backfill runs while a forecast is being written, then the row keeps the writer's history",
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-w') });
      await db.deal.create({ data: deal('dl-w', 'ld-w') });
      await db.dealForecast.create({ data: forecast('fc-w1', 'dl-w', '2026-03-05T09:00:00Z', 'pipeline', null) });
      // As before the migration: nothing kept.
      await db.dealHistory.deleteMany({});
      const [writing, migrating] = [await connect(), await connect()];
      try {
        await writing.query('BEGIN');
        await writing.query(`INSERT INTO "DealForecast" (id, tenant, "dealId", cause, stage, category, currency, actor, "occurredAt", "idempotencyKey")
          VALUES ('fc-w2', '${TENANT}', 'dl-w', 'edit', 'proposal', 'commit', 'USD', 'rep@acme.example', '2026-03-06T09:00:00Z', 'fc-w2')`);
        const backfill = migrating.query(dealHistoryBackfills(provider)[1]!);
        await blocked(db, migrating);
        await writing.query('COMMIT');
        await backfill;
        expect(await historyOf('ld-w')).toEqual([
          ['2026-03-05T09:00:00.000Z', 'pipeline', ''],
          ['2026-03-06T09:00:00.000Z', 'commit', ''],
        ]);
      } finally {
        await writing.end();
        await migrating.end();
      }
    },
  );

  it("when the migration's backfills run again, then they give the rows the triggers keep", async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-p'), lead('ld-q'), lead('ld-s')] });
    await db.stageEvent.createMany({
      data: [
        event('ev-p2', 'ld-p', 'needs-analysis', '2026-03-06T09:00:00Z'),
        event('ev-p1', 'ld-p', 'sql', '2026-03-04T09:00:00Z'),
        event('ev-p3', 'ld-p', 'mql', '2026-03-03T09:00:00Z'),
        event('ev-q1', 'ld-q', 'closed-lost', '2026-03-09T09:00:00Z'),
        event('ev-s1', 'ld-s', 'engaged', '2026-03-09T09:00:00Z'),
      ],
    });
    await db.deal.create({ data: deal('dl-p', 'ld-p') });
    await db.deal.create({ data: deal('dl-q', 'ld-q') });
    await db.dealForecast.createMany({
      data: [
        forecast('fc-p2', 'dl-p', '2026-03-08T09:00:00Z', 'commit', '2026-04-30'),
        forecast('fc-p1', 'dl-p', '2026-03-07T09:00:00Z', 'pipe|line', null),
        forecast('fc-q1', 'dl-q', '2026-03-07T09:00:00Z', null, '2026-05-01'),
      ],
    });
    const kept = await db.dealHistory.findMany({ orderBy: { leadId: 'asc' } });
    expect(kept.map((row) => [row.leadId, row.course !== null, row.forecasts !== null])).toEqual([
      ['ld-p', true, true],
      ['ld-q', true, true],
    ]);
    await db.dealHistory.deleteMany({});
    for (const statement of dealHistoryBackfills(provider)) await db.$executeRawUnsafe(statement);
    expect(await db.dealHistory.findMany({ orderBy: { leadId: 'asc' } })).toEqual(kept);
  });
});

describe('the deal course triggers', () => {
  it("when they pick a lead's transitions, then they pick SQL and the stages of DEAL_STAGES, in both migrations", () => {
    for (const dir of ['prisma/migrations', 'prisma/postgres/migrations']) {
      const migration = readdirSync(dir).find((name) => name.endsWith('_analytics_deal_history'));
      const text = readFileSync(`${dir}/${migration}/migration.sql`, 'utf8').replaceAll("''", "'");
      const lists = [...text.matchAll(/"toStage" (?:NOT )?IN \(([^)]*)\)/g)].map((found) => found[1]);
      expect(lists.length, dir).toBeGreaterThanOrEqual(6);
      for (const list of lists) expect(list, dir).toBe(['sql', ...DEAL_STAGES].map((stage) => `'${stage}'`).join(', '));
    }
  });
});
