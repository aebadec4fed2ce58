/**
 * Rule attribution: conversion, speed and win figures split by the ruleset version that scored or
 * routed each lead, and the moments a ruleset went live (the marks on trend charts), so RevOps can
 * ask "did the March routing change lower our win rate?".
 */
import type { AnalyticsFacts, ClosedDealCourse, LeadFact, RuleActivation } from './facts';
import { NONE } from './facts';
import type { Ratio } from './measures';
import { orderKeys } from './breakdown';
import { groupBy } from '../group-by';
import { within, type Interval } from './period';
import { cohortFunnel, type CohortFunnelReport, type FunnelLead } from './funnel';
import { leadResponse, responseTimeOf, type CalendarFor, type ResponseLead, type ResponseTimeReport } from './response';
import { winRate } from './deals';

export type AttributionBy = 'scoring' | 'routing';

/**
 * The version a lead is attributed to, from decisions before `asOf`:
 * - scoring: the version on its MQL transition (the scoring decision that qualified it); for a
 *   lead not (yet) an MQL, the version of its latest scoring decision;
 * - routing: the version of its first routing decision.
 */
export function rulesetOf(lead: LeadFact, by: AttributionBy, asOf: Date): string | null {
  const decisions = lead.decisions.filter((decision) => decision.kind === by && decision.at < asOf);
  if (by === 'routing') return decisions[0]?.version ?? null;
  const mql = lead.stages.find((event) => event.to === 'mql' && event.at < asOf);
  if (mql) return mql.rulesetVersion ?? decisions.filter((d) => d.at <= mql.at).at(-1)?.version ?? null;
  return decisions.at(-1)?.version ?? null;
}

export interface AttributionRow {
  /** The ruleset version (content hash), or `(none)` for leads no rule decided on. */
  version: string;
  /** Cohort funnel of the version's leads created in the period. */
  funnel: CohortFunnelReport;
  /** Response time of the version's leads that became MQLs in the period. */
  response: ResponseTimeReport;
  /** Win rate by count of the version's leads' deals closed in the period. */
  winRate: Ratio;
}

export interface AttributionOptions {
  by: AttributionBy;
  calendarFor: CalendarFor;
  withinDays?: number;
}

/**
 * One row per ruleset version with something counted in the period, in version order (`(none)`
 * last): a lead created in it, a response or an MQL left unanswered in it, or a deal closed in it.
 */
export function ruleAttribution(
  facts: AnalyticsFacts,
  period: Interval,
  options: AttributionOptions,
): AttributionRow[] {
  const versionOf = new Map(facts.leads.map((lead) => [lead.id, rulesetOf(lead, options.by, facts.asOf) ?? NONE]));
  return attributionRows(
    {
      versions: orderKeys(versionOf.values()),
      leadsOf: groupBy(facts.leads, (lead) => versionOf.get(lead.id)),
      versionOf,
      deals: facts.deals,
    },
    period,
    { ...options, asOf: facts.asOf },
  );
}

/** What a lead brings to its version's row: its funnel, and its response to its MQL. */
export type AttributedLead = FunnelLead & ResponseLead;

/**
 * What the rows are computed from: the versions listed, the leads that may count in the period by
 * their version (rulesetOf, or `(none)`), and the deals that may count with their leads' versions.
 * The report counts the funnels and responses in SQL (src/usecases/analytics/attribution-leads.ts)
 * and gives them as funnelOf and responsesOf; on facts, ruleAttribution gives the leads.
 */
export interface AttributionInputs {
  /**
   * The rows, in order (orderKeys): at least every version of a lead that counts in the period (a
   * version with nothing counted in it gets no row).
   */
  versions: readonly string[];
  /**
   * The leads of each version, each version's in id order: every lead created in the periods, made an
   * MQL or first touched after it in them, unless `funnelOf` and `responsesOf` give those figures.
   */
  leadsOf: ReadonlyMap<string, readonly AttributedLead[]>;
  /** The version of (at least) each lead of `deals`; a deal whose lead has none here counts in no row. */
  versionOf: ReadonlyMap<string, string>;
  deals: readonly ClosedDealCourse[];
  /**
   * Each version's cohort funnel over a period, when it was counted elsewhere (in SQL:
   * src/usecases/analytics/attribution-leads.ts); computed on `leadsOf` without it.
   */
  funnelOf?: (version: string, period: Interval) => CohortFunnelReport;
  /**
   * Each version's response time over a period, when it was counted elsewhere (in SQL, as the speed
   * report counts it); computed on `leadsOf` without it.
   */
  responsesOf?: (version: string, period: Interval) => ResponseTimeReport;
}

/** Whether anything of the period counts in a row: a cohort lead, a response, an unanswered MQL, a closed deal. */
const countsAnything = (row: AttributionRow): boolean =>
  row.funnel.stages.lead.count > 0 ||
  row.response.businessHours.n > 0 ||
  row.response.untouched.count > 0 ||
  row.winRate.denominator.count > 0;

/**
 * ruleAttribution, on the versions, leads and deals it reads. A version with nothing counted in the
 * period has no row, so the rows do not depend on which other leads were read.
 */
export function attributionRows(
  inputs: AttributionInputs,
  period: Interval,
  options: AttributionOptions & { asOf: Date },
): AttributionRow[] {
  return attributionRowsOf(inputs, [period], options)[0]!;
}

/**
 * attributionRows for each of `periods`, the deals grouped by version and each lead's response
 * read (leadResponse) once for all of them.
 */
export function attributionRowsOf(
  inputs: AttributionInputs,
  periods: readonly Interval[],
  options: AttributionOptions & { asOf: Date },
): AttributionRow[][] {
  const { versions, leadsOf, versionOf } = inputs;
  const dealsOf = groupBy(inputs.deals, (deal) => versionOf.get(deal.leadId));
  const groups = versions.map((version) => {
    const leads = leadsOf.get(version) ?? [];
    return { version, leads, responses: leads.map(leadResponse), deals: dealsOf.get(version) ?? [] };
  });
  const { funnelOf, responsesOf } = inputs;
  return periods.map((period) =>
    groups
      .map(({ version, leads, responses, deals }) => ({
        version,
        funnel: funnelOf
          ? funnelOf(version, period)
          : cohortFunnel(leads, period, { asOf: options.asOf, withinDays: options.withinDays }),
        response: responsesOf ? responsesOf(version, period) : responseTimeOf(responses, period, options.calendarFor),
        winRate: winRate(deals, period).byCount,
      }))
      .filter(countsAnything),
  );
}

/** The ruleset versions activated in the period, in time order. */
export function activationsIn(activations: readonly RuleActivation[], period: Interval): RuleActivation[] {
  return activations
    .filter((activation) => within(activation.activatedAt, period))
    .sort((a, b) => a.activatedAt.getTime() - b.activatedAt.getTime());
}
