/**
 * Time in stage, and the bottleneck: how long leads and deals stayed in each stage before moving
 * on, and which stage got worse against the previous period.
 */
import type { LeadFact } from './facts';
import { append, days, distribution, type Distribution, type Sample } from './measures';
import { within, type Interval } from './period';
import { RECORDED_STAGES } from './stages';
import { DEAL_STAGES } from '../../rules/facts';
import { periodFunnel } from './funnel';

export interface StageDwell {
  stage: string;
  /** Lead stages drill down to leads, deal stages to deals. */
  subject: 'lead' | 'deal';
  /** Calendar days spent in the stage, for each stay that ended in the period. */
  days: Distribution;
}

const isDealStage = (stage: string) => (DEAL_STAGES as readonly string[]).includes(stage);
/** A closed deal stays nowhere: the transition after it is its lead taking the outcome (customer or lost). */
const isClosedDealStage = (stage: string) => stage === 'closed-won' || stage === 'closed-lost';

/** Stays that ended (the record moved on) in the period; a stay still running is not counted. */
export function timeInStage(leads: readonly LeadFact[], period: Interval): StageDwell[] {
  const samples = new Map<string, Sample[]>();
  for (const lead of leads) {
    lead.stages.forEach((entered, index) => {
      const left = lead.stages[index + 1];
      if (!left || !within(left.at, period) || isClosedDealStage(entered.to)) return;
      const id = isDealStage(entered.to) ? (lead.dealId ?? lead.id) : lead.id;
      const sample = { id, value: days(left.at.getTime() - entered.at.getTime()) };
      append(samples, entered.to, sample);
    });
  }
  const known = RECORDED_STAGES.filter((stage) => samples.has(stage));
  const others = [...samples.keys()].filter((stage) => !RECORDED_STAGES.includes(stage)).sort();
  return [...known, ...others].map((stage) => ({
    stage,
    subject: isDealStage(stage) ? 'deal' : 'lead',
    days: distribution(samples.get(stage) ?? []),
  }));
}

export interface BottleneckCandidate {
  /** conversion: the funnel step out of `stage` (mql: MQL → SQL); dwell: median days in `stage`. */
  kind: 'conversion' | 'dwell';
  stage: string;
  current: number | null;
  previous: number | null;
  /** Relative change for the worse (0.25 = 25% worse); null when there is nothing to compare. */
  worsening: number | null;
  /** This period's records behind `current`: the leads that reached the stage, or the stays measured. */
  ids: string[];
}

export interface BottleneckReport {
  candidates: BottleneckCandidate[];
  /** The candidate that worsened most, or null when none worsened. */
  flagged: BottleneckCandidate | null;
}

function relative(change: number, base: number | null): number | null {
  return base === null || base === 0 ? null : change / base;
}

function conversionCandidates(
  leads: readonly LeadFact[],
  current: Interval,
  previous: Interval,
): BottleneckCandidate[] {
  const now = periodFunnel(leads, current).steps;
  const before = periodFunnel(leads, previous).steps;
  return now.map((step, index) => {
    const was = before[index]?.conversion.value ?? null;
    const is = step.conversion.value;
    return {
      kind: 'conversion',
      stage: step.from,
      current: is,
      previous: was,
      worsening: is === null || was === null ? null : relative(was - is, was),
      ids: step.conversion.denominator.ids,
    };
  });
}

function dwellCandidates(leads: readonly LeadFact[], current: Interval, previous: Interval): BottleneckCandidate[] {
  const before = new Map(timeInStage(leads, previous).map((dwell) => [dwell.stage, dwell.days.median]));
  return timeInStage(leads, current).map((dwell) => {
    const was = before.get(dwell.stage) ?? null;
    const is = dwell.days.median;
    return {
      kind: 'dwell',
      stage: dwell.stage,
      current: is,
      previous: was,
      worsening: is === null || was === null ? null : relative(is - was, was),
      ids: dwell.days.ids,
    };
  });
}

/**
 * Compares each funnel step's conversion (period view) and each stage's median dwell with the
 * previous period, and flags the one that worsened most in relative terms.
 */
export function bottleneck(leads: readonly LeadFact[], current: Interval, previous: Interval): BottleneckReport {
  const candidates = [...conversionCandidates(leads, current, previous), ...dwellCandidates(leads, current, previous)];
  let flagged: BottleneckCandidate | null = null;
  for (const candidate of candidates) if ((candidate.worsening ?? 0) > (flagged?.worsening ?? 0)) flagged = candidate;
  return { candidates, flagged };
}
