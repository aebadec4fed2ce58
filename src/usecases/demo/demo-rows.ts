/**
 * The shape of the demo data set (`leadflow demo`) while it is generated: every row it will write,
 * per table, and the clock that places its events on the reporting zone's calendar, counted back
 * from the anchor date. Every id carries {@link DEMO_PREFIX}: that is how the demo data is told
 * apart from real data, and how `leadflow demo --remove` finds exactly it.
 */
import type { Prisma } from '../../db/client';
import type { SeededRandom } from '../../domain/seeded-random';
import {
  addLocalDays,
  dayOfWeek,
  formatLocalDate,
  fromLocalDateTime,
  toLocalDate,
  type LocalDate,
} from '../../domain/time-zone';

/**
 * The mark of demo ids. Leads, deals and quotes keep the API's id shapes (`ld_`, `dl_`, `qo_` and
 * 22 characters), so their ids start with `ld_demo-`, `dl_demo-` and `qo_demo-`; the rows that
 * hang off them (stage events, forecasts, versions, approvals, contracts…) extend their parent's
 * id; every other demo row (people, accounts, campaigns, spend, quotas, products) starts with
 * `demo-`.
 */
export const DEMO_PREFIX = 'demo-';
export const DEMO_LEAD_PREFIX = `ld_${DEMO_PREFIX}`;
export const DEMO_DEAL_PREFIX = `dl_${DEMO_PREFIX}`;

/** `ld_demo-lead-000000000042`: a lead id of the API's shape (22 characters after `ld_`). */
export function demoLeadId(series: 'lead' | 'prior' | 'renew', index: number): string {
  const head = `${DEMO_PREFIX}${series}-`;
  return `ld_${head}${String(index).padStart(22 - head.length, '0')}`;
}

/** Every row of the demo data set, by table, in an order that satisfies the foreign keys. */
export interface DemoRows {
  reps: Prisma.RepCreateManyInput[];
  accounts: Prisma.AccountCreateManyInput[];
  campaigns: Prisma.CampaignCreateManyInput[];
  spend: Prisma.MarketingSpendCreateManyInput[];
  quotas: Prisma.QuotaCreateManyInput[];
  products: Prisma.ProductCreateManyInput[];
  prices: Prisma.PriceBookEntryCreateManyInput[];
  templates: Prisma.QuoteTemplateCreateManyInput[];
  leads: Prisma.LeadCreateManyInput[];
  stages: Prisma.StageEventCreateManyInput[];
  decisions: Prisma.DecisionCreateManyInput[];
  assignments: Prisma.AssignmentCreateManyInput[];
  interactions: Prisma.InteractionCreateManyInput[];
  deals: Prisma.DealCreateManyInput[];
  forecasts: Prisma.DealForecastCreateManyInput[];
  activities: Prisma.DealActivityCreateManyInput[];
  quotes: Prisma.QuoteCreateManyInput[];
  versions: Prisma.QuoteVersionCreateManyInput[];
  approvals: Prisma.ApprovalRequestCreateManyInput[];
  approvalSteps: Prisma.ApprovalStepCreateManyInput[];
  contracts: Prisma.ContractCreateManyInput[];
  /** The demo's two rules versions (the rules folder's texts when the demo was written) and their activations. */
  ruleVersions: Prisma.RuleVersionCreateManyInput[];
  ruleActivations: Prisma.RuleActivationCreateManyInput[];
}

export function emptyDemoRows(): DemoRows {
  return {
    reps: [],
    accounts: [],
    campaigns: [],
    spend: [],
    quotas: [],
    products: [],
    prices: [],
    templates: [],
    leads: [],
    stages: [],
    decisions: [],
    assignments: [],
    interactions: [],
    deals: [],
    forecasts: [],
    activities: [],
    quotes: [],
    versions: [],
    approvals: [],
    approvalSteps: [],
    contracts: [],
    ruleVersions: [],
    ruleActivations: [],
  };
}

/** A sales team: a manager, their reps, where they work and the currency they sell in. */
export interface DemoTeam {
  manager: string;
  reps: string[];
  zone: string;
  currency: 'USD' | 'EUR';
}

export interface DemoAccount {
  id: string;
  name: string;
}

/** What every part of the generator works with. */
export interface DemoContext {
  tenant: string;
  clock: DemoClock;
  random: SeededRandom;
  teams: DemoTeam[];
  rows: DemoRows;
  /** Accounts by company name, created when a company's first deal opens. */
  accounts: Map<string, DemoAccount>;
  emails: Set<string>;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/**
 * The demo's calendar: `days` local days ending the day before `until`, in `zone`. Day 0 is the
 * first day of the year covered; `endMs` is local midnight at the start of `until`, which no
 * demo event reaches.
 */
export class DemoClock {
  readonly firstDay: LocalDate;
  readonly startMs: number;
  readonly endMs: number;

  constructor(
    readonly until: LocalDate,
    readonly zone: string,
    readonly days = 365,
  ) {
    this.firstDay = addLocalDays(until, -days);
    this.startMs = this.at(0, 0).getTime();
    this.endMs = this.at(days, 0).getTime();
  }

  /** The local date `index` days after the first day (negative: before the demo year). */
  day(index: number): LocalDate {
    return addLocalDays(this.firstDay, index);
  }

  /** The instant of `hour` (fractional: minutes) on day `index`, local time. */
  at(index: number, hour: number): Date {
    const whole = Math.floor(hour);
    const minute = Math.floor((hour - whole) * 60);
    return fromLocalDateTime({ ...this.day(index), hour: whole, minute, second: 0, millisecond: 0 }, this.zone);
  }

  /** The local date (`2026-03-01`) of an instant. */
  dateOf(at: number): string {
    return formatLocalDate(toLocalDate(new Date(at), this.zone));
  }

  /** Saturday or Sunday. */
  isWeekend(index: number): boolean {
    const weekday = dayOfWeek(this.day(index));
    return weekday === 0 || weekday === 6;
  }

  /** The day index an instant falls on (approximate by ±1 h around DST changes, which is enough to place events). */
  indexOf(at: number): number {
    return Math.floor((at - this.startMs) / DAY_MS);
  }
}
