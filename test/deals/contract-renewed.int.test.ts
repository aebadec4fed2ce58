/**
 * A renewal closes the loop on the contract it renews: when a new deal of the same account is won
 * and its contract starts within the grace period after the old contract's end, the old contract
 * becomes `renewed` (audited, shown on the renewals calendar), its remaining renewal reminders are
 * not sent, and the end of its term leaves it `renewed`. A contract of another account is left alone.
 *
 * The new contract is made by the real createContract activity from a real quote (built through
 * the API); the old contracts are stored directly with dates from a test anchor.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDealActivities } from '../../activities/deals';
import { createLogger } from '../../src/logger';
import { RuleRegistry } from '../../src/rules/registry';
import { InMemoryRuleVersionStore } from '../../src/rules/version-store';
import { formatLocalDate, toLocalDate } from '../../src/domain/time-zone';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';
import { anchorAt } from '../support/anchor';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

const DAY = 86_400_000;
const day = (at: Date) => formatLocalDate(toLocalDate(at, 'UTC'));

describe.each(providers)('a renewal marks the contract it renews on %s', (provider) => {
  let system: TestSystem;
  let registry: RuleRegistry;
  let revops: string;
  let activities: ReturnType<typeof createDealActivities>;
  let oldEnd: Date;
  const ids = { old: '', otherAccount: '', renewal: `ct_${randomBytes(6).toString('hex')}` };
  let renewalDealId = '';

  async function storeContract(dealId: string, endDate: Date) {
    const id = `ct_${randomBytes(8).toString('hex')}`;
    await system.database.db.contract.create({
      data: {
        id,
        tenant: system.config.tenant,
        dealId,
        quoteVersionId: 'qv_stored-by-the-test',
        startDate: new Date(endDate.getTime() - 365 * DAY),
        endDate,
        termMonths: 12,
        tcvMinor: 1_200_000n,
        acvMinor: 1_200_000n,
        currency: 'USD',
        status: 'renewal-due',
        workflowId: `renewal-${id}`,
      },
    });
    return id;
  }

  beforeAll(async () => {
    system = await startTestSystem(provider);
    registry = new RuleRegistry({
      dir: path.resolve('rules'),
      store: new InMemoryRuleVersionStore(),
      logger: createLogger('silent'),
      watch: false,
    });
    await registry.start();
    activities = createDealActivities({ db: system.database.db, registry, publicUrl: 'http://leadflow.test' });
    revops = await system.personToken('revops@example.com', 'revops');
    await stockCatalogue(system, revops);
    // A Monday at midnight UTC well ahead: the old contract ends 60 days after it.
    const anchor = anchorAt(new Date(), { weekday: 'monday', time: '00:00', zone: 'UTC' });
    oldEnd = new Date(anchor.getTime() + 60 * DAY);
    const first = await openDeal(system, revops, 'grace@compilers.io');
    ids.old = await storeContract(first.dealId, oldEnd);
    // Another account (openDeal's company is Compilers Inc; this deal moves to an account of its own).
    const other = await openDeal(system, revops, 'ada@engines.io');
    const account = await system.database.db.account.create({
      data: { id: `acc_${randomBytes(6).toString('hex')}`, tenant: system.config.tenant, name: 'Analytical Engines' },
    });
    await system.database.db.deal.update({ where: { id: other.dealId }, data: { accountId: account.id } });
    ids.otherAccount = await storeContract(other.dealId, oldEnd);
    // The renewal: a new deal of Compilers Inc with a quote built through the API.
    const renewal = await openDeal(system, revops, 'grace.renews@compilers.io');
    renewalDealId = renewal.dealId;
  }, 180_000);
  afterAll(async () => {
    await registry?.stop();
    await system?.stop();
  });

  it('when the account wins a new contract starting 10 days after the old one ended, then the old one is renewed, audited and shown so; its reminders and its end change nothing', async () => {
    const quote = await http(`${system.url}/api/deals/${renewalDealId}/quotes`, {
      body: { customer: { company: 'Compilers Inc', region: 'us-ny' }, lines: [{ sku: 'PLAT-ENT-1Y', quantity: 1 }] },
      headers: bearer(revops),
    });
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    const start = new Date(oldEnd.getTime() + 10 * DAY);
    const created = await activities.createContract({
      dealId: renewalDealId,
      versionId: quote.body.quote.current.id,
      contractId: ids.renewal,
      workflowId: `renewal-${ids.renewal}`,
      startDate: start.toISOString(),
      at: start.toISOString(),
    });
    expect(created.created).toBe(true);

    const status = async (id: string) =>
      (await system.database.db.contract.findUniqueOrThrow({ where: { id } })).status;
    expect(await status(ids.old)).toBe('renewed');
    expect(await status(ids.otherAccount)).toBe('renewal-due');
    expect(await status(ids.renewal)).toBe('active');
    const audit = await system.database.db.auditEvent.findMany({
      where: { subjectType: 'contract', subjectId: ids.old, action: 'contract.renewed' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.reason).toBe(`renewed by contract ${ids.renewal} (deal ${renewalDealId})`);

    const calendar = await http(
      `${system.url}/api/renewals?from=${day(new Date(oldEnd.getTime() - DAY))}&to=${day(new Date(oldEnd.getTime() + DAY))}`,
      { headers: bearer(revops) },
    );
    expect(calendar.status).toBe(200);
    const shown = Object.fromEntries(
      (calendar.body.renewals as Array<{ contractId: string; status: string }>).map((c) => [c.contractId, c.status]),
    );
    expect(shown).toEqual({ [ids.old]: 'renewed', [ids.otherAccount]: 'renewal-due' });

    // The old contract's 30-day reminder comes due after the renewal: no task, no notice.
    const tasksBefore = await system.database.db.task.count({ where: { kind: 'renewal' } });
    const reminder = await activities.remindRenewal({
      contractId: ids.old,
      offset: '30 days',
      at: new Date(oldEnd.getTime() - 30 * DAY).toISOString(),
    });
    expect(reminder).toBeNull();
    expect(await system.database.db.task.count({ where: { kind: 'renewal' } })).toBe(tasksBefore);
    // The other account's reminder still goes out.
    const due = await activities.remindRenewal({
      contractId: ids.otherAccount,
      offset: '30 days',
      at: new Date(oldEnd.getTime() - 30 * DAY).toISOString(),
    });
    expect(due?.subject).toBeTruthy();

    // The terms end: the renewed contract stays renewed, the other one ends.
    await activities.endContract({ contractId: ids.old, at: oldEnd.toISOString() });
    await activities.endContract({ contractId: ids.otherAccount, at: oldEnd.toISOString() });
    expect(await status(ids.old)).toBe('renewed');
    expect(await status(ids.otherAccount)).toBe('ended');

    // Run again (an activity retry): nothing changes and no second audit entry.
    await activities.createContract({
      dealId: renewalDealId,
      versionId: quote.body.quote.current.id,
      contractId: ids.renewal,
      workflowId: `renewal-${ids.renewal}`,
      startDate: start.toISOString(),
      at: start.toISOString(),
    });
    expect(
      await system.database.db.auditEvent.count({
        where: { subjectType: 'contract', subjectId: ids.old, action: 'contract.renewed' },
      }),
    ).toBe(1);
  });
});
