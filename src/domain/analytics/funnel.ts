/**
 * Funnel conversion (lead → MQL → SQL → opportunity → won) in two views:
 *
 * - cohort: of the leads created in the period, how many reached each stage by `asOf`, or within
 *   N days of their creation. Each step is a true conversion (the numerator is a subset of the
 *   denominator); the figure grows while the cohort matures and is fixed once `asOf` is N days past
 *   the period's end.
 * - period: the leads that reached each stage during the period, whenever they were created. A
 *   step is a ratio of flows (SQLs this month ÷ MQLs this month), which can exceed 100%; it shows
 *   the throughput of the period and is fixed as soon as the period is over.
 */
import type { LeadFact } from './facts';
import { share, tally, type Ratio, type Tally } from './measures';
import { within, type Interval } from './period';
import { arrivalsOf, FUNNEL_STAGES, type FunnelStage } from './stages';
import { volume, type VolumeFigures } from './volume';

export interface FunnelStep {
  from: FunnelStage;
  to: FunnelStage;
  conversion: Ratio;
}

export interface FunnelReport {
  view: 'cohort' | 'period';
  /** Lead ids per stage. */
  stages: VolumeFigures;
  steps: FunnelStep[];
}

export interface CohortFunnelReport extends FunnelReport {
  view: 'cohort';
  /** With `withinDays`: cohort leads whose N days are not over at `asOf`, so the figure may still grow. */
  maturing: Tally;
}

export interface CohortOptions {
  /** The moment the report is read at: stages reached later do not count. */
  asOf: Date;
  /** Count a stage only when reached within this many days of the lead's creation. */
  withinDays?: number;
}

const MS_PER_DAY = 86_400_000;

/**
 * Each step's conversion from the stages' tallies, as they are: the count of each is exact even when
 * its ids are cut (the reports counted in SQL read only the first ids of each).
 */
export function funnelSteps(stages: VolumeFigures): FunnelStep[] {
  return FUNNEL_STAGES.slice(1).map((to, index) => {
    const from = FUNNEL_STAGES[index]!;
    const numerator = stages[to];
    const denominator = stages[from];
    return { from, to, conversion: { numerator, denominator, value: share(numerator.count, denominator.count) } };
  });
}

/** The cohort funnel of stages counted elsewhere (SQL), with the cohort leads still maturing. */
export function cohortFunnelOf(stages: VolumeFigures, maturing: Tally): CohortFunnelReport {
  return { view: 'cohort', stages, steps: funnelSteps(stages), maturing };
}

/** What the cohort funnel reads of a lead: when it was created and its stage transitions. */
export type FunnelLead = Pick<LeadFact, 'id' | 'createdAt' | 'stages'>;

export function cohortFunnel(
  leads: readonly FunnelLead[],
  period: Interval,
  options: CohortOptions,
): CohortFunnelReport {
  const window = options.withinDays === undefined ? null : options.withinDays * MS_PER_DAY;
  const cohort = leads.filter(
    (lead) => within(lead.createdAt, period) && lead.createdAt.getTime() < options.asOf.getTime(),
  );
  // Each lead's arrivals in one walk of its transitions (arrivalsOf), not one per stage.
  const reached = FUNNEL_STAGES.map((): string[] => []);
  for (const lead of cohort) {
    arrivalsOf(lead, options.asOf).forEach((at, index) => {
      if (at !== null && (window === null || at.getTime() - lead.createdAt.getTime() < window))
        reached[index]!.push(lead.id);
    });
  }
  const stages = {} as VolumeFigures;
  FUNNEL_STAGES.forEach((stage, index) => (stages[stage] = tally(reached[index]!)));
  const maturing =
    window === null ? [] : cohort.filter((lead) => lead.createdAt.getTime() + window > options.asOf.getTime());
  return cohortFunnelOf(stages, tally(maturing.map((lead) => lead.id)));
}

export function periodFunnel(leads: readonly LeadFact[], period: Interval): FunnelReport {
  const stages = volume(leads, period);
  return { view: 'period', stages, steps: funnelSteps(stages) };
}
