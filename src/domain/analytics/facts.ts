/**
 * The recorded facts every sales metric is computed from: plain, typed records with no database
 * types in them, so each metric is a pure function (of facts, a period and options) that a unit
 * test feeds by hand and the loader (src/usecases/analytics/load-facts.ts) feeds from Prisma.
 *
 * A fact set may hold more records than a metric needs (the loader errs on the side of too many);
 * each metric selects what it counts by its own period rule, so extra records never change a figure.
 * Money is integer minor units with its ISO 4217 currency, never summed across currencies.
 */
import type { AttributeValue } from '../lead';

/** The seven ways a figure can be broken down (`?breakdown=` of the analytics API). */
export const DIMENSIONS = ['team', 'rep', 'source', 'campaign', 'industry', 'size', 'region'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Company size bands, by employees; the cut-offs are the ones the shipped routing and SLA rules use. */
export const COMPANY_SIZES = ['1-49', '50-199', '200-999', '1000+', 'unknown'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];

/**
 * Who and what a fact is about, for breakdowns. `rep` is the lead's owner (a deal's owner, an
 * activity's actor) and `team` that person's manager; the rest comes from the lead's capture.
 */
export interface Segment {
  rep: string | null;
  team: string | null;
  source: string;
  campaign: string | null;
  industry: string | null;
  size: CompanySize;
  region: string | null;
}

/** One recorded stage transition (a StageEvent row): lead stages and deal stages alike. */
export interface StageEventFact {
  from: string | null;
  to: string;
  at: Date;
  /** The ruleset version whose decision caused it, when a rule did. */
  rulesetVersion: string | null;
}

/** A scoring or routing decision: which ruleset version decided, and when. */
export interface DecisionFact {
  kind: 'scoring' | 'routing';
  version: string;
  at: Date;
}

export interface LeadFact {
  id: string;
  createdAt: Date;
  segment: Segment;
  /** The deal the lead became, if any (one lead, at most one deal). */
  dealId: string | null;
  /** Every stage transition of the lead and of its deal, oldest first. */
  stages: StageEventFact[];
  /** Logged touches (call, email, meeting booked), oldest first: the first after MQL meets the SLA. */
  touches: Date[];
  /** The first-touch SLA deadline the journey recorded, if an SLA was started. */
  slaDueAt: Date | null;
  /** The owner's IANA time zone, for response time in the owner's business hours. */
  ownerTimeZone: string | null;
  /** Scoring and routing decisions, oldest first. */
  decisions: DecisionFact[];
}

/** Why a deal was lost: a structured code (from the loss-reason rule file), free text, competitor. */
export interface LossReason {
  code: string | null;
  note: string | null;
  competitor: string | null;
}

export interface DealFact {
  id: string;
  leadId: string;
  segment: Segment;
  currency: string;
  /** Annual contract value excluding tax, minor units; null when no quote has valued it. */
  acvMinor: number | null;
  /** When it became an opportunity (its first deal-stage transition). */
  openedAt: Date;
  /** When its lead first became an SQL, if recorded. */
  sqlAt: Date | null;
  /** Its deal-stage transitions, oldest first (needs-analysis … closed-won / closed-lost). */
  stages: StageEventFact[];
  lossReason: LossReason | null;
}

/**
 * What the deal metrics (win rate, deal size, cycle, velocity), the pipeline and the won deals
 * read of a deal (a DealFact is one): its value, owner and team, when it became an SQL and an
 * opportunity, and its deal-stage transitions. Broken down or not, the pipeline report reads just this
 * from SQL (src/usecases/analytics/deal-courses.ts), and the deals report reads the
 * deals first closed in the window, with their first close alone in `stages`
 * (src/usecases/analytics/deal-outcomes.ts).
 */
export interface DealCourse {
  id: string;
  segment: Pick<Segment, 'rep' | 'team'>;
  currency: string;
  acvMinor: number | null;
  openedAt: Date;
  sqlAt: Date | null;
  stages: readonly Pick<StageEventFact, 'to' | 'at'>[];
}

/**
 * What the win/loss review, channel economics and activity per won deal read of a deal (a DealFact
 * is one): its first close (closeOf over `stages`), its value, its owner and its lead's source and
 * campaign, and the loss reason it was closed lost with. Not broken down (win/loss broken down
 * too), the three reports read just this from SQL (src/usecases/analytics/closed-deals.ts), where
 * `stages` holds the deal's first close alone: all that closeOf reads.
 */
export interface ClosedDealCourse {
  id: string;
  /** The lead the deal came from: activity per won deal counts what was logged on it too. */
  leadId: string;
  segment: Pick<Segment, 'rep' | 'team' | 'source' | 'campaign'>;
  currency: string;
  acvMinor: number | null;
  /** Its deal-stage transitions in order, at least its first closing one before `asOf` (all closeOf reads). */
  stages: readonly Pick<StageEventFact, 'to' | 'at'>[];
  lossReason: Pick<LossReason, 'code' | 'competitor'> | null;
}

/** One version of a quote, with the discount the approval matrix judged and its tier. */
export interface QuoteFact {
  id: string;
  quoteId: string;
  dealId: string;
  segment: Segment;
  discountBp: number;
  /** Approval tier of approvals.yaml, null when the discount was out of every tier's range. */
  tier: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** One discount approval chain (an ApprovalRequest). */
export interface ApprovalFact {
  id: string;
  dealId: string;
  segment: Segment;
  tier: string;
  /** pending | approved | rejected | cancelled */
  status: string;
  requestedAt: Date;
  decidedAt: Date | null;
}

export const ACTIVITY_KINDS = ['call', 'email', 'meeting'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** A call, email or meeting a person logged, on a lead or on its deal. */
export interface ActivityFact {
  id: string;
  kind: ActivityKind;
  /** The rep who did it (also `segment.rep`). */
  actor: string | null;
  at: Date;
  leadId: string;
  dealId: string | null;
  segment: Segment;
}

/** The contract a won deal turned into. */
export interface ContractFact {
  id: string;
  dealId: string;
  accountId: string;
  segment: Segment;
  startDate: Date;
  endDate: Date;
  acvMinor: number;
  currency: string;
  createdAt: Date;
}

/** A ruleset version going live: the marks on every trend chart. */
export interface RuleActivation {
  version: string;
  activatedAt: Date;
}

/** A sales rep on the roster (role `rep`): their email, and their team (their manager's email, lower case). */
export interface SalesRep {
  email: string;
  team: string | null;
}

/** Everything a report reads, recorded before `asOf`. */
export interface AnalyticsFacts {
  asOf: Date;
  leads: LeadFact[];
  deals: DealFact[];
  quotes: QuoteFact[];
  approvals: ApprovalFact[];
  activities: ActivityFact[];
  contracts: ContractFact[];
  ruleActivations: RuleActivation[];
  /**
   * The sales reps in the caller's sight: a breakdown by rep or by team lists each of them (and
   * their team) even with nothing counted. None when left out.
   */
  salesReps?: readonly SalesRep[];
}

/** The size band of a company with `employees` (a number, or a numeric string as intake may hold). */
export function companySize(employees: AttributeValue | undefined): CompanySize {
  const count =
    typeof employees === 'number' ? employees : typeof employees === 'string' ? Number(employees.trim()) : NaN;
  if (!Number.isFinite(count) || count < 1) return 'unknown';
  if (count < 50) return '1-49';
  if (count < 200) return '50-199';
  if (count < 1000) return '200-999';
  return '1000+';
}

/**
 * The key a fact falls under in a breakdown; a missing value is `(none)`. A person's key (by rep)
 * is their email in lower case, as a team's is: an owner, an assignee and an actor spelt with
 * other capitals are one person, in one group.
 */
export function dimensionKey<D extends Dimension>(segment: Pick<Segment, D>, dimension: D): string {
  const value = segment[dimension];
  if (value === null || value === '') return NONE;
  return dimension === 'rep' ? value.toLowerCase() : value;
}

/** The key of facts with no value for a dimension (a lead without a campaign, an unassigned lead). */
export const NONE = '(none)';
