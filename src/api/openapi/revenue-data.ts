/**
 * OpenAPI paths of the data sales analytics needs (issue #12): a deal's forecast and the loss
 * reason codes, quotas, campaigns and marketing spend (one entry, or a CSV import).
 */
import { DealParamsSchema } from '../routes/accounts';
import { ForecastPatchSchema } from '../routes/forecast';
import {
  CampaignSchema,
  CSV_BODY_LIMIT,
  SpendImportQuerySchema,
  SpendListQuerySchema,
  SpendParamsSchema,
  SpendSchema,
} from '../routes/marketing';
import { QuotaListQuerySchema, QuotaParamsSchema, QuotasPutSchema } from '../routes/quotas';
import { body, errorResponse, errors, ifMatchParam, json, pathParam, queryParams, revisionRefusals } from './common';
import { needsToken, unauthenticated } from './people';
import {
  CampaignViewSchema,
  ForecastViewSchema,
  LossReasonCatalogueSchema,
  QuotasSetSchema,
  QuotaViewSchema,
  SpendEntryViewSchema,
  SpendImportResultSchema,
} from './response-shapes';
import { z } from 'zod';

const dealParam = pathParam('dealId', DealParamsSchema.shape.dealId, "The deal's id.");
const ok = (description: string, schema: z.ZodType) => ({ description, content: json(schema) });
const noDeal = ['404', "No such deal in the caller's sight (`not_found`)."] as const;
const revopsOnly = (what: string) => ({ '403': errorResponse(`Only revops ${what} (\`forbidden\`).`) });
const rulesDown = [
  '503',
  'No rules version is active, or the active one predates forecast.yaml / loss-reasons.yaml (`rules_unavailable`); retry after `Retry-After` seconds, or fix the rules.',
] as const;

export const revenueDataPaths = {
  '/api/deals/{dealId}/forecast': {
    get: {
      operationId: 'getDealForecast',
      tags: ['forecast'],
      summary:
        "A deal's forecast: expected close date, probability, category (the rules' and any override), revision, and every change",
      ...needsToken,
      parameters: [dealParam],
      responses: {
        '200': ok('The forecast; the `ETag` header is the revision.', ForecastViewSchema),
        ...errors([...noDeal]),
        ...unauthenticated,
      },
    },
    patch: {
      operationId: 'editDealForecast',
      tags: ['forecast'],
      summary:
        'Set the expected close date and/or override the forecast category (null clears), naming the revision you read (If-Match or `revision`)',
      description:
        "forecast.yaml decides the category of the deal's stage; an override replaces it until cleared or the deal closes (`overrides.allowed`, and a `reason` when `overrides.needsReason`). Every change is kept in `history` with the rules version.",
      ...needsToken,
      parameters: [dealParam, ifMatchParam],
      requestBody: body(ForecastPatchSchema),
      responses: {
        '200': ok('Saved; the revision went up by one.', ForecastViewSchema),
        ...errors(
          ['400', 'Invalid input (`validation_failed`): a bad date or category, or nothing to change.'],
          [...noDeal],
          '413',
          [...rulesDown],
        ),
        ...revisionRefusals,
        '409': errorResponse(
          'The deal changed since that revision (`stale_revision`, `fields[0]` names the current one), or it is closed (`conflict`).',
        ),
        '422': errorResponse(
          'forecast.yaml does not allow overriding the category (`not_allowed`, field `category`), or an override lacks the reason it requires (`unprocessable`, field `reason`).',
        ),
        ...unauthenticated,
        '403': errorResponse("The caller is not the deal's owner, one of their managers or revops (`forbidden`)."),
      },
    },
  },
  '/api/loss-reasons': {
    get: {
      operationId: 'listLossReasons',
      tags: ['forecast'],
      summary:
        'The loss reason codes of loss-reasons.yaml (labels in en and zh-CN, what each requires), to close a deal lost with',
      ...needsToken,
      responses: {
        '200': ok('The codes in the order people are offered them, retired ones last.', LossReasonCatalogueSchema),
        ...errors([...rulesDown]),
        ...unauthenticated,
      },
    },
  },
  '/api/quotas': {
    put: {
      operationId: 'setQuotas',
      tags: ['quotas'],
      summary:
        "Set quotas (a rep's or a team's, per month or quarter, in a currency): all of them or, on any problem, none",
      description:
        "Each quota is keyed by (rep or team, period, currency): setting it again replaces its amount. A team is a manager and everyone below them. Revops sets anyone's; a manager, director or VP those of the people and teams below them, never their own.",
      ...needsToken,
      requestBody: body(QuotasPutSchema),
      responses: {
        '200': ok(
          '`created`, `updated` and `unchanged` count the quotas; `quotas` are all of them as saved.',
          QuotasSetSchema,
        ),
        ...errors(
          [
            '400',
            'Invalid input (`validation_failed`): a period, currency or amount that breaks its pattern, or rep and team both or neither.',
          ],
          '413',
        ),
        '422': errorResponse(
          'Well-formed, but not applicable (`unprocessable`), every problem at `quotas.<i>.<field>`: a person not in the roster, a team lead nobody reports to, more decimals than the currency has, a quota given twice. Nothing is saved.',
        ),
        '403': errorResponse(
          'The caller may not set quotas (a rep), or one of them is not below the caller (`forbidden`; `fields` names which).',
        ),
        ...unauthenticated,
      },
    },
    get: {
      operationId: 'listQuotas',
      tags: ['quotas'],
      summary: "Quotas in the caller's sight (their own and those below them; revops all), by period",
      ...needsToken,
      parameters: queryParams(QuotaListQuerySchema),
      responses: {
        '200': ok('`{ quotas }`, by period start.', z.object({ quotas: z.array(QuotaViewSchema) })),
        ...errors('400'),
        '422': errorResponse('`to` is before `from`, or a year outside 2000–2100 (`unprocessable`).'),
        ...unauthenticated,
      },
    },
  },
  '/api/quotas/{quotaId}': {
    delete: {
      operationId: 'deleteQuota',
      tags: ['quotas'],
      summary: 'Remove a quota (who may set it may remove it)',
      ...needsToken,
      parameters: [pathParam('quotaId', QuotaParamsSchema.shape.quotaId, "The quota's id.")],
      responses: {
        '204': { description: 'Removed.' },
        ...errors(['404', "No such quota in the caller's sight (`not_found`)."]),
        '403': errorResponse('The caller may not remove quotas, or it is their own (`forbidden`).'),
        ...unauthenticated,
      },
    },
  },
  '/api/campaigns': {
    post: {
      operationId: 'putCampaign',
      tags: ['marketing'],
      summary: 'Create a campaign spend can be booked against, or rename one (by its key)',
      ...needsToken,
      requestBody: body(CampaignSchema),
      responses: {
        '201': ok('Created.', CampaignViewSchema),
        '200': ok('It existed: renamed (or unchanged).', CampaignViewSchema),
        ...errors('400', '413'),
        ...unauthenticated,
        ...revopsOnly('creates campaigns'),
      },
    },
    get: {
      operationId: 'listCampaigns',
      tags: ['marketing'],
      summary: "The tenant's campaigns, by key",
      ...needsToken,
      responses: {
        '200': ok('`{ campaigns }`.', z.object({ campaigns: z.array(CampaignViewSchema) })),
        ...unauthenticated,
      },
    },
  },
  '/api/marketing-spend': {
    post: {
      operationId: 'recordSpend',
      tags: ['marketing'],
      summary:
        'Enter what was spent on a source and campaign in a month; entering the same (source, campaign, month, currency) again replaces its amount',
      ...needsToken,
      requestBody: body(SpendSchema),
      responses: {
        '201': ok('Entered.', SpendEntryViewSchema),
        '200': ok(
          'An entry with this source, campaign, month and currency existed: its amount and note are replaced.',
          SpendEntryViewSchema,
        ),
        ...errors(
          [
            '400',
            'Invalid input (`validation_failed`), by field: a source, month, currency or amount that breaks its pattern.',
          ],
          '413',
        ),
        '422': errorResponse(
          'Well-formed, but not applicable (`unprocessable`), by field: a campaign that does not exist (create it with POST /api/campaigns; a near key is suggested), more decimals than the currency has, a year outside 2000–2100.',
        ),
        ...unauthenticated,
        ...revopsOnly('enters marketing spend'),
      },
    },
    get: {
      operationId: 'listSpend',
      tags: ['marketing'],
      summary: 'Marketing spend entries, by month, source and campaign',
      ...needsToken,
      parameters: queryParams(SpendListQuerySchema),
      responses: {
        '200': ok('`{ entries }`.', z.object({ entries: z.array(SpendEntryViewSchema) })),
        ...errors('400'),
        '422': errorResponse('`to` is before `from`, or a year outside 2000–2100 (`unprocessable`).'),
        ...unauthenticated,
        '403': errorResponse(
          'Reps do not read marketing spend (`forbidden`): managers, directors, VPs, finance and revops do.',
        ),
      },
    },
  },
  '/api/marketing-spend/import': {
    post: {
      operationId: 'importSpend',
      tags: ['marketing'],
      summary:
        'Import marketing spend from a CSV file: all rows or, on any bad row, none; importing the same file again changes nothing',
      description:
        "The body is the file (`Content-Type: text/csv`), its first line the column headers. Columns are found by the field names (source, campaign, month, currency, amount, note; any case) or by the headers the `…Column` parameters name. Each row is one (source, campaign, month, currency) total; campaigns must exist first. A bad file answers 422 listing every bad row: `fields[]` carry `path` (`rows[<n>].<field>`), `line` (the file's line, the header is 1), `column` (its header) and `message`.",
      ...needsToken,
      parameters: queryParams(SpendImportQuerySchema),
      requestBody: {
        required: true,
        content: {
          'text/csv': {
            schema: { type: 'string', description: 'The CSV file, headers on the first line.' },
            example: 'source,campaign,month,currency,amount\nads,spring-search,2026-03,USD,12500.00\n',
          },
        },
      },
      responses: {
        '200': ok(
          'Imported (or, with `dryRun=true`, checked): how many rows were created, updated and unchanged.',
          SpendImportResultSchema,
        ),
        ...errors(
          ['400', 'The body is not CSV text, or a query parameter breaks its pattern (`validation_failed`).'],
          ['413', `The file is over ${CSV_BODY_LIMIT} (\`payload_too_large\`).`],
        ),
        '422': errorResponse(
          'The file does not import (`unprocessable`): it is not valid CSV, its columns do not map to the fields, or rows are bad. Every problem is listed with its `line` and `column`; nothing was imported.',
        ),
        ...unauthenticated,
        ...revopsOnly('imports marketing spend'),
      },
    },
  },
  '/api/marketing-spend/{spendId}': {
    delete: {
      operationId: 'deleteSpend',
      tags: ['marketing'],
      summary: 'Remove a marketing spend entry',
      ...needsToken,
      parameters: [pathParam('spendId', SpendParamsSchema.shape.spendId, "The entry's id.")],
      responses: {
        '204': { description: 'Removed.' },
        ...errors(['404', 'No such entry (`not_found`).']),
        ...unauthenticated,
        ...revopsOnly('removes marketing spend'),
      },
    },
  },
};
