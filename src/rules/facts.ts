/**
 * The fact catalogue: every name a rule condition may test, its type, and which rule
 * files may use it. It is the single source for validation ("unknown fact"), value type
 * checks, the JSON Schema's autocompletion, and the shape of the facts a caller passes in.
 *
 * Facts are nested objects (`{ company: { employees: 1200 } }`); a rule names them with a
 * dot (`company.employees`). Pure module: workflow code may import it.
 */
import { LEAD_SOURCES, LEAD_STAGES, type LeadSource, type LeadStage } from '../domain/lead';
import type { RuleKind } from './types';

/** The source channels and lead stages are the domain's; rules and API share one spelling. */
export const SOURCE_CHANNELS = LEAD_SOURCES;
export type SourceChannel = LeadSource;
export { LEAD_STAGES, type LeadStage };

export const BEHAVIOURS = [
  'page-visit', 'pricing-page-visit', 'content-download', 'webinar-registration', 'webinar-attendance',
  'form-fill', 'email-open', 'email-click', 'email-reply', 'event-attendance', 'meeting-booked',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export const DEAL_STAGES = ['needs-analysis', 'presentation', 'proposal', 'negotiation', 'closed-won', 'closed-lost'] as const;
export type DealStage = (typeof DEAL_STAGES)[number];

export const INDUSTRIES = [
  'software', 'fintech', 'financial-services', 'healthcare', 'manufacturing', 'retail', 'education',
  'government', 'media', 'professional-services', 'telecommunications', 'logistics', 'nonprofit', 'other',
] as const;

/** What a fact holds. `enum` facts are checked against their values with did-you-mean hints. */
export type FactType =
  | { type: 'number'; unit?: string }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] };

export interface FactSpec {
  type: FactType;
  description: string;
  /** Only these files may test it: the fact is computed for them alone (absent: every file of its group). */
  onlyIn?: readonly RuleKind[];
}

/** Fact groups are the top-level keys of the facts object. */
export const FACT_GROUPS = ['company', 'contact', 'source', 'lead', 'bant', 'deal', 'quote'] as const;
export type FactGroup = (typeof FACT_GROUPS)[number];

const num = (description: string, unit?: string): FactSpec => ({ type: unit ? { type: 'number', unit } : { type: 'number' }, description });
const str = (description: string): FactSpec => ({ type: { type: 'string' }, description });
const bool = (description: string): FactSpec => ({ type: { type: 'boolean' }, description });
const oneOf = (values: readonly string[], description: string): FactSpec => ({ type: { type: 'enum', values }, description });

/** Every fact, by group. Adding a fact here makes it available to the groups' files. */
export const FACTS: Record<FactGroup, Record<string, FactSpec>> = {
  company: {
    employees: num('number of employees at the company', 'employees'),
    annualRevenue: num('annual revenue in whole US dollars', 'USD'),
    industry: oneOf(INDUSTRIES, 'industry of the company'),
    country: str('ISO 3166 two-letter country code of the company, e.g. "US", "DE"'),
    region: oneOf(['north-america', 'emea', 'apac', 'latam'], 'sales region of the company'),
    isCustomer: bool('whether the company is already a customer'),
    name: str('company name'),
  },
  contact: {
    title: str('job title as entered, e.g. "VP Marketing"'),
    seniority: oneOf(['c-level', 'vp', 'director', 'manager', 'individual-contributor', 'student', 'unknown'], 'seniority derived from the title'),
    department: oneOf(['sales', 'marketing', 'revops', 'it', 'engineering', 'finance', 'operations', 'hr', 'other'], 'department of the contact'),
    country: str('ISO 3166 two-letter country code of the contact'),
    freeEmail: bool('whether the email address is from a free provider (gmail.com, outlook.com, …)'),
  },
  source: {
    channel: oneOf(SOURCE_CHANNELS, 'the channel the lead came from'),
    campaign: str('campaign identifier'),
    partner: str('referring partner, for partner referrals'),
    referringCustomer: str('referring customer, for customer referrals'),
  },
  lead: {
    score: num('current lead score', 'points'),
    stage: oneOf(LEAD_STAGES, 'lifecycle stage of the lead'),
  },
  bant: {
    budget: oneOf(['confirmed', 'planned', 'none', 'unknown'], 'Budget: is money available?'),
    authority: oneOf(['decision-maker', 'influencer', 'user', 'none', 'unknown'], 'Authority: role of the contact in the purchase'),
    need: oneOf(['confirmed', 'exploring', 'none', 'unknown'], 'Need: is there a problem we solve?'),
    timeline: oneOf(['this-quarter', 'next-quarter', 'this-year', 'later', 'unknown'], 'Timeline: when they intend to buy'),
  },
  deal: {
    stage: oneOf(DEAL_STAGES, 'pipeline stage of the deal'),
    amount: num('deal value (TCV, excluding tax) in whole currency units', 'currency units'),
    needsSummary: bool('a needs-analysis summary is recorded'),
    decisionMakerIdentified: bool('a decision maker is identified among the stakeholders'),
    decisionMakerEngaged: bool('the decision maker has attended a meeting or replied'),
    demoCompleted: bool('a demo or solution presentation took place'),
    quoteSent: bool('a quote has been sent'),
    quoteApproved: bool('the current quote version is approved (or needs no approval)'),
    probability: {
      type: { type: 'number', unit: '0..1' },
      description: "the chance an open deal in its stage is won, from forecast.yaml's probabilities (0..1)",
      onlyIn: ['forecast'],
    },
  },
  quote: {
    discountPct: num('the largest discount on the quote, overall or per line, in percent', '%'),
    dealSize: num('quote total before discount, in whole currency units (250000 = $250,000)', 'currency units'),
  },
};

/** Which fact groups each file may test, so a quote fact in routing is reported. */
export const FACT_GROUPS_BY_KIND: Record<RuleKind, readonly FactGroup[]> = {
  scoring: ['company', 'contact', 'source', 'bant'],
  routing: ['company', 'contact', 'source', 'lead'],
  escalation: ['company', 'contact', 'source', 'lead', 'deal'],
  cadences: ['company', 'contact', 'source', 'lead'],
  approvals: ['company', 'deal', 'quote'],
  forecast: ['deal'],
  'loss-reasons': [],
};

/**
 * Files that may test only some facts of their groups. A forecast category follows the deal's
 * stage alone (directly, or through its probability), so it changes exactly when the stage does and
 * a stored category is never stale.
 */
const FACT_SUBSETS: Partial<Record<RuleKind, readonly string[]>> = {
  forecast: ['deal.stage', 'deal.probability'],
};

/** `company.employees` → its spec, or `undefined` when no such fact exists. */
export function factSpec(name: string): FactSpec | undefined {
  const [group, key, ...rest] = name.split('.');
  if (rest.length > 0 || key === undefined) return undefined;
  const groupFacts = (FACTS as Record<string, Record<string, FactSpec>>)[group ?? ''];
  return groupFacts && Object.hasOwn(groupFacts, key) ? groupFacts[key] : undefined;
}

/** Dotted names of the facts a file kind may use, in catalogue order. */
export function factNamesFor(kind: RuleKind): string[] {
  const subset = FACT_SUBSETS[kind];
  return FACT_GROUPS_BY_KIND[kind].flatMap((group) =>
    Object.entries(FACTS[group])
      .filter(([key, spec]) => (spec.onlyIn === undefined || spec.onlyIn.includes(kind)) && (subset === undefined || subset.includes(`${group}.${key}`)))
      .map(([key]) => `${group}.${key}`),
  );
}

/** Every dotted fact name, for "did you mean" across groups. */
export const ALL_FACT_NAMES: readonly string[] = FACT_GROUPS.flatMap((group) => Object.keys(FACTS[group]).map((key) => `${group}.${key}`));
