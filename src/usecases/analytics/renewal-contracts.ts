/**
 * The contracts behind the retention report, read in SQL as a narrow projection instead of loaded
 * facts: the contracts ending between the start of the previous period and the end of the period
 * (those due in either), with every contract of their accounts that could renew them. renewals
 * (src/domain/analytics/retention.ts) then computes the report, as it does on the facts, so the
 * figures are identical; the differential test (test/analytics/loader-differential.int.test.ts)
 * checks this on both providers.
 *
 * The window is not cut at `asOf`: a contract recorded before `asOf` that ends later is due in a
 * period that ends later (and pending). Each contract is read as the fact loader builds it
 * (./deal-desk-facts.ts): recorded before `asOf`, of a deal recorded before `asOf` whose lead is
 * the tenant's, on the deal's account. A person sees the contracts of the deals they (or their
 * reports) own, and only those can renew one: the same cut as on the facts.
 */
import type { Db } from '../../db/client';
import { instantOf, sql } from '../../db/raw-sql';
import { compareText } from '../../domain/analytics/measures';
import type { RenewalContract } from '../../domain/analytics/retention';
import type { DealQuery } from './deal-courses';
import { sightFilter } from './load-facts';
import { groupColumnsOf } from './lead-arrivals';
import { keyDeals, ownedBy } from './closed-deals';
import { loadRoster } from './roster';
import type { Dimension } from '../../domain/analytics/facts';

interface ContractRow {
  id: string;
  seg_type: string | null;
  seg_text: string | null;
  account: string;
  owner: string;
  start: unknown;
  end: unknown;
  acv: bigint | number;
  currency: string;
  created: unknown;
}

/**
 * The contracts due in the period or the one before, and those of the same accounts, in id order.
 * With `dimension`, each contract's breakdown key goes into `keys` (by id): a contract's segment is
 * its deal's (the deal's owner as its rep, its lead's segment field), as the fact loader builds it.
 */
export async function renewalContracts(
  db: Db,
  query: DealQuery,
  dimension?: Dimension,
  keys?: Map<string, string>,
): Promise<RenewalContract[]> {
  const { sight, period, previous, asOf } = query;
  // The accounts with a contract due come first, found by the contracts' end date; then each
  // account's deals and their contracts by index. The CROSS JOINs keep SQLite in that order (see
  // ofDealsInSight in ./desk-records.ts): with plain joins it looped over every lead of the tenant.
  const rows = await db.$queryRaw<ContractRow[]>(sql`
    SELECT c.id, d."accountId" AS account, d."ownerEmail" AS owner, c."startDate" AS start, c."endDate" AS "end",
      c."acvMinor" AS acv, c.currency, c."createdAt" AS created, ${groupColumnsOf(db, dimension)}
    FROM (SELECT DISTINCT e."accountId" AS id FROM "Contract" due CROSS JOIN "Deal" e
        WHERE e.id = due."dealId" AND e.tenant = ${sight.tenant}
          AND due."endDate" >= ${previous.from} AND due."endDate" < ${period.to}) a
      CROSS JOIN "Deal" d CROSS JOIN "Contract" c CROSS JOIN "Lead" l
    WHERE d.tenant = ${sight.tenant} AND d."accountId" = a.id AND c."dealId" = d.id
      AND l.id = d."leadId" AND l.tenant = ${sight.tenant}
      AND c."createdAt" < ${asOf} AND d."createdAt" < ${asOf} AND l."createdAt" < ${asOf} ${ownedBy(db, sight)}`);
  const inSight = sightFilter(sight);
  if (dimension && keys)
    keyDeals(rows, dimension, dimension === 'team' ? await loadRoster(db, sight.tenant) : null, keys);
  return rows
    .filter((row) => inSight(row.owner))
    .map((row) => ({
      id: row.id,
      accountId: row.account,
      startDate: instantOf(row.start)!,
      endDate: instantOf(row.end)!,
      acvMinor: Number(row.acv),
      currency: row.currency,
      createdAt: instantOf(row.created)!,
    }))
    .sort((a, b) => compareText(a.id, b.id));
}
