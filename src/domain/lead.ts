/**
 * The lead as the domain sees it: where it came from, who it is, and how a repeat submission
 * merges into what we already know. Pure code: no I/O, safe to call from workflows.
 */
import type { Language } from './languages';

/** The seven channels a lead can come from. */
export const LEAD_SOURCES = [
  'events',
  'content',
  'ads',
  'partner-referral',
  'customer-referral',
  'social',
  'cold-outreach',
] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

/**
 * Stages of a lead: its own journey's up to `sql` (and `nurture`, `recycled`, `disqualified`
 * beside), then where its deal ended: `customer` when the deal closed won, `lost` when it closed
 * lost. The deal's own stages (needs-analysis … closed-won) are the deal's, not the lead's.
 */
export const LEAD_STAGES = [
  'new',
  'engaged',
  'mql',
  'sql',
  'nurture',
  'recycled',
  'disqualified',
  'customer',
  'lost',
] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

/** Attribute values a lead may carry (company size, industry, …); flat so rules can read them. */
export type AttributeValue = string | number | boolean;

/** Details of the channel: the campaign, the referring partner or customer, the event. */
export interface SourceDetails {
  campaign?: string;
  partner?: string;
  referringCustomer?: string;
  event?: string;
  medium?: string;
  url?: string;
}

/** One submission of a lead (a form fill, an import row, a webhook delivery). */
export interface LeadSubmission {
  submissionId: string;
  tenant: string;
  /** At least one of email and externalId is present (the API enforces it). */
  email?: string;
  /** The lead's key in another system (a CRM id, an import row key). */
  externalId?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  title?: string;
  phone?: string;
  country?: string;
  /** The language of emails to the lead: given, or from the form post's Accept-Language. */
  language?: Language;
  source: LeadSource;
  sourceDetails: SourceDetails;
  attributes: Record<string, AttributeValue>;
  /** ISO-8601 time the submission was received by the API. */
  receivedAt: string;
}

/** The lead's contact profile after merging every submission. */
export interface LeadProfile {
  /** Normalised; absent for a lead known only by its external id. */
  email?: string;
  externalId?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  title?: string;
  phone?: string;
  country?: string;
  /** Absent: the stored one (en by default). */
  language?: Language;
  /** The first touch's channel: a lead keeps the source that brought it in. */
  source: LeadSource;
  sourceDetails: SourceDetails;
  attributes: Record<string, AttributeValue>;
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Normalises an email into the lead's identity: trimmed, lower-cased, `+tag` sub-addressing removed
 * (jane+webinar@acme.com is jane@acme.com), and for Gmail dots in the local part removed and
 * googlemail.com folded into gmail.com, because Gmail delivers all of those to one inbox.
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0) return email;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/**
 * Merges a submission into a known profile. Known values win over blanks; newer non-empty contact
 * fields replace older ones (people change titles and phones), but the original source stays,
 * because attribution belongs to the first touch. Attributes merge key by key, newest wins.
 */
export function mergeSubmission(profile: LeadProfile | undefined, submission: LeadSubmission): LeadProfile {
  const email = submission.email === undefined ? undefined : normalizeEmail(submission.email);
  if (!profile) {
    const {
      externalId,
      firstName,
      lastName,
      company,
      title,
      phone,
      country,
      language,
      source,
      sourceDetails,
      attributes,
    } = submission;
    return {
      email,
      externalId,
      firstName,
      lastName,
      company,
      title,
      phone,
      country,
      ...(language ? { language } : {}),
      source,
      sourceDetails,
      attributes,
    };
  }
  return {
    ...profile,
    // Identity only ever fills in: an email or external id, once known, never changes (intake
    // refuses a submission whose identifiers point at two different leads).
    email: profile.email ?? email,
    externalId: profile.externalId ?? submission.externalId,
    firstName: submission.firstName ?? profile.firstName,
    lastName: submission.lastName ?? profile.lastName,
    company: submission.company ?? profile.company,
    title: submission.title ?? profile.title,
    phone: submission.phone ?? profile.phone,
    country: submission.country ?? profile.country,
    ...((submission.language ?? profile.language) ? { language: submission.language ?? profile.language } : {}),
    attributes: { ...profile.attributes, ...submission.attributes },
  };
}
