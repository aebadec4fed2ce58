/**
 * The analytics API: `GET /api/analytics/<report>` for each report of
 * src/usecases/analytics/reports.ts, and `GET /api/analytics/drill-down` for the records behind
 * one figure. Every route takes the same filters (from, to, zone, breakdown), reads as of a moment
 * (`asOf`, default now) and answers JSON, or CSV with `?format=csv`. A filter that is wrong on its
 * own is a 400; a period that `from` and `to` cannot make together (to before from, over 5 years)
 * is a 422, as the relation between two fields is beyond what the OpenAPI document can describe.
 * A rep sees their own figures, a manager their team's, revops, directors and VPs the tenant's.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { requireActor } from '../../auth/actor';
import type { WorkingCalendar } from '../../domain/business-time';
import { LeadflowError } from '../../domain/errors';
import {
  AnalyticsFilterFieldsSchema,
  periodOf,
  periodProblems,
  type AnalyticsFilters,
} from '../../domain/analytics/filters';
import { previousPeriod } from '../../domain/analytics/period';
import type { StageProbabilities } from '../../domain/analytics/pipeline';
import type { RuleRegistry } from '../../rules/registry';
import { drillRecords } from '../../usecases/analytics/drill-records';
import { cellText, REPORT_CSV_COLUMNS, reportRows } from '../../usecases/analytics/report-csv';
import {
  DEFAULT_OPTIONS,
  REPORT_OPTIONS,
  REPORTS,
  type ReportName,
  type ReportOptions,
} from '../../usecases/analytics/reports';
import { capIds, idsAt } from '../../usecases/analytics/report-ids';
import { runReport, type ReportEnvelope } from '../../usecases/analytics/run-report';
import { basisPoints, probabilitiesInForce } from '../../usecases/analytics/rules-in-force';
import type { Sight } from '../../usecases/visibility';
import { sightFor } from '../access';
import { sendCsv, toCsv } from '../csv';
import { InvalidInput, type FieldError } from '../errors';
import { parseInput } from '../input';
import { ruleWords, type RuleCode, type Values } from '../zod-words';

/** The most drill-down ids a report carries inline per figure. */
export const MAX_ID_LIMIT = 10_000;
/** The most records one drill-down page holds. */
export const MAX_DRILL_PAGE = 500;

/**
 * A whole number in the query, `min`–`max`. Only digits count as one: an empty `idLimit=` or `1e2`
 * is refused, not read as 0 or 100 as `Number()` would.
 */
const whole = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && !/^-?\d+$/.test(value) ? Number.NaN : value),
    z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );

const ReadingFields = {
  asOf: z.iso.datetime({ offset: true, error: 'must be an instant like 2026-04-30T00:00:00Z' }).optional().meta({
    description:
      'Read the report as it stood at this instant: nothing recorded at or after it counts. Default (and at most): now.',
  }),
  format: z
    .enum(['json', 'csv'], { error: 'must be json or csv' })
    .default('json')
    .meta({ description: '`csv`: the answer is a CSV table (text/csv) instead of JSON.' }),
};

const IdLimitField = {
  idLimit: whole(0, MAX_ID_LIMIT)
    .default(100)
    .meta({
      description: `How many drill-down ids each figure carries inline (0–${MAX_ID_LIMIT}); counts stay exact. GET /api/analytics/drill-down pages through all of them.`,
    }),
};

/** Every report option; each report route takes the ones its report reads. */
export const OptionFields = {
  grain: z
    .enum(['day', 'week', 'month'], { error: 'must be day, week or month' })
    .optional()
    .meta({ description: 'Trend buckets: days, Monday-based weeks or months of the reporting zone (default month).' }),
  view: z
    .enum(['cohort', 'period'], { error: 'must be cohort or period' })
    .optional()
    .meta({ description: 'cohort (default): the leads created in the period; period: the transitions in the period.' }),
  withinDays: whole(1, 3650).optional().meta({
    description: 'Cohort view: count a stage only when reached within this many days of the lead’s creation.',
  }),
  by: z
    .enum(['scoring', 'routing'], { error: 'must be scoring or routing' })
    .optional()
    .meta({ description: 'Attribute each lead to the ruleset version that scored it (default) or routed it.' }),
  level: z
    .enum(['source', 'campaign'], { error: 'must be source or campaign' })
    .optional()
    .meta({ description: 'One channel per source (default) or per source and campaign.' }),
} satisfies Record<keyof ReportOptions, z.ZodType>;

/** The query of `GET /api/analytics/<report>`. */
export function reportQuerySchema(report: ReportName) {
  const options = Object.fromEntries(REPORT_OPTIONS[report].map((name) => [name, OptionFields[name]]));
  return AnalyticsFilterFieldsSchema.extend({ ...ReadingFields, ...IdLimitField, ...options });
}

export const DrillDownQuerySchema = AnalyticsFilterFieldsSchema.extend({
  report: z.enum(REPORTS, { error: `must be one of: ${REPORTS.join(', ')}` }).meta({ description: 'The report.' }),
  figure: z
    .string({ error: 'must be a JSON Pointer such as /current/winRate/byCount/numerator' })
    .regex(/^(\/[^/]*)*$/, 'must be a JSON Pointer such as /current/winRate/byCount/numerator')
    .max(500, 'must be at most 500 characters')
    .meta({
      description:
        'JSON Pointer (RFC 6901) of the figure in the report answered for the same query, e.g. `/current/winRate/byCount/numerator` or `/breakdown/groups/0/current/stages/mql`.',
    }),
  ...ReadingFields,
  offset: whole(0, 10_000_000).default(0).meta({ description: 'How many of the ids to skip.' }),
  limit: whole(1, MAX_DRILL_PAGE)
    .default(100)
    .meta({ description: `Records in this page (1–${MAX_DRILL_PAGE}).` }),
  ...OptionFields,
});

export interface AnalyticsRoutesDeps {
  db: Db;
  registry: RuleRegistry;
  /** LEADFLOW_REPORTING_ZONE; null: the zone of escalation.yaml's default calendar. */
  reportingZone: string | null;
  now?: () => Date;
}

/** Roles that see the whole tenant's figures, whoever reports to them. */
const TENANT_WIDE_ROLES = new Set(['director', 'vp']);

/** What the caller's figures cover: their sight, or the whole tenant for directors and VPs. */
async function reportingSight(req: Request): Promise<Sight> {
  const sight = await sightFor(req);
  const actor = requireActor(req);
  return actor.kind === 'person' && TENANT_WIDE_ROLES.has(actor.role) ? { ...sight, all: true } : sight;
}

/** escalation.yaml's default calendar, or Monday to Friday 09:00–17:00 in `zone` while no rules are loaded. */
function defaultCalendar(registry: RuleRegistry, zone: string): WorkingCalendar {
  const escalation = registry.activeOrNull()?.escalation;
  const calendar = escalation?.calendars[escalation.defaultCalendar];
  if (calendar) return calendar;
  return { timezone: zone, days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00', holidays: [] };
}

/** The active version's forecast.yaml stage probabilities in basis points (none while no rules are loaded). */
function activeProbabilities(registry: RuleRegistry): { version: string | null; probabilities: StageProbabilities } {
  const active = registry.activeOrNull();
  return active
    ? { version: active.version, probabilities: basisPoints(active) }
    : { version: null, probabilities: {} };
}

/** The zone reports count days in: LEADFLOW_REPORTING_ZONE, else escalation.yaml's default calendar's, else UTC. */
export function tenantZone(deps: Pick<AnalyticsRoutesDeps, 'reportingZone' | 'registry'>): string {
  if (deps.reportingZone) return deps.reportingZone;
  const escalation = deps.registry.activeOrNull()?.escalation;
  return escalation?.calendars[escalation.defaultCalendar]?.timezone ?? 'UTC';
}

/**
 * The relations between fields the document cannot state: a 422 with one entry per field, worded
 * in the caller's language by its code (../zod-words.ts).
 */
function assertConsistent(query: { from: string; to: string; view?: string; withinDays?: number }): void {
  const problems: { path: string; code: RuleCode; values: Values }[] = periodProblems(query).map((p) => ({
    path: `query.${p.path}`,
    code: p.code,
    values: p.values,
  }));
  if (query.view === 'period' && query.withinDays !== undefined)
    problems.push({ path: 'query.withinDays', code: 'cohort-only', values: {} });
  const fields = (language: 'en' | 'zh-CN'): FieldError[] =>
    problems.map(({ path, code, values }) => ({
      path,
      message: ruleWords(code, values, language),
      unprocessable: true,
    }));
  if (problems.length > 0)
    throw new InvalidInput('The filters do not make a report period; see fields.', fields('en'), (language) =>
      language === 'zh-CN' ? fields(language) : null,
    );
}

type OptionInput = { [K in keyof typeof OptionFields]?: z.output<(typeof OptionFields)[K]> };
type ParsedQuery = AnalyticsFilters & OptionInput & { asOf?: string; format: 'json' | 'csv'; idLimit?: number };

/** The report for the query; `idLimit`: the drill-down ids each figure keeps (all without it). */
async function envelopeFor(
  deps: AnalyticsRoutesDeps,
  req: Request,
  report: ReportName,
  query: ParsedQuery,
  idLimit?: number,
) {
  const now = deps.now?.() ?? new Date();
  const asOf = query.asOf ? new Date(Math.min(Date.parse(query.asOf), now.getTime())) : now;
  const zone = tenantZone(deps);
  const chosen = Object.fromEntries(
    REPORT_OPTIONS[report].flatMap((name) => (query[name] === undefined ? [] : [[name, query[name]]])),
  );
  const options: ReportOptions = { ...DEFAULT_OPTIONS, ...chosen };
  const active = activeProbabilities(deps.registry);
  return runReport(deps.db, report, {
    sight: await reportingSight(req),
    filters: { from: query.from, to: query.to, zone: query.zone, breakdown: query.breakdown },
    options,
    asOf,
    defaultZone: zone,
    calendar: defaultCalendar(deps.registry, query.zone ?? zone),
    probabilities: active.probabilities,
    probabilitiesVersion: active.version,
    idLimit,
    ...(report === 'pipeline' ? { probabilitiesAt: await pipelineProbabilities(deps, query, zone, asOf) } : {}),
  });
}

/**
 * The probabilities in force at the ends of the period and of the one before it (the moments the
 * pipeline report weighs its snapshots at), from the rules activation history.
 */
function pipelineProbabilities(deps: AnalyticsRoutesDeps, query: ParsedQuery, zone: string, asOf: Date) {
  const period = periodOf({ from: query.from, to: query.to, zone: query.zone }, zone);
  const cut = (end: Date) => new Date(Math.min(end.getTime(), asOf.getTime()));
  return probabilitiesInForce(deps.db, (hash) => deps.registry.getVersion(hash), [
    cut(period.to),
    cut(previousPeriod(period).to),
  ]);
}

export function analyticsRoutes(deps: AnalyticsRoutesDeps): Router {
  const router = Router();
  for (const report of REPORTS) {
    const schema = reportQuerySchema(report);
    router.get(`/api/analytics/${report}`, async (req, res) => {
      const query: ParsedQuery & { idLimit: number } = parseInput(schema, 'query', req.query, 'The query');
      assertConsistent(query);
      // A CSV table leaves the ids out.
      const envelope = await envelopeFor(deps, req, report, query, query.format === 'csv' ? 0 : query.idLimit);
      if (query.format === 'csv')
        return sendCsv(res, csvName(envelope), toCsv(REPORT_CSV_COLUMNS, reportRows(envelope)));
      const { value, truncated } = capIds(envelope, query.idLimit);
      const { report: name, period, previousPeriod, asOf, ...figures } = value;
      res.json({
        report: name,
        period,
        previousPeriod,
        asOf,
        idLimit: query.idLimit,
        idsTruncated: truncated,
        ...figures,
      });
    });
  }

  router.get('/api/analytics/drill-down', async (req, res) => {
    const query = parseInput(DrillDownQuerySchema, 'query', req.query, 'The query');
    const foreign = (Object.keys(OptionFields) as (keyof ReportOptions)[]).filter(
      (name) => query[name] !== undefined && !REPORT_OPTIONS[query.report].includes(name),
    );
    if (foreign.length > 0)
      throw new LeadflowError('unprocessable', `The ${query.report} report takes no such option; see fields.`, {
        details: foreign.map((name) => ({
          path: `query.${name}`,
          message: `not an option of the ${query.report} report`,
        })),
      });
    assertConsistent(query);
    const envelope = await envelopeFor(deps, req, query.report, query);
    const ids = idsAt(envelope, query.figure);
    if (ids === null)
      throw new LeadflowError(
        'not_found',
        `The ${query.report} report has no figure with drill-down ids at ${JSON.stringify(query.figure)}; point at a count, a rate's numerator or denominator, a distribution or a money total.`,
      );
    const page = ids.slice(query.offset, query.offset + query.limit);
    const records = await drillRecords(deps.db, requireActor(req).tenant, page);
    if (query.format === 'csv') return sendCsv(res, `leadflow-${query.report}-drill-down.csv`, recordsCsv(records));
    const next = query.offset + page.length;
    res.json({
      report: query.report,
      figure: query.figure,
      period: envelope.period,
      asOf: envelope.asOf,
      count: ids.length,
      offset: query.offset,
      limit: query.limit,
      nextOffset: next < ids.length ? next : null,
      records,
    });
  });
  return router;
}

function csvName(envelope: ReportEnvelope): string {
  return `leadflow-${envelope.report}-${envelope.period.from}-${envelope.period.to}.csv`;
}

/** Records of several kinds in one table: the union of their fields, in order of first appearance. */
function recordsCsv(records: readonly Record<string, unknown>[]): string {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const header = columns.length > 0 ? columns : ['kind', 'id'];
  return toCsv(
    header,
    records.map((record) => header.map((column) => cellText(record[column]))),
  );
}
