/**
 * Sales activity: the calls, emails and meetings people logged, per rep in the period, and per
 * deal won in the period (everything logged on the won deals and their leads, up to the win).
 */
import { ACTIVITY_KINDS, type ActivityFact, type ActivityKind, type DealCourse, type Segment } from './facts';
import { breakDown, type Group } from './breakdown';
import { share, sortedIds, tally, type Tally } from './measures';
import { within, type Interval } from './period';
import { closeOf } from './stages';
import { closedIn } from './deals';

export type ActivityCounts = Record<ActivityKind, Tally> & { total: Tally };

/**
 * What the activity report reads of an activity: an ActivityFact is one. (Served, the report is
 * counted in SQL instead, whole and broken down: src/usecases/analytics/activity-records.ts.)
 */
export type ActivityRecord = Pick<ActivityFact, 'id' | 'kind' | 'at' | 'leadId'> & { segment: Pick<Segment, 'rep'> };

function count(activities: readonly ActivityRecord[]): ActivityCounts {
  const counts = { total: tally(activities.map((a) => a.id)) } as ActivityCounts;
  for (const kind of ACTIVITY_KINDS) counts[kind] = tally(activities.filter((a) => a.kind === kind).map((a) => a.id));
  return counts;
}

/** Activity logged in the period, per rep (the person who logged it; activity ids). */
export function activityByRep(activities: readonly ActivityRecord[], period: Interval): Group<ActivityCounts>[] {
  return breakDown(
    activities.filter((activity) => within(activity.at, period)),
    'rep',
    count,
  );
}

export interface ActivityPerWonDeal {
  wonDeals: Tally;
  /** Activities on the won deals and their leads, up to the moment each was won. */
  activities: ActivityCounts;
  /** Per won deal: activities ÷ won deals, per kind and in total. */
  perDeal: Record<ActivityKind | 'total', number | null>;
}

export function activityPerWonDeal(
  activities: readonly ActivityRecord[],
  deals: readonly (DealCourse & { leadId: string })[],
  period: Interval,
): ActivityPerWonDeal {
  const won = closedIn(deals, period).won;
  const wonAt = new Map(won.map((deal) => [deal.leadId, closeOf(deal)!.at]));
  const behind = activities.filter((activity) => {
    const at = wonAt.get(activity.leadId);
    return at !== undefined && activity.at.getTime() <= at.getTime();
  });
  const counts = count(behind);
  const perDeal = { total: share(counts.total.count, won.length) } as ActivityPerWonDeal['perDeal'];
  for (const kind of ACTIVITY_KINDS) perDeal[kind] = share(counts[kind].count, won.length);
  return { wonDeals: tally(sortedIds(won.map((deal) => deal.id))), activities: counts, perDeal };
}
