/**
 * `forecast.yaml`: the chance an open deal in each stage is won (for the weighted pipeline), and the
 * rules that put a deal in a forecast category (commit, best case, pipeline), which the deal's owner
 * may override when the file allows it.
 */
import { z } from 'zod';
import { conditionSchema, labelSchema, nameSchema, pinSchema } from './common';

/** The stages of an open deal: the ones a probability and a category apply to. */
export const OPEN_DEAL_STAGES = ['needs-analysis', 'presentation', 'proposal', 'negotiation'] as const;
export type OpenDealStage = (typeof OPEN_DEAL_STAGES)[number];

/** The forecast categories, from the most to the least certain. */
export const FORECAST_CATEGORIES = ['commit', 'best-case', 'pipeline'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

const categorySchema = z
  .enum(FORECAST_CATEGORIES)
  .meta({ description: 'commit (will close this period), best-case (could close), pipeline (early)' });

const probabilitySchema = z
  .number()
  .superRefine((p, ctx) => {
    if (p >= 0 && p <= 1) return;
    const hint = p > 1 && p <= 100 ? `write ${p / 100} for ${p}%` : 'e.g. 0.25 for a 25% chance';
    ctx.addIssue({ code: 'custom', message: `a probability is between 0 and 1, got ${p}`, params: { hint } });
  })
  .meta({ description: 'between 0 and 1, e.g. 0.25 for a 25% chance', minimum: 0, maximum: 1 });

const probabilitiesSchema = z
  .strictObject(Object.fromEntries(OPEN_DEAL_STAGES.map((stage) => [stage, probabilitySchema])) as Record<OpenDealStage, typeof probabilitySchema>)
  .meta({ description: 'the chance an open deal in each stage is won; weighted pipeline = amount × probability. Closed won counts 1, closed lost 0' });

const categoryRuleSchema = z.strictObject({
  name: nameSchema,
  label: labelSchema.optional().meta({ description: 'what people see instead of the name: { en: …, zh-CN: … } (default: the name)' }),
  description: z.string().optional(),
  when: conditionSchema('forecast').meta({ description: 'tests deal.stage and deal.probability' }),
  category: categorySchema,
});

const forecastTestSchema = z.strictObject({
  name: z.string(),
  stage: z.enum(OPEN_DEAL_STAGES).meta({ description: 'the stage of an open deal' }),
  expect: z.strictObject({
    probability: z.number().optional(),
    category: categorySchema.optional(),
    rule: z.string().nullable().optional().meta({ description: 'the category rule that decides, or null for `otherwise`' }),
  }),
});

export const forecastFileSchema = z.strictObject({
  pin: pinSchema,
  probabilities: probabilitiesSchema,
  categories: z
    .array(categoryRuleSchema)
    .meta({ description: 'checked top to bottom; the first rule that matches sets the category' }),
  otherwise: categorySchema.meta({ description: 'the category of an open deal no rule matches' }),
  overrides: z
    .strictObject({
      allowed: z.boolean().meta({ description: "the deal's owner (and their managers, revops) may set another category" }),
      needsReason: z.boolean().optional().meta({ description: 'an override must say why (default false)' }),
    })
    .meta({ description: 'whether people may override the category the rules give a deal' }),
  tests: z.array(forecastTestSchema).optional(),
});

export type ForecastFile = z.infer<typeof forecastFileSchema>;
export type ForecastTest = z.infer<typeof forecastTestSchema>;
