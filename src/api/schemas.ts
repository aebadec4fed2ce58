import { LANGUAGES } from '../domain/languages';
import { intendedCountryCode, isCountryCode } from '../domain/countries';
import { z } from 'zod';
import { text } from '../domain/fields';
import { LEAD_SOURCES, LEAD_STAGES } from '../domain/lead';
import { LEAD_LIST_CURSOR, LEAD_LIST_SORTS, cursorSort } from '../usecases/lead-list';
import { because } from './zod-words';

/** Wire schemas of the HTTP API. Types are derived from them; the OpenAPI document too. */

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

/**
 * An email address, trimmed, within RFC 5321's limits: at most 254 characters, a local part of at
 * most 64, domain labels of at most 63 that neither start nor end with "-". The OpenAPI document
 * says `format: email` (with zod's pattern), and clients and fuzzers check that format with these
 * same limits, so the document and the server agree on every address.
 */
export const emailAddress = (message = 'must be a valid email address') =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : value),
    z
      .email(message)
      .max(254, message)
      .refine((address) => fitsRfc5321(address), { message, params: { code: 'email' } }),
  );

function fitsRfc5321(address: string): boolean {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split('.');
  return local.length <= 64 && labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/**
 * Numbers in attributes are stored as JSON and compared by the rules, so they must survive the
 * round trip exactly: beyond ±2^53 a JSON number loses digits, and 1.8e308 reads back as null.
 */
const SAFE = Number.MAX_SAFE_INTEGER;
const attributeNumber = z
  .number()
  .min(-SAFE, `must be between -${SAFE} and ${SAFE}`)
  .max(SAFE, `must be between -${SAFE} and ${SAFE}`);

const EMPLOYEES = 'must be the number of employees: a whole number from 1 to 10,000,000';
const REVENUE = 'must be the annual revenue: a number from 0 to 10,000,000,000,000';

/**
 * Attributes the shipped rules read as numbers (src/domain/lead-facts.ts). Their bounds are the
 * real world's: the largest employer has about 2.3 million people, so 10 million leaves room and
 * still catches a typo or an overflow. A form may send employees as digits ("1200").
 */
const knownAttributes = {
  employees: z
    .union(
      [
        z.int(EMPLOYEES).min(1, EMPLOYEES).max(10_000_000, EMPLOYEES),
        z
          .string()
          .regex(/^(?:[1-9]\d{0,6}|10000000)$/, EMPLOYEES)
          .transform(Number),
      ],
      { error: EMPLOYEES },
    )
    .optional(),
  annualRevenue: z.number({ error: REVENUE }).min(0, REVENUE).max(10_000_000_000_000, REVENUE).optional(),
};

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export const AttributesSchema = z
  .object(knownAttributes)
  .catchall(
    z.union([z.string().max(500), attributeNumber, z.boolean()], {
      error: 'attribute values are strings, numbers (within ±2^53) or booleans',
    }),
  )
  .superRefine((attributes, ctx) => {
    const names = Object.keys(attributes);
    if (names.length > 100) ctx.addIssue({ code: 'custom', path: [], ...because('attributes-at-most', { max: 100 }) });
    for (const name of names) {
      if (!ATTRIBUTE_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], ...because('attribute-name') });
    }
  })
  .meta({ propertyNames: { pattern: ATTRIBUTE_NAME.source }, maxProperties: 100 });

/**
 * A lead's country: an assigned ISO 3166-1 alpha-2 code, in any case ("de" is DE). The codes people
 * commonly write instead ("UK", the EU's "EL") are taken as the country they mean (GB, GR), so a
 * form that sends them loses nothing; any other code is refused (422), naming what to write.
 */
const countryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO 3166 country code, e.g. "DE"')
  .transform((code) => code.toUpperCase())
  .transform((code) => intendedCountryCode(code) ?? code)
  // Well-formed but unassigned: the OpenAPI pattern cannot say which codes ISO assigns, so a 422.
  .refine(isCountryCode, {
    error: (issue) =>
      `"${String(issue.input)}" is not an ISO 3166 country code, e.g. "DE" for Germany or "GB" for the United Kingdom`,
    // Worded in Chinese by its code, with the refused code (src/api/zod-words.ts).
    params: { unprocessable: true, code: 'country-unknown' },
  });

export const LeadInputSchema = z
  .object({
    email: emailAddress().optional(),
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
    country: countryCode.optional(),
    language: z
      .enum(LANGUAGES, { error: `must be one of: ${LANGUAGES.join(', ')}` })
      .optional()
      .meta({
        description:
          "The language of emails to the lead (en or zh-CN). Left out: a form post's Accept-Language, else en.",
      }),
    source: z.enum(LEAD_SOURCES, { error: `must be one of: ${LEAD_SOURCES.join(', ')}` }),
    sourceDetails: SourceDetailsSchema.default({}),
    attributes: AttributesSchema.default({}),
  })
  .strict()
  .superRefine((lead, ctx) => {
    if (lead.email === undefined && lead.externalId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        ...because('email-or-external-id'),
      });
    }
  });
export type LeadInputBody = z.infer<typeof LeadInputSchema>;

export const LeadIdSchema = z
  .string()
  .regex(/^ld_[A-Za-z0-9_-]{22}$/, 'is not a lead id (ld_ followed by 22 characters)');

export const SubmissionResponseSchema = z.object({
  id: z.string().describe('The lead id (its record exists once the journey has stored the submission).'),
  journeyId: z.string(),
  status: z.enum(['created', 'merged', 'accepted']),
  /** Follow a 202 up at GET /api/captures/{submissionId}. */
  submissionId: z.string().describe('The capture; `GET /api/captures/{submissionId}` tells what became of it.'),
  submissions: z.number().int().optional(),
});

/** How long a capture waits before it answers (see docs/api.md "Capture"). */
export const CaptureQuerySchema = z
  .object({
    wait: z
      .enum(['accepted', 'stored'], { error: 'must be accepted or stored' })
      .optional()
      .describe(
        '`accepted` (the default, unless LEADFLOW_INTAKE_WAIT says otherwise): answer 202 as soon as the submission is captured; `stored`: wait (up to 10 s) until the journey has stored it, and answer 201 or 200 (202 if the wait runs out).',
      ),
  })
  .strict();

export const SubmissionIdSchema = z.uuid({ error: 'is not a capture id (a UUID)' });

/** GET /api/captures/{submissionId}: what became of one capture. */
export const CaptureStatusSchema = z.object({
  submissionId: z.string(),
  leadId: z.string(),
  journeyId: z.string(),
  state: z
    .enum(['pending', 'stored', 'failed'])
    .describe(
      '`pending`: captured, on its way to the journey (retried until it gets there); `stored`: the journey stored it; `failed`: the journey refused it for good (`error` says why).',
    ),
  outcome: z
    .enum(['created', 'merged'])
    .nullable()
    .describe('Once stored (when known): a new lead, or merged into one.'),
  lead: z.string().nullable().describe('Once stored: the lead (`/api/leads/{id}`).'),
  attempts: z.number().int().describe('Hand-overs to the journey that did not settle it yet.'),
  lastError: z
    .string()
    .nullable()
    .describe('Why the last hand-over did not settle it (Temporal unreachable, no worker…).'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  receivedAt: z.string(),
  settledAt: z.string().nullable(),
});
export type CaptureStatus = z.infer<typeof CaptureStatusSchema>;

export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          line: z.number().int().nullable().optional().describe('CSV imports: the line of the file (1 = header).'),
          column: z.string().nullable().optional().describe("CSV imports: the file's column."),
        }),
      )
      .optional(),
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
  phone: z.string().nullable(),
  country: z.string().nullable(),
  language: z.enum(LANGUAGES).describe('The language of emails to the lead.'),
  source: z.enum(LEAD_SOURCES),
  sourceDetails: SourceDetailsSchema,
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  stage: z.enum(LEAD_STAGES),
  score: z.number().int(),
  ownerId: z.string().nullable().describe("The owning rep's email, once routed."),
  queue: z.string().nullable().describe('The queue holding the lead when no rep owns it.'),
  journeyId: z.string(),
  timeZone: z.string().nullable().describe("The lead's IANA time zone (send windows), when known."),
  mqlAt: z.string().nullable(),
  sqlAt: z.string().nullable(),
  firstTouchAt: z.string().nullable(),
  slaDueAt: z.string().nullable().describe('When the first-touch SLA is due.'),
  slaStatus: z.enum(['none', 'running', 'met', 'breached']),
  bant: z.record(z.string(), z.unknown()).nullable().describe('The BANT qualification, once recorded.'),
  disqualifiedReason: z.string().nullable(),
  pinnedRulesVersion: z.string().nullable().describe('Set when the journey runs on a pinned ruleset version.'),
  journeyStatus: z
    .enum(['running', 'needs-attention'])
    .describe('`needs-attention`: a step of the journey failed for good; `attentionReason` says which and why.'),
  attentionReason: z.string().nullable(),
  attentionAt: z.string().nullable(),
  lastActivityAt: z
    .string()
    .nullable()
    .describe('When the lead last did something or was last touched (its newest interaction).'),
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
  tasks: z.array(
    z.object({
      kind: z.string(),
      title: z.string(),
      ownerEmail: z.string().nullable(),
      dueAt: z.string(),
      status: z.string(),
    }),
  ),
  emails: z.array(
    z.object({
      toAddress: z.string(),
      subject: z.string(),
      template: z.string().nullable(),
      status: z.string(),
      sentAt: z.string().nullable(),
    }),
  ),
  enrolments: z.array(
    z.object({
      cadence: z.string(),
      status: z.string(),
      nextStepName: z.string().nullable(),
      nextStepAt: z.string().nullable(),
      stoppedReason: z.string().nullable(),
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

const scoreBound = (what: string) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(-100000, 'must be between -100000 and 100000')
    .max(100000, 'must be between -100000 and 100000')
    .optional()
    .describe(what);

export const LeadListQuerySchema = z
  .object({
    tenant: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes')
      .optional(),
    q: z
      .string()
      .max(200, 'must be at most 200 characters')
      .regex(/[^\s%_\\]/, 'must contain a word to search for')
      .optional()
      .describe(
        'Search: each word (split at spaces, `%`, `_` and `\\`) must appear, in any case, in the first name, last name, email or company; `ada analytical` finds Ada Lovelace of Analytical Engines. Case is ignored for A–Z on SQLite and for every letter on PostgreSQL.',
      ),
    stage: z.enum(LEAD_STAGES, { error: `must be one of: ${LEAD_STAGES.join(', ')}` }).optional(),
    owner: z
      .union([z.literal('me'), emailAddress('must be "me" or the owner\'s email address')])
      .optional()
      .describe("The owner's email, or `me` for the caller's own leads."),
    queue: text(100).optional(),
    source: z
      .enum(LEAD_SOURCES, { error: `must be one of: ${LEAD_SOURCES.join(', ')}` })
      .optional()
      .describe('The channel the lead came from.'),
    minScore: scoreBound('Only leads with at least this score.'),
    maxScore: scoreBound('Only leads with at most this score.'),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be 1–200')
      .max(200, 'must be 1–200')
      .default(50),
    sort: z
      .enum(LEAD_LIST_SORTS, { error: `must be one of: ${LEAD_LIST_SORTS.join(', ')}` })
      .default('newest')
      .describe(
        '`newest` (default): newest lead first. `score`: highest score first, ties by who became an MQL first (`mqlAt`; never an MQL last), then by id; e.g. the MQL queue by score, `?stage=mql&sort=score`. `activity`: the lead with the most recent activity (`lastActivityAt`: a submission, a behaviour, a logged touch) first, leads without any last, ties by id.',
      ),
    cursor: z
      .string()
      .regex(LEAD_LIST_CURSOR, 'must be the nextCursor of the previous page')
      .optional()
      .describe('The `nextCursor` of the previous page, with the same filters and `sort`.'),
  })
  .strict()
  .superRefine(({ cursor, sort, minScore, maxScore }, ctx) => {
    // A cursor is a place in one order: another order's is well-formed but means nothing here (422).
    const cursorOrder = cursor === undefined ? undefined : cursorSort(cursor);
    if (cursorOrder !== undefined && cursorOrder !== sort)
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        ...because('cursor-other-order', { cursorOrder, sort }, { unprocessable: true }),
      });
    if (minScore !== undefined && maxScore !== undefined && minScore > maxScore)
      ctx.addIssue({
        code: 'custom',
        path: ['maxScore'],
        ...because('at-least-min-score', { minScore }, { unprocessable: true }),
      });
  });
