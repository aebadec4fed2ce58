import { REPORTS, type ReportName } from '../../usecases/analytics/reports';
import { DrillDownQuerySchema, reportQuerySchema } from '../routes/analytics';
import { DrillDownSchema, REPORT_FIGURES, reportSchema } from './analytics-shapes';
import { errorResponse, errors, jsonSchema, queryParams } from './common';
import { needsToken, unauthenticated } from './people';

const SUMMARIES: Record<ReportName, string> = {
  volume: 'Volume: leads created, MQLs, SQLs, opportunities and wins in the period, with a trend and rule activations',
  funnel:
    'Funnel conversion lead → MQL → SQL → opportunity → won, cohort view (optionally within N days) or period view',
  speed: 'Speed: lead response time in business hours, first-touch SLA attainment, time in stage, the bottleneck',
  deals: 'Deals: win rate by count and value, average deal size (ACV), sales cycle, sales velocity',
  pipeline: 'Pipeline: open pipeline by stage at the end of the period, weighted pipeline, forecast against actuals',
  'deal-desk': 'Deal desk: discount depth by approval tier, approval turnaround in business hours, quote-to-close',
  activity: 'Activity: calls, emails and meetings per rep, and per deal won',
  'win-loss': 'Win/loss review: won, lost, win rate, loss reasons and competitors',
  channels: 'Channel economics: leads, MQLs, customers and revenue per source or campaign (spend not recorded yet)',
  retention: 'Retention: contracts due for renewal in the period, renewal rate',
  'rule-attribution': 'Rule attribution: funnel, response time and win rate per ruleset version that scored or routed',
};

type JsonSchema = Record<string, unknown>;

/** The component name of a report's figures: `AnalyticsDealDeskFigures`. */
const figuresName = (report: ReportName) =>
  `Analytics${report.replace(/(^|-)(\w)/g, (_, _dash: string, letter: string) => letter.toUpperCase())}Figures`;

/** Each report's figures: written once, referenced by every operation. */
export const analyticsComponents = Object.fromEntries(
  REPORTS.map((report) => [figuresName(report), jsonSchema(REPORT_FIGURES[report])]),
);

/**
 * The report's answer with its four copies of the figures (current, previous, and both per
 * breakdown group) as references to the one component.
 */
function reportAnswer(report: ReportName): JsonSchema {
  const schema = jsonSchema(reportSchema(report)) as JsonSchema & { properties: Record<string, JsonSchema> };
  const figures = { $ref: `#/components/schemas/${figuresName(report)}` };
  const { properties } = schema;
  properties.current = figures;
  properties.previous = figures;
  const breakdown = (properties.breakdown!.anyOf as JsonSchema[])[0] as { properties: Record<string, JsonSchema> };
  const group = (breakdown.properties.groups!.items as { properties: Record<string, JsonSchema> }).properties;
  group.current = figures;
  group.previous = figures;
  return schema;
}

const badQuery = errors([
  '400',
  'A filter is invalid on its own (`validation_failed`): not a date from 1900 to 2999, not shaped like a time zone, an unknown dimension or option, or an unknown parameter; `fields` names each.',
]);
const inconsistent = {
  '422': errorResponse(
    'The filters are well-formed but do not hold (`unprocessable`, see `fields`): a zone name outside the time zone database, `to` before `from`, a period over 5 years, or `withinDays` with the period view.',
  ),
};
const csv = {
  'text/csv': { schema: { type: 'string', description: 'With `format=csv`: period,group,figure,currency,value.' } },
};

function reportPath(report: ReportName) {
  return {
    get: {
      operationId: `analytics${report.replace(/(^|-)(\w)/g, (_, _dash: string, letter: string) => letter.toUpperCase())}`,
      tags: ['analytics'],
      summary: SUMMARIES[report],
      description:
        'Figures for the period and the previous period of the same length, for the whole and (with `breakdown`) per part; every figure carries the ids behind it (docs/analytics.md). The caller sees their own figures (rep), their team’s (manager) or the tenant’s (revops, director, vp, integrations).',
      ...needsToken,
      parameters: queryParams(reportQuerySchema(report)),
      responses: {
        '200': {
          description: 'The report (JSON), or its figures as a CSV table with `format=csv`.',
          content: { 'application/json': { schema: reportAnswer(report) }, ...csv },
        },
        ...badQuery,
        ...inconsistent,
        ...unauthenticated,
      },
    },
  };
}

export const analyticsPaths = {
  ...Object.fromEntries(REPORTS.map((report) => [`/api/analytics/${report}`, reportPath(report)])),
  '/api/analytics/drill-down': {
    get: {
      operationId: 'analyticsDrillDown',
      tags: ['analytics'],
      summary:
        'The records behind one figure of a report (leads, deals, quote versions, approvals, contracts, activities)',
      description:
        'Give the query of the report (same filters, options and `asOf`) plus `report` and the figure’s JSON Pointer; the ids are paged with `offset` and `limit`.',
      ...needsToken,
      parameters: queryParams(DrillDownQuerySchema),
      responses: {
        '200': {
          description: 'A page of records (JSON), or the page as a CSV table with `format=csv`.',
          content: {
            'application/json': { schema: jsonSchema(DrillDownSchema) },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        ...badQuery,
        '404': errorResponse('The report has no figure with ids at `figure` (`not_found`).'),
        '422': errorResponse(
          'The filters do not fit together (see above), or an option the report does not take (`unprocessable`).',
        ),
        ...unauthenticated,
      },
    },
  },
};
