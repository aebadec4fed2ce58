import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { LEAD_SOURCES } from '../../domain/lead';
import { captureLead } from '../../usecases/intake';
import { intakeDeps } from '../intake-deps';
import { LeadflowError } from '../../domain/errors';
import { fieldErrors } from '../errors';
import { LeadInputSchema } from '../schemas';

export interface WebhookRoutesDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  defaultTenant: string;
  /** When set, every delivery must carry `X-Leadflow-Signature: sha256=<hex HMAC of the body>`. */
  secret?: string;
}

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
  .object({ source: z.enum(LEAD_SOURCES, { error: `must be one of: ${LEAD_SOURCES.join(', ')}` }).optional() })
  .strict();

/**
 * `POST /api/webhooks/forms`: form tools deliver submissions here, as JSON or as a urlencoded
 * form. Common field names are mapped onto the lead; the delivery id (`X-Webhook-Id`,
 * `X-Request-Id` or `Idempotency-Key`) makes redelivered and concurrent retries count once.
 */
export function webhookRoutes(deps: WebhookRoutesDeps): Router {
  const router = Router();
  router.post(
    '/api/webhooks/forms',
    express.urlencoded({ extended: false, limit: '256kb', verify: keepRawBody }),
    async (req, res) => {
      verifySignature(req, deps.secret);
      const query = FormQuerySchema.safeParse(req.query);
      if (!query.success)
        throw new LeadflowError('validation_failed', 'The query is invalid; see fields.', {
          details: fieldErrors(query.error),
        });
      const form = (req.body ?? {}) as Record<string, unknown>;
      const lead = LeadInputSchema.safeParse(toLeadInput(form, query.data.source));
      if (!lead.success)
        throw new LeadflowError('validation_failed', 'The form submission is not a valid lead; see fields.', {
          details: fieldErrors(lead.error),
        });
      const deliveryId = req.get('X-Webhook-Id') ?? req.get('X-Request-Id') ?? req.get('Idempotency-Key');
      const { tenant, ...input } = lead.data;
      // The webhook secret belongs to the installation's default tenant; a form cannot post into another.
      if (tenant !== undefined && tenant !== deps.defaultTenant)
        throw new LeadflowError(
          'forbidden',
          `Form webhooks deliver into tenant ${deps.defaultTenant}; a submission cannot name tenant ${tenant}.`,
        );
      const result = await captureLead(
        intakeDeps(deps, 'the submission was not captured. Redeliver shortly.'),
        { ...input, tenant: deps.defaultTenant },
        { idempotencyKey: deliveryId ? `webhook-${deliveryId}`.slice(0, 128) : undefined },
      );
      res
        .status(result.status === 'created' ? 201 : result.status === 'merged' ? 200 : 202)
        .json({ id: result.receipt.leadId, journeyId: result.receipt.journeyId, status: result.status });
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
function toLeadInput(form: Record<string, unknown>, source: string | undefined): Record<string, unknown> {
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
  return {
    ...mapped(FIELD_ALIASES),
    source: source ?? pick(form, ['source', 'lead_source']) ?? 'content',
    sourceDetails: mapped(SOURCE_DETAIL_ALIASES),
    attributes,
  };
}

export function keepRawBody(req: Request, _res: unknown, buffer: Buffer): void {
  (req as Request & { rawBody?: Buffer }).rawBody = buffer;
}

function verifySignature(req: Request, secret: string | undefined): void {
  if (!secret) return;
  const raw = (req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
  const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const given = req.get('X-Leadflow-Signature') ?? '';
  const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok)
    throw new LeadflowError(
      'unauthorized',
      'The webhook signature is missing or wrong: send X-Leadflow-Signature: sha256=<HMAC-SHA256 of the raw body with LEADFLOW_WEBHOOK_SECRET>.',
    );
}
