import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { LEAD_SOURCES } from '../../domain/lead';
import { languageFromAcceptLanguage } from '../../domain/languages';
import { createIdempotencyStore } from '../../db/idempotency-store';
import { captureAnswer, captureLocation, intakeDeps, type IntakeRuntime } from '../intake-deps';
import { answerIdempotently, sendOutcome } from '../idempotency';
import { LeadflowError } from '../../domain/errors';
import { invalidInput } from '../input';
import { CaptureQuerySchema, LeadInputSchema } from '../schemas';

export interface WebhookRoutesDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  defaultTenant: string;
  signing: FormWebhookSigning;
  now?: () => Date;
  intake: IntakeRuntime;
}

/** How deliveries are authenticated: the shared secret, and whether unsigned ones are let in. */
export interface FormWebhookSigning {
  secret: string;
  /** LEADFLOW_WEBHOOK_ALLOW_UNSIGNED: a delivery without a signature is accepted (a signed one is still checked). */
  allowUnsigned: boolean;
}

/** A timestamped delivery outside this many seconds of our clock is refused (replay protection). */
export const FORM_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** Field names form tools commonly use, mapped onto the lead. First present wins. */
const FIELD_ALIASES: Record<string, string[]> = {
  email: ['email', 'Email', 'email_address', 'emailAddress', 'work_email'],
  externalId: ['externalId', 'external_id', 'crm_id', 'crmId', 'record_id'],
  firstName: ['firstName', 'first_name', 'FirstName', 'fname', 'given_name'],
  lastName: ['lastName', 'last_name', 'LastName', 'lname', 'family_name'],
  company: ['company', 'company_name', 'Company', 'organization', 'organisation'],
  title: ['title', 'job_title', 'jobTitle', 'Title', 'role'],
  phone: ['phone', 'phone_number', 'Phone', 'tel'],
  country: ['country', 'country_code', 'Country'],
};
const SOURCE_DETAIL_ALIASES: Record<string, string[]> = {
  campaign: ['campaign', 'utm_campaign'],
  medium: ['medium', 'utm_medium'],
  partner: ['partner', 'partner_name'],
  referringCustomer: ['referring_customer', 'referringCustomer', 'referrer'],
  event: ['event', 'event_name'],
  url: ['page_url', 'pageUrl', 'url'],
};
const ATTRIBUTE_FIELDS: Record<string, string[]> = {
  employees: ['employees', 'company_size', 'employee_count'],
  industry: ['industry'],
  region: ['region'],
};

const FormQuerySchema = z
  .object({
    source: z.enum(LEAD_SOURCES, { error: `must be one of: ${LEAD_SOURCES.join(', ')}` }).optional(),
    wait: CaptureQuerySchema.shape.wait,
  })
  .strict();

/**
 * `POST /api/webhooks/forms`: form tools deliver submissions here, as JSON or as a urlencoded
 * form. Common field names are mapped onto the lead; the delivery id (`X-Webhook-Id`,
 * `X-Request-Id` or `Idempotency-Key`) is an idempotency key: a redelivery gets the first answer,
 * and the id reused for a different submission is a 422 (see src/api/idempotency.ts).
 */
export function webhookRoutes(deps: WebhookRoutesDeps): Router {
  const router = Router();
  const idempotency = createIdempotencyStore(deps.db);
  router.post(
    '/api/webhooks/forms',
    express.urlencoded({ extended: false, limit: '256kb', verify: keepRawBody }),
    async (req, res) => {
      verifySignature(req, deps.signing, (deps.now ?? (() => new Date()))());
      const query = FormQuerySchema.safeParse(req.query);
      if (!query.success)
        throw invalidInput('The query is invalid; see fields.', FormQuerySchema, req.query, query.error);
      const form = (req.body ?? {}) as Record<string, unknown>;
      const submitted = toLeadInput(form, query.data.source, req.get('accept-language'));
      const lead = LeadInputSchema.safeParse(submitted);
      if (!lead.success)
        throw invalidInput(
          'The form submission is not a valid lead; see fields.',
          LeadInputSchema,
          submitted,
          lead.error,
        );
      // Forms carry no tenant (toLeadInput maps none): the secret belongs to the installation's tenant.
      const { tenant: _none, ...fields } = lead.data;
      const input = { ...fields, tenant: deps.defaultTenant };
      const outcome = await answerIdempotently(
        req,
        { store: idempotency, tenant: input.tenant, channel: 'webhook:forms', body: input },
        (submissionId) =>
          captureAnswer(intakeDeps(deps, 'the submission was not captured. Redeliver shortly.'), input, {
            submissionId,
            wait: query.data.wait ?? deps.intake.defaultWait,
          }),
      );
      const location = captureLocation(outcome.body);
      sendOutcome(res, outcome, location ? { Location: location } : {});
    },
  );
  return router;
}

function pick(form: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const value = form[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/** The mapped fields, unvalidated: the caller checks the result with the lead schema. */
/**
 * The form's fields as a lead. The language is the form's own field (`language`, `lang`,
 * `locale`: "zh", "zh-CN", "zh-Hans", "en-GB" …), else the Accept-Language the form tool passed
 * on, else left out (en); a language leadflow does not write is left out rather than refused.
 */
function toLeadInput(
  form: Record<string, unknown>,
  source: string | undefined,
  acceptLanguage: string | undefined,
): Record<string, unknown> {
  const mapped = (aliases: Record<string, string[]>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, names] of Object.entries(aliases)) {
      const value = pick(form, names);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
  const attributes: Record<string, string | number> = mapped(ATTRIBUTE_FIELDS);
  if (typeof attributes.employees === 'string' && /^\d+$/.test(attributes.employees))
    attributes.employees = Number(attributes.employees);
  const language =
    languageFromAcceptLanguage(pick(form, ['language', 'lang', 'locale'])) ??
    languageFromAcceptLanguage(acceptLanguage);
  return {
    ...mapped(FIELD_ALIASES),
    ...(language ? { language } : {}),
    source: source ?? pick(form, ['source', 'lead_source']) ?? 'content',
    sourceDetails: mapped(SOURCE_DETAIL_ALIASES),
    attributes,
  };
}

export function keepRawBody(req: Request, _res: unknown, buffer: Buffer): void {
  (req as Request & { rawBody?: Buffer }).rawBody = buffer;
}

/**
 * Checks `X-Leadflow-Signature: sha256=<hex HMAC-SHA256>` against the raw body. With
 * `X-Leadflow-Timestamp` (Unix seconds) the HMAC covers `<timestamp>.<raw body>` and the delivery
 * must be within {@link FORM_WEBHOOK_TOLERANCE_SECONDS} of now, so a captured delivery cannot be
 * replayed later; without it (the older form, still accepted) the HMAC covers the raw body alone.
 */
function verifySignature(req: Request, signing: FormWebhookSigning, now: Date): void {
  const given = req.get('X-Leadflow-Signature');
  if (given === undefined && signing.allowUnsigned) return;
  const how =
    'send X-Leadflow-Timestamp: <Unix seconds> and X-Leadflow-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>"> keyed with the form webhook secret (LEADFLOW_WEBHOOK_SECRET, or the file webhook-secret in the data dir).';
  if (given === undefined) throw new LeadflowError('unauthorized', `The webhook delivery is not signed: ${how}`);
  const timestamp = req.get('X-Leadflow-Timestamp');
  if (timestamp !== undefined && !/^\d{1,12}$/.test(timestamp.trim()))
    throw new LeadflowError(
      'unauthorized',
      `X-Leadflow-Timestamp must be Unix seconds, got ${JSON.stringify(timestamp.slice(0, 40))}; ${how}`,
    );
  const raw = (req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
  const hmac = createHmac('sha256', signing.secret);
  if (timestamp !== undefined) hmac.update(`${timestamp.trim()}.`);
  const expected = Buffer.from(`sha256=${hmac.update(raw).digest('hex')}`);
  const presented = Buffer.from(given.trim());
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    throw new LeadflowError('unauthorized', `The webhook signature does not match the delivery: ${how}`);
  if (timestamp === undefined) return;
  const skew = Math.round(now.getTime() / 1000) - Number(timestamp);
  if (Math.abs(skew) > FORM_WEBHOOK_TOLERANCE_SECONDS)
    throw new LeadflowError(
      'unauthorized',
      `X-Leadflow-Timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}; deliveries are accepted within ${FORM_WEBHOOK_TOLERANCE_SECONDS} s (replay protection). Sign each delivery attempt afresh, and check the sender's clock.`,
    );
}
