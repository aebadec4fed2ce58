/**
 * The hand-computed analytics fixture: 23 leads, 13 deals, 2 currencies (USD, EUR), 2 ruleset
 * versions, 3 reps in 2 teams, reported in New York time over two 28-day periods. Every expected
 * figure in test/analytics/*.test.ts is worked out by hand from the tables below, in comments
 * beside its assertion; the integration test writes the same data through Prisma and checks that
 * loadFacts reads it back as exactly these facts.
 *
 * Periods (America/New_York; DST starts Sunday 2026-03-08, so EST = UTC−5 before, EDT = UTC−4 after):
 *   PREVIOUS P = 2026-02-02 … 2026-03-01 = [2026-02-02T05:00Z, 2026-03-02T05:00Z)
 *   CURRENT  C = 2026-03-02 … 2026-03-29 = [2026-03-02T05:00Z, 2026-03-30T04:00Z)
 *   AS_OF      = 2026-04-30T00:00Z (a month after C: C is closed)
 *
 * People: alice (New York) and bob (London, GMT until 2026-03-29) report to maria; carol (New
 * York) reports to nina. Rules: rules-v1 went live 2026-01-05, rules-v2 2026-03-16T12:00Z.
 *
 * Leads (all times UTC, "MM-DD hh:mm" in 2026 unless a year is given; stages after `new`):
 *
 * | lead | created     | source / campaign           | industry, employees, region      | owner   | stages                                                                                   |
 * |------|-------------|-----------------------------|----------------------------------|---------|------------------------------------------------------------------------------------------|
 * | L01  | 02-03 15:00 | ads / spring-promo          | software 300 north-america       | alice   | mql 02-04 15:00 v1, sql 02-10 15:00, needs-analysis 02-12 15:00, proposal 02-20 15:00, closed-won 03-05 15:00 |
 * | L02  | 02-05 15:00 | events                      | manufacturing 1500 emea          | bob     | mql 02-06 10:00 v1, sql 02-16 15:00, needs-analysis 02-18 15:00, closed-lost 03-10 12:00 |
 * | L03  | 02-10 15:00 | content / webinar-q1        | software 40 north-america        | carol   | mql 02-11 15:00 v1                                                                       |
 * | L04  | 02-15 15:00 | ads / spring-promo          | retail 120 north-america         | alice   | —  (scored by v1)                                                                        |
 * | L05  | 02-20 15:00 | cold-outreach               | software 600 emea                | bob     | mql 02-23 15:00 v1, sql 03-03 15:00, needs-analysis 03-04 15:00, closed-won 03-20 15:00 |
 * | L06  | 02-25 15:00 | partner-referral            | finance 2000 north-america       | carol   | mql 02-26 15:00 v1, sql 02-27 15:00, needs-analysis 02-28 15:00, closed-won 03-25 15:00 |
 * | L07  | 03-02 03:00 | ads / spring-promo          | software 250 north-america       | alice   | mql 03-02 16:00 v1   (created 03-01 22:00 in New York: a P lead, though March in UTC)   |
 * | L08  | 03-03 14:00 | ads / spring-promo          | software 300 north-america       | alice   | mql 03-03 15:00 v1, sql 03-09 15:00, needs-analysis 03-10 15:00, closed-won 03-27 15:00 |
 * | L09  | 03-04 15:00 | events                      | manufacturing 80 emea            | bob     | mql 03-05 16:00 v1, sql 03-12 15:00, needs-analysis 03-13 15:00, closed-lost 03-26 15:00 |
 * | L10  | 03-05 15:00 | content / webinar-q1        | software 20 north-america        | carol   | —  (scored by v1)                                                                        |
 * | L11  | 03-06 15:00 | content / webinar-q1        | retail 45 north-america          | carol*  | mql 03-09 14:00 v1                  (* alice until reassigned 03-09 16:00)               |
 * | L12  | 03-10 15:00 | ads / spring-promo          | finance 1200 north-america       | alice   | mql 03-11 13:30 v1, sql 03-18 15:00, needs-analysis 03-19 15:00, presentation 03-24 15:00 |
 * | L13  | 03-16 16:00 | ads / spring-promo          | software 500 emea                | bob     | mql 03-17 09:00 v2, sql 03-20 15:00, needs-analysis 03-23 15:00, proposal 03-27 15:00 |
 * | L14  | 03-17 15:00 | events                      | software 60 north-america        | alice   | mql 03-18 20:00 v2, sql 04-10 15:00                                                      |
 * | L15  | 03-18 15:00 | cold-outreach               | software 30 emea                 | bob     | —  (scored by v2)                                                                        |
 * | L16  | 03-20 15:00 | partner-referral            | finance 3000 north-america       | carol   | mql 03-23 15:00 v2, sql 03-24 15:00, needs-analysis 03-25 15:00, closed-won 04-20 15:00 |
 * | L17  | 03-24 15:00 | ads / spring-promo          | retail 150 north-america         | alice*  | mql 03-25 13:00 v2                  (* reassigned to bob 04-02, after C)                 |
 * | L18  | 03-29 23:00 | ads                         | — (unknown size)                 | (queue) | —  (scored by v2; created 03-29 19:00 in New York: still in C)                           |
 * | L19  | 03-30 05:00 | content                     | —                                | —       | —  (scored by v2; 03-30 01:00 in New York: after C)                                      |
 * | L20  | 2026-01-20 15:00 | events                 | software 700 north-america       | carol   | mql 01-21 15:00 v1, sql 02-03 15:00, needs-analysis 02-05 15:00, closed-lost 03-12 15:00 |
 * | LK1  | 2025-01-10 15:00 | partner-referral       | software 400 north-america       | alice   | needs-analysis 2025-02-01 15:00, closed-won 2025-03-14 15:00 (no rules: attributed to (none)) |
 * | LK2  | 2025-01-12 15:00 | events                 | manufacturing 900 emea           | bob     | needs-analysis 2025-02-05 15:00, closed-won 2025-03-18 15:00                            |
 * | LK4  | 2025-01-15 15:00 | ads                    | retail 100 north-america         | carol   | needs-analysis 2025-02-10 15:00, closed-won 2025-03-27 15:00                            |
 *
 * Deals (ACV excluding tax, minor units; a deal's owner is its lead's):
 *   D01 USD 1 200 000 · D02 EUR 5 000 000 (lost: competitor Acme CRM) · D05 USD 800 000 · D06 EUR 3 000 000
 *   D08 USD 2 000 000 · D09 USD 1 500 000 (lost: no-budget) · D12 USD — (open) · D13 EUR 4 000 000 (open)
 *   D16 USD 2 500 000 (won in April) · D20 USD — (lost, uncoded: "Bad timing")
 *   DK1 USD 1 000 000 · DK2 EUR 2 000 000 · DK4 USD 500 000 (won in 2025: their contracts come up for renewal in C)
 *
 * First-touch SLA deadlines and the touches reps logged are in LEADS below; quotes, approvals,
 * activities and contracts in their own tables.
 */
import type { WorkingCalendar } from '../../src/domain/business-time';
import type {
  ActivityFact,
  AnalyticsFacts,
  ApprovalFact,
  ContractFact,
  DealFact,
  LeadFact,
  LossReason,
  QuoteFact,
  Segment,
} from '../../src/domain/analytics/facts';
import { companySize } from '../../src/domain/analytics/facts';
import { previousPeriod, reportPeriod } from '../../src/domain/analytics/period';

export const ZONE = 'America/New_York';
export const CURRENT = reportPeriod('2026-03-02', '2026-03-29', ZONE);
export const PREVIOUS = previousPeriod(CURRENT);
export const AS_OF = new Date('2026-04-30T00:00:00Z');
export const V1 = 'rules-v1';
export const V2 = 'rules-v2';

/** New York business hours, Monday to Friday 09:00–17:00, no holidays in the fixture's months. */
export const NEW_YORK_HOURS: WorkingCalendar = {
  timezone: ZONE,
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  holidays: [],
};

export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
export const CAROL = 'carol@example.com';
export const MARIA = 'maria@example.com';
export const NINA = 'nina@example.com';

export interface RepSpec {
  email: string;
  timeZone: string;
  manager: string | null;
}

export const REPS: RepSpec[] = [
  { email: MARIA, timeZone: ZONE, manager: null },
  { email: NINA, timeZone: ZONE, manager: null },
  { email: ALICE, timeZone: ZONE, manager: MARIA },
  { email: BOB, timeZone: 'Europe/London', manager: MARIA },
  { email: CAROL, timeZone: ZONE, manager: NINA },
];

const teamOf = (email: string | null) => REPS.find((rep) => rep.email === email)?.manager ?? null;
const zoneOf = (email: string | null) => REPS.find((rep) => rep.email === email)?.timeZone ?? null;

export const RULE_ACTIVATIONS = [
  { version: V1, activatedAt: new Date('2026-01-05T12:00:00Z') },
  { version: V2, activatedAt: new Date('2026-03-16T12:00:00Z') },
];

/** `[stage, at]` or `[stage, at, ruleset version]`; every lead starts with `new` at its creation. */
type StageSpec = [string, string] | [string, string, string];

export interface LeadSpec {
  id: string;
  createdAt: string;
  source: string;
  campaign?: string;
  industry?: string;
  employees?: number;
  region?: string;
  /** The owner at the end of C (what reports attribute the lead to). */
  owner: string | null;
  /** The assignment history the database holds: `[at, rep]`, or `[at, null]` for a queue. */
  assignments: [string, string | null][];
  stages: StageSpec[];
  slaDueAt?: string;
  decisions?: ['scoring' | 'routing', string, string][];
  /** The reason recorded with its closed-lost transition. */
  lostReason?: string;
}

const t = (text: string) => (text.length === 11 ? `2026-${text}` : text); // "03-05 15:00" → 2026-03-05 15:00
const at = (text: string) => new Date(`${t(text).replace(' ', 'T')}:00Z`);

/** A lead the rules scored and routed when it became an MQL (the common case). */
function routed(version: string, mqlAt: string): LeadSpec['decisions'] {
  return [
    ['scoring', version, mqlAt],
    ['routing', version, mqlAt],
  ];
}

// prettier-ignore
export const LEADS: LeadSpec[] = [
  {
    id: 'L01', createdAt: '02-03 15:00', source: 'ads', campaign: 'spring-promo', industry: 'software', employees: 300,
    region: 'north-america', owner: ALICE, assignments: [['02-04 15:00', ALICE]],
    stages: [['mql', '02-04 15:00', V1], ['sql', '02-10 15:00'], ['needs-analysis', '02-12 15:00'], ['proposal', '02-20 15:00'], ['closed-won', '03-05 15:00']],
    decisions: routed(V1, '02-04 15:00'),
  },
  {
    id: 'L02', createdAt: '02-05 15:00', source: 'events', industry: 'manufacturing', employees: 1500, region: 'emea',
    owner: BOB, assignments: [['02-06 10:00', BOB]],
    stages: [['mql', '02-06 10:00', V1], ['sql', '02-16 15:00'], ['needs-analysis', '02-18 15:00'], ['closed-lost', '03-10 12:00']],
    decisions: routed(V1, '02-06 10:00'), lostReason: 'Chose Acme CRM',
  },
  {
    id: 'L03', createdAt: '02-10 15:00', source: 'content', campaign: 'webinar-q1', industry: 'software', employees: 40,
    region: 'north-america', owner: CAROL, assignments: [['02-11 15:00', CAROL]],
    stages: [['mql', '02-11 15:00', V1]], decisions: routed(V1, '02-11 15:00'),
  },
  {
    id: 'L04', createdAt: '02-15 15:00', source: 'ads', campaign: 'spring-promo', industry: 'retail', employees: 120,
    region: 'north-america', owner: ALICE, assignments: [['02-15 15:00', ALICE]],
    stages: [], decisions: [['scoring', V1, '02-15 15:00']],
  },
  {
    id: 'L05', createdAt: '02-20 15:00', source: 'cold-outreach', industry: 'software', employees: 600, region: 'emea',
    owner: BOB, assignments: [['02-23 15:00', BOB]],
    stages: [['mql', '02-23 15:00', V1], ['sql', '03-03 15:00'], ['needs-analysis', '03-04 15:00'], ['closed-won', '03-20 15:00']],
    decisions: routed(V1, '02-23 15:00'),
  },
  {
    id: 'L06', createdAt: '02-25 15:00', source: 'partner-referral', industry: 'finance', employees: 2000,
    region: 'north-america', owner: CAROL, assignments: [['02-26 15:00', CAROL]],
    stages: [['mql', '02-26 15:00', V1], ['sql', '02-27 15:00'], ['needs-analysis', '02-28 15:00'], ['closed-won', '03-25 15:00']],
    decisions: routed(V1, '02-26 15:00'),
  },
  {
    id: 'L07', createdAt: '03-02 03:00', source: 'ads', campaign: 'spring-promo', industry: 'software', employees: 250,
    region: 'north-america', owner: ALICE, assignments: [['03-02 16:00', ALICE]],
    stages: [['mql', '03-02 16:00', V1]], slaDueAt: '03-02 18:00', decisions: routed(V1, '03-02 16:00'),
  },
  {
    id: 'L08', createdAt: '03-03 14:00', source: 'ads', campaign: 'spring-promo', industry: 'software', employees: 300,
    region: 'north-america', owner: ALICE, assignments: [['03-03 15:00', ALICE]],
    stages: [['mql', '03-03 15:00', V1], ['sql', '03-09 15:00'], ['needs-analysis', '03-10 15:00'], ['closed-won', '03-27 15:00']],
    slaDueAt: '03-03 17:00', decisions: routed(V1, '03-03 15:00'),
  },
  {
    id: 'L09', createdAt: '03-04 15:00', source: 'events', industry: 'manufacturing', employees: 80, region: 'emea',
    owner: BOB, assignments: [['03-05 16:00', BOB]],
    stages: [['mql', '03-05 16:00', V1], ['sql', '03-12 15:00'], ['needs-analysis', '03-13 15:00'], ['closed-lost', '03-26 15:00']],
    slaDueAt: '03-06 10:00', decisions: routed(V1, '03-05 16:00'), lostReason: 'No budget this year',
  },
  {
    id: 'L10', createdAt: '03-05 15:00', source: 'content', campaign: 'webinar-q1', industry: 'software', employees: 20,
    region: 'north-america', owner: CAROL, assignments: [['03-05 15:00', CAROL]],
    stages: [], decisions: [['scoring', V1, '03-05 15:00']],
  },
  {
    id: 'L11', createdAt: '03-06 15:00', source: 'content', campaign: 'webinar-q1', industry: 'retail', employees: 45,
    region: 'north-america', owner: CAROL, assignments: [['03-09 14:00', ALICE], ['03-09 16:00', CAROL]],
    stages: [['mql', '03-09 14:00', V1]], slaDueAt: '03-09 16:00', decisions: routed(V1, '03-09 14:00'),
  },
  {
    id: 'L12', createdAt: '03-10 15:00', source: 'ads', campaign: 'spring-promo', industry: 'finance', employees: 1200,
    region: 'north-america', owner: ALICE, assignments: [['03-11 13:30', ALICE]],
    stages: [['mql', '03-11 13:30', V1], ['sql', '03-18 15:00'], ['needs-analysis', '03-19 15:00'], ['presentation', '03-24 15:00']],
    slaDueAt: '03-11 15:30', decisions: routed(V1, '03-11 13:30'),
  },
  {
    id: 'L13', createdAt: '03-16 16:00', source: 'ads', campaign: 'spring-promo', industry: 'software', employees: 500,
    region: 'emea', owner: BOB, assignments: [['03-17 09:00', BOB]],
    stages: [['mql', '03-17 09:00', V2], ['sql', '03-20 15:00'], ['needs-analysis', '03-23 15:00'], ['proposal', '03-27 15:00']],
    slaDueAt: '03-17 11:00', decisions: routed(V2, '03-17 09:00'),
  },
  {
    id: 'L14', createdAt: '03-17 15:00', source: 'events', industry: 'software', employees: 60, region: 'north-america',
    owner: ALICE, assignments: [['03-18 20:00', ALICE]],
    stages: [['mql', '03-18 20:00', V2], ['sql', '04-10 15:00']], slaDueAt: '03-19 14:00', decisions: routed(V2, '03-18 20:00'),
  },
  {
    id: 'L15', createdAt: '03-18 15:00', source: 'cold-outreach', industry: 'software', employees: 30, region: 'emea',
    owner: BOB, assignments: [['03-18 15:00', BOB]], stages: [], decisions: [['scoring', V2, '03-18 15:00']],
  },
  {
    id: 'L16', createdAt: '03-20 15:00', source: 'partner-referral', industry: 'finance', employees: 3000,
    region: 'north-america', owner: CAROL, assignments: [['03-23 15:00', CAROL]],
    stages: [['mql', '03-23 15:00', V2], ['sql', '03-24 15:00'], ['needs-analysis', '03-25 15:00'], ['closed-won', '04-20 15:00']],
    slaDueAt: '03-23 17:00', decisions: routed(V2, '03-23 15:00'),
  },
  {
    id: 'L17', createdAt: '03-24 15:00', source: 'ads', campaign: 'spring-promo', industry: 'retail', employees: 150,
    region: 'north-america', owner: ALICE, assignments: [['03-25 13:00', ALICE], ['04-02 15:00', BOB]],
    stages: [['mql', '03-25 13:00', V2]], slaDueAt: '03-25 15:00', decisions: routed(V2, '03-25 13:00'),
  },
  {
    id: 'L18', createdAt: '03-29 23:00', source: 'ads', owner: null, assignments: [['03-29 23:00', null]],
    stages: [], decisions: [['scoring', V2, '03-29 23:00']],
  },
  {
    id: 'L19', createdAt: '03-30 05:00', source: 'content', owner: null, assignments: [],
    stages: [], decisions: [['scoring', V2, '03-30 05:00']],
  },
  {
    id: 'L20', createdAt: '2026-01-20 15:00', source: 'events', industry: 'software', employees: 700,
    region: 'north-america', owner: CAROL, assignments: [['2026-01-21 15:00', CAROL]],
    stages: [['mql', '2026-01-21 15:00', V1], ['sql', '02-03 15:00'], ['needs-analysis', '02-05 15:00'], ['closed-lost', '03-12 15:00']],
    decisions: routed(V1, '2026-01-21 15:00'), lostReason: 'Bad timing',
  },
  {
    id: 'LK1', createdAt: '2025-01-10 15:00', source: 'partner-referral', industry: 'software', employees: 400,
    region: 'north-america', owner: ALICE, assignments: [],
    stages: [['needs-analysis', '2025-02-01 15:00'], ['closed-won', '2025-03-14 15:00']],
  },
  {
    id: 'LK2', createdAt: '2025-01-12 15:00', source: 'events', industry: 'manufacturing', employees: 900, region: 'emea',
    owner: BOB, assignments: [], stages: [['needs-analysis', '2025-02-05 15:00'], ['closed-won', '2025-03-18 15:00']],
  },
  {
    id: 'LK4', createdAt: '2025-01-15 15:00', source: 'ads', industry: 'retail', employees: 100, region: 'north-america',
    owner: CAROL, assignments: [], stages: [['needs-analysis', '2025-02-10 15:00'], ['closed-won', '2025-03-27 15:00']],
  },
];

export interface DealSpec {
  id: string;
  leadId: string;
  accountId: string;
  currency: string;
  acvMinor: number | null;
  /** Structured loss code and competitor (the database does not record these yet). */
  loss?: { code: string | null; competitor: string | null };
}

// prettier-ignore
export const DEALS: DealSpec[] = [
  { id: 'D01', leadId: 'L01', accountId: 'acc-L01', currency: 'USD', acvMinor: 1_200_000 },
  { id: 'D02', leadId: 'L02', accountId: 'acc-L02', currency: 'EUR', acvMinor: 5_000_000, loss: { code: 'competitor', competitor: 'Acme CRM' } },
  { id: 'D05', leadId: 'L05', accountId: 'acc-1', currency: 'USD', acvMinor: 800_000 },
  { id: 'D06', leadId: 'L06', accountId: 'acc-L06', currency: 'EUR', acvMinor: 3_000_000 },
  { id: 'D08', leadId: 'L08', accountId: 'acc-L08', currency: 'USD', acvMinor: 2_000_000 },
  { id: 'D09', leadId: 'L09', accountId: 'acc-L09', currency: 'USD', acvMinor: 1_500_000, loss: { code: 'no-budget', competitor: null } },
  { id: 'D12', leadId: 'L12', accountId: 'acc-L12', currency: 'USD', acvMinor: null },
  { id: 'D13', leadId: 'L13', accountId: 'acc-L13', currency: 'EUR', acvMinor: 4_000_000 },
  { id: 'D16', leadId: 'L16', accountId: 'acc-L16', currency: 'USD', acvMinor: 2_500_000 },
  { id: 'D20', leadId: 'L20', accountId: 'acc-L20', currency: 'USD', acvMinor: null, loss: { code: null, competitor: null } },
  { id: 'DK1', leadId: 'LK1', accountId: 'acc-1', currency: 'USD', acvMinor: 1_000_000 },
  { id: 'DK2', leadId: 'LK2', accountId: 'acc-2', currency: 'EUR', acvMinor: 2_000_000 },
  { id: 'DK4', leadId: 'LK4', accountId: 'acc-3', currency: 'USD', acvMinor: 500_000 },
];

export interface ActivitySpec {
  id: string;
  kind: ActivityFact['kind'];
  actor: string;
  at: string;
  leadId: string;
  /** Null: logged on the lead (a touch: it also meets the first-touch SLA). */
  dealId: string | null;
}

// prettier-ignore
export const ACTIVITIES: ActivitySpec[] = [
  // Touches logged on leads (calls, emails, meetings booked).
  { id: 't-L07', kind: 'call', actor: ALICE, at: '03-02 18:30', leadId: 'L07', dealId: null },
  { id: 't-L08', kind: 'call', actor: ALICE, at: '03-03 15:45', leadId: 'L08', dealId: null },
  { id: 't-L09', kind: 'call', actor: BOB, at: '03-06 10:00', leadId: 'L09', dealId: null },
  { id: 't-L12a', kind: 'email', actor: ALICE, at: '03-10 20:00', leadId: 'L12', dealId: null },
  { id: 't-L12b', kind: 'call', actor: ALICE, at: '03-11 14:30', leadId: 'L12', dealId: null },
  { id: 't-L13', kind: 'call', actor: BOB, at: '03-17 13:00', leadId: 'L13', dealId: null },
  { id: 't-L14', kind: 'email', actor: ALICE, at: '03-19 14:00', leadId: 'L14', dealId: null },
  { id: 't-L16', kind: 'call', actor: CAROL, at: '03-23 15:30', leadId: 'L16', dealId: null },
  { id: 't-L17', kind: 'meeting', actor: ALICE, at: '03-27 13:00', leadId: 'L17', dealId: null },
  // Logged on deals (a held demo of D05 recorded through its meeting).
  { id: 'a-D01-1', kind: 'email', actor: ALICE, at: '02-25 15:00', leadId: 'L01', dealId: 'D01' },
  { id: 'a-D05-1', kind: 'email', actor: BOB, at: '03-05 15:00', leadId: 'L05', dealId: 'D05' },
  { id: 'mtg-D05:outcome', kind: 'meeting', actor: BOB, at: '03-12 15:00', leadId: 'L05', dealId: 'D05' },
  { id: 'a-D06-1', kind: 'call', actor: CAROL, at: '02-28 18:00', leadId: 'L06', dealId: 'D06' },
  { id: 'a-D06-2', kind: 'call', actor: CAROL, at: '03-10 15:00', leadId: 'L06', dealId: 'D06' },
  { id: 'a-D08-1', kind: 'email', actor: ALICE, at: '03-12 15:00', leadId: 'L08', dealId: 'D08' },
  { id: 'a-D08-2', kind: 'meeting', actor: ALICE, at: '03-20 15:00', leadId: 'L08', dealId: 'D08' },
  { id: 'a-D08-3', kind: 'email', actor: ALICE, at: '03-28 15:00', leadId: 'L08', dealId: 'D08' },
];

export interface QuoteSpec {
  id: string;
  dealId: string;
  version: number;
  discountBp: number;
  tier: string | null;
  createdAt: string;
  sentAt: string | null;
}

// prettier-ignore
export const QUOTES: QuoteSpec[] = [
  { id: 'qv-D01-1', dealId: 'D01', version: 1, discountBp: 500, tier: 'rep-authority', createdAt: '02-17 15:00', sentAt: '02-18 15:00' },
  { id: 'qv-D01-2', dealId: 'D01', version: 2, discountBp: 1500, tier: 'manager-authority', createdAt: '03-02 14:00', sentAt: '03-02 20:00' },
  { id: 'qv-D02-1', dealId: 'D02', version: 1, discountBp: 0, tier: 'rep-authority', createdAt: '02-24 15:00', sentAt: '02-25 15:00' },
  { id: 'qv-D05-1', dealId: 'D05', version: 1, discountBp: 2500, tier: 'director-authority', createdAt: '03-06 19:00', sentAt: '03-10 15:00' },
  { id: 'qv-D06-1', dealId: 'D06', version: 1, discountBp: 800, tier: 'rep-authority', createdAt: '03-04 15:00', sentAt: '03-05 15:00' },
  { id: 'qv-D08-1', dealId: 'D08', version: 1, discountBp: 1200, tier: 'manager-authority', createdAt: '03-13 12:00', sentAt: '03-16 15:00' },
  { id: 'qv-D09-1', dealId: 'D09', version: 1, discountBp: 3500, tier: 'executive-authority', createdAt: '03-18 13:00', sentAt: '03-20 15:00' },
  { id: 'qv-D13-1', dealId: 'D13', version: 1, discountBp: 1800, tier: 'manager-authority', createdAt: '03-25 13:00', sentAt: null },
  { id: 'qv-D13-2', dealId: 'D13', version: 2, discountBp: 1000, tier: 'rep-authority', createdAt: '03-26 14:30', sentAt: '03-26 15:00' },
  { id: 'qv-D16-1', dealId: 'D16', version: 1, discountBp: 1800, tier: 'manager-authority', createdAt: '03-30 15:00', sentAt: '04-02 15:00' },
  { id: 'qv-D20-1', dealId: 'D20', version: 1, discountBp: 4000, tier: null, createdAt: '03-05 15:00', sentAt: null },
];

export interface ApprovalSpec {
  id: string;
  versionId: string;
  tier: string;
  status: 'approved' | 'rejected' | 'cancelled' | 'pending';
  requestedAt: string;
  decidedAt: string | null;
}

// prettier-ignore
export const APPROVALS: ApprovalSpec[] = [
  { id: 'A1', versionId: 'qv-D01-2', tier: 'manager-authority', status: 'approved', requestedAt: '03-02 15:00', decidedAt: '03-02 19:00' },
  { id: 'A2', versionId: 'qv-D05-1', tier: 'director-authority', status: 'approved', requestedAt: '03-06 20:00', decidedAt: '03-10 14:00' },
  { id: 'A3', versionId: 'qv-D08-1', tier: 'manager-authority', status: 'approved', requestedAt: '03-13 13:00', decidedAt: '03-16 13:00' },
  { id: 'A4', versionId: 'qv-D09-1', tier: 'executive-authority', status: 'approved', requestedAt: '03-18 14:00', decidedAt: '03-19 18:00' },
  { id: 'A5', versionId: 'qv-D13-1', tier: 'manager-authority', status: 'rejected', requestedAt: '03-25 14:00', decidedAt: '03-26 14:00' },
  { id: 'A6', versionId: 'qv-D16-1', tier: 'manager-authority', status: 'approved', requestedAt: '03-31 14:00', decidedAt: '04-01 14:00' },
  { id: 'A7', versionId: 'qv-D20-1', tier: 'executive-authority', status: 'cancelled', requestedAt: '03-06 15:00', decidedAt: '03-11 15:00' },
];

export interface ContractSpec {
  id: string;
  dealId: string;
  startDate: string;
  endDate: string;
  acvMinor: number;
  currency: string;
  createdAt: string;
}

// prettier-ignore
export const CONTRACTS: ContractSpec[] = [
  { id: 'K1', dealId: 'DK1', startDate: '2025-03-15 00:00', endDate: '2026-03-15 00:00', acvMinor: 1_000_000, currency: 'USD', createdAt: '2025-03-14 15:00' },
  { id: 'K2', dealId: 'DK2', startDate: '2025-03-20 00:00', endDate: '2026-03-20 00:00', acvMinor: 2_000_000, currency: 'EUR', createdAt: '2025-03-18 15:00' },
  { id: 'K3', dealId: 'D05', startDate: '2026-03-20 00:00', endDate: '2027-03-20 00:00', acvMinor: 800_000, currency: 'USD', createdAt: '03-20 15:00' },
  { id: 'K4', dealId: 'DK4', startDate: '2025-03-28 00:00', endDate: '2026-03-28 00:00', acvMinor: 500_000, currency: 'USD', createdAt: '2025-03-27 15:00' },
];

/** When a spec's time string means, as a Date. */
export const when = at;

export const DEAL_STAGE_NAMES: readonly string[] = [
  'needs-analysis',
  'presentation',
  'proposal',
  'negotiation',
  'closed-won',
  'closed-lost',
];

function leadSegment(lead: LeadSpec): Segment {
  return {
    rep: lead.owner,
    team: teamOf(lead.owner),
    source: lead.source,
    campaign: lead.campaign ?? null,
    industry: lead.industry ?? null,
    size: companySize(lead.employees),
    region: lead.region ?? null,
  };
}

/** Every stage event of the lead, `new` first. */
export function stagesOf(lead: LeadSpec) {
  const stages: StageSpec[] = [['new', lead.createdAt], ...lead.stages];
  return stages.map(([to, time, version], index) => ({
    from: index === 0 ? null : (stages[index - 1]![0] ?? null),
    to,
    at: at(time),
    rulesetVersion: version ?? null,
  }));
}

function leadFact(lead: LeadSpec): LeadFact {
  const touches = ACTIVITIES.filter((a) => a.leadId === lead.id && a.dealId === null).map((a) => at(a.at));
  return {
    id: lead.id,
    createdAt: at(lead.createdAt),
    segment: leadSegment(lead),
    dealId: DEALS.find((deal) => deal.leadId === lead.id)?.id ?? null,
    stages: stagesOf(lead),
    touches: touches.sort((a, b) => a.getTime() - b.getTime()),
    slaDueAt: lead.slaDueAt ? at(lead.slaDueAt) : null,
    ownerTimeZone: zoneOf(lead.owner),
    decisions: (lead.decisions ?? []).map(([kind, version, time]) => ({ kind, version, at: at(time) })),
  };
}

const leadOf = (id: string) => LEADS.find((lead) => lead.id === id)!;
const dealOf = (id: string) => DEALS.find((deal) => deal.id === id)!;

function dealSegment(deal: DealSpec): Segment {
  return leadSegment(leadOf(deal.leadId));
}

function dealFact(deal: DealSpec): DealFact {
  const lead = leadOf(deal.leadId);
  const stages = stagesOf(lead).filter((event) => DEAL_STAGE_NAMES.includes(event.to));
  const sql = stagesOf(lead).find((event) => event.to === 'sql');
  const lossReason: LossReason | null =
    lead.lostReason === undefined
      ? null
      : { code: deal.loss?.code ?? null, note: lead.lostReason, competitor: deal.loss?.competitor ?? null };
  return {
    id: deal.id,
    leadId: deal.leadId,
    segment: dealSegment(deal),
    currency: deal.currency,
    acvMinor: deal.acvMinor,
    openedAt: stages[0]!.at,
    sqlAt: sql?.at ?? null,
    stages,
    lossReason,
  };
}

function activityFact(activity: ActivitySpec): ActivityFact {
  const segment = { ...leadSegment(leadOf(activity.leadId)), rep: activity.actor, team: teamOf(activity.actor) };
  return {
    id: activity.id,
    kind: activity.kind,
    actor: activity.actor,
    at: at(activity.at),
    leadId: activity.leadId,
    dealId: activity.dealId,
    segment,
  };
}

function quoteFact(quote: QuoteSpec): QuoteFact {
  return {
    id: quote.id,
    quoteId: `q-${quote.dealId}`,
    dealId: quote.dealId,
    segment: dealSegment(dealOf(quote.dealId)),
    discountBp: quote.discountBp,
    tier: quote.tier,
    createdAt: at(quote.createdAt),
    sentAt: quote.sentAt ? at(quote.sentAt) : null,
  };
}

function approvalFact(approval: ApprovalSpec): ApprovalFact {
  const dealId = QUOTES.find((quote) => quote.id === approval.versionId)!.dealId;
  return {
    id: approval.id,
    dealId,
    segment: dealSegment(dealOf(dealId)),
    tier: approval.tier,
    status: approval.status,
    requestedAt: at(approval.requestedAt),
    decidedAt: approval.decidedAt ? at(approval.decidedAt) : null,
  };
}

function contractFact(contract: ContractSpec): ContractFact {
  const deal = dealOf(contract.dealId);
  return {
    id: contract.id,
    dealId: contract.dealId,
    accountId: deal.accountId,
    segment: dealSegment(deal),
    startDate: at(contract.startDate),
    endDate: at(contract.endDate),
    acvMinor: contract.acvMinor,
    currency: contract.currency,
    createdAt: at(contract.createdAt),
  };
}

/** The whole fixture as the metrics take it (what loadFacts returns for revops at AS_OF). */
export function fixtureFacts(): AnalyticsFacts {
  return {
    asOf: AS_OF,
    leads: LEADS.map(leadFact),
    deals: DEALS.map(dealFact),
    quotes: QUOTES.map(quoteFact),
    approvals: APPROVALS.map(approvalFact),
    activities: ACTIVITIES.map(activityFact),
    contracts: CONTRACTS.map(contractFact),
    ruleActivations: RULE_ACTIVATIONS,
    // The roster's sales reps (a rep has a manager; maria and nina, who have none, are managers).
    salesReps: REPS.filter((rep) => rep.manager !== null).map((rep) => ({ email: rep.email, team: rep.manager })),
  };
}

/** The facts with these ids, in the order asked. */
export function pick<T extends { id: string }>(facts: readonly T[], ...ids: string[]): T[] {
  return ids.map((id) => facts.find((fact) => fact.id === id)!);
}
