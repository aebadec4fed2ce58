/**
 * What the pipeline and channel reports read besides the recorded journeys: each deal's forecast
 * history (expected close date and category as they were set, from DealForecast rows), the quotas
 * of the period, and the marketing spend of its months. Like the facts, they are read as recorded
 * before `asOf` and cut to the caller's sight; spend belongs to no rep, so only a caller who sees
 * the whole tenant gets it.
 */
import type { Db } from '../../db/client';
import { instantOf, join, sql, unindexed, valuesTable } from '../../db/raw-sql';
import type { Quota } from '../../domain/analytics/forecast';
import type { ForecastCategory } from '../../domain/analytics/pipeline';
import { FORECAST_CATEGORIES } from '../../domain/analytics/pipeline';
import { monthsOf, parseLocalDate, type ReportPeriod } from '../../domain/analytics/period';
import type { SpendRecord } from '../../domain/analytics/channel';
import { addLocalDays, fromLocalDateTime, type LocalDate } from '../../domain/time-zone';
import type { Sight } from '../visibility';

/** A deal's forecast as it was set at `at`. */
export interface ForecastEntry {
  at: Date;
  /** The expected close day, as its first instant in the reporting zone. */
  expectedCloseAt: Date | null;
  category: ForecastCategory | null;
}

export interface PlanInputs {
  /** Each deal's forecast history, oldest first. */
  forecasts: ReadonlyMap<string, readonly ForecastEntry[]>;
  quotas: Quota[];
  spend: SpendRecord[];
  /**
   * Whether the caller may see marketing spend: spend is the tenant's, not a rep's or a team's,
   * so it is shown only to a caller who sees the whole tenant (a manager's leads against the whole
   * tenant's spend would give a false cost per lead).
   */
  spendVisible: boolean;
}

export const NO_PLAN_INPUTS: PlanInputs = { forecasts: new Map(), quotas: [], spend: [], spendVisible: false };

const CHUNK = 500;

const midnight = (date: LocalDate, zone: string) =>
  fromLocalDateTime({ ...date, hour: 0, minute: 0, second: 0, millisecond: 0 }, zone);

/** The first instant of a `YYYY-MM-DD` day in `zone`, or null. */
function dayStart(text: string | null, zone: string, plusDays = 0): Date | null {
  const date = text === null ? null : parseLocalDate(text);
  return date ? midnight(addLocalDays(date, plusDays), zone) : null;
}

const categoryOf = (value: string | null): ForecastCategory | null =>
  FORECAST_CATEGORIES.find((category) => category === value) ?? null;

export interface PlanInputsQuery {
  sight: Sight;
  period: ReportPeriod;
  previous: ReportPeriod;
  asOf: Date;
  /** The deals whose forecast history is needed (the loaded facts' deals). */
  dealIds: readonly string[];
}

export async function loadPlanInputs(db: Db, query: PlanInputsQuery): Promise<PlanInputs> {
  const zone = query.period.zone;
  const forecasts = new Map<string, ForecastEntry[]>();
  for (let start = 0; start < query.dealIds.length; start += CHUNK) {
    const rows = await db.dealForecast.findMany({
      where: {
        tenant: query.sight.tenant,
        dealId: { in: query.dealIds.slice(start, start + CHUNK) },
        occurredAt: { lt: query.asOf },
      },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      select: { dealId: true, occurredAt: true, expectedCloseDate: true, category: true },
    });
    for (const row of rows) {
      const entry = {
        at: row.occurredAt,
        expectedCloseAt: dayStart(row.expectedCloseDate, zone),
        category: categoryOf(row.category),
      };
      const history = forecasts.get(row.dealId);
      if (history) history.push(entry);
      else forecasts.set(row.dealId, [entry]);
    }
  }
  return {
    forecasts,
    quotas: await loadQuotas(db, query),
    spend: await loadSpend(db, query),
    spendVisible: query.sight.all,
  };
}

/**
 * The pipeline report's plan inputs: of each of `query.dealIds`, only its latest forecast before
 * each of `cuts` (the moments the report takes its snapshots at, none after `asOf`), read in one
 * statement; quotas as loadPlanInputs reads them; no spend (the pipeline reads none). A snapshot
 * at a cut reads the latest entry before it (forecastAt), which is among these, so the figures are
 * those of the whole history. The entries are in loadPlanInputs' order (occurredAt, then id).
 * Each snapshot's part loops over the deals (valuesTable) and reads their forecasts by
 * DealForecast(dealId, occurredAt); the tenant is checked `unindexed`, or SQLite walked the tenant's
 * forecasts before the cut (DealForecast(tenant, occurredAt)) once per deal.
 */
export async function loadPipelineInputs(db: Db, query: PlanInputsQuery, cuts: readonly Date[]): Promise<PlanInputs> {
  const { sight, dealIds, period } = query;
  const deals = valuesTable(db, dealIds);
  const latestBefore = (cut: Date) => sql`
    SELECT deal_id, id, occurred_at, close_date, category FROM (
      SELECT f."dealId" AS deal_id, f.id, f."occurredAt" AS occurred_at, f."expectedCloseDate" AS close_date,
        f.category, ROW_NUMBER() OVER (PARTITION BY f."dealId" ORDER BY f."occurredAt" DESC, f.id DESC) AS place
      FROM ${deals} ids CROSS JOIN "DealForecast" f
      WHERE f."dealId" = ids.value AND ${unindexed(db, sql`f.tenant`)} = ${sight.tenant} AND f."occurredAt" < ${cut}) latest
    WHERE place = 1`;
  const moments = [...new Set(cuts.map((cut) => cut.getTime()))].map((time) => new Date(time));
  const rows =
    dealIds.length === 0 || moments.length === 0
      ? []
      : await db.$queryRaw<
          { deal_id: string; occurred_at: unknown; close_date: string | null; category: string | null }[]
        >(sql`${join(moments.map(latestBefore), ' UNION ')} ORDER BY occurred_at, id`);
  const forecasts = new Map<string, ForecastEntry[]>();
  for (const row of rows) {
    const entry = {
      at: instantOf(row.occurred_at)!,
      expectedCloseAt: dayStart(row.close_date, period.zone),
      category: categoryOf(row.category),
    };
    const history = forecasts.get(row.deal_id);
    if (history) history.push(entry);
    else forecasts.set(row.deal_id, [entry]);
  }
  return { forecasts, quotas: await loadQuotas(db, query), spend: [], spendVisible: sight.all };
}

/**
 * The channels report's plan inputs: the marketing spend of the period's and the previous
 * period's months, as loadPlanInputs reads it; no forecasts or quotas (channels reads none).
 */
export async function loadChannelInputs(db: Db, query: Omit<PlanInputsQuery, 'dealIds'>): Promise<PlanInputs> {
  return { ...NO_PLAN_INPUTS, spend: await loadSpend(db, query), spendVisible: query.sight.all };
}

/**
 * The quotas overlapping the period that start no earlier than the previous period: the facts
 * loaded cover their wins (a quota starting earlier would miss some, so it is left out).
 */
async function loadQuotas(db: Db, { sight, period, previous, asOf }: PlanInputsQuery): Promise<Quota[]> {
  const rows = await db.quota.findMany({
    where: {
      tenant: sight.tenant,
      ...(sight.all ? {} : { ownerEmail: { in: sight.owners } }),
      startsOn: { gte: previous.fromDate, lte: period.toDate },
      endsOn: { gte: period.fromDate },
      createdAt: { lt: asOf },
    },
    orderBy: [{ startsOn: 'asc' }, { scope: 'asc' }, { ownerEmail: 'asc' }, { currency: 'asc' }],
  });
  return rows.flatMap((row) => {
    const from = dayStart(row.startsOn, period.zone);
    const to = dayStart(row.endsOn, period.zone, 1);
    if (!from || !to) return [];
    return [
      {
        rep: row.scope === 'rep' ? row.ownerEmail : null,
        team: row.scope === 'team' ? row.ownerEmail : null,
        from,
        to,
        currency: row.currency,
        amountMinor: Number(row.amountMinor),
      },
    ];
  });
}

/** Spend of the months of the period and the previous one (whole-tenant callers only). */
async function loadSpend(
  db: Db,
  { sight, period, previous, asOf }: Omit<PlanInputsQuery, 'dealIds'>,
): Promise<SpendRecord[]> {
  if (!sight.all) return [];
  const rows = await db.marketingSpend.findMany({
    where: {
      tenant: sight.tenant,
      month: { in: [...monthsOf(previous), ...monthsOf(period)] },
      createdAt: { lt: asOf },
    },
    orderBy: [{ month: 'asc' }, { source: 'asc' }, { campaignKey: 'asc' }, { currency: 'asc' }],
  });
  return rows.map((row) => ({
    source: row.source,
    campaign: row.campaignKey,
    month: row.month,
    currency: row.currency,
    amountMinor: Number(row.amountMinor),
  }));
}
