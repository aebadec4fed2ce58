/**
 * The funnel projection (LeadFunnel) that the database's triggers keep: whoever writes a lead or a
 * stage event, through Prisma one at a time or in bulk, in order or not, the row holds each lead's
 * first arrival at each funnel stage, as reachedAt computes it from the events. A correction or a
 * deletion of an event recomputes it, and the migration's backfill gives the same rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECORDED_STAGES, stagesReaching } from '../../src/domain/analytics/stages';
import { TOUCH_EVENTS } from '../../src/domain/lead-events';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { connectTo, backfillStatements, blocked } from '../support/projections';

const TENANT = 'acme';
const at = (iso: string) => new Date(iso);

interface Funnel {
  mqlAt: Date | null;
  sqlAt: Date | null;
  opportunityAt: Date | null;
  wonAt: Date | null;
  qualifiedAt: Date | null;
  closedAt: Date | null;
  lostAt: Date | null;
}

const NONE: Funnel = {
  mqlAt: null,
  sqlAt: null,
  opportunityAt: null,
  wonAt: null,
  qualifiedAt: null,
  closedAt: null,
  lostAt: null,
};

describe.each(providers)('the funnel projection on %s', (provider) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(provider);
  });
  afterEach(async () => {
    await database.drop();
  });

  const lead = (id: string, createdAt = at('2026-03-02T14:00:00Z'), sourceDetails: object = {}) => ({
    id,
    tenant: TENANT,
    source: 'webinar',
    sourceDetails,
    attributes: {},
    journeyId: `journey-${id}`,
    createdAt,
  });
  let events = 0;
  const event = (leadId: string, toStage: string, occurredAt: string) => {
    events += 1;
    return {
      id: `ev-${events}`,
      leadId,
      toStage,
      reason: 'test',
      occurredAt: at(occurredAt),
      idempotencyKey: `ev-${events}`,
    };
  };
  const funnelOf = async (leadId: string) => {
    const row = await database.db.leadFunnel.findUniqueOrThrow({ where: { leadId } });
    return {
      mqlAt: row.mqlAt,
      sqlAt: row.sqlAt,
      opportunityAt: row.opportunityAt,
      wonAt: row.wonAt,
      qualifiedAt: row.qualifiedAt,
      closedAt: row.closedAt,
      lostAt: row.lostAt,
    };
  };

  const mqlEventOf = async (leadId: string) => {
    const row = await database.db.leadFunnel.findUniqueOrThrow({ where: { leadId } });
    return row.mqlEventId === null ? null : [row.mqlEventId, row.mqlEventAt!.toISOString(), row.mqlVersion];
  };
  const mql = (leadId: string, occurredAt: string, rulesetVersion: string | null, id?: string) => {
    const written = { ...event(leadId, 'mql', occurredAt), rulesetVersion };
    return id === undefined ? written : { ...written, id, idempotencyKey: id };
  };

  it('when a lead reaches each recorded stage, then its row marks the stages stagesReaching names', async () => {
    const { db } = database;
    const when = '2026-03-03T10:00:00.000Z';
    for (const stage of RECORDED_STAGES) {
      await db.lead.create({ data: lead(`ld-${stage}`) });
      await db.stageEvent.create({ data: event(`ld-${stage}`, stage, when) });
      const reaches = (funnel: 'mql' | 'sql' | 'opportunity' | 'won') =>
        stagesReaching(funnel).includes(stage) ? at(when) : null;
      expect(await funnelOf(`ld-${stage}`), stage).toEqual({
        mqlAt: reaches('mql'),
        sqlAt: reaches('sql'),
        opportunityAt: reaches('opportunity'),
        wonAt: reaches('won'),
        qualifiedAt: stage === 'new' || stage === 'engaged' ? null : at(when),
        closedAt: stage === 'closed-won' || stage === 'closed-lost' ? at(when) : null,
        lostAt: stage === 'closed-lost' ? at(when) : null,
      });
    }
  });

  it('when closes come out of order, are corrected, moved or deleted, then closedAt and lostAt keep the first remaining ones', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-d'), lead('ld-e')] });
    const first = async (leadId: string) => {
      const { closedAt, lostAt } = await funnelOf(leadId);
      return { closedAt, lostAt };
    };
    const lost = event('ld-d', 'closed-lost', '2026-03-10T09:00:00Z');
    await db.stageEvent.create({ data: lost });
    const won = event('ld-d', 'closed-won', '2026-03-05T09:00:00Z');
    await db.stageEvent.create({ data: won });
    await db.stageEvent.create({ data: event('ld-d', 'negotiation', '2026-03-01T09:00:00Z') });
    expect(await first('ld-d')).toEqual({ closedAt: at('2026-03-05T09:00:00Z'), lostAt: at('2026-03-10T09:00:00Z') });

    await db.stageEvent.update({ where: { id: won.id }, data: { occurredAt: at('2026-03-20T09:00:00Z') } });
    expect(await first('ld-d')).toEqual({ closedAt: at('2026-03-10T09:00:00Z'), lostAt: at('2026-03-10T09:00:00Z') });

    await db.stageEvent.delete({ where: { id: lost.id } });
    expect(await first('ld-d')).toEqual({ closedAt: at('2026-03-20T09:00:00Z'), lostAt: null });

    await db.stageEvent.update({ where: { id: won.id }, data: { leadId: 'ld-e' } });
    expect(await first('ld-d')).toEqual({ closedAt: null, lostAt: null });
    expect(await first('ld-e')).toEqual({ closedAt: at('2026-03-20T09:00:00Z'), lostAt: null });

    await db.stageEvent.update({ where: { id: won.id }, data: { toStage: 'proposal' } });
    expect(await first('ld-e')).toEqual({ closedAt: null, lostAt: null });
  });

  it('when events come out of order, are corrected or deleted, then the row keeps the first remaining arrival', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-1') });
    expect(await funnelOf('ld-1')).toEqual(NONE);
    const late = event('ld-1', 'sql', '2026-03-10T09:00:00Z');
    await db.stageEvent.create({ data: late });
    // An earlier MQL recorded afterwards (an import, a retried activity) moves MQL, not SQL.
    const early = event('ld-1', 'mql', '2026-03-05T09:00:00Z');
    await db.stageEvent.create({ data: early });
    await db.stageEvent.create({ data: event('ld-1', 'mql', '2026-03-20T09:00:00Z') });
    expect(await funnelOf('ld-1')).toEqual({
      ...NONE,
      mqlAt: at('2026-03-05T09:00:00Z'),
      sqlAt: at('2026-03-10T09:00:00Z'),
      qualifiedAt: at('2026-03-05T09:00:00Z'),
    });

    // Corrected later: the first arrival is the earliest remaining event.
    await db.stageEvent.update({ where: { id: early.id }, data: { occurredAt: at('2026-03-25T09:00:00Z') } });
    expect(await funnelOf('ld-1')).toEqual({
      ...NONE,
      mqlAt: at('2026-03-10T09:00:00Z'),
      sqlAt: at('2026-03-10T09:00:00Z'),
      qualifiedAt: at('2026-03-10T09:00:00Z'),
    });

    await db.stageEvent.delete({ where: { id: late.id } });
    expect(await funnelOf('ld-1')).toEqual({
      ...NONE,
      mqlAt: at('2026-03-20T09:00:00Z'),
      qualifiedAt: at('2026-03-20T09:00:00Z'),
    });
    await db.stageEvent.deleteMany({ where: { leadId: 'ld-1' } });
    expect(await funnelOf('ld-1')).toEqual(NONE);
  });

  it('when leads and events are written in bulk, corrected and deleted, then the rows follow', async () => {
    const { db } = database;
    await db.lead.createMany({
      data: [
        lead('ld-a', undefined, { campaign: ' Spring launch ' }),
        lead('ld-b', undefined, { campaign: 42 }),
        lead('ld-c'),
      ],
    });
    const channels = async () =>
      (await db.leadFunnel.findMany({ orderBy: { leadId: 'asc' } })).map((row) => [
        row.leadId,
        row.source,
        row.campaign,
      ]);
    // The campaign as given when it is text, none when it is not.
    expect(await channels()).toEqual([
      ['ld-a', 'webinar', ' Spring launch '],
      ['ld-b', 'webinar', null],
      ['ld-c', 'webinar', null],
    ]);
    await db.stageEvent.createMany({
      data: [
        event('ld-a', 'mql', '2026-03-04T09:00:00Z'),
        event('ld-a', 'closed-won', '2026-04-01T09:00:00Z'),
        event('ld-a', 'needs-analysis', '2026-03-20T09:00:00Z'),
        event('ld-b', 'engaged', '2026-03-04T09:00:00Z'),
        event('ld-b', 'disqualified', '2026-03-05T09:00:00Z'),
      ],
    });
    expect(await funnelOf('ld-a')).toEqual({
      mqlAt: at('2026-03-04T09:00:00Z'),
      sqlAt: at('2026-03-20T09:00:00Z'),
      opportunityAt: at('2026-03-20T09:00:00Z'),
      wonAt: at('2026-04-01T09:00:00Z'),
      qualifiedAt: at('2026-03-04T09:00:00Z'),
      closedAt: at('2026-04-01T09:00:00Z'),
      lostAt: null,
    });
    expect(await funnelOf('ld-b')).toEqual({ ...NONE, qualifiedAt: at('2026-03-05T09:00:00Z') });
    expect(await funnelOf('ld-c')).toEqual(NONE);

    await db.lead.update({ where: { id: 'ld-c' }, data: { createdAt: at('2026-02-01T08:00:00Z'), tenant: 'other' } });
    await db.lead.update({
      where: { id: 'ld-b' },
      data: { source: 'referral', sourceDetails: { campaign: 'Partners' } },
    });
    const moved = await db.leadFunnel.findUniqueOrThrow({ where: { leadId: 'ld-c' } });
    expect({ tenant: moved.tenant, createdAt: moved.createdAt }).toEqual({
      tenant: 'other',
      createdAt: at('2026-02-01T08:00:00Z'),
    });
    expect((await channels())[1]).toEqual(['ld-b', 'referral', 'Partners']);

    await db.lead.delete({ where: { id: 'ld-a' } });
    expect(await db.leadFunnel.findUnique({ where: { leadId: 'ld-a' } })).toBeNull();
  });

  it('when a stage event arrives for a lead without its row, then the row is made from the lead', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-m', undefined, { campaign: 'Expo' }) });
    await db.leadFunnel.delete({ where: { leadId: 'ld-m' } });
    await db.stageEvent.create({ data: event('ld-m', 'mql', '2026-03-04T09:00:00Z') });
    const row = await db.leadFunnel.findUniqueOrThrow({ where: { leadId: 'ld-m' } });
    expect(row).toMatchObject({
      tenant: TENANT,
      createdAt: at('2026-03-02T14:00:00Z'),
      source: 'webinar',
      campaign: 'Expo',
    });
    expect(await funnelOf('ld-m')).toEqual({
      ...NONE,
      mqlAt: at('2026-03-04T09:00:00Z'),
      qualifiedAt: at('2026-03-04T09:00:00Z'),
    });
  });

  it("when a lead's first-touch SLA deadline is set, moved or cleared, then its row follows, and a row made later takes it", async () => {
    const { db } = database;
    const dueOf = async (leadId: string) => (await db.leadFunnel.findUniqueOrThrow({ where: { leadId } })).slaDueAt;
    await db.lead.createMany({
      data: [{ ...lead('ld-s1'), slaDueAt: at('2026-03-02T18:00:00Z') }, lead('ld-s2')],
    });
    expect([await dueOf('ld-s1'), await dueOf('ld-s2')]).toEqual([at('2026-03-02T18:00:00Z'), null]);

    await db.lead.update({ where: { id: 'ld-s2' }, data: { slaDueAt: at('2026-03-03T10:00:00Z') } });
    await db.lead.update({ where: { id: 'ld-s1' }, data: { slaDueAt: at('2026-03-05T10:00:00Z') } });
    expect([await dueOf('ld-s1'), await dueOf('ld-s2')]).toEqual([
      at('2026-03-05T10:00:00Z'),
      at('2026-03-03T10:00:00Z'),
    ]);

    // Another column of the lead written: the deadline stays.
    await db.lead.update({ where: { id: 'ld-s1' }, data: { slaStatus: 'breached' } });
    expect(await dueOf('ld-s1')).toEqual(at('2026-03-05T10:00:00Z'));

    await db.lead.update({ where: { id: 'ld-s1' }, data: { slaDueAt: null } });
    expect(await dueOf('ld-s1')).toBeNull();

    // A row made again from the lead (a stage event of a lead without its row) copies the deadline,
    // and an upsert of a row that exists keeps it.
    await db.leadFunnel.delete({ where: { leadId: 'ld-s2' } });
    await db.stageEvent.create({ data: event('ld-s2', 'mql', '2026-03-03T09:00:00Z') });
    expect(await dueOf('ld-s2')).toEqual(at('2026-03-03T10:00:00Z'));
    await db.stageEvent.create({ data: event('ld-s2', 'sql', '2026-03-03T12:00:00Z') });
    expect(await dueOf('ld-s2')).toEqual(at('2026-03-03T10:00:00Z'));
  });

  it('when closing and MQL events are written before their lead (foreign keys off, as a bulk import may), then the lead takes its first close and MQL event', async () => {
    const { db } = database;
    if (provider === 'sqlite') await db.$executeRawUnsafe('PRAGMA foreign_keys = OFF');
    else await db.$executeRawUnsafe('ALTER TABLE "StageEvent" DROP CONSTRAINT "StageEvent_leadId_fkey"');
    await db.stageEvent.createMany({
      data: [
        event('ld-late', 'closed-lost', '2026-03-09T09:00:00Z'),
        event('ld-late', 'closed-won', '2026-03-08T09:00:00Z'),
        { ...event('ld-late', 'mql', '2026-03-04T09:00:00Z'), id: 'ev-late-b', rulesetVersion: 'v2' },
        { ...event('ld-late', 'mql', '2026-03-03T09:00:00Z'), id: 'ev-late-a', rulesetVersion: 'v1' },
      ],
    });
    expect(await db.leadFunnel.findUnique({ where: { leadId: 'ld-late' } })).toBeNull();
    await db.lead.create({ data: lead('ld-late') });
    expect(await funnelOf('ld-late')).toMatchObject({
      wonAt: at('2026-03-08T09:00:00Z'),
      closedAt: at('2026-03-08T09:00:00Z'),
      lostAt: at('2026-03-09T09:00:00Z'),
    });
    expect(await mqlEventOf('ld-late')).toEqual(['ev-late-a', '2026-03-03T09:00:00.000Z', 'v1']);
  });

  it.runIf(provider === 'postgresql')(
    'when a lead and its stage events are written in one statement, events first, then its row has their arrivals',
    async () => {
      // The events' statement trigger runs before the lead's: the lead's trigger reads the events.
      const writeTogether = (id: string, stage: string, occurredAt: string) =>
        database.db.$executeRawUnsafe(`WITH l AS (
          INSERT INTO "Lead" (id, tenant, source, "sourceDetails", attributes, "journeyId", "createdAt", "updatedAt")
          VALUES ('${id}', '${TENANT}', 'webinar', '{}', '{}', 'journey-${id}', '2026-03-02T14:00:00Z', now()) RETURNING id)
        INSERT INTO "StageEvent" (id, "leadId", "toStage", reason, "occurredAt", "idempotencyKey")
        VALUES ('ev-${id}', '${id}', '${stage}', 'test', '${occurredAt}', 'ev-${id}')`);
      await writeTogether('ld-cte', 'sql', '2026-03-05T09:00:00Z');
      expect(await funnelOf('ld-cte')).toEqual({
        ...NONE,
        mqlAt: at('2026-03-05T09:00:00Z'),
        sqlAt: at('2026-03-05T09:00:00Z'),
        qualifiedAt: at('2026-03-05T09:00:00Z'),
      });
      await writeTogether('ld-cte-lost', 'closed-lost', '2026-03-07T09:00:00Z');
      expect(await funnelOf('ld-cte-lost')).toMatchObject({
        wonAt: null,
        closedAt: at('2026-03-07T09:00:00Z'),
        lostAt: at('2026-03-07T09:00:00Z'),
      });
    },
  );

  let touches = 0;
  const touch = (leadId: string, occurredAt: string, kind = 'call-logged') => {
    touches += 1;
    return {
      id: `in-${touches}`,
      leadId,
      kind,
      occurredAt: at(occurredAt),
      payload: {},
      idempotencyKey: `in-${touches}`,
    };
  };
  const touchOf = async (leadId: string) =>
    (await database.db.leadFunnel.findUniqueOrThrow({ where: { leadId } })).mqlTouchAt;

  it('when touches come before and after the MQL, out of order, then mqlTouchAt is the first touch at or after it', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-t') });
    await db.interaction.create({ data: touch('ld-t', '2026-03-03T09:00:00Z') });
    // A touch before any MQL is no response to one.
    expect(await touchOf('ld-t')).toBeNull();
    await db.stageEvent.create({ data: event('ld-t', 'mql', '2026-03-05T09:00:00Z') });
    expect(await touchOf('ld-t')).toBeNull();
    await db.interaction.create({ data: touch('ld-t', '2026-03-09T09:00:00Z', 'email-sent') });
    // A page visit or a reply is no touch; one at the MQL's instant is.
    await db.interaction.create({ data: touch('ld-t', '2026-03-06T09:00:00Z', 'note') });
    expect(await touchOf('ld-t')).toEqual(at('2026-03-09T09:00:00Z'));
    await db.interaction.create({ data: touch('ld-t', '2026-03-05T09:00:00Z', 'meeting-booked') });
    expect(await touchOf('ld-t')).toEqual(at('2026-03-05T09:00:00Z'));
  });

  it('when the MQL moves earlier or later, or goes, then mqlTouchAt follows it', async () => {
    const { db } = database;
    await db.lead.create({ data: lead('ld-u') });
    await db.interaction.createMany({
      data: [touch('ld-u', '2026-03-04T09:00:00Z'), touch('ld-u', '2026-03-12T09:00:00Z')],
    });
    const mql = event('ld-u', 'mql', '2026-03-10T09:00:00Z');
    await db.stageEvent.create({ data: mql });
    expect(await touchOf('ld-u')).toEqual(at('2026-03-12T09:00:00Z'));
    // An earlier MQL recorded afterwards (an import) is answered by the earlier touch.
    await db.stageEvent.create({ data: event('ld-u', 'sql', '2026-03-03T09:00:00Z') });
    expect(await touchOf('ld-u')).toEqual(at('2026-03-04T09:00:00Z'));
    await db.stageEvent.deleteMany({ where: { leadId: 'ld-u', toStage: 'sql' } });
    expect(await touchOf('ld-u')).toEqual(at('2026-03-12T09:00:00Z'));
    await db.stageEvent.update({ where: { id: mql.id }, data: { occurredAt: at('2026-03-13T09:00:00Z') } });
    expect(await touchOf('ld-u')).toBeNull();
    await db.stageEvent.delete({ where: { id: mql.id } });
    expect(await touchOf('ld-u')).toBeNull();
  });

  it('when touches are corrected, moved to another lead or deleted, then mqlTouchAt keeps the first remaining one', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-v'), lead('ld-w')] });
    await db.stageEvent.createMany({
      data: [event('ld-v', 'mql', '2026-03-05T09:00:00Z'), event('ld-w', 'mql', '2026-03-05T09:00:00Z')],
    });
    const first = touch('ld-v', '2026-03-06T09:00:00Z');
    const second = touch('ld-v', '2026-03-08T09:00:00Z');
    await db.interaction.createMany({ data: [second, first, touch('ld-v', '2026-03-11T09:00:00Z')] });
    expect(await touchOf('ld-v')).toEqual(at('2026-03-06T09:00:00Z'));

    await db.interaction.update({ where: { id: first.id }, data: { occurredAt: at('2026-03-09T09:00:00Z') } });
    expect(await touchOf('ld-v')).toEqual(at('2026-03-08T09:00:00Z'));
    await db.interaction.update({ where: { id: second.id }, data: { kind: 'email-reply' } });
    expect(await touchOf('ld-v')).toEqual(at('2026-03-09T09:00:00Z'));
    await db.interaction.update({ where: { id: first.id }, data: { leadId: 'ld-w' } });
    expect(await touchOf('ld-v')).toEqual(at('2026-03-11T09:00:00Z'));
    expect(await touchOf('ld-w')).toEqual(at('2026-03-09T09:00:00Z'));
    // Deleting a touch that is not the first changes nothing; deleting the first finds the next.
    await db.interaction.create({ data: touch('ld-w', '2026-03-20T09:00:00Z') });
    await db.interaction.deleteMany({ where: { leadId: 'ld-w', occurredAt: at('2026-03-20T09:00:00Z') } });
    expect(await touchOf('ld-w')).toEqual(at('2026-03-09T09:00:00Z'));
    await db.interaction.deleteMany({ where: { leadId: { in: ['ld-v', 'ld-w'] } } });
    expect([await touchOf('ld-v'), await touchOf('ld-w')]).toEqual([null, null]);
  });

  const connect = () => connectTo(database);

  it.runIf(provider === 'postgresql')(
    'when an MQL moves while a touch is written, in either order, then the one committed second sees the first, as does the backfill',
    async () => {
      const { db } = database;
      const [touching, moving] = [await connect(), await connect()];
      try {
        const insertTouch = (leadId: string) =>
          touching.query(`INSERT INTO "Interaction" (id, "leadId", kind, "occurredAt", payload, "idempotencyKey")
            VALUES ('in-${leadId}', '${leadId}', 'call-logged', '2026-03-06T09:00:00Z', '{}', 'in-${leadId}')`);
        const moveMql = (leadId: string) =>
          moving.query(`INSERT INTO "StageEvent" (id, "leadId", "toStage", reason, "occurredAt", "idempotencyKey")
            VALUES ('ev-${leadId}', '${leadId}', 'mql', 'test', '2026-03-05T09:00:00Z', 'ev-${leadId}')`);
        for (const [leadId, first] of [
          ['ld-race-1', 'touch'],
          ['ld-race-2', 'mql'],
        ] as const) {
          await db.lead.create({ data: lead(leadId) });
          await db.stageEvent.create({ data: event(leadId, 'mql', '2026-03-10T09:00:00Z') });
          // The touch (6 March) answers the MQL only once it has moved to 5 March.
          const [one, two] = first === 'touch' ? [touching, moving] : [moving, touching];
          const [writeOne, writeTwo] = first === 'touch' ? [insertTouch, moveMql] : [moveMql, insertTouch];
          await one.query('BEGIN');
          await writeOne(leadId);
          await two.query('BEGIN');
          const second = writeTwo(leadId);
          await blocked(database.db, two);
          await one.query('COMMIT');
          await second;
          await two.query('COMMIT');
          expect(await touchOf(leadId), first).toEqual(at('2026-03-06T09:00:00Z'));
        }
        // The migration's backfill, run while a touch is being written (a rolling deploy), keeps it.
        await db.lead.create({ data: lead('ld-race-3') });
        await db.stageEvent.create({ data: event('ld-race-3', 'mql', '2026-03-05T09:00:00Z') });
        await db.interaction.create({ data: touch('ld-race-3', '2026-03-09T09:00:00Z') });
        await touching.query('BEGIN');
        await insertTouch('ld-race-3');
        const backfill = moving.query(backfillStatements(provider)[2]!);
        await blocked(database.db, moving);
        await touching.query('COMMIT');
        await backfill;
        expect(await touchOf('ld-race-3'), 'backfill').toEqual(at('2026-03-06T09:00:00Z'));
      } finally {
        await touching.end();
        await moving.end();
      }
    },
  );

  it('when MQL events come out of order or at one instant, then the row keeps the first by instant and id, with its version', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-m1'), lead('ld-m2')] });
    expect(await mqlEventOf('ld-m1')).toBeNull();
    await db.stageEvent.create({ data: mql('ld-m1', '2026-03-08T09:00:00Z', 'v2', 'ev-m-b') });
    await db.stageEvent.create({ data: event('ld-m1', 'sql', '2026-03-01T09:00:00Z') });
    expect(await mqlEventOf('ld-m1')).toEqual(['ev-m-b', '2026-03-08T09:00:00.000Z', 'v2']);
    await db.stageEvent.create({ data: mql('ld-m1', '2026-03-05T09:00:00Z', null, 'ev-m-c') });
    expect(await mqlEventOf('ld-m1')).toEqual(['ev-m-c', '2026-03-05T09:00:00.000Z', null]);
    // At the same instant the lower id comes first, whichever is written first.
    await db.stageEvent.create({ data: mql('ld-m1', '2026-03-05T09:00:00Z', 'v1', 'ev-m-a') });
    expect(await mqlEventOf('ld-m1')).toEqual(['ev-m-a', '2026-03-05T09:00:00.000Z', 'v1']);
    await db.stageEvent.create({ data: mql('ld-m1', '2026-03-05T09:00:00Z', 'v3', 'ev-m-d') });
    expect(await mqlEventOf('ld-m1')).toEqual(['ev-m-a', '2026-03-05T09:00:00.000Z', 'v1']);
    // Several in one statement: the first of them.
    await db.stageEvent.createMany({
      data: [
        mql('ld-m2', '2026-03-07T09:00:00Z', 'v2', 'ev-m-f'),
        mql('ld-m2', '2026-03-06T09:00:00Z', 'v1', 'ev-m-g'),
        mql('ld-m2', '2026-03-06T09:00:00Z', 'v3', 'ev-m-e'),
      ],
    });
    expect(await mqlEventOf('ld-m2')).toEqual(['ev-m-e', '2026-03-06T09:00:00.000Z', 'v3']);
  });

  it('when MQL events are corrected, moved to another lead or deleted, then the row keeps the first remaining one', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-m3'), lead('ld-m4')] });
    await db.stageEvent.createMany({
      data: [
        mql('ld-m3', '2026-03-05T09:00:00Z', 'v1', 'ev-n-a'),
        mql('ld-m3', '2026-03-07T09:00:00Z', 'v2', 'ev-n-b'),
        mql('ld-m3', '2026-03-09T09:00:00Z', 'v3', 'ev-n-c'),
      ],
    });
    await db.stageEvent.update({ where: { id: 'ev-n-a' }, data: { occurredAt: at('2026-03-08T09:00:00Z') } });
    expect(await mqlEventOf('ld-m3')).toEqual(['ev-n-b', '2026-03-07T09:00:00.000Z', 'v2']);
    await db.stageEvent.update({ where: { id: 'ev-n-b' }, data: { rulesetVersion: 'v2-fixed' } });
    expect(await mqlEventOf('ld-m3')).toEqual(['ev-n-b', '2026-03-07T09:00:00.000Z', 'v2-fixed']);
    await db.stageEvent.update({ where: { id: 'ev-n-b' }, data: { toStage: 'engaged' } });
    expect(await mqlEventOf('ld-m3')).toEqual(['ev-n-a', '2026-03-08T09:00:00.000Z', 'v1']);
    await db.stageEvent.update({ where: { id: 'ev-n-a' }, data: { leadId: 'ld-m4' } });
    expect(await mqlEventOf('ld-m3')).toEqual(['ev-n-c', '2026-03-09T09:00:00.000Z', 'v3']);
    expect(await mqlEventOf('ld-m4')).toEqual(['ev-n-a', '2026-03-08T09:00:00.000Z', 'v1']);
    // An event corrected into an MQL one counts; deleting the last leaves none.
    await db.stageEvent.update({ where: { id: 'ev-n-b' }, data: { toStage: 'mql' } });
    expect(await mqlEventOf('ld-m3')).toEqual(['ev-n-b', '2026-03-07T09:00:00.000Z', 'v2-fixed']);
    await db.stageEvent.deleteMany({ where: { leadId: 'ld-m3', toStage: 'mql' } });
    expect(await mqlEventOf('ld-m3')).toBeNull();
  });

  it.runIf(provider === 'postgresql')(
    'when an MQL event is deleted while an earlier one is being written, then the row has the earlier one, as after the backfill',
    async () => {
      const { db } = database;
      const [writing, deleting] = [await connect(), await connect()];
      try {
        const insertEarlier = (leadId: string) =>
          writing.query(`INSERT INTO "StageEvent" (id, "leadId", "toStage", reason, "rulesetVersion", "occurredAt", "idempotencyKey")
            VALUES ('ev-early-${leadId}', '${leadId}', 'mql', 'test', 'v1', '2026-03-04T09:00:00Z', 'ev-early-${leadId}')`);
        await db.lead.createMany({ data: [lead('ld-m5'), lead('ld-m6')] });
        await db.stageEvent.createMany({
          data: [
            mql('ld-m5', '2026-03-06T09:00:00Z', 'v2', 'ev-late-ld-m5'),
            mql('ld-m6', '2026-03-06T09:00:00Z', 'v2'),
          ],
        });
        // The deletion's recompute waits for the writer of the lead, then reads its event.
        await writing.query('BEGIN');
        await insertEarlier('ld-m5');
        const deleted = deleting.query(`DELETE FROM "StageEvent" WHERE id = 'ev-late-ld-m5'`);
        await blocked(database.db, deleting);
        await writing.query('COMMIT');
        await deleted;
        expect(await mqlEventOf('ld-m5')).toEqual(['ev-early-ld-m5', '2026-03-04T09:00:00.000Z', 'v1']);
        // The migration's backfill, run while an earlier MQL event is being written, keeps it. The row
        // is as before the migration (no MQL event kept), so the backfill has one to write.
        await db.$executeRawUnsafe(
          `UPDATE "LeadFunnel" SET "mqlEventAt" = NULL, "mqlEventId" = NULL, "mqlVersion" = NULL WHERE "leadId" = 'ld-m6'`,
        );
        await writing.query('BEGIN');
        await insertEarlier('ld-m6');
        const backfill = deleting.query(backfillStatements(provider)[3]!);
        await blocked(database.db, deleting);
        await writing.query('COMMIT');
        await backfill;
        expect(await mqlEventOf('ld-m6'), 'backfill').toEqual(['ev-early-ld-m6', '2026-03-04T09:00:00.000Z', 'v1']);
      } finally {
        await writing.end();
        await deleting.end();
      }
    },
  );

  /**
   * The instant since which lead `leadId`'s scoring decisions all have its last one's version, worked
   * out from its decisions (by decidedAt, then id in code-point order): the first decision after the
   * last of another version, or its first; null without one.
   */
  const scoredSinceOf = async (leadId: string) => {
    const decisions = (await database.db.decision.findMany({ where: { leadId, kind: 'scoring' } })).sort(
      (a, b) => a.decidedAt.getTime() - b.decidedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const last = decisions.at(-1);
    if (!last) return null;
    let first = decisions.length - 1;
    while (first > 0 && decisions[first - 1]!.rulesetVersion === last.rulesetVersion) first -= 1;
    return decisions[first]!.decidedAt;
  };
  // Every check of a lead's decisions also checks its scoredSince against its decisions.
  const decisionsOf = async (leadId: string) => {
    const row = await database.db.leadFunnel.findUniqueOrThrow({ where: { leadId } });
    expect(row.scoredSince, `scoredSince of ${leadId}`).toEqual(await scoredSinceOf(leadId));
    return {
      scored: row.scoredId === null ? null : [row.scoredId, row.scoredAt!.toISOString(), row.scoredVersion],
      routed: row.routedId === null ? null : [row.routedId, row.routedAt!.toISOString(), row.routedVersion],
    };
  };
  const decision = (leadId: string, kind: string, decidedAt: string, rulesetVersion: string, id: string) => ({
    id,
    leadId,
    kind,
    outcome: {},
    explanation: {},
    rulesetVersion,
    decidedAt: at(decidedAt),
    idempotencyKey: id,
  });

  it('when decisions come out of order or at one instant, then the row keeps the last scoring and the first routing decision by instant and id', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-d1'), lead('ld-d2')] });
    expect(await decisionsOf('ld-d1')).toEqual({ scored: null, routed: null });
    await db.decision.create({ data: decision('ld-d1', 'scoring', '2026-03-05T09:00:00Z', 'v2', 'dc-b') });
    await db.decision.create({ data: decision('ld-d1', 'routing', '2026-03-05T10:00:00Z', 'v2', 'dc-r2') });
    // Another kind (a discount approval, say) is neither.
    await db.decision.create({ data: decision('ld-d1', 'discount', '2026-03-09T09:00:00Z', 'v9', 'dc-x') });
    expect(await decisionsOf('ld-d1')).toEqual({
      scored: ['dc-b', '2026-03-05T09:00:00.000Z', 'v2'],
      routed: ['dc-r2', '2026-03-05T10:00:00.000Z', 'v2'],
    });
    // An earlier scoring decision recorded afterwards changes nothing, a later one replaces it; an
    // earlier routing decision replaces the row's.
    await db.decision.create({ data: decision('ld-d1', 'scoring', '2026-03-04T09:00:00Z', 'v1', 'dc-a') });
    await db.decision.create({ data: decision('ld-d1', 'routing', '2026-03-04T10:00:00Z', 'v1', 'dc-r1') });
    expect(await decisionsOf('ld-d1')).toEqual({
      scored: ['dc-b', '2026-03-05T09:00:00.000Z', 'v2'],
      routed: ['dc-r1', '2026-03-04T10:00:00.000Z', 'v1'],
    });
    await db.decision.create({ data: decision('ld-d1', 'scoring', '2026-03-06T09:00:00Z', 'v3', 'dc-c') });
    expect((await decisionsOf('ld-d1')).scored).toEqual(['dc-c', '2026-03-06T09:00:00.000Z', 'v3']);
    // At the same instant the higher id is the last scoring decision, the lower the first routing
    // one, whichever is written first.
    await db.decision.create({ data: decision('ld-d1', 'scoring', '2026-03-06T09:00:00Z', 'v4', 'dc-d') });
    await db.decision.create({ data: decision('ld-d1', 'scoring', '2026-03-06T09:00:00Z', 'v0', 'dc-cc') });
    await db.decision.create({ data: decision('ld-d1', 'routing', '2026-03-04T10:00:00Z', 'v0', 'dc-r0') });
    await db.decision.create({ data: decision('ld-d1', 'routing', '2026-03-04T10:00:00Z', 'v5', 'dc-r5') });
    expect(await decisionsOf('ld-d1')).toEqual({
      scored: ['dc-d', '2026-03-06T09:00:00.000Z', 'v4'],
      routed: ['dc-r0', '2026-03-04T10:00:00.000Z', 'v0'],
    });
    // Several in one statement: the last scoring and the first routing decision of them.
    await db.decision.createMany({
      data: [
        decision('ld-d2', 'scoring', '2026-03-07T09:00:00Z', 'v2', 'dc-e'),
        decision('ld-d2', 'scoring', '2026-03-08T09:00:00Z', 'v3', 'dc-f'),
        decision('ld-d2', 'scoring', '2026-03-06T09:00:00Z', 'v1', 'dc-g'),
        decision('ld-d2', 'routing', '2026-03-07T09:00:00Z', 'v2', 'dc-r7'),
        decision('ld-d2', 'routing', '2026-03-06T09:00:00Z', 'v1', 'dc-r6'),
      ],
    });
    expect(await decisionsOf('ld-d2')).toEqual({
      scored: ['dc-f', '2026-03-08T09:00:00.000Z', 'v3'],
      routed: ['dc-r6', '2026-03-06T09:00:00.000Z', 'v1'],
    });
  });

  it('when scoring decisions of one version follow others, come out of order, are corrected or deleted, then scoredSince is the first of the last run of its version', async () => {
    const { db } = database;
    const since = async (leadId: string) => {
      await decisionsOf(leadId);
      return (await db.leadFunnel.findUniqueOrThrow({ where: { leadId } })).scoredSince?.toISOString() ?? null;
    };
    await db.lead.createMany({ data: [lead('ld-v1'), lead('ld-v2')] });
    expect(await since('ld-v1')).toBeNull();
    await db.decision.create({ data: decision('ld-v1', 'scoring', '2026-03-02T09:00:00Z', 'v1', 'dc-v-a') });
    expect(await since('ld-v1')).toBe('2026-03-02T09:00:00.000Z');
    // A re-score of the same version keeps the instant; one of another version starts a run.
    await db.decision.create({ data: decision('ld-v1', 'scoring', '2026-03-03T09:00:00Z', 'v1', 'dc-v-b') });
    expect(await since('ld-v1')).toBe('2026-03-02T09:00:00.000Z');
    await db.decision.create({ data: decision('ld-v1', 'scoring', '2026-03-04T09:00:00Z', 'v2', 'dc-v-c') });
    await db.decision.create({ data: decision('ld-v1', 'scoring', '2026-03-05T09:00:00Z', 'v2', 'dc-v-d') });
    expect(await since('ld-v1')).toBe('2026-03-04T09:00:00.000Z');
    // An earlier decision recorded afterwards: of the last version inside the run, nothing moves; of
    // another version inside it, the run starts after it; of the last version just before the run,
    // the run starts earlier.
    await db.decision.create({ data: decision('ld-v1', 'scoring', '2026-03-04T12:00:00Z', 'v2', 'dc-v-e') });
    expect(await since('ld-v1')).toBe('2026-03-04T09:00:00.000Z');
    await db.decision.create({ data: decision('ld-v1', 'scoring', '2026-03-04T15:00:00Z', 'v1', 'dc-v-f') });
    expect(await since('ld-v1')).toBe('2026-03-05T09:00:00.000Z');
    // At one instant the id orders them: a v1 decision after the v2 one of that instant ends the run.
    await db.decision.create({ data: decision('ld-v1', 'scoring', '2026-03-05T09:00:00Z', 'v1', 'dc-v-dd') });
    expect(await since('ld-v1')).toBe('2026-03-05T09:00:00.000Z');
    expect((await decisionsOf('ld-v1')).scored).toEqual(['dc-v-dd', '2026-03-05T09:00:00.000Z', 'v1']);
    // Corrected into the last version, deleted, moved to another lead: recomputed each time.
    await db.decision.update({ where: { id: 'dc-v-dd' }, data: { rulesetVersion: 'v2' } });
    expect(await since('ld-v1')).toBe('2026-03-05T09:00:00.000Z');
    await db.decision.delete({ where: { id: 'dc-v-f' } });
    expect(await since('ld-v1')).toBe('2026-03-04T09:00:00.000Z');
    await db.decision.update({ where: { id: 'dc-v-c' }, data: { leadId: 'ld-v2' } });
    expect(await since('ld-v1')).toBe('2026-03-04T12:00:00.000Z');
    expect(await since('ld-v2')).toBe('2026-03-04T09:00:00.000Z');
    // Several in one statement, out of order.
    await db.decision.createMany({
      data: [
        decision('ld-v2', 'scoring', '2026-03-08T09:00:00Z', 'v3', 'dc-v-h'),
        decision('ld-v2', 'scoring', '2026-03-07T09:00:00Z', 'v3', 'dc-v-i'),
        decision('ld-v2', 'scoring', '2026-03-06T12:00:00Z', 'v2', 'dc-v-j'),
      ],
    });
    expect(await since('ld-v2')).toBe('2026-03-07T09:00:00.000Z');
    await db.decision.deleteMany({ where: { leadId: 'ld-v2', kind: 'scoring' } });
    expect(await since('ld-v2')).toBeNull();
  });

  it('when decisions are corrected, moved to another lead or deleted, then the row keeps the last scoring and first routing decision remaining', async () => {
    const { db } = database;
    await db.lead.createMany({ data: [lead('ld-d3'), lead('ld-d4')] });
    await db.decision.createMany({
      data: [
        decision('ld-d3', 'scoring', '2026-03-05T09:00:00Z', 'v1', 'dc-h'),
        decision('ld-d3', 'scoring', '2026-03-07T09:00:00Z', 'v2', 'dc-i'),
        decision('ld-d3', 'routing', '2026-03-05T10:00:00Z', 'v1', 'dc-r-h'),
        decision('ld-d3', 'routing', '2026-03-07T10:00:00Z', 'v2', 'dc-r-i'),
      ],
    });
    await db.decision.update({ where: { id: 'dc-i' }, data: { decidedAt: at('2026-03-04T09:00:00Z') } });
    expect((await decisionsOf('ld-d3')).scored).toEqual(['dc-h', '2026-03-05T09:00:00.000Z', 'v1']);
    await db.decision.update({ where: { id: 'dc-h' }, data: { rulesetVersion: 'v1-fixed' } });
    expect((await decisionsOf('ld-d3')).scored).toEqual(['dc-h', '2026-03-05T09:00:00.000Z', 'v1-fixed']);
    await db.decision.update({ where: { id: 'dc-h' }, data: { leadId: 'ld-d4' } });
    expect((await decisionsOf('ld-d3')).scored).toEqual(['dc-i', '2026-03-04T09:00:00.000Z', 'v2']);
    expect((await decisionsOf('ld-d4')).scored).toEqual(['dc-h', '2026-03-05T09:00:00.000Z', 'v1-fixed']);
    // A routing decision corrected into scoring leaves the routing one after it first.
    await db.decision.update({ where: { id: 'dc-r-h' }, data: { kind: 'scoring' } });
    expect(await decisionsOf('ld-d3')).toEqual({
      scored: ['dc-r-h', '2026-03-05T10:00:00.000Z', 'v1'],
      routed: ['dc-r-i', '2026-03-07T10:00:00.000Z', 'v2'],
    });
    // Several leads' decisions deleted in one statement: each lead is recomputed; a lead deleted
    // takes its decisions and its row with it.
    await db.decision.createMany({ data: [decision('ld-d4', 'routing', '2026-03-06T10:00:00Z', 'v7', 'dc-r-m')] });
    await db.decision.deleteMany({ where: { OR: [{ leadId: 'ld-d3' }, { id: 'dc-h' }] } });
    expect(await decisionsOf('ld-d3')).toEqual({ scored: null, routed: null });
    expect(await decisionsOf('ld-d4')).toEqual({ scored: null, routed: ['dc-r-m', '2026-03-06T10:00:00.000Z', 'v7'] });
    await db.lead.delete({ where: { id: 'ld-d4' } });
    expect(await db.leadFunnel.count({ where: { leadId: 'ld-d4' } })).toBe(0);
    expect(await db.decision.count({ where: { leadId: 'ld-d4' } })).toBe(0);
  });

  it.runIf(provider === 'postgresql')(
    'when a scoring decision is deleted while a later one is being written, then the row has the later one',
    async () => {
      const { db } = database;
      const [writing, deleting] = [await connect(), await connect()];
      try {
        await db.lead.createMany({ data: [lead('ld-d5')] });
        await db.decision.createMany({
          data: [
            decision('ld-d5', 'scoring', '2026-03-05T09:00:00Z', 'v1', 'dc-j'),
            decision('ld-d5', 'scoring', '2026-03-06T09:00:00Z', 'v2', 'dc-k'),
          ],
        });
        // The deletion's recompute waits for the writer of the lead, then reads its decision.
        await writing.query('BEGIN');
        await writing.query(`INSERT INTO "Decision" (id, "leadId", kind, outcome, explanation, "rulesetVersion", "decidedAt", "idempotencyKey")
          VALUES ('dc-l', 'ld-d5', 'scoring', '{}', '{}', 'v3', '2026-03-07T09:00:00Z', 'dc-l')`);
        const deleted = deleting.query(`DELETE FROM "Decision" WHERE id = 'dc-k'`);
        await blocked(database.db, deleting);
        await writing.query('COMMIT');
        await deleted;
        expect((await decisionsOf('ld-d5')).scored).toEqual(['dc-l', '2026-03-07T09:00:00.000Z', 'v3']);
      } finally {
        await writing.end();
        await deleting.end();
      }
    },
  );

  it.runIf(provider === 'postgresql')(
    "when a correction of a lead's decisions waits for one of them while the lead is deleted, then both finish, one after the other",
    async () => {
      const { db } = database;
      const [holding, correcting, deleting] = [await connect(), await connect(), await connect()];
      try {
        await db.lead.createMany({ data: [lead('ld-d6')] });
        await db.decision.create({ data: decision('ld-d6', 'scoring', '2026-03-05T09:00:00Z', 'v1', 'dc-n1') });
        await db.decision.create({ data: decision('ld-d6', 'scoring', '2026-03-06T09:00:00Z', 'v2', 'dc-n2') });
        // The correction takes the lead before the first decision's row, then waits for the second.
        await holding.query('BEGIN');
        await holding.query(`SELECT 1 FROM "Decision" WHERE id = 'dc-n2' FOR UPDATE`);
        const corrected = correcting.query(
          `UPDATE "Decision" SET "rulesetVersion" = 'v-fixed' WHERE "leadId" = 'ld-d6'`,
        );
        await blocked(database.db, correcting);
        // The lead's deletion waits for the correction, instead of holding the lead while its
        // cascade waits for the first decision (a deadlock once the correction's trigger asked for the lead).
        const deleted = deleting.query(`DELETE FROM "Lead" WHERE id = 'ld-d6'`);
        await blocked(database.db, deleting);
        await holding.query('COMMIT');
        await expect(corrected).resolves.toMatchObject({ rowCount: 2 });
        await expect(deleted).resolves.toMatchObject({ rowCount: 1 });
        expect(await db.leadFunnel.count({ where: { leadId: 'ld-d6' } })).toBe(0);
      } finally {
        await holding.end();
        await correcting.end();
        await deleting.end();
      }
    },
  );

  it("when the migration's backfill runs again, then it gives the rows the triggers keep", async () => {
    const { db } = database;
    await db.lead.createMany({
      data: [lead('ld-x', undefined, { campaign: 'Expo' }), lead('ld-y', at('2026-01-15T10:00:00Z')), lead('ld-z')],
    });
    await db.stageEvent.createMany({
      data: [
        event('ld-x', 'sql', '2026-03-06T09:00:00Z'),
        mql('ld-x', '2026-03-04T09:00:00Z', 'v1', 'ev-x-mql'),
        event('ld-y', 'closed-lost', '2026-03-09T09:00:00Z'),
        event('ld-y', 'engaged', '2026-01-16T09:00:00Z'),
        event('ld-z', 'closed-won', '2026-03-12T09:00:00Z'),
        event('ld-z', 'closed-lost', '2026-03-11T09:00:00Z'),
      ],
    });
    await db.interaction.createMany({
      data: [
        touch('ld-x', '2026-03-03T09:00:00Z'),
        touch('ld-x', '2026-03-07T09:00:00Z'),
        touch('ld-x', '2026-03-05T09:00:00Z', 'note'),
        touch('ld-y', '2026-03-10T09:00:00Z', 'email-sent'),
      ],
    });
    await db.decision.createMany({
      data: [
        decision('ld-x', 'scoring', '2026-03-04T08:00:00Z', 'v1', 'dc-x1'),
        decision('ld-x', 'scoring', '2026-03-04T08:00:00Z', 'v2', 'dc-x2'),
        decision('ld-x', 'routing', '2026-03-04T10:00:00Z', 'v2', 'dc-x3'),
        decision('ld-y', 'routing', '2026-01-16T10:00:00Z', 'v0', 'dc-y1'),
      ],
    });
    const written = await db.leadFunnel.findMany({ orderBy: { leadId: 'asc' } });
    expect(written.filter((row) => row.mqlAt !== null)).toHaveLength(3);
    expect(written.map((row) => [row.leadId, row.closedAt, row.lostAt])).toEqual([
      ['ld-x', null, null],
      ['ld-y', at('2026-03-09T09:00:00Z'), at('2026-03-09T09:00:00Z')],
      ['ld-z', at('2026-03-11T09:00:00Z'), at('2026-03-11T09:00:00Z')],
    ]);

    expect(written[0]!.campaign).toBe('Expo');
    expect(written.map((row) => row.mqlTouchAt)).toEqual([
      at('2026-03-07T09:00:00Z'),
      at('2026-03-10T09:00:00Z'),
      null,
    ]);
    expect(written.map((row) => row.mqlEventId)).toEqual(['ev-x-mql', null, null]);
    expect(written.map((row) => [row.scoredId, row.routedId])).toEqual([
      ['dc-x2', 'dc-x3'],
      [null, 'dc-y1'],
      [null, null],
    ]);

    await db.lead.update({ where: { id: 'ld-x' }, data: { slaDueAt: at('2026-03-04T13:00:00Z') } });
    const kept = await db.leadFunnel.findMany({ orderBy: { leadId: 'asc' } });
    expect(kept.map((row) => row.slaDueAt)).toEqual([at('2026-03-04T13:00:00Z'), null, null]);

    await db.leadFunnel.deleteMany({});
    const [rows, closes, touches, mqls, ...others] = backfillStatements(provider);
    // The rows' insert already copies slaDueAt (its trigger): the deadline's backfill runs alone, last.
    for (const statement of [rows!, closes!, mqls!, ...others.slice(0, -1)]) await db.$executeRawUnsafe(statement);
    await db.$executeRawUnsafe('UPDATE "LeadFunnel" SET "slaDueAt" = NULL');
    await db.$executeRawUnsafe(others.at(-1)!);
    // The rows' insert already computes mqlTouchAt (its trigger): the first-touch backfill runs alone.
    await db.$executeRawUnsafe('UPDATE "LeadFunnel" SET "mqlTouchAt" = NULL');
    await db.$executeRawUnsafe(touches!);
    expect(await db.leadFunnel.findMany({ orderBy: { leadId: 'asc' } })).toEqual(kept);
  });
});

describe('the first-touch triggers', () => {
  it('when they pick touches, then they pick the kinds of TOUCH_EVENTS, in both migrations', () => {
    for (const dir of ['prisma/migrations', 'prisma/postgres/migrations']) {
      const migration = readdirSync(dir).find((name) => name.endsWith('_analytics_first_touch'));
      const text = readFileSync(`${dir}/${migration}/migration.sql`, 'utf8').replaceAll("''", "'");
      const lists = [...text.matchAll(/"kind" IN \(([^)]*)\)/g)].map((found) => found[1]);
      expect(lists.length, dir).toBeGreaterThanOrEqual(5);
      for (const list of lists) expect(list, dir).toBe(TOUCH_EVENTS.map((kind) => `'${kind}'`).join(', '));
    }
  });
});
