/**
 * loadFacts on a real database: the hand-computed fixture is written through Prisma as the journeys
 * record it (fixture-db.ts), read back as exactly the fixture's facts, and gives the hand-computed
 * figures. Also: each caller's sight, the cut at `asOf`, and that a closed period's figures do not
 * change when more is recorded later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonRole } from '../../src/auth/actor';
import { activityByRep } from '../../src/domain/analytics/activity';
import { approvalTurnaround, discountDepth } from '../../src/domain/analytics/deal-desk';
import { winRate } from '../../src/domain/analytics/deals';
import type { AnalyticsFacts } from '../../src/domain/analytics/facts';
import { cohortFunnel, periodFunnel } from '../../src/domain/analytics/funnel';
import { ownerCalendar, responseTime, slaAttainment } from '../../src/domain/analytics/response';
import { renewals } from '../../src/domain/analytics/retention';
import { splitFacts } from '../../src/domain/analytics/breakdown';
import { timeInStage } from '../../src/domain/analytics/stage-time';
import { volume } from '../../src/domain/analytics/volume';
import { loadFacts } from '../../src/usecases/analytics/load-facts';
import { sightOf } from '../../src/usecases/visibility';
import { personActor } from './person';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { ALICE, AS_OF, BOB, CURRENT, MARIA, NEW_YORK_HOURS, V2, fixtureFacts, when } from './fixture';
import { writeFixture } from './fixture-db';

const TENANT = 'acme';
const byId = <T extends { id: string }>(records: T[]) => [...records].sort((a, b) => (a.id < b.id ? -1 : 1));

/** The fixture as the database holds it, each kind in id order. */
function expectedFacts(): AnalyticsFacts {
  const facts = fixtureFacts();
  return {
    ...facts,
    leads: byId(facts.leads),
    deals: byId(facts.deals),
    quotes: byId(facts.quotes),
    approvals: byId(facts.approvals),
    activities: byId(facts.activities),
    contracts: byId(facts.contracts),
    // Only activations in the window read (the previous period to asOf): rules-v1 went live in January.
    ruleActivations: facts.ruleActivations.filter((activation) => activation.version === V2),
  };
}

/** The figures of C that must not change once C is closed. */
function closedPeriodFigures(facts: AnalyticsFacts) {
  return {
    volume: volume(facts.leads, CURRENT),
    periodFunnel: periodFunnel(facts.leads, CURRENT),
    cohortWithin14Days: cohortFunnel(facts.leads, CURRENT, { asOf: facts.asOf, withinDays: 14 }),
    response: responseTime(facts.leads, CURRENT, ownerCalendar(NEW_YORK_HOURS)),
    sla: slaAttainment(facts.leads, CURRENT, facts.asOf),
    stages: timeInStage(facts.leads, CURRENT),
    winRate: winRate(facts.deals, CURRENT),
    discounts: discountDepth(facts.quotes, CURRENT),
    approvals: approvalTurnaround(facts.approvals, CURRENT, NEW_YORK_HOURS),
    activity: activityByRep(facts.activities, CURRENT),
    renewals: renewals(facts.contracts, CURRENT, facts.asOf),
    // Leads by the owner they had when C ended, deals by their owner.
    byRep: splitFacts(facts, 'rep').map(({ key, value }) => [
      key,
      volume(value.leads, CURRENT),
      winRate(value.deals, CURRENT).byCount,
    ]),
  };
}

describe.each(providers)('loadFacts on %s', (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await writeFixture(database.db, TENANT);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const actor = (email: string, role: PersonRole) => personActor(TENANT, email, role);
  const load = async (email: string, role: PersonRole, asOf = AS_OF) =>
    loadFacts(database.db, {
      sight: await sightOf(database.db, actor(email, role), () => ({})),
      period: CURRENT,
      asOf,
    });

  it('when revops loads C a month later, then the facts are exactly the hand-computed fixture', async () => {
    const facts = await load('ops@example.com', 'revops');
    const expected = expectedFacts();
    expect(facts.leads).toEqual(expected.leads);
    expect(facts.deals).toEqual(expected.deals);
    expect(facts.activities).toEqual(expected.activities);
    expect(facts.quotes).toEqual(expected.quotes);
    expect(facts.approvals).toEqual(expected.approvals);
    expect(facts.contracts).toEqual(expected.contracts);
    expect(facts).toEqual(expected);
  });

  it('when the metrics run on the loaded facts, then they give the hand-computed figures', async () => {
    const facts = await load('ops@example.com', 'revops');
    // The same values the unit tests work out by hand (funnel.test.ts, speed.test.ts, deals.test.ts, desk.test.ts).
    expect(periodFunnel(facts.leads, CURRENT).steps.map((step) => step.conversion.value)).toEqual([
      9 / 11,
      6 / 9,
      1,
      4 / 6,
    ]);
    expect(winRate(facts.deals, CURRENT).byCount.value).toBe(4 / 7);
    expect(slaAttainment(facts.leads, CURRENT, AS_OF).attainment.value).toBe(5 / 9);
    expect(responseTime(facts.leads, CURRENT, ownerCalendar(NEW_YORK_HOURS)).businessHours.median).toBe(2);
    expect(discountDepth(facts.quotes, CURRENT).discountBp.mean).toBe(1750);
    expect(approvalTurnaround(facts.approvals, CURRENT, NEW_YORK_HOURS).businessHours.median).toBe(8);
    expect(renewals(facts.contracts, CURRENT, AS_OF).rate.value).toBe(1 / 3);
    // The no-show demo of D09 and the note on D08 are on the timeline but are no activity.
    expect(activityByRep(facts.activities, CURRENT).map(({ key, value }) => [key, value.total.count])).toEqual([
      [ALICE, 9],
      ['bob@example.com', 4],
      ['carol@example.com', 2],
    ]);
  });

  it('when alice (a rep) loads, then she sees the leads she owned at the end of C and her deals only', async () => {
    const facts = await load(ALICE, 'rep');
    // L11 was hers for two hours before going to carol; L17 went to bob only after C.
    expect(facts.leads.map((lead) => lead.id)).toEqual(['L01', 'L04', 'L07', 'L08', 'L12', 'L14', 'L17', 'LK1']);
    expect(facts.deals.map((deal) => deal.id)).toEqual(['D01', 'D08', 'D12', 'DK1']);
    expect(facts.contracts.map((contract) => contract.id)).toEqual(['K1']);
    expect(winRate(facts.deals, CURRENT).byCount).toMatchObject({ value: 1, denominator: { ids: ['D01', 'D08'] } });
    expect(new Set(facts.activities.map((activity) => activity.actor))).toEqual(new Set([ALICE]));
  });

  it("when maria (alice's and bob's manager) loads, then she sees her team's figures and none of carol's", async () => {
    const facts = await load(MARIA, 'manager');
    expect(facts.deals.map((deal) => deal.id)).toEqual(['D01', 'D02', 'D05', 'D08', 'D09', 'D12', 'D13', 'DK1', 'DK2']);
    // alice D01 D08 won, bob D05 won, D02 D09 lost.
    expect(winRate(facts.deals, CURRENT).byCount.value).toBe(3 / 5);
    expect(facts.leads.every((lead) => lead.segment.team === MARIA)).toBe(true);
    // A breakdown by rep lists her reps even with nothing counted; not herself (a manager), nor carol.
    expect(facts.salesReps).toEqual([
      { email: ALICE, team: MARIA },
      { email: BOB, team: MARIA },
    ]);
  });

  it('when C is read on 04-01 12:00, then what was recorded later is not there yet', async () => {
    const facts = await load('ops@example.com', 'revops', when('04-01 12:00'));
    const d16 = facts.deals.find((deal) => deal.id === 'D16')!;
    expect(d16.stages.map((event) => event.to)).toEqual(['needs-analysis']);
    expect(facts.leads.find((lead) => lead.id === 'L14')!.stages.map((event) => event.to)).toEqual(['new', 'mql']);
    expect(facts.quotes.find((quote) => quote.id === 'qv-D16-1')!.sentAt).toBeNull();
    expect(facts.approvals.find((approval) => approval.id === 'A6')).toMatchObject({
      status: 'pending',
      decidedAt: null,
    });
  });

  // Runs last: it records more history.
  it('when more is recorded after C (a loss, a win, a reassignment, a new lead), then C is recomputed the same', async () => {
    const before = await load('ops@example.com', 'revops');
    await recordLaterHistory(database);
    const later = new Date('2026-06-30T00:00:00Z');
    const after = await load('ops@example.com', 'revops', later);
    expect(closedPeriodFigures(after)).toEqual(closedPeriodFigures(before));
    // "So far" cohort figures do move as the cohort matures: D13 (an L13 deal of C's cohort) was won in May.
    expect(cohortFunnel(before.leads, CURRENT, { asOf: AS_OF }).stages.won.ids).toEqual(['L08', 'L16']);
    expect(cohortFunnel(after.leads, CURRENT, { asOf: later }).stages.won.ids).toEqual(['L08', 'L13', 'L16']);
  });
});

/** History after AS_OF: D13 won, D12 lost, L08 handed to bob, a new lead, a late touch on L11. */
async function recordLaterHistory(database: TestDatabase): Promise<void> {
  const db = database.db;
  const stage = (leadId: string, from: string, to: string, at: string) =>
    db.stageEvent.create({
      data: {
        id: `${leadId}:later:${to}`,
        leadId,
        fromStage: from,
        toStage: to,
        reason: 'later',
        occurredAt: when(at),
        idempotencyKey: `${leadId}:later:${to}`,
      },
    });
  await stage('L13', 'proposal', 'closed-won', '05-15 15:00');
  await stage('L12', 'presentation', 'closed-lost', '05-10 15:00');
  await db.assignment.create({
    data: {
      id: 'L08:later',
      leadId: 'L08',
      tenant: TENANT,
      repEmail: 'bob@example.com',
      reason: 'reassigned',
      assignedAt: when('05-05 15:00'),
      idempotencyKey: 'L08:later',
    },
  });
  await db.lead.update({ where: { id: 'L08' }, data: { ownerId: 'bob@example.com' } });
  await db.interaction.create({
    data: {
      id: 'L11:late-call',
      leadId: 'L11',
      kind: 'call-logged',
      occurredAt: when('05-02 15:00'),
      payload: { actor: 'carol@example.com' },
      idempotencyKey: 'L11:late-call',
    },
  });
  await db.lead.create({
    data: {
      id: 'L21',
      tenant: TENANT,
      email: 'l21@prospect.example',
      source: 'ads',
      sourceDetails: {},
      attributes: {},
      journeyId: 'journey-L21',
      createdAt: when('05-02 15:00'),
      stageEvents: {
        create: {
          id: 'L21:stage:0',
          toStage: 'new',
          reason: 'captured',
          occurredAt: when('05-02 15:00'),
          idempotencyKey: 'L21:stage:0',
        },
      },
    },
  });
}
