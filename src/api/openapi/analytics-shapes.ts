/**
 * The answers of the analytics API as zod schemas: the OpenAPI document publishes them, and the
 * integration tests parse every answer with them, so the document cannot promise a shape the
 * routes do not send (the contract fuzzer checks the same from outside). One schema per shape of
 * src/domain/analytics/measures.ts, then one per report.
 */
import { z } from 'zod';
import { DIMENSIONS } from '../../domain/analytics/facts';
import { FUNNEL_STAGES } from '../../domain/analytics/stages';
import { REPORTS, type ReportName } from '../../usecases/analytics/reports';

const object = z.strictObject;
const count = z.number().int().min(0);
const integer = z.number().int();
const maybe = z.number().nullable();
const Ids = z.array(z.string()).meta({ description: 'Drill-down ids, sorted; at most `idLimit` of them.' });
/** An instant as toISOString writes it (`2026-03-02T05:00:00.000Z`). */
const Instant = z.string().meta({ format: 'date-time' });

const Tally = object({ count, ids: Ids });
const Ratio = object({ numerator: Tally, denominator: Tally, value: maybe });
const Distribution = object({ n: count, mean: maybe, median: maybe, p75: maybe, p90: maybe, ids: Ids });
const MoneyTotal = object({ currency: z.string(), amountMinor: integer, count, ids: Ids });
const MoneyAverage = object({ currency: z.string(), averageMinor: integer, totalMinor: integer, count, ids: Ids });
const MoneyRatio = object({
  currency: z.string(),
  numeratorMinor: integer,
  denominatorMinor: integer,
  value: maybe,
  numeratorIds: Ids,
  denominatorIds: Ids,
});
const FunnelStage = z.enum(FUNNEL_STAGES);
const Stages = object({ lead: Tally, mql: Tally, sql: Tally, opportunity: Tally, won: Tally } satisfies Record<
  (typeof FUNNEL_STAGES)[number],
  typeof Tally
>);
const Activation = object({ version: z.string(), activatedAt: Instant });
const Step = object({ from: FunnelStage, to: FunnelStage, conversion: Ratio });
const Funnel = object({
  view: z.enum(['cohort', 'period']),
  stages: Stages,
  steps: z.array(Step),
  maturing: Tally.nullable(),
});
const ResponseTime = object({ businessHours: Distribution, untouched: Tally });
const Candidate = object({
  kind: z.enum(['conversion', 'dwell']),
  stage: z.string(),
  current: maybe,
  previous: maybe,
  worsening: maybe,
  ids: Ids,
});
const DealsAmount = object({ amountMinor: integer, deals: Tally });
const ActivityCounts = object({ total: Tally, call: Tally, email: Tally, meeting: Tally });
const ReasonCount = object({ key: z.string(), deals: Tally });

/** The figures of one period (and one part of a breakdown), per report. */
export const REPORT_FIGURES = {
  volume: object({
    stages: Stages,
    trend: z.array(object({ bucket: z.string(), figures: Stages })),
    ruleActivations: z.array(Activation),
  }),
  funnel: Funnel,
  speed: object({
    responseTime: ResponseTime,
    sla: object({ attainment: Ratio, met: Tally, breached: Tally, pending: Tally }),
    timeInStage: z.array(object({ stage: z.string(), subject: z.enum(['lead', 'deal']), days: Distribution })),
    bottleneck: object({ candidates: z.array(Candidate), flagged: Candidate.nullable() })
      .nullable()
      .meta({ description: 'Current period only (it compares with the period before): null in `previous`.' }),
  }),
  deals: object({
    winRate: object({ byCount: Ratio, byValue: z.array(MoneyRatio), unvalued: Tally }),
    dealSize: object({ acv: z.array(MoneyAverage), unvalued: Tally }),
    cycle: Distribution,
    velocity: z.array(
      object({
        currency: z.string(),
        openOpportunities: Tally,
        winRate: maybe,
        averageDealMinor: integer,
        cycleDays: maybe,
        perDayMinor: integer.nullable(),
      }),
    ),
  }),
  pipeline: object({
    openByStage: z.array(object({ stage: z.string(), deals: Tally, value: z.array(MoneyTotal) })),
    weighted: object({
      byCurrency: z.array(object({ currency: z.string(), weightedMinor: integer, unweightedMinor: integer, ids: Ids })),
      unweighted: Tally,
      rulesVersion: z.string().nullable().meta({
        description:
          "The rules version whose forecast.yaml probabilities weighed it: the one in force at the period's end (or at `asOf`, if earlier), from the activation history; the active one when the history does not reach back that far.",
      }),
    }),
    forecast: z.array(
      object({
        currency: z.string(),
        commit: DealsAmount,
        bestCase: DealsAmount,
        pipeline: DealsAmount,
        actual: DealsAmount,
        attainment: maybe,
        accuracy: maybe,
        committedWon: Ratio,
      }),
    ),
    quotas: z
      .array(
        object({
          quota: object({
            rep: z.string().nullable(),
            team: z.string().nullable(),
            from: Instant,
            to: Instant,
            currency: z.string(),
            amountMinor: integer,
          }),
          wonMinor: integer,
          won: Tally,
          attainment: maybe,
          remainingMinor: integer,
          pipeline: Tally,
          pipelineMinor: integer,
          coverage: maybe,
        }),
      )
      .nullable()
      .meta({ description: 'Quotas overlapping the period (the whole only: null in a breakdown part).' }),
  }),
  'deal-desk': object({
    discountDepth: object({
      discountBp: Distribution,
      byTier: z.array(object({ tier: z.string(), discountBp: Distribution })),
    }),
    approvalTurnaround: object({
      businessHours: Distribution,
      byTier: z.array(object({ tier: z.string(), businessHours: Distribution })),
    }),
    quoteToClose: object({ rate: Ratio, lost: Tally, open: Tally }),
  }),
  activity: object({
    byRep: z.array(object({ key: z.string(), counts: ActivityCounts })),
    perWonDeal: object({
      wonDeals: Tally,
      activities: ActivityCounts,
      perDeal: object({ call: maybe, email: maybe, meeting: maybe, total: maybe }),
    }),
  }),
  'win-loss': object({
    won: Tally,
    lost: Tally,
    winRate: Ratio,
    lossReasons: z.array(ReasonCount),
    competitors: z.array(ReasonCount),
  }),
  channels: object({
    spendIncluded: z.boolean().meta({
      description:
        "Whether spend and its ratios are in the figures: only for a caller who sees the whole tenant (RevOps), and not in a breakdown's groups. Spend is the tenant's, so a manager's or a rep's leads are never set against it.",
    }),
    channels: z.array(
      object({
        source: z.string(),
        campaign: z.string().nullable(),
        spend: z.array(MoneyTotal),
        leads: Tally,
        mqls: Tally,
        customers: Tally,
        revenue: z.array(MoneyTotal),
        byCurrency: z.array(
          object({
            currency: z.string(),
            spendMinor: integer,
            costPerLeadMinor: integer.nullable(),
            costPerMqlMinor: integer.nullable(),
            cacMinor: integer.nullable(),
            revenueMinor: integer,
            roi: maybe,
          }),
        ),
      }),
    ),
  }),
  retention: object({
    due: Tally,
    dueValue: z.array(MoneyTotal),
    renewed: Tally,
    notRenewed: Tally,
    pending: Tally,
    rate: Ratio,
  }),
  'rule-attribution': object({
    rows: z.array(object({ version: z.string(), funnel: Funnel, response: ResponseTime, winRate: Ratio })),
    ruleActivations: z.array(Activation),
  }),
} satisfies Record<ReportName, z.ZodType>;

const withinDays = z.number().int().nullable();

/** The options each report echoes, with the defaults applied. */
const REPORT_OPTION_VALUES = {
  volume: object({ grain: z.enum(['day', 'week', 'month']) }),
  funnel: object({ view: z.enum(['cohort', 'period']), withinDays }),
  speed: object({}),
  deals: object({}),
  pipeline: object({}),
  'deal-desk': object({}),
  activity: object({}),
  'win-loss': object({}),
  channels: object({ level: z.enum(['source', 'campaign']) }),
  retention: object({}),
  'rule-attribution': object({ by: z.enum(['scoring', 'routing']), withinDays }),
} satisfies Record<ReportName, z.ZodType>;

const PeriodView = object({
  from: z.string().meta({ description: 'First day (local date).' }),
  to: z.string().meta({ description: 'Last day, included.' }),
  zone: z.string(),
  start: Instant.meta({ description: 'The first instant of the first day.' }),
  end: Instant.meta({ description: 'The first instant after the last day.' }),
});

/** The JSON answer of `GET /api/analytics/<report>`. */
export function reportSchema<R extends ReportName>(report: R) {
  const figures = REPORT_FIGURES[report];
  return object({
    report: z.literal(report),
    period: PeriodView,
    previousPeriod: PeriodView.meta({ description: 'The same number of days, ending the day before `period`.' }),
    asOf: Instant,
    idLimit: count,
    idsTruncated: z.boolean().meta({ description: 'Whether some figure has more ids than `idLimit` shows.' }),
    options: REPORT_OPTION_VALUES[report],
    current: figures,
    previous: figures,
    breakdown: object({
      dimension: z.enum(DIMENSIONS),
      groups: z.array(object({ key: z.string(), current: figures, previous: figures })).meta({
        description:
          "One per group with a record behind a figure, in the period or the one before; by rep or team, also each sales rep in the caller's sight and each one's team, at zero when nothing counts. In key order, `(none)` last.",
      }),
    }).nullable(),
  });
}

const at = Instant;
const DrillRecord = z.discriminatedUnion('kind', [
  object({
    kind: z.literal('lead'),
    id: z.string(),
    createdAt: at,
    email: z.string().nullable(),
    company: z.string().nullable(),
    source: z.string(),
    stage: z.string(),
    ownerEmail: z.string().nullable(),
  }),
  object({
    kind: z.literal('deal'),
    id: z.string(),
    leadId: z.string(),
    name: z.string(),
    ownerEmail: z.string(),
    stage: z.string(),
    currency: z.string(),
    acvMinor: integer.nullable(),
    closedAt: at.nullable(),
  }),
  object({
    kind: z.literal('quote-version'),
    id: z.string(),
    quoteId: z.string(),
    dealId: z.string(),
    version: integer,
    status: z.string(),
    discountBp: integer,
    tier: z.string().nullable(),
    sentAt: at.nullable(),
  }),
  object({
    kind: z.literal('approval'),
    id: z.string(),
    dealId: z.string(),
    tier: z.string(),
    status: z.string(),
    requestedAt: at,
    decidedAt: at.nullable(),
  }),
  object({
    kind: z.literal('contract'),
    id: z.string(),
    dealId: z.string(),
    startDate: at,
    endDate: at,
    currency: z.string(),
    acvMinor: integer,
  }),
  object({
    kind: z.literal('activity'),
    id: z.string(),
    leadId: z.string(),
    dealId: z.string().nullable(),
    type: z.string(),
    actor: z.string().nullable(),
    occurredAt: at,
  }),
  object({ kind: z.literal('other'), id: z.string() }),
]);

/** The JSON answer of `GET /api/analytics/drill-down`. */
export const DrillDownSchema = object({
  report: z.enum(REPORTS),
  figure: z.string(),
  period: PeriodView,
  asOf: Instant,
  count: count.meta({ description: 'How many ids the figure has in all.' }),
  offset: count,
  limit: count,
  nextOffset: count.nullable().meta({ description: 'The offset of the next page; null on the last.' }),
  records: z.array(DrillRecord),
});
