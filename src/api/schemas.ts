import { z } from 'zod';
import { LEAD_SOURCES, LEAD_STAGES } from '../domain/lead';

/** Wire schemas of the HTTP API. Types are derived from them; the OpenAPI document too. */

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const SourceDetailsSchema = z
  .object({
    campaign: text(200).optional(),
    partner: text(200).optional(),
    referringCustomer: text(200).optional(),
    event: text(200).optional(),
    medium: text(100).optional(),
    url: z.url('must be a URL').max(2000).optional(),
  })
  .strict();

export const LeadInputSchema = z
  .object({
    email: z
      .string()
      .trim()
      .max(320, 'must be at most 320 characters')
      .pipe(z.email('must be a valid email address'))
      .optional(),
    externalId: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/,
        "must be 1–128 letters, digits and . _ : / - (the lead's id in your CRM or import)",
      )
      .optional(),
    tenant: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes')
      .optional(),
    firstName: text(100).optional(),
    lastName: text(100).optional(),
    company: text(200).optional(),
    title: text(200).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^[+()\d\s.-]{5,30}$/, 'must be a phone number (digits, spaces, + ( ) . -)')
      .optional(),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO 3166 country code, e.g. "DE"')
      .transform((code) => code.toUpperCase())
      .optional(),
    source: z.enum(LEAD_SOURCES, { error: `must be one of: ${LEAD_SOURCES.join(', ')}` }),
    sourceDetails: SourceDetailsSchema.default({}),
    attributes: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'attribute names are letters, digits and _'),
        z.union([z.string().max(500), z.number().finite(), z.boolean()], {
          error: 'attribute values are strings, numbers or booleans',
        }),
      )
      .refine((attributes) => Object.keys(attributes).length <= 100, 'at most 100 attributes')
      .default({}),
  })
  .strict()
  .superRefine((lead, ctx) => {
    if (lead.email === undefined && lead.externalId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'is required unless externalId is given (a lead is identified by its email or its external id)',
      });
    }
  });
export type LeadInputBody = z.infer<typeof LeadInputSchema>;

export const LeadIdSchema = z
  .string()
  .regex(/^ld_[A-Za-z0-9_-]{22}$/, 'is not a lead id (ld_ followed by 22 characters)');

export const SubmissionResponseSchema = z.object({
  id: z.string(),
  journeyId: z.string(),
  status: z.enum(['created', 'merged', 'accepted']),
  submissions: z.number().int().optional(),
});

export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export const LeadResponseSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  email: z.string().nullable(),
  externalId: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  title: z.string().nullable(),
  source: z.enum(LEAD_SOURCES),
  sourceDetails: SourceDetailsSchema,
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  stage: z.enum(LEAD_STAGES),
  score: z.number().int(),
  ownerId: z.string().nullable(),
  journeyId: z.string(),
  journeyStatus: z
    .enum(['running', 'needs-attention'])
    .describe('`needs-attention`: a step of the journey failed for good; `attentionReason` says which and why.'),
  attentionReason: z.string().nullable(),
  attentionAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  interactions: z.array(z.object({ kind: z.string(), source: z.string().nullable(), occurredAt: z.string() }).loose()),
  decisions: z.array(
    z.object({
      kind: z.string(),
      outcome: z.unknown(),
      explanation: z.object({ summary: z.string() }).loose(),
      rulesetVersion: z.string(),
      decidedAt: z.string(),
    }),
  ),
  stageEvents: z.array(
    z.object({
      fromStage: z.string().nullable(),
      toStage: z.string(),
      reason: z.string(),
      rulesetVersion: z.string().nullable(),
      occurredAt: z.string(),
    }),
  ),
  journey: z.union([
    z
      .object({
        status: z.literal('live'),
        leadId: z.string(),
        stage: z.enum(LEAD_STAGES),
        score: z.number(),
        owner: z.string().nullable(),
        queue: z.string().nullable(),
        attention: z
          .object({ step: z.string(), code: z.string(), reason: z.string(), at: z.string() })
          .nullable()
          .optional(),
      })
      .loose(),
    z.object({ status: z.enum(['unavailable', 'not_found']), message: z.string() }),
  ]),
});

const CheckSchema = z
  .object({ status: z.enum(['up', 'down']), latencyMs: z.number().optional(), message: z.string().optional() })
  .loose();
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  checks: z.object({ temporal: CheckSchema, database: CheckSchema, rules: CheckSchema }),
});

export const LeadListQuerySchema = z
  .object({
    tenant: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes')
      .optional(),
    stage: z.enum(LEAD_STAGES, { error: `must be one of: ${LEAD_STAGES.join(', ')}` }).optional(),
    owner: z.email("must be the owner's email address").optional(),
    queue: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be 1–200')
      .max(200, 'must be 1–200')
      .default(50),
    cursor: LeadIdSchema.optional(),
  })
  .strict();
