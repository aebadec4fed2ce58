/**
 * `loss-reasons.yaml`: the codes a deal closed lost is filed under, with their labels in English and
 * Simplified Chinese, what each code requires (the competitor, a note), and the code a loss given
 * only as free text is filed under.
 */
import { z } from 'zod';
import { labelSchema, nameSchema, pinSchema } from './common';

/** The languages every label is written in. */
export const LABEL_LOCALES = ['en', 'zh-CN'] as const;
export type LabelLocale = (typeof LABEL_LOCALES)[number];

/**
 * What a code may require besides itself, named as the stage move names them: the `competitor` who
 * won, or the free-text `reason` (what happened, in the closer's words).
 */
export const LOSS_REQUIREMENTS = ['competitor', 'reason'] as const;
export type LossRequirement = (typeof LOSS_REQUIREMENTS)[number];

const reasonSchema = z.strictObject({
  label: labelSchema.meta({ description: 'what people and reports show for this code, e.g. { en: Price too high, zh-CN: 价格过高 }' }),
  description: z.string().optional().meta({ description: 'when to use this code' }),
  requires: z
    .array(z.enum(LOSS_REQUIREMENTS))
    .optional()
    .meta({ description: 'competitor: the competitor who won must be named; reason: the free-text reason must be given' }),
  retired: z
    .boolean()
    .optional()
    .meta({ description: 'true: no new loss may use it; deals already filed under it keep it and its label' }),
});

const lossReasonsTestSchema = z.strictObject({
  name: z.string(),
  lost: z
    .strictObject({
      lossReason: z.string().optional().meta({ description: 'the code given, if any' }),
      competitor: z.string().optional(),
      reason: z.string().optional().meta({ description: 'the free-text reason' }),
    })
    .meta({ description: 'what the person closing the deal lost gives (the fields of the stage move)' }),
  expect: z.strictObject({
    accepted: z.boolean().optional(),
    lossReason: z.string().optional().meta({ description: 'the code the loss is filed under' }),
    refused: z
      .array(z.enum(['lossReason', 'competitor', 'reason']))
      .optional()
      .meta({ description: 'the fields refused, in order: lossReason, competitor, reason' }),
  }),
});

export const lossReasonsFileSchema = z.strictObject({
  pin: pinSchema,
  reasons: z
    .record(nameSchema, reasonSchema)
    .meta({ description: 'the loss reason codes, in the order people are offered them' }),
  fallback: nameSchema.meta({
    description: 'the code of a loss given only as free text (API clients from before loss codes); it may not require a competitor',
  }),
  tests: z.array(lossReasonsTestSchema).optional(),
});

export type LossReasonsFile = z.infer<typeof lossReasonsFileSchema>;
export type LossReasonSpec = z.infer<typeof reasonSchema>;
export type LossReasonsTest = z.infer<typeof lossReasonsTestSchema>;
