/**
 * Routing under a burst: 1,000 MQLs assigned at once (the activity called directly, all in
 * flight together) must be spread by the weights, never exceed a cap, and skip reps who are away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoutingActivities, type RoutingActivities } from '../../activities/routing';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { assignInput, createLeads, email, newTenant, ownerShares, pool, routingRulesOf } from './support';

const BURST = 1000;

describe.each(providers)('routing 1,000 concurrent MQLs on %s', (provider) => {
  let database: TestDatabase;
  let routing: RoutingActivities;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    routing = createRoutingActivities({ db: database.db });
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** Fires one assignLead per lead, all at once, and returns the results and the elapsed time. */
  async function burst(tenant: string, target: ReturnType<typeof pool>, rules = routingRulesOf(target)) {
    const leadIds = await createLeads(database.db, tenant, BURST);
    const started = performance.now();
    const results = await Promise.all(
      leadIds.map((leadId) => routing.assignLead(assignInput(tenant, leadId, target, rules))),
    );
    const ms = Math.round(performance.now() - started);
    console.info(`[${provider}] ${BURST} concurrent assignments to ${target.name}: ${ms} ms`);
    return results;
  }

  async function counters(tenant: string) {
    const rows = await database.db.routingCounter.findMany({ where: { tenant } });
    return Object.fromEntries(rows.map((row) => [row.repEmail, row.assigned]));
  }

  it('when 1,000 MQLs reach a pool of three equal reps at once, then each rep gets 333 or 334 and every lead has one owner', async () => {
    const tenant = newTenant();
    const results = await burst(
      tenant,
      pool('equal', [
        ['ana', 1],
        ['ben', 1],
        ['cho', 1],
      ]),
    );

    const shares = await ownerShares(database.db, tenant);
    console.info(`[${provider}] equal weights: ${JSON.stringify(shares)}`);
    for (const rep of ['ana', 'ben', 'cho'])
      expect(Math.abs((shares[email(rep)] ?? 0) - BURST / 3)).toBeLessThanOrEqual(1);
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBe(BURST);
    expect(results.every((r) => r.kind === 'rep' && r.pool === 'equal')).toBe(true);
    expect(await counters(tenant)).toEqual(shares);
    expect(await database.db.assignment.count({ where: { tenant } })).toBe(BURST);
  });

  it('when 1,000 MQLs reach a pool weighted 2:1:1 at once, then the split is exactly 500/250/250', async () => {
    const tenant = newTenant();
    await burst(
      tenant,
      pool('weighted', [
        ['ana', 2],
        ['ben', 1],
        ['cho', 1],
      ]),
    );

    const shares = await ownerShares(database.db, tenant);
    console.info(`[${provider}] weights 2:1:1: ${JSON.stringify(shares)}`);
    expect(shares).toEqual({ [email('ana')]: 500, [email('ben')]: 250, [email('cho')]: 250 });
  });

  it('when three reps have a cap of 300 open leads and 1,000 MQLs arrive, then each gets exactly 300 and 100 overflow to the queue', async () => {
    const tenant = newTenant();
    const results = await burst(
      tenant,
      pool(
        'capped',
        [
          ['ana', 1],
          ['ben', 1],
          ['cho', 1],
        ],
        { maxOpenLeads: 300 },
      ),
    );

    const shares = await ownerShares(database.db, tenant);
    console.info(`[${provider}] cap 300: ${JSON.stringify(shares)}`);
    expect(shares).toEqual({
      [email('ana')]: 300,
      [email('ben')]: 300,
      [email('cho')]: 300,
      'queue:unassigned-mql': 100,
    });
    const overflowed = results.filter((r) => r.kind === 'queue');
    expect(overflowed).toHaveLength(100);
    expect(overflowed[0]?.explanation).toContain('(at capacity: 300 open leads, cap 300)');
  });

  it('when one rep is out of office and one inactive, then they receive none of 1,000 MQLs and the other two split them evenly', async () => {
    const tenant = newTenant();
    await database.db.rep.createMany({
      data: [
        {
          id: `${tenant}-ben`,
          tenant,
          email: email('ben'),
          name: 'Ben',
          outOfOfficeFrom: new Date('2026-03-01T00:00:00Z'),
          outOfOfficeUntil: new Date('2026-03-09T00:00:00Z'),
        },
        { id: `${tenant}-cho`, tenant, email: email('cho'), name: 'Cho', active: false },
      ],
    });
    const results = await burst(
      tenant,
      pool('away', [
        ['ana', 1],
        ['ben', 1],
        ['cho', 1],
        ['dev', 1],
      ]),
    );

    const shares = await ownerShares(database.db, tenant);
    console.info(`[${provider}] OOO + inactive: ${JSON.stringify(shares)}`);
    expect(shares).toEqual({ [email('ana')]: 500, [email('dev')]: 500 });
    expect(results[0]?.explanation).toContain(
      'Pool away: skipped ben <ben@example.com> (out of office until 2026-03-09T00:00:00.000Z), cho <cho@example.com> (inactive); picked',
    );
  });
});
