/**
 * Whose lead it was at a moment, for a person's reports: the leads their team (the sight's owners)
 * owned then, read from LeadOwnership, the projection database triggers keep of each lead's owner on
 * its row and its first and last assignment (migration `analytics_lead_ownership`).
 *
 * The owner of a lead at `cut` (at or before `asOf`) is ownerAt's (./lead-arrivals.ts): its last
 * assignment before `cut`, or the owner on its row when it had no assignment before `asOf` (none
 * when it had one, but none before `cut`). From a lead's row that is:
 * - its last assignment's rep, when that came before `cut`;
 * - the owner on its row, when its first assignment came at or after `asOf`, or never;
 * - no one, when its first assignment came at or after `cut` but before `asOf`;
 * - else (assigned before `cut` and again since) its last assignment before `cut`, looked up.
 * So the team's leads come from two index ranges per owner and one of the leads assigned again
 * since `cut`, each with its owner, instead of every lead and assignment of the team hashed and each
 * lead's assignments probed (0.5–0.9 s per statement for a manager at 1 000 000 leads).
 *
 * Emails are compared lowercased, as a sight compares owners (sightFilter in ./load-facts.ts).
 */
import type { Db } from '../../db/client';
import { empty, join, raw, sql, valuesOf, type Sql } from '../../db/raw-sql';
import type { Sight } from '../visibility';

/**
 * The owner at `cut` (at or before `asOf`) of the lead of row `row`, a row holding LeadOwnership's
 * columns (LeadOwnership's own, or LeadFunnel's copy of them, migration `analytics_funnel_owner`),
 * as ownerAt (./lead-arrivals.ts) gives it: its last assignment's rep when that came before `cut`;
 * the owner on the lead's row when it had no assignment before `asOf`; no one when its first came
 * at or after `cut`; else (assigned before `cut` and again since) its last assignment before
 * `cut`, looked up.
 */
export function ownerOnRow(cut: Date, asOf: Date, row: string): Sql {
  if (cut.getTime() > asOf.getTime()) throw new Error(`ownerOnRow: the cut ${cut.toISOString()} is after asOf`);
  const column = (name: string) => raw(`${row}."${name}"`);
  return sql`(CASE WHEN ${column('lastAssignedAt')} < ${cut} THEN ${column('lastOwner')}
    WHEN ${column('firstAssignedAt')} IS NULL OR ${column('firstAssignedAt')} >= ${asOf} THEN ${column('rowOwner')}
    WHEN ${column('firstAssignedAt')} >= ${cut} THEN NULL
    ELSE (SELECT owner_a."repEmail" FROM "Assignment" owner_a WHERE owner_a."leadId" = ${column('leadId')}
      AND owner_a."assignedAt" < ${cut} ORDER BY owner_a."assignedAt" DESC, owner_a.id DESC LIMIT 1) END)`;
}

/** The sight's owners lowercased, each once: what teamAt and ownerInSight compare with. */
const ownerKeys = (sight: Sight): string[] => [...new Set(sight.owners.map((owner) => owner.toLowerCase()))];

/**
 * A statement returning `id` and `rep`: each lead of the tenant whose owner at `cut` (at or before
 * `asOf`) is one of the sight's owners, with that owner as the assignment or the lead's row spells
 * it.
 */
export function teamAt(db: Db, sight: Sight, cut: Date, asOf: Date): Sql {
  if (cut.getTime() > asOf.getTime()) throw new Error(`teamAt: the cut ${cut.toISOString()} is after asOf`);
  const owners = ownerKeys(sight);
  const { tenant } = sight;
  // The keys one parameter each (a team is a handful of people): PostgreSQL then estimates each
  // range from its statistics and reads it by index, where with the one-parameter list of valuesOf
  // it took the list for a hundred keys and scanned every row of the tenant.
  const keys = owners.length === 0 ? sql`(NULL)` : sql`(${join(owners)})`;
  return sql`SELECT o."leadId" AS id, o."lastOwner" AS rep FROM "LeadOwnership" o
      WHERE o.tenant = ${tenant} AND o."lastOwnerKey" IN ${keys} AND o."lastAssignedAt" < ${cut}
    UNION ALL
    SELECT o."leadId", o."rowOwner" FROM "LeadOwnership" o
      WHERE o.tenant = ${tenant} AND o."rowOwnerKey" IN ${keys}
        AND (o."firstAssignedAt" IS NULL OR o."firstAssignedAt" >= ${asOf})
    UNION ALL
    SELECT x.id, x.rep FROM (
      SELECT o."leadId" AS id, (SELECT a."repEmail" FROM "Assignment" a
          WHERE a."leadId" = o."leadId" AND a."assignedAt" < ${cut} ORDER BY a."assignedAt" DESC, a.id DESC LIMIT 1) AS rep
      FROM "LeadOwnership" o
      WHERE o.tenant = ${tenant} AND o."lastAssignedAt" >= ${cut} AND o."firstAssignedAt" < ${cut}) x
    WHERE LOWER(x.rep) IN ${keys}`;
}

/**
 * For a person, the common table `owned` (teamAt at `cut`, materialized), with the comma that
 * follows it in a WITH list; nothing for the whole tenant. joinOwned joins it.
 */
export function ownedTable(db: Db, sight: Sight, cut: Date, asOf: Date): Sql {
  return sight.all ? empty : sql`owned AS MATERIALIZED (${teamAt(db, sight, cut, asOf)}),`;
}

/**
 * For a person, `JOIN owned t` on the lead id `lead`: a range joined with the leads their team
 * owned as it is read (PostgreSQL, which knows a range's ids unique, then hashes those leads; from a
 * union of ranges it could not tell, and sorted both sides to merge them), each lead's owner as
 * `t.rep`. Nothing for the whole tenant.
 */
export function joinOwned(sight: Sight, lead: Sql): Sql {
  return sight.all ? empty : sql`JOIN owned t ON t.id = ${lead}`;
}

/**
 * `column IN (the sight's owners)`, lowercased on both sides as the sight compares owners
 * (sightFilter in ./load-facts.ts): compared as spelt, a deal whose owner is spelt `Rep5@…` was left
 * out of a manager's reports and counted on the facts. For a person's sight only.
 */
export function ownerInSight(db: Db, sight: Sight, column: Sql): Sql {
  return sql`LOWER(${column}) IN ${valuesOf(db, ownerKeys(sight))}`;
}
