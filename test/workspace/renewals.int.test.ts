/**
 * The renewals calendar: contracts whose term ends in a date range, with the deal, account,
 * value, owner, status and reminder dates, for the people who may see the deal.
 *
 * Winning a deal end to end is covered by the deal-close suites; here the contracts are stored
 * on real deals directly, with end dates from a test anchor, so the calendar's ranges are exact.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalDate, toLocalDate } from '../../src/domain/time-zone';
import { openDeal } from '../quotes/deal-fixture';
import { anchorAt } from '../support/anchor';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

const DAY = 24 * 3600 * 1000;
const day = (at: Date) => formatLocalDate(toLocalDate(at, 'UTC'));

describe.each(providers)('the renewals calendar on %s', (provider) => {
  let system: TestSystem;
  let revops: string;
  let soon: { dealId: string; ownerEmail: string; contractId: string; endDate: Date };
  let later: { dealId: string; contractId: string; endDate: Date };

  async function storeContract(dealId: string, endDate: Date, tcvMinor: bigint) {
    const contractId = `ct_${randomBytes(8).toString('hex')}`;
    await system.database.db.contract.create({
      data: {
        id: contractId,
        tenant: system.config.tenant,
        dealId,
        quoteVersionId: 'qv_stored-by-the-test',
        startDate: new Date(endDate.getTime() - 365 * DAY),
        endDate,
        termMonths: 12,
        tcvMinor,
        acvMinor: tcvMinor,
        currency: 'USD',
        status: 'active',
        workflowId: `renewal-${contractId}`,
      },
    });
    return contractId;
  }

  beforeAll(async () => {
    system = await startTestSystem(provider);
    revops = await system.personToken('revops@example.com', 'revops');
    // A Monday at midnight UTC well ahead: the contracts end 100 and 200 days after it.
    const anchor = anchorAt(new Date(), { weekday: 'monday', time: '00:00', zone: 'UTC' });
    const first = await openDeal(system, revops, 'grace@compilers.io');
    const second = await openDeal(system, revops, 'ada@engines.io');
    const soonEnd = new Date(anchor.getTime() + 100 * DAY);
    soon = { ...first, endDate: soonEnd, contractId: await storeContract(first.dealId, soonEnd, 1_200_000n) };
    const laterEnd = new Date(anchor.getTime() + 200 * DAY);
    later = { ...second, endDate: laterEnd, contractId: await storeContract(second.dealId, laterEnd, 500_000n) };
    // The 90-day reminder of the first contract was sent.
    await system.database.db.auditEvent.create({
      data: {
        id: `aud_${randomBytes(8).toString('hex')}`,
        tenant: system.config.tenant,
        subjectType: 'contract',
        subjectId: soon.contractId,
        dealId: soon.dealId,
        action: 'contract.renewal-reminder',
        actor: 'system',
        reason: '90 days before the end of the contract',
        details: { endDate: day(soonEnd), offset: '90 days' },
        occurredAt: new Date(soonEnd.getTime() - 90 * DAY),
        idempotencyKey: `${soon.contractId}:renewal:90 days:audit`,
      },
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  const calendar = (from: Date, to: Date, token = revops) =>
    http(`${system.url}/api/renewals?from=${day(from)}&to=${day(to)}`, { headers: bearer(token) });

  it('when a range holds one contract end, then it is listed with its deal, account, value, owner, status and reminder dates (the sent one with when)', async () => {
    const response = await calendar(new Date(soon.endDate.getTime() - 7 * DAY), soon.endDate);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const end = soon.endDate.getTime();
    expect(response.body).toEqual({
      from: day(new Date(end - 7 * DAY)),
      to: day(soon.endDate),
      truncated: false,
      renewals: [
        {
          contractId: soon.contractId,
          dealId: soon.dealId,
          dealName: expect.any(String),
          accountName: 'Compilers Inc',
          ownerEmail: soon.ownerEmail,
          status: 'active',
          startDate: day(new Date(end - 365 * DAY)),
          endDate: day(soon.endDate),
          termMonths: 12,
          value: {
            currency: 'USD',
            tcvMinor: 1_200_000,
            tcvFormatted: expect.stringContaining('12,000.00'),
            acvMinor: 1_200_000,
            acvFormatted: expect.stringContaining('12,000.00'),
          },
          // rules/approvals.yaml renewals.remindBefore: 90, 60 and 30 days.
          reminders: [
            {
              offset: '90 days',
              at: new Date(end - 90 * DAY).toISOString(),
              sentAt: new Date(end - 90 * DAY).toISOString(),
            },
            { offset: '60 days', at: new Date(end - 60 * DAY).toISOString(), sentAt: null },
            { offset: '30 days', at: new Date(end - 30 * DAY).toISOString(), sentAt: null },
          ],
        },
      ],
    });
  });

  it('when the range covers both ends, then they come soonest first; the last day of the range is included', async () => {
    const both = await calendar(soon.endDate, later.endDate);
    expect(both.body.renewals.map((r: { contractId: string }) => r.contractId)).toEqual([
      soon.contractId,
      later.contractId,
    ]);
    const before = await calendar(new Date(soon.endDate.getTime() - 30 * DAY), new Date(soon.endDate.getTime() - DAY));
    expect(before.body.renewals).toEqual([]);
  });

  it('when the owner or a rep of another team asks, then each sees only the contracts of deals in their sight', async () => {
    const owner = await system.personToken(soon.ownerEmail, 'rep');
    const stranger = await system.personToken('other.rep@example.com', 'rep');
    const mine = await calendar(soon.endDate, later.endDate, owner);
    expect(mine.body.renewals.map((r: { dealId: string }) => r.dealId)).toContain(soon.dealId);
    expect((await calendar(soon.endDate, later.endDate, stranger)).body.renewals).toEqual([]);
  });

  it('when the range is upside down or too long, then 422 names `to`; a date that does not exist or is missing is a 400', async () => {
    const upsideDown = await calendar(later.endDate, soon.endDate);
    expect(upsideDown.status).toBe(422);
    expect(upsideDown.body.error.fields).toEqual([{ path: 'to', message: 'must not be before "from"' }]);
    const tooLong = await calendar(soon.endDate, new Date(soon.endDate.getTime() + 800 * DAY));
    expect(tooLong.status).toBe(422);
    const impossible = await http(`${system.url}/api/renewals?from=2027-02-30&to=2027-03-01`);
    expect(impossible.status).toBe(400);
    expect(impossible.body.error.fields).toEqual([{ path: 'from', message: 'must be a calendar date, YYYY-MM-DD' }]);
    expect((await http(`${system.url}/api/renewals`)).status).toBe(400);
  });
});
