/**
 * Marketing spend: what was spent per source, campaign and month, in one currency; the cost side of
 * cost per lead, CAC and channel ROI. A campaign must exist before spend is booked against it:
 * its key is what leads carry in `sourceDetails.campaign`, so a typo in a spend entry would
 * otherwise become a campaign of its own that no lead ever matches. Entries are keyed by (source,
 * campaign, month, currency): entering one again replaces its amount, so repeating is harmless.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { recordAudit } from '../db/audit-trail';
import type { Db, Prisma } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { LEAD_SOURCES } from '../domain/lead';
import { CURRENCY_CODES, formatAmount, isCurrencyCode, MoneyError, parseMoney } from '../domain/money';
import { parseMonth } from '../domain/periods';
import { suggestion } from '../rules/did-you-mean';

type SpendRow = NonNullable<Awaited<ReturnType<Db['marketingSpend']['findFirst']>>>;
type CampaignRow = NonNullable<Awaited<ReturnType<Db['campaign']['findFirst']>>>;

// ---- campaigns --------------------------------------------------------------------------

export interface CampaignInput {
  key: string;
  name: string;
  source?: string | null;
}

/** Creates the campaign, or renames it (its key never changes); `created` says which. */
export async function putCampaign(db: Db, actor: Actor, input: CampaignInput, now: Date) {
  return db.$transaction(async (tx) => {
    const existing = await tx.campaign.findUnique({ where: { tenant_key: { tenant: actor.tenant, key: input.key } } });
    const fields = { name: input.name, source: input.source ?? null };
    const row = existing
      ? await tx.campaign.update({ where: { id: existing.id }, data: fields })
      : await tx.campaign.create({
          data: {
            id: `cmp_${randomBytes(16).toString('base64url')}`,
            tenant: actor.tenant,
            key: input.key,
            createdBy: actor.email,
            ...fields,
          },
        });
    await recordAudit(tx, {
      tenant: actor.tenant,
      subjectType: 'campaign',
      subjectId: row.id,
      action: existing ? 'campaign.changed' : 'campaign.created',
      actor: actor.email,
      details: { key: row.key, name: row.name, source: row.source },
      occurredAt: now,
    });
    return { campaign: campaignView(row), created: !existing };
  });
}

export async function listCampaigns(db: Db, tenant: string) {
  const rows = await db.campaign.findMany({ where: { tenant }, orderBy: { key: 'asc' } });
  return rows.map(campaignView);
}

function campaignView(row: CampaignRow) {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    source: row.source,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---- checking an entry (one from the API, or one CSV row) -------------------------------

/** An entry as text, before checking: what a person typed or a CSV cell held. */
export interface SpendFields {
  source: string;
  campaign: string;
  month: string;
  currency: string;
  amount: string;
  note?: string | null;
}

export type SpendField = keyof SpendFields;

/** A checked entry, ready to store. */
export interface SpendEntry {
  source: string;
  campaignKey: string;
  month: string;
  currency: string;
  amountMinor: bigint;
  note: string | null;
}

/** Checks one entry against the tenant's campaigns; every problem by field. */
export function checkSpend(
  fields: SpendFields,
  campaigns: ReadonlySet<string>,
): { entry: SpendEntry } | { problems: { field: SpendField; message: string }[] } {
  const problems: { field: SpendField; message: string }[] = [];
  const source = fields.source.trim();
  if (!(LEAD_SOURCES as readonly string[]).includes(source)) {
    const hint = suggestion(source, LEAD_SOURCES);
    problems.push({
      field: 'source',
      message: `"${source}" is not a lead source${hint ? ` (${hint})` : ''}; sources: ${LEAD_SOURCES.join(', ')}`,
    });
  }
  const campaign = fields.campaign.trim();
  if (campaign.length === 0) problems.push({ field: 'campaign', message: 'must not be empty' });
  else if (!campaigns.has(campaign)) {
    const near = suggestion(campaign, [...campaigns]);
    problems.push({
      field: 'campaign',
      message: `no campaign "${campaign}": create it first with POST /api/campaigns (its key is what leads carry in sourceDetails.campaign)${near?.startsWith('did') ? `; ${near}` : ''}`,
    });
  }
  const month = parseMonth(fields.month);
  if (!month.ok) problems.push({ field: 'month', message: month.message });
  const currency = fields.currency.trim().toUpperCase();
  if (!isCurrencyCode(currency))
    problems.push({
      field: 'currency',
      message: `"${fields.currency}" is not a currency leadflow supports (${CURRENCY_CODES.join(', ')})`,
    });
  let amountMinor: number | null = null;
  if (isCurrencyCode(currency)) {
    try {
      amountMinor = parseMoney(fields.amount, currency);
      if (amountMinor < 0)
        problems.push({
          field: 'amount',
          message: `"${fields.amount}" is negative; spend is 0 or more (enter a refund as a lower amount for the month)`,
        });
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      problems.push({ field: 'amount', message: error.message });
    }
  }
  const note = fields.note?.trim() || null;
  if (note !== null && note.length > 1000) problems.push({ field: 'note', message: 'must be at most 1000 characters' });
  if (problems.length > 0 || !month.ok || amountMinor === null) return { problems };
  return {
    entry: { source, campaignKey: campaign, month: month.period.key, currency, amountMinor: BigInt(amountMinor), note },
  };
}

export function spendKey(entry: Pick<SpendEntry, 'source' | 'campaignKey' | 'month' | 'currency'>): string {
  return [entry.source, entry.campaignKey, entry.month, entry.currency].join('\u0000');
}

/** The tenant's campaign keys. */
export async function campaignKeys(db: Pick<Db, 'campaign'>, tenant: string): Promise<Set<string>> {
  return new Set((await db.campaign.findMany({ where: { tenant }, select: { key: true } })).map((c) => c.key));
}

// ---- storing entries --------------------------------------------------------------------

export interface SaveOutcome {
  created: number;
  updated: number;
  unchanged: number;
  rows: SpendRow[];
}

/**
 * Saves checked entries in one transaction: new keys are created, changed amounts or notes
 * replaced, identical ones left alone (so importing the same file twice changes nothing).
 */
export async function saveSpend(
  tx: Prisma.TransactionClient,
  actor: Actor,
  entries: readonly SpendEntry[],
  origin: 'api' | 'csv',
  dryRun = false,
): Promise<SaveOutcome> {
  const months = [...new Set(entries.map((e) => e.month))];
  const stored = await tx.marketingSpend.findMany({ where: { tenant: actor.tenant, month: { in: months } } });
  const byKey = new Map(stored.map((row) => [spendKey(row), row]));
  const outcome: SaveOutcome = { created: 0, updated: 0, unchanged: 0, rows: [] };
  const fresh: Prisma.MarketingSpendCreateManyInput[] = [];
  for (const entry of entries) {
    const existing = byKey.get(spendKey(entry));
    if (existing && existing.amountMinor === entry.amountMinor && existing.note === entry.note) {
      outcome.unchanged++;
      outcome.rows.push(existing);
    } else if (existing) {
      outcome.updated++;
      outcome.rows.push(
        dryRun
          ? existing
          : await tx.marketingSpend.update({
              where: { id: existing.id },
              data: { amountMinor: entry.amountMinor, note: entry.note, origin, enteredBy: actor.email },
            }),
      );
    } else {
      outcome.created++;
      fresh.push({
        id: `spd_${randomBytes(16).toString('base64url')}`,
        tenant: actor.tenant,
        ...entry,
        origin,
        enteredBy: actor.email,
      });
    }
  }
  if (fresh.length > 0 && !dryRun) {
    await tx.marketingSpend.createMany({ data: fresh });
    outcome.rows.push(...(await tx.marketingSpend.findMany({ where: { id: { in: fresh.map((f) => f.id) } } })));
  }
  return outcome;
}

/** One entry through the API: 400 with field messages when it is invalid; `created` false when it replaced one. */
export async function recordSpend(db: Db, actor: Actor, fields: SpendFields, now: Date) {
  const checked = checkSpend(fields, await campaignKeys(db, actor.tenant));
  if ('problems' in checked)
    throw new LeadflowError('unprocessable', 'The spend entry cannot be recorded; see fields.', {
      details: checked.problems.map((p) => ({ path: p.field, message: p.message })),
    });
  return db.$transaction(async (tx) => {
    const outcome = await saveSpend(tx, actor, [checked.entry], 'api');
    const row = outcome.rows[0]!;
    if (outcome.unchanged === 0)
      await recordAudit(tx, {
        tenant: actor.tenant,
        subjectType: 'marketing-spend',
        subjectId: row.id,
        action: outcome.created ? 'marketing-spend.recorded' : 'marketing-spend.changed',
        actor: actor.email,
        details: { ...spendView(row) },
        occurredAt: now,
      });
    return { entry: spendView(row), created: outcome.created === 1 };
  });
}

export interface SpendFilter {
  from?: string;
  to?: string;
  source?: string;
  campaign?: string;
  currency?: string;
}

/** Entries from..to (months, inclusive), by month, source and campaign. */
export async function listSpend(db: Db, tenant: string, filter: SpendFilter) {
  const problems: { path: string; message: string }[] = [];
  const from = filter.from === undefined ? null : parseMonth(filter.from);
  const to = filter.to === undefined ? null : parseMonth(filter.to);
  if (from && !from.ok) problems.push({ path: 'query.from', message: from.message });
  if (to && !to.ok) problems.push({ path: 'query.to', message: to.message });
  if (from?.ok && to?.ok && from.period.key > to.period.key)
    problems.push({ path: 'query.to', message: `must not be before from (${from.period.key})` });
  if (problems.length > 0)
    throw new LeadflowError('unprocessable', 'The query cannot be answered; see fields.', { details: problems });
  const rows = await db.marketingSpend.findMany({
    where: {
      tenant,
      ...(from?.ok || to?.ok
        ? { month: { ...(from?.ok ? { gte: from.period.key } : {}), ...(to?.ok ? { lte: to.period.key } : {}) } }
        : {}),
      ...(filter.source ? { source: filter.source } : {}),
      ...(filter.campaign ? { campaignKey: filter.campaign } : {}),
      ...(filter.currency ? { currency: filter.currency } : {}),
    },
    orderBy: [{ month: 'asc' }, { source: 'asc' }, { campaignKey: 'asc' }, { currency: 'asc' }],
    take: 10_000,
  });
  return rows.map(spendView);
}

export async function deleteSpend(db: Db, actor: Actor, spendId: string, now: Date): Promise<void> {
  const row = await db.marketingSpend.findFirst({ where: { id: spendId, tenant: actor.tenant } });
  if (!row) throw new LeadflowError('not_found', `No marketing spend entry ${spendId} in tenant ${actor.tenant}.`);
  await db.$transaction(async (tx) => {
    await tx.marketingSpend.delete({ where: { id: row.id } });
    await recordAudit(tx, {
      tenant: actor.tenant,
      subjectType: 'marketing-spend',
      subjectId: row.id,
      action: 'marketing-spend.removed',
      actor: actor.email,
      details: { ...spendView(row) },
      occurredAt: now,
    });
  });
}

export function spendView(row: SpendRow) {
  return {
    id: row.id,
    source: row.source,
    campaign: row.campaignKey,
    month: row.month,
    currency: row.currency,
    amountMinor: Number(row.amountMinor),
    amount: formatAmount(Number(row.amountMinor), row.currency).replaceAll(',', ''),
    note: row.note,
    origin: row.origin,
    enteredBy: row.enteredBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}
