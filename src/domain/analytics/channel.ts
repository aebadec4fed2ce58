/**
 * Channel economics: marketing spend against what each channel brought in. Spend is entered per
 * source, campaign and month; a month counts in a report when its first day lies in the period,
 * so channel reports read best over whole months. Cost figures and ROI are per currency of the
 * spend; revenue (ACV won) only meets spend in the same currency.
 */
import { mulDivRounded } from '../money';
import type { ClosedDealCourse, LeadFact, Segment } from './facts';
import { NONE } from './facts';
import { compareText, share, mergeTallies, tally, totals, type MoneyTotal, type Tally } from './measures';
import { monthsOf, within, type ReportPeriod } from './period';
import { acvAmounts, closedIn } from './deals';
import { reachedAt } from './stages';

/** Marketing spend of one source (and campaign) in one month. */
export interface SpendRecord {
  source: string;
  campaign: string | null;
  /** `YYYY-MM` */
  month: string;
  currency: string;
  amountMinor: number;
}

export type ChannelLevel = 'source' | 'campaign';

export interface ChannelCurrencyFigures {
  currency: string;
  spendMinor: number;
  /** spend ÷ leads, spend ÷ MQLs, spend ÷ new customers (CAC), rounded to a minor unit. */
  costPerLeadMinor: number | null;
  costPerMqlMinor: number | null;
  cacMinor: number | null;
  /** ACV won in this currency. */
  revenueMinor: number;
  /** (revenue − spend) ÷ spend. */
  roi: number | null;
}

export interface ChannelFigures {
  source: string;
  /** With level `campaign`: the campaign (`(none)` without one); with `source`: null. */
  campaign: string | null;
  spend: MoneyTotal[];
  /** Leads created in the period. */
  leads: Tally;
  /** Leads that became MQLs in the period. */
  mqls: Tally;
  /** Deals won in the period: the new customers. */
  customers: Tally;
  revenue: MoneyTotal[];
  byCurrency: ChannelCurrencyFigures[];
}

function channelOf(source: string, campaign: string | null, level: ChannelLevel): string {
  return level === 'source' ? source : `${source}\u0000${campaign ?? NONE}`;
}

const divide = (amount: number, count: number) => (count === 0 ? null : mulDivRounded(amount, 1, count));

function currencyFigures(
  spend: MoneyTotal,
  revenue: MoneyTotal[],
  counts: { leads: number; mqls: number; customers: number },
): ChannelCurrencyFigures {
  const revenueMinor = revenue.find((r) => r.currency === spend.currency)?.amountMinor ?? 0;
  return {
    currency: spend.currency,
    spendMinor: spend.amountMinor,
    costPerLeadMinor: divide(spend.amountMinor, counts.leads),
    costPerMqlMinor: divide(spend.amountMinor, counts.mqls),
    cacMinor: divide(spend.amountMinor, counts.customers),
    revenueMinor,
    roi: share(revenueMinor - spend.amountMinor, spend.amountMinor),
  };
}

/**
 * What channel economics reads of a lead: when it was created and first reached MQL, and its
 * source and campaign. channelLead gives it for a LeadFact; not broken down, the channels report
 * reads it from SQL (src/usecases/analytics/channel-leads.ts).
 */
export interface ChannelLead {
  id: string;
  createdAt: Date;
  segment: Pick<Segment, 'source' | 'campaign'>;
  /** When the lead first reached MQL (reachedAt), if it did. */
  mqlAt: Date | null;
}

/** The lead as channel economics reads it. */
export function channelLead(lead: LeadFact): ChannelLead {
  return { id: lead.id, createdAt: lead.createdAt, segment: lead.segment, mqlAt: reachedAt(lead, 'mql') };
}

interface Channel {
  key: string;
  source: string;
  campaign: string | null;
}

/**
 * The leads of one source and campaign (as the lead gives them) for one period: those created in it
 * and those that became MQLs in it. `ids` may hold only the first ids (in code-point order) of a
 * tally whose count is larger, as SQL aggregates read them: merging groups then keeps the first ids
 * of the merged tally.
 */
export interface ChannelLeadCounts {
  source: string;
  campaign: string | null;
  leads: Tally;
  mqls: Tally;
}

/** The leads grouped by source and campaign for the period (the counts channelFiguresOf reads). */
export function channelLeadCounts(leads: readonly ChannelLead[], period: ReportPeriod): ChannelLeadCounts[] {
  const groups = new Map<string, { source: string; campaign: string | null; leads: string[]; mqls: string[] }>();
  const groupOf = (lead: ChannelLead) => {
    const key = channelOf(lead.segment.source, lead.segment.campaign, 'campaign');
    let group = groups.get(key);
    if (!group) {
      group = { source: lead.segment.source, campaign: lead.segment.campaign, leads: [], mqls: [] };
      groups.set(key, group);
    }
    return group;
  };
  for (const lead of leads) {
    if (within(lead.createdAt, period)) groupOf(lead).leads.push(lead.id);
    if (within(lead.mqlAt, period)) groupOf(lead).mqls.push(lead.id);
  }
  return [...groups.values()].map((group) => ({ ...group, leads: tally(group.leads), mqls: tally(group.mqls) }));
}

/** Every channel that spent, brought a lead or won a deal in the period, in key order. */
function channelsOf(
  inputs: { spent: SpendRecord[]; created: ChannelLeadCounts[]; won: ClosedDealCourse[] },
  level: ChannelLevel,
): Channel[] {
  const channels = new Map<string, Channel>();
  const remember = (source: string, campaign: string | null) => {
    const key = channelOf(source, campaign, level);
    channels.set(key, { key, source, campaign: level === 'source' ? null : (campaign ?? NONE) });
  };
  inputs.spent.forEach((record) => remember(record.source, record.campaign));
  inputs.created.forEach((group) => remember(group.source, group.campaign));
  inputs.won.forEach((deal) => remember(deal.segment.source, deal.segment.campaign));
  return [...channels.values()].sort((a, b) => compareText(a.key, b.key));
}

/** Spend, leads, MQLs, customers, revenue, cost per lead and MQL, CAC and ROI per channel. */
export function channelEconomics(
  leads: readonly LeadFact[],
  deals: readonly ClosedDealCourse[],
  spend: readonly SpendRecord[],
  period: ReportPeriod,
  level: ChannelLevel,
): ChannelFigures[] {
  return channelFigures(leads.map(channelLead), deals, spend, period, level);
}

/**
 * channelEconomics on the leads as channel economics reads them: served on loaded facts and, not
 * broken down, on the leads and deals read from SQL; the same function either way.
 */
export function channelFigures(
  leads: readonly ChannelLead[],
  deals: readonly ClosedDealCourse[],
  spend: readonly SpendRecord[],
  period: ReportPeriod,
  level: ChannelLevel,
): ChannelFigures[] {
  return channelFiguresOf(channelLeadCounts(leads, period), deals, spend, period, level);
}

/** channelFigures on the period's leads already grouped by source and campaign (channelLeadCounts, or SQL). */
export function channelFiguresOf(
  counts: readonly ChannelLeadCounts[],
  deals: readonly ClosedDealCourse[],
  spend: readonly SpendRecord[],
  period: ReportPeriod,
  level: ChannelLevel,
): ChannelFigures[] {
  const months = new Set(monthsOf(period));
  const spent = spend.filter((record) => months.has(record.month));
  const created = counts.filter((group) => group.leads.count > 0);
  const won = closedIn(deals, period).won;
  return channelsOf({ spent, created, won }, level).map(({ key, source, campaign }) => {
    const mine = <T extends { segment: Pick<Segment, 'source' | 'campaign'> }>(facts: readonly T[]) =>
      facts.filter((fact) => channelOf(fact.segment.source, fact.segment.campaign, level) === key);
    const groups = counts.filter((group) => channelOf(group.source, group.campaign, level) === key);
    const channelSpend = totals(
      spent
        .filter((record) => channelOf(record.source, record.campaign, level) === key)
        .map((record) => ({ id: spendId(record), currency: record.currency, amountMinor: record.amountMinor })),
    );
    const customers = mine(won);
    const revenue = totals(acvAmounts(customers));
    const leads = mergeTallies(groups.map((group) => group.leads));
    const mqls = mergeTallies(groups.map((group) => group.mqls));
    const figures = { leads: leads.count, mqls: mqls.count, customers: customers.length };
    return {
      source,
      campaign,
      spend: channelSpend,
      leads,
      mqls,
      customers: tally(customers.map((deal) => deal.id)),
      revenue,
      byCurrency: channelSpend.map((total) => currencyFigures(total, revenue, figures)),
    };
  });
}

/** A spend record's drill-down id: `source/campaign/month`. */
const spendId = (record: SpendRecord) => `${record.source}/${record.campaign ?? NONE}/${record.month}`;
