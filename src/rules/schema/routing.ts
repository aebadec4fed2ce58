/**
 * `routing.yaml`: the reps it may assign to, round-robin pools (weights, caps, skipping
 * unavailable reps, overflow), queues, ordered assignment rules, and the fallback queue.
 */
import { z } from 'zod';
import { conditionSchema, labelSchema, nameSchema, pinSchema } from './common';
import { factsSchema } from './facts';

const targetSchema = z
  .strictObject({
    pool: nameSchema.optional().meta({ description: 'a pool from `pools:`' }),
    rep: nameSchema.optional().meta({ description: 'a rep from `reps:`' }),
    queue: nameSchema.optional().meta({ description: 'a queue from `queues:`' }),
  })
  .superRefine((target, ctx) => {
    const given = [target.pool, target.rep, target.queue].filter((x) => x !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', message: 'name exactly one of pool, rep or queue', params: { diagnostic: 'invalid-value' } });
  });

const memberSchema = z.union([
  nameSchema,
  z.strictObject({
    rep: nameSchema,
    weight: z.number().positive().optional().meta({ description: 'share of leads relative to the others (default 1)' }),
  }),
]);

const poolSchema = z.strictObject({
  label: labelSchema.optional().meta({ description: 'what people see instead of the name: { en: …, zh-CN: … } (default: the name)' }),
  description: z.string().optional(),
  strategy: z.enum(['round-robin', 'weighted']).meta({ description: 'round-robin: equal turns; weighted: turns in proportion to `weight`' }),
  members: z.array(memberSchema).min(1),
  maxOpenLeads: z.number().int().positive().optional().meta({ description: 'a rep with this many open leads is skipped' }),
  skip: z.array(z.enum(['inactive', 'out-of-office'])).optional().meta({ description: 'reps to pass over (default: both)' }),
  overflow: targetSchema.optional().meta({ description: 'where a lead goes when nobody in the pool can take it (default: the fallback queue)' }),
});

const ruleSchema = z.strictObject({
  name: nameSchema,
  description: z.string().optional(),
  when: conditionSchema('routing'),
  assign: targetSchema,
});

const routingTestSchema = z.strictObject({
  name: z.string(),
  facts: factsSchema,
  expect: z.strictObject({
    rule: z.string().optional().meta({ description: 'name of the rule that decides, or "fallback"' }),
    pool: z.string().optional(),
    rep: z.string().optional(),
    queue: z.string().optional(),
  }),
});

export const routingFileSchema = z.strictObject({
  pin: pinSchema,
  reps: z.record(nameSchema, z.strictObject({ email: z.email(), name: z.string().optional() })),
  queues: z.record(
    nameSchema,
    z.strictObject({
    label: labelSchema.optional().meta({ description: 'what people see instead of the name: { en: …, zh-CN: … } (default: the name)' }),
      description: z.string().optional(),
      members: z
        .array(z.email())
        .optional()
        .meta({ description: "emails of the people who work this queue: they see and may take its leads (revops and the leads' managers see them anyway)" }),
    }),
  ),
  pools: z.record(nameSchema, poolSchema),
  rules: z.array(ruleSchema).min(1).meta({ description: 'checked top to bottom; the first rule that matches decides' }),
  fallback: z.strictObject({ queue: nameSchema }).meta({ description: 'where a lead goes when no rule matches' }),
  tests: z.array(routingTestSchema).optional(),
});

export type RoutingFile = z.infer<typeof routingFileSchema>;
export type RoutingTargetSpec = z.infer<typeof targetSchema>;
export type RoutingTest = z.infer<typeof routingTestSchema>;
