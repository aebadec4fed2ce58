/**
 * The assignment activities against a real database: idempotency, outcomes other than a pool,
 * what counts as an open lead, manual reassignment, and fairness across two worker processes.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoutingActivities, type AssignmentResult, type RoutingActivities } from '../../activities/routing';
import { LeadflowError } from '../../src/domain/errors';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import {
  assignInput,
  countingTransactions,
  createLeads,
  email,
  newTenant,
  NOW,
  ownerShares,
  pool,
  routingRulesOf,
} from './support';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

describe.each(providers)('assigning leads on %s', (provider) => {
  let database: TestDatabase;
  let routing: RoutingActivities;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    routing = createRoutingActivities({ db: database.db });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('when the same assignment is retried, sequentially or concurrently, then the lead is assigned once and every call returns the first result', async () => {
    const tenant = newTenant();
    const [leadId = ''] = await createLeads(database.db, tenant, 1);
    const target = pool('p', [
      ['ana', 1],
      ['ben', 1],
    ]);
    const input = assignInput(tenant, leadId, target);

    const concurrent = await Promise.all([
      routing.assignLead(input),
      routing.assignLead(input),
      routing.assignLead(input),
    ]);
    const later = await routing.assignLead(input);

    expect(new Set([...concurrent, later].map((r) => JSON.stringify(r))).size).toBe(1);
    expect(later).toMatchObject({ kind: 'rep', repEmail: email('ana'), pool: 'p' });
    expect(await database.db.assignment.count({ where: { leadId } })).toBe(1);
    const counters = await database.db.routingCounter.findMany({ where: { tenant }, orderBy: { repEmail: 'asc' } });
    expect(counters.map((c) => [c.repEmail, c.assigned])).toEqual([
      [email('ana'), 1],
      [email('ben'), 0],
    ]);
  });

  it('when a key is reused for another lead, then the call is refused as a conflict', async () => {
    const tenant = newTenant();
    const [first = '', second = ''] = await createLeads(database.db, tenant, 2);
    const target = pool('p', [['ana', 1]]);
    await routing.assignLead({ ...assignInput(tenant, first, target), idempotencyKey: `shared:${tenant}` });
    await expect(
      routing.assignLead({ ...assignInput(tenant, second, target), idempotencyKey: `shared:${tenant}` }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('when the lead does not exist, then not_found, and no counter moves', async () => {
    const tenant = newTenant();
    const target = pool('p', [['ana', 1]]);
    const failure = routing.assignLead(assignInput(tenant, 'no-such-lead', target));
    await expect(failure).rejects.toBeInstanceOf(LeadflowError);
    await expect(failure).rejects.toMatchObject({ code: 'not_found' });
    expect(await database.db.routingCounter.count({ where: { tenant, assigned: { gt: 0 } } })).toBe(0);
    expect(await database.db.assignment.count({ where: { tenant } })).toBe(0);
  });

  // Calls on the same reps that arrive while one is in its transaction go together in the next
  // (activities/routing.ts): the first call below runs alone, the rest share a transaction.
  it('when a burst mixes a retry, a reused key, an unknown lead and a lead assigned twice, then only the bad calls fail and the rest are assigned as one by one, in two transactions', async () => {
    const tenant = newTenant();
    const [opener = '', lead = '', other = '', last = ''] = await createLeads(database.db, tenant, 4);
    const target = pool('p', [
      ['ana', 1],
      ['ben', 1],
    ]);
    const input = (leadId: string, key = `assign:${leadId}`) => ({
      ...assignInput(tenant, leadId, target),
      idempotencyKey: key,
    });
    // The same activities on a client that counts its transactions.
    const counting = countingTransactions(database.db);
    const batched = createRoutingActivities({ db: counting.db, provider });

    const settled = await Promise.allSettled([
      batched.assignLead(input(opener)),
      batched.assignLead(input(lead)),
      batched.assignLead(input(lead)),
      batched.assignLead(input(other, `assign:${lead}`)),
      batched.assignLead(input('no-such-lead')),
      batched.assignLead(input(last)),
      batched.assignLead(input(last, `again:${last}`)),
    ]);

    const [first, retried, reused, unknown, once, twice] = settled.slice(1);
    expect(first).toMatchObject({ status: 'fulfilled', value: { repEmail: email('ben') } });
    expect(retried).toEqual(first);
    expect(reused).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    expect(unknown).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(once).toMatchObject({ status: 'fulfilled', value: { repEmail: email('ana') } });
    expect(twice).toMatchObject({ status: 'fulfilled', value: { repEmail: email('ben') } });
    // The first call alone, then the six that arrived while it ran, together.
    expect(counting.count()).toBe(2);
    expect(await ownerShares(database.db, tenant)).toEqual({
      [email('ana')]: 1,
      [email('ben')]: 2,
      'queue:none': 1,
    });
    expect(await database.db.assignment.count({ where: { tenant } })).toBe(4);
    const counters = await database.db.routingCounter.findMany({ where: { tenant }, orderBy: { repEmail: 'asc' } });
    expect(counters.map((c) => [c.repEmail, c.assigned])).toEqual([
      [email('ana'), 2],
      [email('ben'), 2],
    ]);
  });

  it('when a shared transaction fails for a reason of its own, then each call in it runs again alone and is assigned as one by one', async () => {
    const tenant = newTenant();
    const leads = await createLeads(database.db, tenant, 4);
    const target = pool('p', [
      ['ana', 1],
      ['ben', 1],
    ]);
    // A client whose first insert of several assignments fails (a constraint or a bug, say).
    let failed = false;
    const failingOnce = countingTransactions(database.db, (tx) => {
      const assignment = new Proxy(tx.assignment, {
        get(delegate, operation) {
          const method: unknown = Reflect.get(delegate, operation);
          if (operation !== 'createMany' || typeof method !== 'function')
            return typeof method === 'function' ? method.bind(delegate) : method;
          return (args: { data: unknown[] }) => {
            if (failed || args.data.length < 2) return method.call(delegate, args) as unknown;
            failed = true;
            return Promise.reject(new Error('the insert failed'));
          };
        },
      });
      return new Proxy(tx, { get: (t, n) => (n === 'assignment' ? assignment : Reflect.get(t, n)) });
    });
    const warnings: { obj: object; msg: string }[] = [];
    const logger = { warn: (obj: object, msg: string) => warnings.push({ obj, msg }) };
    const routing = createRoutingActivities({ db: failingOnce.db, provider, logger });

    const results = await Promise.all(leads.map((leadId) => routing.assignLead(assignInput(tenant, leadId, target))));

    expect(failed).toBe(true);
    expect(warnings).toEqual([
      {
        obj: { leads: leads.slice(1), error: 'Error: the insert failed' },
        msg: 'routing: a transaction shared by several assignments failed; each runs again alone',
      },
    ]);
    expect(results.map((r) => (r.kind === 'rep' ? r.repEmail : r.queue))).toEqual([
      email('ana'),
      email('ben'),
      email('ana'),
      email('ben'),
    ]);
    // The opener alone; the three after it together, which failed; then each of them alone.
    expect(failingOnce.count()).toBe(5);
    expect(await database.db.assignment.count({ where: { tenant } })).toBe(4);
    expect(await ownerShares(database.db, tenant)).toEqual({ [email('ana')]: 2, [email('ben')]: 2 });
  });

  it('when a burst takes a lead away from a rep at their cap, then the next lead in it sees the freed place, as one by one', async () => {
    const tenant = newTenant();
    const [held1 = '', held2 = '', opener = '', fresh1 = '', fresh2 = ''] = await createLeads(database.db, tenant, 5);
    await database.db.lead.updateMany({ where: { id: { in: [held1, held2] } }, data: { ownerId: email('ana') } });
    const target = pool(
      'capped',
      [
        ['ana', 1],
        ['ben', 1],
      ],
      { maxOpenLeads: 2 },
    );

    const results = await Promise.all([
      routing.assignLead(assignInput(tenant, opener, target)),
      routing.assignLead({ ...assignInput(tenant, held1, target), excludeRepEmail: email('ana') }),
      routing.assignLead(assignInput(tenant, fresh1, target)),
      routing.assignLead(assignInput(tenant, fresh2, target)),
    ]);

    // ana holds two at a cap of two: the opener goes to ben; held1 is taken from ana to ben, which
    // frees a place, so fresh1 goes to ana; then both are at their cap and fresh2 overflows.
    expect(results.map((r) => (r.kind === 'rep' ? r.repEmail : `queue:${r.queue}`))).toEqual([
      email('ben'),
      email('ben'),
      email('ana'),
      'queue:unassigned-mql',
    ]);
    expect(await ownerShares(database.db, tenant)).toEqual({
      [email('ana')]: 2,
      [email('ben')]: 2,
      'queue:unassigned-mql': 1,
    });
  });

  it.each([
    {
      when: 'a rule names a rep',
      outcome: { kind: 'assign', rule: 'strategic', target: { type: 'rep', rep: 'dana', email: 'Dana@Example.com' } },
      expected: {
        kind: 'rep',
        repEmail: 'dana@example.com',
        explanation: 'Rule "strategic" names dana <dana@example.com>.',
      },
      stored: { ownerId: 'dana@example.com', queue: null },
      why: { reasonCode: 'routing-rep', reasonParams: { rule: 'strategic', rep: 'dana@example.com', away: null } },
    },
    {
      when: 'a rule names a queue',
      outcome: { kind: 'assign', rule: 'apac', target: { type: 'queue', queue: 'sdr-triage' } },
      expected: { kind: 'queue', queue: 'sdr-triage', explanation: 'Rule "apac" sends the lead to queue sdr-triage.' },
      stored: { ownerId: null, queue: 'sdr-triage' },
      why: { reasonCode: 'routing-queue', reasonParams: { rule: 'apac', queue: 'sdr-triage' } },
    },
    {
      when: 'no rule matched',
      outcome: { kind: 'fallback', queue: 'unassigned-mql' },
      expected: {
        kind: 'queue',
        queue: 'unassigned-mql',
        explanation: 'No routing rule matched: the lead goes to the fallback queue unassigned-mql.',
      },
      stored: { ownerId: null, queue: 'unassigned-mql' },
      why: { reasonCode: 'routing-fallback', reasonParams: { queue: 'unassigned-mql' } },
    },
  ] as const)(
    'when $when, then the lead goes there and the assignment is recorded',
    async ({ outcome, expected, stored, why }) => {
      const tenant = newTenant();
      const [leadId = ''] = await createLeads(database.db, tenant, 1);
      const result = await routing.assignLead({
        ...assignInput(tenant, leadId, pool('p', [['ana', 1]])),
        routing: outcome,
      });
      expect(result).toEqual(expected);
      expect(
        await database.db.lead.findUnique({ where: { id: leadId }, select: { ownerId: true, queue: true } }),
      ).toEqual(stored);
      expect(await database.db.assignment.findFirst({ where: { leadId } })).toMatchObject({
        manual: false,
        rulesetVersion: 'v-test',
        reason: expected.explanation,
        // The same reason as a code and values, for the workspace to word in the reader's language.
        ...why,
      });
    },
  );

  it('when everyone in a pool is at capacity, then the lead overflows to the next pool and the explanation tells the whole way', async () => {
    const tenant = newTenant();
    const spare = pool('spare', [['eve', 1]]);
    const full = pool('full', [['ana', 1]], { maxOpenLeads: 1, overflow: { type: 'pool', pool: 'spare' } });
    const [first = '', second = ''] = await createLeads(database.db, tenant, 2);
    const rules = routingRulesOf(full, spare);
    expect(await routing.assignLead(assignInput(tenant, first, full, rules))).toMatchObject({
      repEmail: email('ana'),
      pool: 'full',
    });
    const overflowed = await routing.assignLead(assignInput(tenant, second, full, rules));
    expect(overflowed).toEqual({
      kind: 'rep',
      repEmail: email('eve'),
      pool: 'spare',
      explanation:
        'Rule "test-rule" routes the lead to pool full. Pool full: nobody could take the lead: ana <ana@example.com> (at capacity: 1 open leads, cap 1); overflow to pool spare. ' +
        'Pool spare: picked eve <eve@example.com> (0 leads assigned from this pool so far: the fewest).',
    });
    expect(await database.db.assignment.findFirst({ where: { leadId: second } })).toMatchObject({
      reasonCode: 'routing-pool',
      reasonParams: {
        rule: 'test-rule',
        pool: 'full',
        via: 'spare',
        rep: email('eve'),
        passedOver: 1,
        excluded: null,
        // Who was passed over and why, and the pools tried, for the workspace to word.
        skipped: `${email('ana')} at-capacity 1/1`,
        tried: 'full,spare',
      },
    });
  });

  it('when a rep at their cap moves a lead to sql, then it no longer counts as open and they take the next lead', async () => {
    const tenant = newTenant();
    const target = pool(
      'p',
      [
        ['ana', 1],
        ['ben', 1],
      ],
      { maxOpenLeads: 1 },
    );
    await database.db.rep.create({
      data: { id: `${tenant}-ben`, tenant, email: email('ben'), name: 'Ben', active: false },
    });
    const [first = '', second = '', third = ''] = await createLeads(database.db, tenant, 3);
    expect(await routing.assignLead(assignInput(tenant, first, target))).toMatchObject({ repEmail: email('ana') });
    expect(await routing.assignLead(assignInput(tenant, second, target))).toMatchObject({
      kind: 'queue',
      queue: 'unassigned-mql',
    });
    await database.db.lead.update({ where: { id: first }, data: { stage: 'sql' } });
    expect(await routing.assignLead(assignInput(tenant, third, target))).toMatchObject({ repEmail: email('ana') });
  });

  it('when a manager reassigns a lead by hand, then the owner changes, the counters do not, and the assignment records who and why', async () => {
    const tenant = newTenant();
    const [leadId = ''] = await createLeads(database.db, tenant, 1);
    await routing.assignLead(assignInput(tenant, leadId, pool('p', [['ana', 1]])));
    await database.db.rep.create({
      data: {
        id: `${tenant}-ben`,
        tenant,
        email: email('ben'),
        name: 'Ben',
        outOfOfficeUntil: new Date('2026-03-03T00:00:00Z'),
      },
    });

    const input = {
      tenant,
      leadId,
      to: { repEmail: 'Ben@Example.com' },
      actor: 'manager@example.com',
      reason: 'speaks German',
      idempotencyKey: `reassign:${leadId}:1`,
      now: NOW,
    };
    const result: AssignmentResult = await routing.reassignLead(input);
    expect(result).toEqual({
      kind: 'rep',
      repEmail: email('ben'),
      explanation:
        'Reassigned by hand by manager@example.com from ana@example.com to ben@example.com (note: out of office until 2026-03-03T00:00:00.000Z): speaks German',
    });
    expect(await routing.reassignLead(input)).toEqual(result);
    expect((await database.db.lead.findUnique({ where: { id: leadId } }))?.ownerId).toBe(email('ben'));
    const history = await database.db.assignment.findMany({ where: { leadId }, orderBy: { manual: 'asc' } });
    expect(history.map((a) => [a.repEmail, a.manual, a.actor])).toEqual([
      [email('ana'), false, null],
      [email('ben'), true, 'manager@example.com'],
    ]);
    expect(history[1]).toMatchObject({
      reasonCode: 'reassigned',
      reasonParams: {
        actor: 'manager@example.com',
        from: email('ana'),
        fromQueue: null,
        to: email('ben'),
        toQueue: null,
        note: 'speaks German',
      },
    });
    expect((await database.db.routingCounter.findMany({ where: { tenant } })).map((c) => c.assigned)).toEqual([1]);

    const toQueue = await routing.reassignLead({
      ...input,
      to: { queue: 'unassigned-mql' },
      idempotencyKey: `reassign:${leadId}:2`,
    });
    expect(toQueue).toMatchObject({ kind: 'queue', queue: 'unassigned-mql' });
    expect(
      await database.db.lead.findUnique({ where: { id: leadId }, select: { ownerId: true, queue: true } }),
    ).toEqual({ ownerId: null, queue: 'unassigned-mql' });
    await expect(
      routing.reassignLead({ ...input, leadId: 'nope', idempotencyKey: 'reassign:nope' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('when two worker processes each assign 500 leads to the same capped pool at once, then the split stays exact and no cap is exceeded', async () => {
    const tenant = newTenant();
    const target = pool(
      'shared',
      [
        ['ana', 2],
        ['ben', 1],
        ['cho', 1],
      ],
      { maxOpenLeads: 400 },
    );
    const leadIds = await createLeads(database.db, tenant, 1000);
    const started = performance.now();
    const batches = await Promise.all(
      [leadIds.slice(0, 500), leadIds.slice(500)].map((batch) =>
        runWorkerProcess({ url: database.target.url, tenant, leadIds: batch, pool: target }),
      ),
    );
    console.info(
      `[${provider}] 2 processes × 500 concurrent assignments: ${Math.round(performance.now() - started)} ms`,
    );

    expect(batches.flat()).toHaveLength(1000);
    const shares = await ownerShares(database.db, tenant);
    console.info(`[${provider}] two processes, 2:1:1, cap 400: ${JSON.stringify(shares)}`);
    // Smooth WRR gives 500/250/250, but ana's cap of 400 stops her; the rest is shared by ben and cho.
    expect(shares).toEqual({ [email('ana')]: 400, [email('ben')]: 300, [email('cho')]: 300 });
  });
});

function runWorkerProcess(input: {
  url: string;
  tenant: string;
  leadIds: string[];
  pool: unknown;
}): Promise<AssignmentResult[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [tsxCli, 'test/routing/burst-worker.ts'],
      { env: { ...process.env, BURST_INPUT: JSON.stringify(input) }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`burst worker failed: ${error.message}\n${stderr}`))
          : resolve(JSON.parse(stdout) as AssignmentResult[]),
    );
  });
}
