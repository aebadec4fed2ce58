/**
 * Time in stage, and the bottleneck: how long leads and deals stayed in each stage before moving
 * on, and which stage got worse against the previous period.
 */
import type { LeadFact } from './facts';
import { append, days, distributionOf, type Distribution } from './measures';
import { within, type Interval } from './period';
import { RECORDED_STAGES } from './stages';
import { DEAL_STAGES } from '../../rules/facts';
import { periodFunnel, type FunnelStep } from './funnel';

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

/**
 * One ended stay in a stage: from the transition into it to the next one, as staysOf reads them
 * from loaded facts. The speed report reads them from SQL already measured (MeasuredStay,
 * src/usecases/analytics/speed-rows.ts).
 */
export interface Stay {
  /** The lead, or for a deal stage the lead's deal (the lead when it has none). */
  id: string;
  stage: string;
  enteredAt: Date;
  leftAt: Date;
}

/** Whom a stay is counted for: a deal stage's stay the lead's deal (the lead when it has none), another the lead. */
export function stayOwnerId(stage: string, leadId: string, dealId: string | null): string {
  return isDealStage(stage) ? (dealId ?? leadId) : leadId;
}

/** Every ended stay of the leads and their deals, but none in a closed deal stage. */
export function staysOf(leads: readonly LeadFact[]): Stay[] {
  const stays: Stay[] = [];
  for (const lead of leads)
    lead.stages.forEach((entered, index) => {
      const left = lead.stages[index + 1];
      if (!left || isClosedDealStage(entered.to)) return;
      const id = stayOwnerId(entered.to, lead.id, lead.dealId);
      stays.push({ id, stage: entered.to, enteredAt: entered.at, leftAt: left.at });
    });
  return stays;
}

/** Stays that ended (the record moved on) in the period; a stay still running is not counted. */
export function timeInStage(leads: readonly LeadFact[], period: Interval): StageDwell[] {
  return dwellIn(staysOf(leads), period);
}

/**
 * A stay measured: whom it counts for (as Stay's id), its stage and its length in milliseconds. The
 * speed report reads these from SQL, each period's apart (src/usecases/analytics/speed-rows.ts).
 */
export interface MeasuredStay {
  id: string;
  stage: string;
  ms: number;
}

/**
 * The stays of one stage (of some leads, in some period), measured: their lengths in milliseconds
 * and whom each counts for (as Stay's id), in the same order. The speed report reads them so from
 * SQL, one list per stage, period and owner or segment (src/usecases/analytics/speed-rows.ts).
 */
export interface StageStays {
  stage: string;
  ms: readonly number[];
  ids: readonly string[];
}

/**
 * Time in stage of the measured stays, all counted (those that ended in the period, none in a
 * closed deal stage): the recorded stages in journey order, then any other alphabetically. With
 * `cap`, each stage lists the first `cap` ids of its stays only.
 */
export function measuredDwell(stays: Iterable<MeasuredStay>, cap?: number): StageDwell[] {
  const stages = new Map<string, { stage: string; ms: number[]; ids: string[] }>();
  for (const stay of stays) {
    let lists = stages.get(stay.stage);
    if (!lists) stages.set(stay.stage, (lists = { stage: stay.stage, ms: [], ids: [] }));
    lists.ms.push(stay.ms);
    lists.ids.push(stay.id);
  }
  return dwellOfStages(stages.values(), cap);
}

/** measuredDwell, of the stays as lists (several lists of one stage count together). */
export function dwellOfStages(lists: Iterable<StageStays>, cap?: number): StageDwell[] {
  const byStage = new Map<string, StageStays[]>();
  for (const list of lists) append(byStage, list.stage, list);
  const known = RECORDED_STAGES.filter((stage) => byStage.has(stage));
  const others = [...byStage.keys()].filter((stage) => !RECORDED_STAGES.includes(stage)).sort();
  return [...known, ...others].map((stage) => {
    const of = byStage.get(stage)!;
    const values = new Float64Array(of.reduce((n, list) => n + list.ms.length, 0));
    const ids: string[] = [];
    let at = 0;
    for (const list of of) {
      for (const ms of list.ms) values[at++] = days(ms);
      for (const id of list.ids) ids.push(id);
    }
    return { stage, subject: isDealStage(stage) ? 'deal' : 'lead', days: distributionOf(values, ids, cap) };
  });
}

/** timeInStage, on the stays. */
export function dwellIn(stays: readonly Stay[], period: Interval): StageDwell[] {
  const measured: MeasuredStay[] = [];
  for (const stay of stays) {
    if (!within(stay.leftAt, period) || isClosedDealStage(stay.stage)) continue;
    measured.push({ id: stay.id, stage: stay.stage, ms: stay.leftAt.getTime() - stay.enteredAt.getTime() });
  }
  return measuredDwell(measured);
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

function conversionCandidates(now: readonly FunnelStep[], before: readonly FunnelStep[]): BottleneckCandidate[] {
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

function dwellCandidates(now: readonly StageDwell[], before: readonly StageDwell[]): BottleneckCandidate[] {
  const medians = new Map(before.map((dwell) => [dwell.stage, dwell.days.median]));
  return now.map((dwell) => {
    const was = medians.get(dwell.stage) ?? null;
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
  return bottleneckOf(
    { current: periodFunnel(leads, current).steps, previous: periodFunnel(leads, previous).steps },
    { current: timeInStage(leads, current), previous: timeInStage(leads, previous) },
  );
}

/** Both periods' figures a bottleneck compares: funnel steps (period view) and time in stage. */
export interface Compared<T> {
  current: readonly T[];
  previous: readonly T[];
}

/** bottleneck, on both periods' funnel steps and time in stage. */
export function bottleneckOf(steps: Compared<FunnelStep>, dwell: Compared<StageDwell>): BottleneckReport {
  const candidates = [
    ...conversionCandidates(steps.current, steps.previous),
    ...dwellCandidates(dwell.current, dwell.previous),
  ];
  let flagged: BottleneckCandidate | null = null;
  for (const candidate of candidates) if ((candidate.worsening ?? 0) > (flagged?.worsening ?? 0)) flagged = candidate;
  return { candidates, flagged };
}
