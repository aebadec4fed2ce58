/**
 * The people of a tenant as reports need them: a rep's team (the manager they report to) and
 * time zone. Teams are read as the roster stands now; a past period is reported with today's
 * reporting lines.
 */
import type { Db } from '../../db/client';
import type { SalesRep } from '../../domain/analytics/facts';
import { compareText } from '../../domain/analytics/measures';

export interface Roster {
  /** The manager's email of the person, or null (no manager, or not on the roster). */
  teamOf(email: string | null): string | null;
  /** The person's IANA time zone, or null when not on the roster. */
  timeZoneOf(email: string | null): string | null;
  /**
   * Whether someone on the roster works in another zone than `zone`: only then can an owner's
   * calendar differ from the calendar of `zone` (ownerCalendar gives an owner off the roster the
   * calendar itself), so a report of the whole tenant reads who owns each lead only then.
   */
  worksBeyond(zone: string): boolean;
  /** The time zone of each person who has one, by email in lower case (as timeZoneOf finds them). */
  timeZones: ReadonlyMap<string, string>;
  /** The tenant's active sales reps (role `rep`) in email order, each with their team as `teamOf` gives it. */
  salesReps: readonly SalesRep[];
}

export async function loadRoster(db: Pick<Db, 'rep'>, tenant: string): Promise<Roster> {
  const people = await db.rep.findMany({
    where: { tenant },
    select: { id: true, email: true, managerId: true, timeZone: true, role: true, active: true },
  });
  const byId = new Map(people.map((person) => [person.id, person]));
  const byEmail = new Map(people.map((person) => [person.email.toLowerCase(), person]));
  const find = (email: string | null) => (email === null ? undefined : byEmail.get(email.toLowerCase()));
  // Each person's team (their manager's email in lower case) worked out once: a report asks it of
  // every deal's owner (40 000 deals at 1M leads, a few hundred people).
  const teams = new Map(
    people.map((person) => {
      const manager = person.managerId ? byId.get(person.managerId) : undefined;
      return [person.email.toLowerCase(), manager ? manager.email.toLowerCase() : null] as const;
    }),
  );
  const teamOf = (email: string | null) => (email === null ? null : (teams.get(email.toLowerCase()) ?? null));
  return {
    teamOf,
    timeZoneOf: (email) => find(email)?.timeZone ?? null,
    worksBeyond: (zone) => people.some((person) => person.timeZone !== zone),
    timeZones: new Map(
      // A zone as ownerCalendar takes it: an empty one is none.
      people.flatMap((person) => (person.timeZone ? [[person.email.toLowerCase(), person.timeZone] as const] : [])),
    ),
    salesReps: people
      .filter((person) => person.role === 'rep' && person.active)
      .map((person) => ({ email: person.email, team: teamOf(person.email) }))
      .sort((a, b) => compareText(a.email, b.email)),
  };
}
