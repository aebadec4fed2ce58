/**
 * Turns what we know about a lead into the facts rules evaluate. Pure: workflows call it.
 * Attribute names a lead may carry (`attributes` on intake) map onto the fact catalogue;
 * seniority is derived from the title when not given.
 */
import type { AttributeValue, LeadProfile, LeadStage } from './lead';
import type { BehaviourEvent, Facts } from '../rules/evaluate';

/** What BANT qualification records. Values follow the scoring.yaml fact catalogue. */
export interface Bant {
  budget?: 'confirmed' | 'planned' | 'none' | 'unknown';
  authority?: 'decision-maker' | 'influencer' | 'user' | 'none' | 'unknown';
  need?: 'confirmed' | 'exploring' | 'none' | 'unknown';
  timeline?: 'this-quarter' | 'next-quarter' | 'this-year' | 'later' | 'unknown';
}

const FREE_EMAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.de',
  'web.de',
  'mail.com',
]);

/** Seniority from a job title, the way a sales team reads titles. */
export function seniorityFromTitle(title: string | undefined): NonNullable<NonNullable<Facts['contact']>['seniority']> {
  if (!title) return 'unknown';
  const t = title.toLowerCase();
  if (/\b(chief|ceo|cto|cfo|cmo|coo|cro|ciso|founder|co-founder|owner|president)\b/.test(t)) return 'c-level';
  if (/\b(vp|vice president|svp|evp)\b/.test(t)) return 'vp';
  if (/\b(director|head of)\b/.test(t)) return 'director';
  if (/\b(manager|lead)\b/.test(t)) return 'manager';
  if (/\b(student|intern|trainee)\b/.test(t)) return 'student';
  return 'individual-contributor';
}

function num(value: AttributeValue | undefined): number | undefined {
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
      ? Number(value)
      : undefined;
}
function str(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
function bool(value: AttributeValue | undefined): boolean | undefined {
  return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;
}

/** The facts of a lead at a moment: profile, stage and score, BANT, and its behaviour events. */
export function leadFacts(input: {
  profile: LeadProfile;
  stage: LeadStage;
  score: number;
  bant?: Bant;
  behaviours: readonly BehaviourEvent[];
}): Facts {
  const { profile } = input;
  const a = profile.attributes;
  const domain = profile.email?.split('@')[1] ?? '';
  const facts = {
    company: {
      name: profile.company,
      employees: num(a.employees),
      annualRevenue: num(a.annualRevenue),
      industry: str(a.industry),
      country: str(a.companyCountry) ?? profile.country,
      region: str(a.region),
      isCustomer: bool(a.isCustomer),
    },
    contact: {
      title: profile.title,
      seniority: str(a.seniority) ?? seniorityFromTitle(profile.title),
      department: str(a.department),
      country: profile.country,
      freeEmail: FREE_EMAIL_DOMAINS.has(domain),
    },
    source: {
      channel: profile.source,
      campaign: profile.sourceDetails.campaign,
      partner: profile.sourceDetails.partner,
      referringCustomer: profile.sourceDetails.referringCustomer,
    },
    lead: { score: input.score, stage: input.stage },
    bant: input.bant ? { ...input.bant } : undefined,
    behaviours: [...input.behaviours],
  };
  return withoutUndefined(facts) as Facts;
}

/** Drops undefined leaves so facts stay plain JSON (workflow payloads, stored decisions). */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    );
  }
  return value;
}
