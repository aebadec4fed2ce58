/**
 * What the pipeline and channel reports read besides the recorded journeys: each deal's forecast
 * history (expected close date and category as they were set, from DealForecast rows), the quotas
 * of the period, and the marketing spend of its months. Like the facts, they are read as recorded
 * before `asOf` and cut to the caller's sight; spend belongs to no rep, so only a caller who sees
 * the whole tenant gets it.
 */
import type { Db } from '../../db/client';
import {
  codePointOrder,
  epochIn,
  forEachEntry,
  instantText,
  join,
  orderedList,
  sql,
  unindexed,
  valuesTable,
} from '../../db/raw-sql';
import type { Quota } from '../../domain/analytics/forecast';
import type { ForecastCategory } from '../../domain/analytics/pipeline';
import { FORECAST_CATEGORIES } from '../../domain/analytics/pipeline';
import { monthsOf, parseLocalDate, type ReportPeriod } from '../../domain/analytics/period';
import type { SpendRecord } from '../../domain/analytics/channel';
import { addLocalDays, fromLocalDateTime, type LocalDate } from '../../domain/time-zone';
import type { Sight } from '../visibility';
import { latest } from './reports';

/** A deal's forecast as it was set at `at` (epoch milliseconds: a report reads 100 000 of them, and only compares them). */
export interface ForecastEntry {
  at: number;
  /** The expected close day, as its first instant in the reporting zone. */
  expectedCloseAt: Date | null;
  category: ForecastCategory | null;
}

/** Each deal's forecast history, oldest first, by deal id (undefined: none). */
export interface ForecastLookup {
  get(dealId: string): readonly ForecastEntry[] | undefined;
}

export interface PlanInputs {
  /** Each deal's forecast history, oldest first. */
  forecasts: ForecastLookup;
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
        at: row.occurredAt.getTime(),
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
 * The pipeline report's plan inputs on loaded facts (the tests' and the benchmark's computation on
 * facts; served, the report reads DealHistory instead: pipelineInputsOf): each of `query.dealIds`' forecast history up to the last of
 * `cuts` (the moments the report takes its snapshots at, none after `asOf`), in loadPlanInputs'
 * order (occurredAt, then id); quotas as loadPlanInputs reads them; no spend (the pipeline reads
 * none). A snapshot at a cut reads the latest entry before it (forecastAt), so the figures are
 * those of the whole history.
 *
 * One row per deal, its history one text (`instant|category|close date,…`): at 1 000 000 leads on
 * PostgreSQL, one row per deal and cut (94 000 rows for 66 000 deals, a `ROW_NUMBER()` over each
 * deal's forecasts per cut) took 1.5–1.9 s, mostly mapping rows, and a `LIMIT 1` per deal and cut
 * about 10 µs a lookup; one lookup per deal reads its three or four entries. Grouped rather than
 * one subquery per deal, PostgreSQL reads the deals' forecasts in the order of the distinct ids and
 * aggregates them as they come: 31 000 deals' in 0.16 s instead of 0.25 s. The category is
 * checked in SQL (categoryOf's list), and a close date holding a separator is sent empty: neither
 * is a day parseLocalDate reads, so both stand for none. The history is read by
 * DealForecast(dealId, occurredAt); the tenant is checked `unindexed`, or SQLite walked the
 * tenant's forecasts before the cut (DealForecast(tenant, occurredAt)) once per deal.
 */
export async function loadPipelineInputs(db: Db, query: PlanInputsQuery, cuts: readonly Date[]): Promise<PlanInputs> {
  const { sight, dealIds, period } = query;
  const last = latest(cuts);
  const category = sql`CASE WHEN f.category IN (${join([...FORECAST_CATEGORIES])}) THEN f.category ELSE '' END`;
  const closeDate = sql`CASE WHEN f."expectedCloseDate" NOT LIKE '%,%' AND f."expectedCloseDate" NOT LIKE '%|%'
      THEN f."expectedCloseDate" ELSE '' END`;
  const entry = sql`${instantText(db, sql`f."occurredAt"`)} || '|' || ${category} || '|' || ${closeDate}`;
  const rows =
    dealIds.length === 0 || cuts.length === 0
      ? []
      : await db.$queryRaw<{ deal_id: string; history: string | null }[]>(sql`
    SELECT ids.value AS deal_id, ${orderedList(db, entry, sql`f."occurredAt", ${codePointOrder(db, sql`f.id`)}`)} AS history
    FROM ${valuesTable(db, dealIds)} ids CROSS JOIN "DealForecast" f
    WHERE f."dealId" = ids.value AND ${unindexed(db, sql`f.tenant`)} = ${sight.tenant} AND f."occurredAt" < ${last}
    GROUP BY ids.value`);
  return {
    forecasts: forecastsOf(
      rows.map((row) => ({ dealId: row.deal_id, history: row.history })),
      last,
      period.zone,
    ),
    quotas: await loadQuotas(db, query),
    spend: [],
    spendVisible: sight.all,
  };
}

/**
 * The pipeline report's plan inputs from forecast histories already read (DealHistory's
 * `forecasts`, read with the deals by dealCourses) and the quotas (loadQuotas): the entries
 * before `before` (the last snapshot) of each deal in `histories`.
 */
export function pipelineInputsOf(
  query: Pick<PlanInputsQuery, 'sight' | 'period'>,
  histories: readonly ForecastHistory[],
  before: Date,
  quotas: Quota[],
): PlanInputs {
  return {
    forecasts: forecastsOf(histories, before, query.period.zone),
    quotas,
    spend: [],
    spendVisible: query.sight.all,
  };
}

/** A deal's forecast history as one text, `instant|category|close date,…` oldest first (null: none). */
export interface ForecastHistory {
  dealId: string;
  history: string | null;
}

/**
 * Each deal's forecast entries before `before`, from their texts. A category that is not one of
 * FORECAST_CATEGORIES, and a close date that is not a day, stand for none. A deal's text is read
 * when its entries are first looked up, and kept: the pipeline report looks up only the deals open
 * at one of its snapshots (31 000 of 40 500 at 1M leads), and finding those first took longer than
 * reading every text.
 */
function forecastsOf(histories: readonly ForecastHistory[], before: Date, zone: string): ForecastLookup {
  // Tens of thousands of entries share a few hundred close dates: each day's first instant once.
  const closeDays = new Map<string, Date | null>();
  const closeDay = (text: string) => {
    let day = closeDays.get(text);
    if (day === undefined) closeDays.set(text, (day = dayStart(text, zone)));
    return day;
  };
  const texts = new Map<string, string>();
  for (const { dealId, history } of histories) if (history !== null) texts.set(dealId, history);
  const read = new Map<string, readonly ForecastEntry[] | undefined>();
  const cut = before.getTime();
  const entriesOf = (history: string): readonly ForecastEntry[] | undefined => {
    const entries: ForecastEntry[] = [];
    // `instant|category|close date` each, read in place (forEachEntry).
    forEachEntry(history, (start, end) => {
      const bar = history.indexOf('|', start);
      const next = history.indexOf('|', bar + 1);
      const at = epochIn(history, start, bar);
      // Oldest first: the rest are later still.
      if (at >= cut) return false;
      const category = categoryOf(history.slice(bar + 1, next));
      entries.push({ at, expectedCloseAt: closeDay(history.slice(next + 1, end)), category });
    });
    return entries.length > 0 ? entries : undefined;
  };
  return {
    get(dealId) {
      if (read.has(dealId)) return read.get(dealId);
      const history = texts.get(dealId);
      const entries = history === undefined ? undefined : entriesOf(history);
      read.set(dealId, entries);
      return entries;
    },
  };
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
export async function loadQuotas(
  db: Db,
  { sight, period, previous, asOf }: Omit<PlanInputsQuery, 'dealIds'>,
): Promise<Quota[]> {
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
