/**
 * The ownership projection that the database's triggers keep (LeadOwnership, migration
 * `analytics_lead_ownership`): whoever writes a lead or an assignment, one at a time or in bulk, in
 * order or not, corrected, moved or deleted, each lead's row holds the owner on the lead's row, its
 * first assignment's instant and its last assignment (by instant, then id), with lowercased keys;
 * concurrent writers of one lead both count; and the migration's backfill gives the same rows. The
 * lead's row of LeadFunnel carries the same columns (migration `analytics_funnel_owner`), whichever
 * of the two rows is written first, and that migration's backfill copies them.
 */
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { backfillStatements, connectTo, blocked, funnelOwnerBackfill, ownershipBackfill } from '../support/projections';

const TENANT = 'acme';

describe.each(providers)('the ownership projection on %s', (provider) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(provider);
  });
  afterEach(async () => {
    await database.drop();
  });

  const lead = (id: string, ownerId: string | null = null) => ({
    id,
    tenant: TENANT,
    source: 'webinar',
    sourceDetails: {},
    attributes: {},
    journeyId: `journey-${id}`,
    ownerId,
    createdAt: new Date('2026-03-02T14:00:00Z'),
  });
  const assignment = (id: string, leadId: string, repEmail: string | null, assignedAt: string) => ({
    id,
    leadId,
    tenant: TENANT,
    repEmail,
    queue: repEmail === null ? 'inbound' : null,
    reason: 'test',
    assignedAt: new Date(assignedAt),
    idempotencyKey: id,
  });
  /**
   * The row as [rowOwner, rowOwnerKey, firstAssignedAt, lastAssignedAt, lastOwner, lastOwnerKey],
   * once the lead's row of LeadFunnel is found to carry the same four columns (migration
   * `analytics_funnel_owner`): every case checks the copy too.
   */
  const ownershipOf = async (leadId: string) => {
    const row = await database.db.leadOwnership.findUnique({ where: { leadId } });
    const funnel = await database.db.leadFunnel.findUnique({ where: { leadId } });
    const copied = (of: typeof row | typeof funnel) =>
      of && [
        of.rowOwner,
        of.firstAssignedAt?.toISOString() ?? null,
        of.lastAssignedAt?.toISOString() ?? null,
        of.lastOwner,
      ];
    expect(copied(funnel), `LeadFunnel's copy of ${leadId}'s ownership`).toEqual(copied(row));
    return (
      row && [
        row.rowOwner,
        row.rowOwnerKey,
        row.firstAssignedAt?.toISOString() ?? null,
        row.lastAssignedAt?.toISOString() ?? null,
        row.lastOwner,
        row.lastOwnerKey,
      ]
    );
  };

  it('when a lead is written with an owner and no assignment, then its row holds the owner and its key', async () => {
    await database.db.lead.create({ data: lead('ld-1', 'Ana@Acme.example') });
    await database.db.lead.create({ data: lead('ld-2') });
    expect(await ownershipOf('ld-1')).toEqual(['Ana@Acme.example', 'ana@acme.example', null, null, null, null]);
    expect(await ownershipOf('ld-2')).toEqual([null, null, null, null, null, null]);
  });

  it('when assignments come out of order, at one instant, or to a queue, then the row keeps the first instant and the last assignment by instant, then id', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-a') });
    await db.assignment.create({ data: assignment('as-3', 'ld-a', 'Bo@acme.example', '2026-03-05T09:00:00Z') });
    await db.assignment.create({ data: assignment('as-1', 'ld-a', 'ana@acme.example', '2026-03-03T09:00:00Z') });
    expect(await ownershipOf('ld-a')).toEqual([
      null,
      null,
      '2026-03-03T09:00:00.000Z',
      '2026-03-05T09:00:00.000Z',
      'Bo@acme.example',
      'bo@acme.example',
    ]);
    // Two at one instant: the later id is the last.
    await db.assignment.createMany({
      data: [
        assignment('as-5b', 'ld-a', 'cy@acme.example', '2026-03-07T09:00:00Z'),
        assignment('as-5a', 'ld-a', 'di@acme.example', '2026-03-07T09:00:00Z'),
      ],
    });
    expect((await ownershipOf('ld-a'))!.slice(3)).toEqual([
      '2026-03-07T09:00:00.000Z',
      'cy@acme.example',
      'cy@acme.example',
    ]);
    // To a queue: no owner.
    await db.assignment.create({ data: assignment('as-6', 'ld-a', null, '2026-03-08T09:00:00Z') });
    expect((await ownershipOf('ld-a'))!.slice(2)).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-08T09:00:00.000Z',
      null,
      null,
    ]);
  });

  it("when the lead's owner changes, or assignments are corrected, moved to another lead or deleted, then both rows follow", async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-x', 'ana@acme.example'), lead('ld-y')] });
    await db.assignment.createMany({
      data: [
        assignment('as-x1', 'ld-x', 'ana@acme.example', '2026-03-03T09:00:00Z'),
        assignment('as-x2', 'ld-x', 'bo@acme.example', '2026-03-05T09:00:00Z'),
      ],
    });
    await db.lead.update({ where: { id: 'ld-x' }, data: { ownerId: 'Bo@acme.example' } });
    expect(await ownershipOf('ld-x')).toEqual([
      'Bo@acme.example',
      'bo@acme.example',
      '2026-03-03T09:00:00.000Z',
      '2026-03-05T09:00:00.000Z',
      'bo@acme.example',
      'bo@acme.example',
    ]);

    await db.assignment.update({ where: { id: 'as-x2' }, data: { assignedAt: new Date('2026-03-01T09:00:00Z') } });
    expect((await ownershipOf('ld-x'))!.slice(2)).toEqual([
      '2026-03-01T09:00:00.000Z',
      '2026-03-03T09:00:00.000Z',
      'ana@acme.example',
      'ana@acme.example',
    ]);

    await db.assignment.update({ where: { id: 'as-x1' }, data: { leadId: 'ld-y', repEmail: 'Cy@acme.example' } });
    expect((await ownershipOf('ld-x'))!.slice(2)).toEqual([
      '2026-03-01T09:00:00.000Z',
      '2026-03-01T09:00:00.000Z',
      'bo@acme.example',
      'bo@acme.example',
    ]);
    expect(await ownershipOf('ld-y')).toEqual([
      null,
      null,
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T09:00:00.000Z',
      'Cy@acme.example',
      'cy@acme.example',
    ]);

    await db.assignment.delete({ where: { id: 'as-x2' } });
    expect(await ownershipOf('ld-x')).toEqual(['Bo@acme.example', 'bo@acme.example', null, null, null, null]);
    await db.lead.update({ where: { id: 'ld-x' }, data: { ownerId: null, tenant: 'other' } });
    expect(await ownershipOf('ld-x')).toEqual([null, null, null, null, null, null]);
    expect((await db.leadOwnership.findUniqueOrThrow({ where: { leadId: 'ld-x' } })).tenant).toBe('other');
  });

  it('when assignments are written before their lead (an import may: an assignment has no foreign key), then the lead takes them', async () => {
    const { db } = database;
    await db.assignment.createMany({
      data: [
        assignment('as-l2', 'ld-late', 'bo@acme.example', '2026-03-06T09:00:00Z'),
        assignment('as-l1', 'ld-late', 'ana@acme.example', '2026-03-04T09:00:00Z'),
      ],
    });
    await db.lead.create({ data: lead('ld-late', 'bo@acme.example') });
    expect(await ownershipOf('ld-late')).toEqual([
      'bo@acme.example',
      'bo@acme.example',
      '2026-03-04T09:00:00.000Z',
      '2026-03-06T09:00:00.000Z',
      'bo@acme.example',
      'bo@acme.example',
    ]);
  });

  const connect = () => connectTo(database);

  it.runIf(provider === 'postgresql')(
    'when two transactions write an assignment of one lead, with its owner as routing does or alone, then the one committed second sees the first',
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-r') });
      const [one, two] = [await connect(), await connect()];
      try {
        const route = async (client: pg.Client, id: string, rep: string, at: string) => {
          await client.query(`UPDATE "Lead" SET "ownerId" = '${rep}' WHERE id = 'ld-r'`);
          await client.query(`INSERT INTO "Assignment" (id, "leadId", tenant, "repEmail", reason, "assignedAt", "idempotencyKey")
            VALUES ('${id}', 'ld-r', '${TENANT}', '${rep}', 'test', '${at}', '${id}')`);
        };
        await one.query('BEGIN');
        await route(one, 'as-r2', 'bo@acme.example', '2026-03-06T09:00:00Z');
        await two.query('BEGIN');
        const second = route(two, 'as-r1', 'ana@acme.example', '2026-03-04T09:00:00Z');
        await blocked(db, two);
        await one.query('COMMIT');
        await second;
        await two.query('COMMIT');
        // The owner on the row is the last written; the assignments both count.
        expect(await ownershipOf('ld-r')).toEqual([
          'ana@acme.example',
          'ana@acme.example',
          '2026-03-04T09:00:00.000Z',
          '2026-03-06T09:00:00.000Z',
          'bo@acme.example',
          'bo@acme.example',
        ]);

        // Assignments alone (an import, demo data): the lead's row is not taken first.
        await db.lead.create({ data: lead('ld-r2') });
        const assign = (client: pg.Client, id: string, rep: string, at: string) =>
          client.query(`INSERT INTO "Assignment" (id, "leadId", tenant, "repEmail", reason, "assignedAt", "idempotencyKey")
            VALUES ('${id}', 'ld-r2', '${TENANT}', '${rep}', 'test', '${at}', '${id}')`);
        await one.query('BEGIN');
        await assign(one, 'as-r4', 'bo@acme.example', '2026-03-06T09:00:00Z');
        await two.query('BEGIN');
        const other = assign(two, 'as-r3', 'ana@acme.example', '2026-03-04T09:00:00Z');
        await blocked(db, two);
        await one.query('COMMIT');
        await other;
        await two.query('COMMIT');
        expect((await ownershipOf('ld-r2'))!.slice(2)).toEqual([
          '2026-03-04T09:00:00.000Z',
          '2026-03-06T09:00:00.000Z',
          'bo@acme.example',
          'bo@acme.example',
        ]);
      } finally {
        await one.end();
        await two.end();
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when a stage event is written before its lead's row while the lead is routed, then both commit and LeadFunnel's copy follows",
    async () => {
      // The journal's order (transitionStage, closeLeadWithDeal): the stage event, then the lead's row.
      // Its LeadFunnel row is written by the stage event's triggers, and a routing writes it too,
      // after the lead's row: the stage event takes the lead's row first (`analytics_lead_lock_order`).
      const { db } = database;
      await db.lead.create({ data: lead('ld-d', 'ana@acme.example') });
      const [journal, routing] = [await connect(), await connect()];
      try {
        await journal.query('BEGIN');
        await journal.query(`INSERT INTO "StageEvent" (id, "leadId", "fromStage", "toStage", reason, "occurredAt", "idempotencyKey")
          VALUES ('se-d1', 'ld-d', 'new', 'mql', 'test', '2026-03-03T09:00:00Z', 'se-d1')`);
        await routing.query('BEGIN');
        const routed = (async () => {
          await routing.query(`UPDATE "Lead" SET "ownerId" = 'bo@acme.example' WHERE id = 'ld-d'`);
          await routing.query(`INSERT INTO "Assignment" (id, "leadId", tenant, "repEmail", reason, "assignedAt", "idempotencyKey")
            VALUES ('as-d1', 'ld-d', '${TENANT}', 'bo@acme.example', 'test', '2026-03-04T09:00:00Z', 'as-d1')`);
          await routing.query('COMMIT');
        })();
        await blocked(db, routing);
        await journal.query(`UPDATE "Lead" SET stage = 'mql' WHERE id = 'ld-d'`);
        await journal.query('COMMIT');
        await routed;
        expect(await ownershipOf('ld-d')).toEqual([
          'bo@acme.example',
          'bo@acme.example',
          '2026-03-04T09:00:00.000Z',
          '2026-03-04T09:00:00.000Z',
          'bo@acme.example',
          'bo@acme.example',
        ]);
        expect((await db.leadFunnel.findUniqueOrThrow({ where: { leadId: 'ld-d' } })).mqlAt?.toISOString()).toBe(
          '2026-03-03T09:00:00.000Z',
        );
      } finally {
        await journal.end();
        await routing.end();
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when a deal's forecast, then a stage event, are written while its lead is routed, then both commit and LeadFunnel's copy follows",
    async () => {
      // setDealStage's order: the forecast (the deal history's refresh locks LeadFunnel's row), then
      // the stage event; the refresh takes the lead's row first (`analytics_lead_lock_order`).
      const { db } = database;
      await db.lead.create({ data: lead('ld-s', 'ana@acme.example') });
      await db.account.create({ data: { id: 'acc-s', tenant: TENANT, name: 'Acme Buyer' } });
      await db.deal.create({
        data: {
          id: 'dl-s',
          tenant: TENANT,
          leadId: 'ld-s',
          accountId: 'acc-s',
          name: 'Acme',
          ownerEmail: 'ana@acme.example',
          workflowId: 'deal-dl-s',
          needs: {},
        },
      });
      const [desk, routing] = [await connect(), await connect()];
      try {
        await desk.query('BEGIN');
        await desk.query(`INSERT INTO "DealForecast" (id, tenant, "dealId", cause, stage, currency, actor, "occurredAt", "idempotencyKey")
          VALUES ('fc-s1', '${TENANT}', 'dl-s', 'stage-change', 'proposal', 'USD', 'test', '2026-03-03T09:00:00Z', 'fc-s1')`);
        await routing.query('BEGIN');
        const routed = (async () => {
          await routing.query(`UPDATE "Lead" SET "ownerId" = 'bo@acme.example' WHERE id = 'ld-s'`);
          await routing.query(`INSERT INTO "Assignment" (id, "leadId", tenant, "repEmail", reason, "assignedAt", "idempotencyKey")
            VALUES ('as-s1', 'ld-s', '${TENANT}', 'bo@acme.example', 'test', '2026-03-04T09:00:00Z', 'as-s1')`);
          await routing.query('COMMIT');
        })();
        await blocked(db, routing);
        await desk.query(`INSERT INTO "StageEvent" (id, "leadId", "fromStage", "toStage", reason, "occurredAt", "idempotencyKey")
          VALUES ('se-s1', 'ld-s', 'presentation', 'proposal', 'test', '2026-03-03T09:00:00Z', 'se-s1')`);
        await desk.query('COMMIT');
        await routed;
        expect((await ownershipOf('ld-s'))!.slice(4)).toEqual(['bo@acme.example', 'bo@acme.example']);
      } finally {
        await desk.end();
        await routing.end();
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when a stage event or an interaction is written, then its lead's row is taken before any other trigger runs",
    async () => {
      // Triggers of one event run in name order: the lock's name sorts first, so no trigger locks
      // LeadFunnel's row before the lead's (`analytics_lead_lock_order`).
      for (const table of ['StageEvent', 'Interaction']) {
        const triggers = await database.db.$queryRawUnsafe<{ name: string }[]>(
          `SELECT tgname AS name FROM pg_trigger WHERE tgrelid = '"${table}"'::regclass AND NOT tgisinternal ORDER BY tgname COLLATE "C"`,
        );
        const names = triggers.map((trigger) => trigger.name);
        expect(names.length, table).toBeGreaterThan(2);
        expect(names.slice(0, 2), table).toEqual(names.filter((name) => name.startsWith('0_lead_lock_')));
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when LeadFunnel's rows are written again while a lead is routed, then the copy has the routing's owner",
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-b', 'ana@acme.example') });
      // A rebuild of the projection: its rows deleted, then written again by its backfills.
      await db.leadFunnel.deleteMany({});
      const [rebuilding, routing] = [await connect(), await connect()];
      try {
        await rebuilding.query('BEGIN');
        for (const statement of backfillStatements(provider)) await rebuilding.query(statement);
        await routing.query('BEGIN');
        const routed = (async () => {
          await routing.query(`UPDATE "Lead" SET "ownerId" = 'bo@acme.example' WHERE id = 'ld-b'`);
          await routing.query(`INSERT INTO "Assignment" (id, "leadId", tenant, "repEmail", reason, "assignedAt", "idempotencyKey")
            VALUES ('as-b1', 'ld-b', '${TENANT}', 'bo@acme.example', 'test', '2026-03-04T09:00:00Z', 'as-b1')`);
          await routing.query('COMMIT');
        })();
        // The routing waits for the rebuilt row's copy to commit, then copies its own.
        await blocked(db, routing);
        await rebuilding.query('COMMIT');
        await routed;
        expect(await ownershipOf('ld-b')).toEqual([
          'bo@acme.example',
          'bo@acme.example',
          '2026-03-04T09:00:00.000Z',
          '2026-03-04T09:00:00.000Z',
          'bo@acme.example',
          'bo@acme.example',
        ]);
      } finally {
        await rebuilding.end();
        await routing.end();
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when the migration's backfill runs while an assignment is being written, then the row keeps the writer's assignment",
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-w') });
      await db.assignment.create({ data: assignment('as-w1', 'ld-w', 'ana@acme.example', '2026-03-04T09:00:00Z') });
      // As before the migration: no rows.
      await db.leadOwnership.deleteMany({});
      const [writing, migrating] = [await connect(), await connect()];
      try {
        await writing.query('BEGIN');
        await writing.query(`INSERT INTO "Assignment" (id, "leadId", tenant, "repEmail", reason, "assignedAt", "idempotencyKey")
          VALUES ('as-w2', 'ld-w', '${TENANT}', 'bo@acme.example', 'test', '2026-03-06T09:00:00Z', 'as-w2')`);
        const backfill = migrating.query(ownershipBackfill(provider));
        await blocked(db, migrating);
        await writing.query('COMMIT');
        await backfill;
        expect((await ownershipOf('ld-w'))!.slice(2)).toEqual([
          '2026-03-04T09:00:00.000Z',
          '2026-03-06T09:00:00.000Z',
          'bo@acme.example',
          'bo@acme.example',
        ]);
      } finally {
        await writing.end();
        await migrating.end();
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when the migration's backfill runs while a lead's owner changes, then the row has the new owner",
    async () => {
      const { db } = database;
      await db.lead.create({ data: lead('ld-o', 'ana@acme.example') });
      // As before the migration: no rows.
      await db.leadOwnership.deleteMany({});
      const [migrating, writing] = [await connect(), await connect()];
      try {
        await migrating.query('BEGIN');
        await migrating.query(ownershipBackfill(provider));
        const moved = writing.query(`UPDATE "Lead" SET "ownerId" = 'Bo@acme.example' WHERE id = 'ld-o'`);
        await blocked(db, writing);
        await migrating.query('COMMIT');
        await moved;
        expect(await ownershipOf('ld-o')).toEqual(['Bo@acme.example', 'bo@acme.example', null, null, null, null]);
      } finally {
        await migrating.end();
        await writing.end();
      }
    },
  );

  it("when the migration's backfill runs again, then it gives the rows the triggers keep", async () => {
    const { db } = database;
    await db.lead.createMany({
      data: [lead('ld-p', 'Ana@acme.example'), lead('ld-q'), lead('ld-s', 'bo@acme.example')],
    });
    await db.assignment.createMany({
      data: [
        assignment('as-p2', 'ld-p', 'Ana@acme.example', '2026-03-06T09:00:00Z'),
        assignment('as-p1', 'ld-p', 'bo@acme.example', '2026-03-04T09:00:00Z'),
        assignment('as-p3b', 'ld-p', 'cy@acme.example', '2026-03-06T09:00:00Z'),
        assignment('as-q1', 'ld-q', null, '2026-03-05T09:00:00Z'),
      ],
    });
    const kept = await db.leadOwnership.findMany({ orderBy: { leadId: 'asc' } });
    expect(kept.map((row) => [row.leadId, row.lastOwner])).toEqual([
      ['ld-p', 'cy@acme.example'],
      ['ld-q', null],
      ['ld-s', null],
    ]);
    await db.leadOwnership.deleteMany({});
    await db.$executeRawUnsafe(ownershipBackfill(provider));
    expect(await db.leadOwnership.findMany({ orderBy: { leadId: 'asc' } })).toEqual(kept);
  });

  it("when LeadFunnel's copy is lost, or its rows are written again, then every lead's columns are copied again", async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-f1', 'Ana@acme.example'), lead('ld-f2')] });
    await db.assignment.createMany({
      data: [
        assignment('as-f1', 'ld-f1', 'bo@acme.example', '2026-03-04T09:00:00Z'),
        assignment('as-f2', 'ld-f2', 'cy@acme.example', '2026-03-05T09:00:00Z'),
      ],
    });
    const copy = async () =>
      (await db.leadFunnel.findMany({ orderBy: { leadId: 'asc' } })).map((row) => [
        row.leadId,
        row.rowOwner,
        row.firstAssignedAt?.toISOString() ?? null,
        row.lastAssignedAt?.toISOString() ?? null,
        row.lastOwner,
      ]);
    const kept = await copy();
    expect(kept).toEqual([
      ['ld-f1', 'Ana@acme.example', '2026-03-04T09:00:00.000Z', '2026-03-04T09:00:00.000Z', 'bo@acme.example'],
      ['ld-f2', null, '2026-03-05T09:00:00.000Z', '2026-03-05T09:00:00.000Z', 'cy@acme.example'],
    ]);
    await db.leadFunnel.updateMany({
      data: { rowOwner: null, firstAssignedAt: null, lastAssignedAt: null, lastOwner: null },
    });
    await db.$executeRawUnsafe(funnelOwnerBackfill(provider));
    expect(await copy()).toEqual(kept);
    // LeadFunnel's rows written again after LeadOwnership's (its own backfills, as committed): each
    // takes its lead's columns as it is inserted.
    await db.leadFunnel.deleteMany({});
    for (const statement of backfillStatements(provider)) await db.$executeRawUnsafe(statement);
    expect(await copy()).toEqual(kept);
  });
});
