/**
 * Stalling judged on stored data (src/usecases/deal-stalling.ts) with the shipped rules: the time
 * since a deal entered its stage against escalation.yaml's stall alert for it (the first whose
 * `when` holds), and its next step, on a real database. The clock is a fixed Wednesday (no test
 * depends on today), so business days are easy to count.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ruleset } from '../../src/rules/ruleset';
import { loadRulesetFromDir } from '../../src/rules/load-dir';
import { stallingOf, type StallingDeal } from '../../src/usecases/deal-stalling';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';

const NOW = new Date('2027-03-10T12:00:00Z');
const DAY = 86_400_000;

describe.each(providers)('stalling from stored data (%s)', (provider) => {
  let database: TestDatabase;
  let ruleset: Ruleset;
  let n = 0;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const loaded = await loadRulesetFromDir(path.resolve(import.meta.dirname, '../../rules'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    ruleset = loaded.ruleset;
  });
  afterAll(async () => database?.drop());

  /** A stored deal in `stage`, entered `daysAgo` (a stage event), with the given next step and amount. */
  async function deal(
    stage: string,
    daysAgo: number | null,
    extra: { amountMinor?: bigint; nextStep?: string; nextStepDueOn?: string } = {},
  ): Promise<StallingDeal> {
    const id = `stall${String(++n).padStart(17, '0')}`;
    const db = database.db;
    await db.account.create({ data: { id: `acc_${id}`, name: `Account ${id}` } });
    await db.lead.create({
      data: {
        id: `ld_${id}`,
        email: `${id}@example.com`,
        company: 'Example',
        source: 'events',
        sourceDetails: {},
        attributes: {},
        journeyId: `lead-${id}`,
        stage: 'converted',
        ownerId: 'owner@example.com',
      },
    });
    const row = await db.deal.create({
      data: {
        id: `dl_${id}`,
        leadId: `ld_${id}`,
        accountId: `acc_${id}`,
        name: id,
        ownerEmail: 'owner@example.com',
        stage,
        workflowId: `deal-${id}`,
        needs: {},
        amountMinor: extra.amountMinor ?? null,
        nextStep: extra.nextStep ?? null,
        nextStepDueOn: extra.nextStepDueOn ?? null,
        createdAt: new Date(NOW.getTime() - 60 * DAY),
      },
    });
    if (daysAgo !== null)
      await db.stageEvent.create({
        data: {
          id: `${id}:stage`,
          leadId: row.leadId,
          fromStage: 'needs-analysis',
          toStage: stage,
          reason: 'test',
          occurredAt: new Date(NOW.getTime() - daysAgo * DAY),
          idempotencyKey: `${id}:stage`,
        },
      });
    return row;
  }

  const codes = async (row: StallingDeal) =>
    ((await stallingOf(database.db, ruleset, [row], NOW)).get(row.id) ?? []).map((r) => r.code);
  const step = { nextStep: 'Call back', nextStepDueOn: '2027-04-01' };

  it.each([
    { when: 'in proposal 13 days (its alert: after 14 days)', stage: 'proposal', daysAgo: 13, expected: [] },
    { when: 'in proposal 15 days', stage: 'proposal', daysAgo: 15, expected: ['stage-alert'] },
    {
      when: 'a large deal in negotiation 15 days (its alert: 10 business days)',
      stage: 'negotiation',
      daysAgo: 15,
      amountMinor: 25_000_000n,
      expected: ['stage-alert'],
    },
    {
      when: 'a small deal in negotiation 15 days (its alert: 15 business days)',
      stage: 'negotiation',
      daysAgo: 15,
      amountMinor: 2_000_000n,
      expected: [],
    },
    { when: 'in needs analysis a year (no alert for the stage)', stage: 'needs-analysis', daysAgo: 365, expected: [] },
  ])('when a deal with a next step is $when, then its reasons are $expected', async (row) => {
    expect(await codes(await deal(row.stage, row.daysAgo, { amountMinor: row.amountMinor, ...step }))).toEqual(
      row.expected,
    );
  });

  it('when a deal has no stage event, then its stage counts from its creation; with no next step, both reasons come, the alert with its numbers', async () => {
    const row = await deal('proposal', null);
    const [reasons] = [(await stallingOf(database.db, ruleset, [row], NOW)).get(row.id)];
    expect(reasons).toMatchObject([
      {
        code: 'stage-alert',
        alert: 'proposal-without-answer',
        after: '14 days',
        since: new Date(NOW.getTime() - 60 * DAY).toISOString(),
      },
      { code: 'no-next-step' },
    ]);
  });

  it('when the next step is past its day, then it is overdue; closed deals and a missing ruleset judge no stage', async () => {
    const overdue = await deal('proposal', 1, { nextStep: 'Call back', nextStepDueOn: '2027-03-01' });
    expect(await codes(overdue)).toEqual(['next-step-overdue']);
    const closed = await deal('closed-won', 100);
    expect(await codes(closed)).toEqual([]);
    const old = await deal('proposal', 100, step);
    expect((await stallingOf(database.db, null, [old], NOW)).get(old.id)).toEqual([]);
  });
});
