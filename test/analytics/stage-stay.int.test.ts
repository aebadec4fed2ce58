/**
 * The stay projection (StageStay) that the database's triggers keep: whoever writes a stage event,
 * one at a time or in bulk, in order or not, the table holds every ended stay of each lead (a stage
 * event and the instant of the next one, in the order occurredAt then id), with its lead's tenant
 * and creation. A correction or a deletion of an event recomputes them, and the migration's backfill
 * gives the same rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';

const TENANT = 'acme';
const at = (iso: string) => new Date(iso);
const CREATED = at('2026-03-02T14:00:00Z');

describe.each(providers)('the stay projection on %s', (provider) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(provider);
  });
  afterEach(async () => {
    await database.drop();
  });

  const lead = (id: string) => ({
    id,
    tenant: TENANT,
    source: 'webinar',
    sourceDetails: {},
    attributes: {},
    journeyId: `journey-${id}`,
    createdAt: CREATED,
  });
  const event = (id: string, leadId: string, toStage: string, occurredAt: string) => ({
    id,
    leadId,
    toStage,
    reason: 'test',
    occurredAt: at(occurredAt),
    idempotencyKey: id,
  });
  /** The stays of the tenant as [event, stage, entered, left], in event id order (code points). */
  const stays = async (tenant = TENANT) =>
    (await database.db.stageStay.findMany({ where: { tenant } }))
      .sort((a, b) => (a.eventId < b.eventId ? -1 : 1))
      .map((stay) => [stay.eventId, stay.stage, stay.enteredAt.toISOString(), stay.leftAt.toISOString()]);

  it('when events are written in any order, then each stay ends at the next stage event', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-1') });
    await db.stageEvent.create({ data: event('ev-b', 'ld-1', 'mql', '2026-03-05T09:00:00Z') });
    // The current stage has not ended: no stay yet.
    expect(await stays()).toEqual([]);
    await db.stageEvent.create({ data: event('ev-c', 'ld-1', 'sql', '2026-03-09T09:00:00Z') });
    // An earlier event written afterwards (an import, a retried activity) begins the first stay.
    await db.stageEvent.create({ data: event('ev-a', 'ld-1', 'engaged', '2026-03-03T09:00:00Z') });
    // Two events at one instant: the one with the lower id in code-point order comes first (a stay
    // of no time), "ev-D" before "ev-d" whatever the database's collation.
    await db.stageEvent.createMany({
      data: [
        event('ev-d', 'ld-1', 'proposal', '2026-03-12T09:00:00Z'),
        event('ev-D', 'ld-1', 'needs-analysis', '2026-03-12T09:00:00Z'),
      ],
    });
    expect(await stays()).toEqual([
      ['ev-D', 'needs-analysis', '2026-03-12T09:00:00.000Z', '2026-03-12T09:00:00.000Z'],
      ['ev-a', 'engaged', '2026-03-03T09:00:00.000Z', '2026-03-05T09:00:00.000Z'],
      ['ev-b', 'mql', '2026-03-05T09:00:00.000Z', '2026-03-09T09:00:00.000Z'],
      ['ev-c', 'sql', '2026-03-09T09:00:00.000Z', '2026-03-12T09:00:00.000Z'],
    ]);
    const row = await db.stageStay.findUniqueOrThrow({ where: { eventId: 'ev-a' } });
    expect({ leadId: row.leadId, leadCreatedAt: row.leadCreatedAt }).toEqual({
      leadId: 'ld-1',
      leadCreatedAt: CREATED,
    });
  });

  it('when an event is corrected or deleted, or its lead moved or deleted, then the stays are recomputed', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-1'), lead('ld-2')] });
    await db.stageEvent.createMany({
      data: [
        event('ev-1', 'ld-1', 'engaged', '2026-03-03T09:00:00Z'),
        event('ev-2', 'ld-1', 'mql', '2026-03-05T09:00:00Z'),
        event('ev-3', 'ld-1', 'sql', '2026-03-09T09:00:00Z'),
        event('ev-9', 'ld-2', 'mql', '2026-03-04T09:00:00Z'),
        event('ev-10', 'ld-2', 'disqualified', '2026-03-06T09:00:00Z'),
      ],
    });
    // The MQL moved after the SQL: the engaged stay now ends at the SQL, the SQL stay at the MQL.
    await db.stageEvent.update({ where: { id: 'ev-2' }, data: { occurredAt: at('2026-03-10T09:00:00Z') } });
    expect(await stays()).toEqual([
      ['ev-1', 'engaged', '2026-03-03T09:00:00.000Z', '2026-03-09T09:00:00.000Z'],
      ['ev-3', 'sql', '2026-03-09T09:00:00.000Z', '2026-03-10T09:00:00.000Z'],
      ['ev-9', 'mql', '2026-03-04T09:00:00.000Z', '2026-03-06T09:00:00.000Z'],
    ]);
    await db.stageEvent.delete({ where: { id: 'ev-3' } });
    expect(await stays()).toEqual([
      ['ev-1', 'engaged', '2026-03-03T09:00:00.000Z', '2026-03-10T09:00:00.000Z'],
      ['ev-9', 'mql', '2026-03-04T09:00:00.000Z', '2026-03-06T09:00:00.000Z'],
    ]);
    await db.lead.update({ where: { id: 'ld-2' }, data: { tenant: 'other' } });
    expect(await stays('other')).toEqual([['ev-9', 'mql', '2026-03-04T09:00:00.000Z', '2026-03-06T09:00:00.000Z']]);
    await db.lead.delete({ where: { id: 'ld-1' } });
    expect(await stays()).toEqual([]);
  });

  it("when the migration's backfill runs again, then it gives the rows the triggers keep", async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-x'), lead('ld-y')] });
    await db.stageEvent.createMany({
      data: [
        event('ev-x2', 'ld-x', 'sql', '2026-03-06T09:00:00Z'),
        event('ev-x1', 'ld-x', 'mql', '2026-03-04T09:00:00Z'),
        event('ev-x3', 'ld-x', 'needs-analysis', '2026-03-06T09:00:00Z'),
        event('ev-y1', 'ld-y', 'engaged', '2026-03-03T09:00:00Z'),
        event('ev-y2', 'ld-y', 'closed-lost', '2026-03-09T09:00:00Z'),
      ],
    });
    const kept = await db.stageStay.findMany({ orderBy: { eventId: 'asc' } });
    expect(kept.map((stay) => stay.eventId)).toEqual(['ev-x1', 'ev-x2', 'ev-y1']);

    await db.stageStay.deleteMany({});
    await db.$executeRawUnsafe(backfillStatement(provider));
    expect(await db.stageStay.findMany({ orderBy: { eventId: 'asc' } })).toEqual(kept);
  });
});

/** The migration's backfill INSERT, as committed for the provider. */
function backfillStatement(provider: string): string {
  const dir = provider === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations';
  const migration = readdirSync(dir).find((name) => name.endsWith('_analytics_projections'));
  const found = /^INSERT INTO "StageStay"[\s\S]*?;$/m.exec(readFileSync(`${dir}/${migration}/migration.sql`, 'utf8'));
  if (!found) throw new Error(`no backfill in ${dir}/${migration}`);
  return found[0];
}
