/**
 * `scoring.yaml`: attribute tiers, source points, behaviour points with caps and decay,
 * the MQL threshold and what crossing it triggers, the SQL (BANT) criteria, and what
 * disqualification leads to.
 */
import { z } from 'zod';
import { BEHAVIOURS, SOURCE_CHANNELS } from '../facts';
import { conditionSchema, durationSchema, localisedTextSchema, nameSchema, percentSchema, pinSchema } from './common';
import { factsSchema, isoInstantSchema } from './facts';

const condition = conditionSchema('scoring');

const tierSchema = z.strictObject({
  when: condition,
  points: z.number().int().meta({ description: 'points added (negative to subtract) when this tier is the first to match' }),
  label: localisedTextSchema.optional().meta({ description: 'how the tier appears in score breakdowns, e.g. "1,000+ employees", or per language: { en: "1,000+ employees", zh-CN: 员工 1000 人以上 }' }),
});

const attributeSchema = z.strictObject({
  name: nameSchema,
  description: z.string().optional(),
  tiers: z.array(tierSchema).min(1).meta({ description: 'checked top to bottom; the first tier that matches gives its points, the rest are skipped' }),
});

const decaySchema = z.strictObject({
  every: durationSchema.meta({ description: 'calendar time after which behaviour points lose `lose` of their value, e.g. "30 days"' }),
  lose: percentSchema.meta({ description: 'share of the points lost each period, e.g. "50%"' }),
  expireAfter: durationSchema.optional().meta({ description: 'after this long a behaviour counts zero, e.g. "180 days"' }),
});

const behaviourSchema = z.strictObject({
  points: z.number().int().meta({ description: 'points for each occurrence' }),
  cap: z.number().int().positive().optional().meta({ description: 'at most this many points from this behaviour in total' }),
  decay: decaySchema.optional().meta({ description: 'overrides the file-wide decay for this behaviour' }),
});

const mqlActionSchema = z.discriminatedUnion('do', [
  z.strictObject({ do: z.literal('route').meta({ description: 'assign an owner with routing.yaml' }) }),
  z.strictObject({ do: z.literal('notify'), who: z.enum(['owner', 'owner-manager', 'marketing']) }),
  z.strictObject({ do: z.literal('enrol-cadence').meta({ description: 'enrol in the cadence cadences.yaml picks' }) }),
]);

const sqlSchema = z.strictObject({
  when: condition.meta({ description: 'BANT conditions under which an MQL becomes sales-qualified' }),
});

const disqualifyReasonSchema = z.discriminatedUnion('then', [
  z.strictObject({ then: z.literal('nurture'), description: z.string().optional() }),
  z.strictObject({ then: z.literal('recycle'), after: durationSchema.meta({ description: 'when the lead returns to marketing, e.g. "90 days"' }), description: z.string().optional() }),
]);

const scoringTestSchema = z.strictObject({
  name: z.string(),
  now: isoInstantSchema.optional().meta({ description: 'evaluation time; defaults to the time of the last behaviour' }),
  facts: factsSchema,
  expect: z.strictObject({
    score: z.number().optional(),
    mql: z.boolean().optional(),
    sql: z.boolean().optional(),
  }),
});

/** What an activation of this version does to leads already on their journey. */
export const REEVALUATE_MODES = ['none', 'in-flight'] as const;
export type ReevaluateMode = (typeof REEVALUATE_MODES)[number];

export const scoringFileSchema = z.strictObject({
  pin: pinSchema,
  're-evaluate': z
    .enum(REEVALUATE_MODES)
    .optional()
    .meta({
      description:
        'when this version is activated: in-flight re-scores every open journey under it within minutes (paced), so a lead that now reaches the threshold becomes an MQL and is routed; none (the default) leaves each lead until its next event or decay step',
    }),
  attributes: z.array(attributeSchema).meta({ description: 'points for who the lead is: company size, industry, seniority, country' }),
  sources: z.partialRecord(z.enum(SOURCE_CHANNELS), z.number().int()).meta({ description: 'points by source channel' }),
  behaviours: z.partialRecord(z.enum(BEHAVIOURS), behaviourSchema).meta({ description: 'points for what the lead does' }),
  decay: decaySchema.optional(),
  mql: z.strictObject({
    threshold: z.number().int().meta({ description: 'a lead whose score reaches this becomes an MQL' }),
    then: z.array(mqlActionSchema).meta({ description: 'what happens when a lead becomes an MQL' }),
  }),
  sql: sqlSchema,
  disqualification: z.strictObject({
    reasons: z.record(nameSchema, disqualifyReasonSchema),
  }),
  tests: z.array(scoringTestSchema).optional(),
});

export type ScoringFile = z.infer<typeof scoringFileSchema>;
export type ScoringTest = z.infer<typeof scoringTestSchema>;
export type DecaySpec = z.infer<typeof decaySchema>;
