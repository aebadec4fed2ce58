/**
 * Response shapes of the forecast, quota and marketing operations, as zod schemas so the OpenAPI
 * document publishes them exactly. Each is checked at compile time against the use-case's view
 * type (`Matches` below), so the document cannot drift from what the handlers send.
 */
import { z } from 'zod';
import type { ForecastView } from '../../usecases/deal-forecast';
import type { QuotaView } from '../../usecases/quotas';
import type { spendView } from '../../usecases/marketing-spend';
import type { lossReasonCatalogue } from '../../usecases/deal-loss';
import type { listDeals } from '../../usecases/deal-commands';
import { STALL_REASON_CODES } from '../../domain/deal-stall';

const nullableText = z.string().nullable();

export const ForecastViewSchema = z.object({
  dealId: z.string(),
  revision: z.number().int().meta({ description: 'Name it when editing (If-Match or `revision`); also the `ETag`.' }),
  stage: z.string(),
  expectedCloseDate: nullableText.meta({ description: 'YYYY-MM-DD' }),
  probability: z
    .number()
    .nullable()
    .meta({ description: "The stage's chance of winning from forecast.yaml (0..1); closed won 1, lost 0." }),
  category: nullableText.meta({
    description: 'commit | best-case | pipeline: the override if set, else the rules; null once closed.',
  }),
  ruleCategory: nullableText,
  override: z.object({ category: z.string(), reason: nullableText, by: nullableText, at: nullableText }).nullable(),
  rulesetVersion: nullableText,
  amountMinor: z.number().nullable(),
  currency: z.string(),
  history: z.array(
    z.object({
      at: z.string(),
      cause: z.string().meta({ description: 'conversion | stage-change | edit' }),
      stage: z.string(),
      probability: z.number().nullable(),
      expectedCloseDate: nullableText,
      category: nullableText,
      ruleCategory: nullableText,
      override: nullableText,
      amountMinor: z.number().nullable(),
      currency: z.string(),
      rulesetVersion: nullableText,
      actor: z.string(),
      reason: nullableText,
    }),
  ),
});

export const LossReasonCatalogueSchema = z.object({
  rulesetVersion: z.string(),
  fallback: z.string().meta({ description: 'The code a loss closed with only words is filed under.' }),
  reasons: z.array(
    z.object({
      code: z.string(),
      label: z.object({ en: z.string(), 'zh-CN': z.string() }),
      requires: z.array(z.enum(['competitor', 'reason'])),
      retired: z.boolean(),
    }),
  ),
});

export const QuotaViewSchema = z.object({
  id: z.string(),
  scope: z.string().meta({ description: 'rep | team' }),
  email: z.string().meta({ description: "The rep's email, or the team's manager's." }),
  periodKind: z.string().meta({ description: 'month | quarter' }),
  period: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  currency: z.string(),
  amountMinor: z.number().int(),
  amount: z.string(),
  setBy: z.string(),
  updatedAt: z.string(),
});

export const QuotasSetSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  quotas: z.array(QuotaViewSchema),
});

export const CampaignViewSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  source: nullableText,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const SpendEntryViewSchema = z.object({
  id: z.string(),
  source: z.string(),
  campaign: z.string(),
  month: z.string(),
  currency: z.string(),
  amountMinor: z.number().int(),
  amount: z.string(),
  note: nullableText,
  origin: z.string().meta({ description: 'api | csv: how it was last written' }),
  enteredBy: z.string(),
  updatedAt: z.string(),
});

export const SpendImportResultSchema = z.object({
  dryRun: z.boolean(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  fileSha256: z.string(),
});

export const StallReasonSchema = z.object({
  code: z.enum(STALL_REASON_CODES).meta({
    description:
      "`stage-alert`: in its stage longer than the escalation.yaml `stalled:` alert for it allows; `next-step-overdue`: the next step is past its day (the owner's calendar); `no-next-step`: none is set.",
  }),
  message: z.string().meta({ description: 'The reason in English words; translate by `code`.' }),
  alert: z
    .string()
    .optional()
    .meta({ description: '`stage-alert`: the escalation.yaml alert whose threshold passed.' }),
  after: z
    .string()
    .optional()
    .meta({ description: '`stage-alert`: the threshold, as the rules write it ("14 days").' }),
  since: z.string().optional().meta({ description: '`stage-alert`: when the deal entered its stage (ISO 8601).' }),
});

export const DealListResponseSchema = z.object({
  deals: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      owner: z.string(),
      stage: z.string(),
      amountMinor: z.number().nullable(),
      acvMinor: z.number().nullable(),
      currency: z.string(),
      expectedCloseDate: nullableText.meta({ description: 'YYYY-MM-DD' }),
      forecastCategory: nullableText,
      nextStep: nullableText,
      nextStepDueOn: nullableText.meta({ description: 'YYYY-MM-DD' }),
      lossReason: nullableText,
      closedAt: nullableText,
      createdAt: z.string(),
      stalling: z.object({ reasons: z.array(StallReasonSchema) }).meta({
        description:
          "Why the deal is stalling, judged on stored data: its next step, and the time since it entered its stage (its latest stage event) against the active rules' escalation.yaml stall alert for the stage. Empty `reasons`: not stalling (always for a closed deal).",
      }),
    }),
  ),
  nextCursor: nullableText.meta({ description: 'Fetches the next page with the same filters; null on the last page.' }),
});

/** Compiles only when the use-case's type is assignable to the schema's. */
type Matches<Actual extends Schema, Schema> = Actual;
export type ShapesChecked = [
  Matches<ForecastView, z.infer<typeof ForecastViewSchema>>,
  Matches<QuotaView, z.infer<typeof QuotaViewSchema>>,
  Matches<ReturnType<typeof spendView>, z.infer<typeof SpendEntryViewSchema>>,
  Matches<ReturnType<typeof lossReasonCatalogue>, z.infer<typeof LossReasonCatalogueSchema>>,
  Matches<Awaited<ReturnType<typeof listDeals>>, z.infer<typeof DealListResponseSchema>>,
];
