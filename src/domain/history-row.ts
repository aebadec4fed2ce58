/**
 * One row of a CRM history export, checked and turned into the lead (and closed deal) it records:
 * the fields an import knows, the headers each is found under by default, and every rule a row
 * must keep (dates in order and in the past, a known source, an amount in its currency, a closed
 * deal won or lost with a loss reason only when lost). Pure: the caller resolves the columns, the
 * loss reason codes and the clock.
 */
import { isValidTimeZone, fromLocalDateTime } from './time-zone';
import { LEAD_SOURCES, normalizeEmail, type LeadSource } from './lead';
import { isCurrencyCode, MoneyError, parseMoney } from './money';
import { intendedCountryCode, isCountryCode } from './countries';

export const HISTORY_FIELDS = [
  'externalId',
  'email',
  'name',
  'company',
  'title',
  'source',
  'campaign',
  'industry',
  'employees',
  'region',
  'country',
  'owner',
  'created',
  'mqlDate',
  'sqlDate',
  'dealName',
  'dealCreated',
  'amount',
  'currency',
  'stage',
  'outcome',
  'closedDate',
  'lossReason',
  'competitor',
] as const;
export type HistoryField = (typeof HISTORY_FIELDS)[number];

/** The headers each field is found under when no mapping names one (compared without case, spaces, `_` or `-`). */
export const DEFAULT_HEADERS: Record<HistoryField, readonly string[]> = {
  externalId: ['external id', 'id', 'crm id', 'record id', 'lead id'],
  email: ['email', 'email address'],
  name: ['name', 'full name', 'contact name'],
  company: ['company', 'account', 'account name', 'organization'],
  title: ['title', 'job title'],
  source: ['source', 'lead source'],
  campaign: ['campaign'],
  industry: ['industry'],
  employees: ['employees', 'company size', 'number of employees'],
  region: ['region'],
  country: ['country', 'country code', 'country/region'],
  owner: ['owner', 'owner email', 'rep', 'lead owner'],
  created: ['created', 'created date', 'created at', 'create date'],
  mqlDate: ['mql date', 'mql', 'became mql'],
  sqlDate: ['sql date', 'sql', 'became sql'],
  dealName: ['deal name', 'opportunity name', 'deal'],
  dealCreated: ['deal created', 'opportunity created', 'deal created date'],
  amount: ['amount', 'deal amount', 'acv'],
  currency: ['currency'],
  stage: ['stage', 'deal stage'],
  outcome: ['won/lost', 'outcome', 'won', 'result'],
  closedDate: ['closed date', 'close date', 'closed'],
  lossReason: ['loss reason', 'lost reason', 'reason lost'],
  competitor: ['competitor', 'lost to'],
};

/** The comparison form of a header: `Closed_Date` and `closed date` are the same column. */
export const headerKey = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

export interface HistoryDeal {
  name: string;
  currency: string;
  /** ACV excluding tax, minor units; null when the export has no amount. */
  amountMinor: number | null;
  outcome: 'won' | 'lost';
  openedAt: Date;
  closedAt: Date;
  /** loss-reasons.yaml code (lost only); null when the rules have no loss reasons. */
  lossReason: string | null;
  /** The words of a loss reason that is not a code (filed under the fallback code). */
  closeReason: string;
  competitor: string | null;
}

export interface HistoryRecord {
  /** The row's identity across imports: its external id, else its email and creation moment. */
  key: string;
  externalId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  source: LeadSource;
  campaign: string | null;
  /** ISO 3166-1 alpha-2 code. */
  country: string | null;
  attributes: Record<string, string | number>;
  owner: string | null;
  createdAt: Date;
  mqlAt: Date | null;
  sqlAt: Date | null;
  deal: HistoryDeal | null;
}

export interface HistoryRowContext {
  /** The zone a date without a time is read in (it counts as noon of that day there). */
  zone: string;
  now: Date;
  /** loss-reasons.yaml's codes (retired ones too: history keeps them) and fallback; null: no loss reasons. */
  lossReasons: { codes: readonly string[]; labels: ReadonlyMap<string, string>; fallback: string } | null;
  /** The ISO code of a country's name as exports write it ("Germany", "德国"); none: only codes are read. */
  countryNamed?: (name: string) => string | undefined;
}

export interface FieldProblem {
  field: HistoryField;
  message: string;
}

type Cells = Partial<Record<HistoryField, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const WON = new Set(['won', 'closed won', 'closed-won', 'closedwon', 'true', 'yes', 'win']);
const LOST = new Set(['lost', 'closed lost', 'closed-lost', 'closedlost', 'false', 'no', 'loss']);
const MAX_TEXT = 500;

/** Checks one row; every problem is named by its field. */
export function checkHistoryRow(
  cells: Cells,
  context: HistoryRowContext,
): { record: HistoryRecord } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (field: HistoryField, message: string) => problems.push({ field, message });
  const text = (field: HistoryField): string | null => {
    const value = cells[field]?.trim() ?? '';
    if (value === '') return null;
    if (value.length > MAX_TEXT) problem(field, `is ${value.length} characters long; at most ${MAX_TEXT}`);
    return value.slice(0, MAX_TEXT);
  };
  const date = (field: HistoryField): Date | null => {
    const value = text(field);
    if (value === null) return null;
    const at = parseHistoryDate(value, context.zone);
    if (at === null)
      problem(
        field,
        `"${value}" is not a date: write YYYY-MM-DD, or an ISO 8601 time with its offset (2025-03-04T15:30:00Z)`,
      );
    else if (at.getTime() > context.now.getTime())
      problem(field, `${value} is in the future: history is what already happened`);
    return at;
  };

  const externalId = text('externalId');
  const rawEmail = text('email');
  const email = rawEmail === null ? null : normalizeEmail(rawEmail);
  if (rawEmail !== null && !EMAIL.test(rawEmail)) problem('email', `"${rawEmail}" is not an email address`);
  if (externalId === null && rawEmail === null)
    problem('email', 'is empty, and so is the external id: a lead needs one of them');
  const rawSource = text('source');
  const source = LEAD_SOURCES.find((s) => s === rawSource?.toLowerCase().replace(/\s+/g, '-'));
  if (!source)
    problem(
      'source',
      rawSource === null
        ? `is empty: give one of ${LEAD_SOURCES.join(', ')}`
        : `"${rawSource}" is not a lead source: use one of ${LEAD_SOURCES.join(', ')}`,
    );
  const owner = text('owner')?.toLowerCase() ?? null;
  if (owner !== null && !EMAIL.test(owner))
    problem('owner', `"${owner}" is not an email address: name the owner by their email`);
  const country = countryOf(text('country'), context, problem);
  const employeesText = text('employees');
  const employees = employeesText === null ? null : Number(employeesText);
  if (employeesText !== null && !(Number.isSafeInteger(employees) && employees! >= 0))
    problem('employees', `"${employeesText}" is not a whole number of employees`);
  const createdAt = date('created');
  if (createdAt === null && !problems.some((p) => p.field === 'created'))
    problem('created', 'is empty: every lead needs the date it was created');
  const mqlAt = date('mqlDate');
  const sqlAt = date('sqlDate');
  inOrder(
    [
      ['created', createdAt],
      ['mqlDate', mqlAt],
      ['sqlDate', sqlAt],
    ],
    problem,
  );
  const deal = checkDeal(text, date, { createdAt, mqlAt, sqlAt }, context, problem);

  if (problems.length > 0 || createdAt === null || !source) return { problems };
  const [firstName = null, ...rest] = (text('name') ?? '').split(/\s+/).filter(Boolean);
  const attributes: Record<string, string | number> = {};
  const industry = text('industry');
  const region = text('region');
  if (industry) attributes.industry = industry.toLowerCase();
  if (region) attributes.region = region.toLowerCase();
  if (employees !== null) attributes.employees = employees;
  return {
    record: {
      key: externalId !== null ? `id:${externalId}` : `email:${email}|${createdAt.toISOString()}`,
      externalId,
      email,
      firstName,
      lastName: rest.length > 0 ? rest.join(' ') : null,
      company: text('company'),
      title: text('title'),
      source,
      campaign: text('campaign'),
      country,
      attributes,
      owner,
      createdAt,
      mqlAt,
      sqlAt,
      deal,
    },
  };
}

/**
 * A country as CRM exports write it: an ISO code in any case ("de"; the common "UK" and "EL" are GB
 * and GR), or its name in English or Chinese when the caller can read names ("Germany", "德国").
 */
function countryOf(
  value: string | null,
  context: HistoryRowContext,
  problem: (field: HistoryField, message: string) => void,
): string | null {
  if (value === null) return null;
  const code = /^[A-Za-z]{2}$/.test(value)
    ? (intendedCountryCode(value) ?? value.toUpperCase())
    : context.countryNamed?.(value);
  if (code !== undefined && isCountryCode(code)) return code;
  problem(
    'country',
    `"${value}" is not a country: write its ISO 3166 code ("DE") or its name in English or Chinese ("Germany", "德国")`,
  );
  return null;
}

/** A deal is there when any deal column has a value; it must then be closed, won or lost, on a date. */
function checkDeal(
  text: (field: HistoryField) => string | null,
  date: (field: HistoryField) => Date | null,
  lead: { createdAt: Date | null; mqlAt: Date | null; sqlAt: Date | null },
  context: HistoryRowContext,
  problem: (field: HistoryField, message: string) => void,
): HistoryDeal | null {
  const fields: HistoryField[] = [
    'dealName',
    'dealCreated',
    'amount',
    'stage',
    'outcome',
    'closedDate',
    'lossReason',
    'competitor',
  ];
  if (fields.every((field) => text(field) === null)) return null;
  const outcome = outcomeOf(text('stage'), text('outcome'), problem);
  const closedAt = date('closedDate');
  if (closedAt === null && text('closedDate') === null)
    problem('closedDate', 'is empty: a closed deal needs the date it closed');
  const latest: [HistoryField, Date | null] = lead.sqlAt
    ? ['sqlDate', lead.sqlAt]
    : lead.mqlAt
      ? ['mqlDate', lead.mqlAt]
      : ['created', lead.createdAt];
  const dealCreated = date('dealCreated');
  const opened: [HistoryField, Date | null] = dealCreated ? ['dealCreated', dealCreated] : latest;
  inOrder([latest, ['dealCreated', dealCreated], ['closedDate', closedAt]], problem);
  const openedAt = opened[1];
  const currencyText = text('currency')?.toUpperCase() ?? null;
  const amountText = text('amount');
  let amountMinor: number | null = null;
  if (currencyText !== null && !isCurrencyCode(currencyText))
    problem('currency', `"${currencyText}" is not an ISO 4217 currency code`);
  else if (amountText !== null) {
    if (currencyText === null) problem('currency', 'is empty: an amount needs its currency');
    else
      try {
        amountMinor = parseMoney(amountText, currencyText);
        if (amountMinor < 0) problem('amount', `${amountText} is negative`);
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        problem('amount', error.message);
      }
  }
  const lossText = text('lossReason');
  const competitor = text('competitor');
  let lossReason: string | null = null;
  if (outcome === 'won' && lossText !== null) problem('lossReason', 'is given for a deal that was won');
  if (outcome === 'lost' && context.lossReasons) {
    const known = lossText === null ? null : resolveLossReason(lossText, context.lossReasons);
    lossReason = known ?? context.lossReasons.fallback;
  }
  if (outcome === null || closedAt === null || openedAt === null) return null;
  return {
    name: text('dealName') ?? `${text('company') ?? text('name') ?? 'Deal'} (imported)`,
    currency: currencyText ?? 'USD',
    amountMinor,
    outcome,
    openedAt,
    closedAt,
    lossReason,
    closeReason: outcome === 'won' ? 'imported: won' : (lossText ?? 'imported: lost'),
    competitor: outcome === 'lost' ? competitor : null,
  };
}

function outcomeOf(
  stage: string | null,
  outcome: string | null,
  problem: (field: HistoryField, message: string) => void,
): 'won' | 'lost' | null {
  const read = (field: HistoryField, value: string | null): 'won' | 'lost' | null | undefined => {
    if (value === null) return undefined;
    const key = value.toLowerCase().trim();
    if (WON.has(key)) return 'won';
    if (LOST.has(key)) return 'lost';
    problem(
      field,
      field === 'stage'
        ? `"${value}" is not a closed stage: only closed deals import (closed won or closed lost); an open deal is worked in leadflow, from its lead`
        : `"${value}" is neither won nor lost`,
    );
    return null;
  };
  const byStage = read('stage', stage);
  const byOutcome = read('outcome', outcome);
  if (byStage === undefined && byOutcome === undefined) {
    problem('outcome', 'is empty, and so is the stage: say whether the deal was won or lost');
    return null;
  }
  if (byStage && byOutcome && byStage !== byOutcome) {
    problem('outcome', `says ${byOutcome}, but the stage says ${byStage}`);
    return null;
  }
  return byStage ?? byOutcome ?? null;
}

/** A loss reason given as a code or as its label, in any case; null when it is neither (words). */
function resolveLossReason(value: string, reasons: NonNullable<HistoryRowContext['lossReasons']>): string | null {
  const key = value.toLowerCase().trim();
  return reasons.codes.find((code) => code === key) ?? reasons.labels.get(key) ?? null;
}

/** Each dated step on or after the one before it. */
function inOrder(steps: [HistoryField, Date | null][], problem: (field: HistoryField, message: string) => void): void {
  let previous: [HistoryField, Date] | null = null;
  for (const [field, at] of steps) {
    if (at === null) continue;
    if (previous && at.getTime() < previous[1].getTime())
      problem(
        field,
        `${at.toISOString().slice(0, 10)} is before the ${FIELD_NAMES[previous[0]]} (${previous[1].toISOString().slice(0, 10)})`,
      );
    previous = [field, at];
  }
}

const FIELD_NAMES: Partial<Record<HistoryField, string>> = {
  created: 'creation date',
  mqlDate: 'MQL date',
  sqlDate: 'SQL date',
  dealCreated: 'deal creation date',
  closedDate: 'closed date',
};

/** `2025-03-04` (noon that day in `zone`) or an ISO 8601 instant with its offset; null when it is neither. */
export function parseHistoryDate(value: string, zone: string): Date | null {
  const day = DATE.exec(value);
  if (day) {
    const local = { year: Number(day[1]), month: Number(day[2]), day: Number(day[3]) };
    const check = new Date(Date.UTC(local.year, local.month - 1, local.day));
    if (check.getUTCMonth() !== local.month - 1 || check.getUTCDate() !== local.day || !isValidTimeZone(zone))
      return null;
    return fromLocalDateTime({ ...local, hour: 12, minute: 0, second: 0, millisecond: 0 }, zone);
  }
  if (!INSTANT.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}
