/**
 * `POST /api/webhooks/esign/:provider`: e-signature providers report envelope outcomes here.
 * The raw body is kept for the HMAC; everything else is the use-case's (src/esign/receive.ts).
 */
import express, { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/client';
import type { SignatureProvider } from '../../esign/adapter';
import { receiveSignatureEvent } from '../../esign/receive';
import type { Logger } from '../../logger';
import { invalidInput } from '../input';

export interface EsignRoutesDeps {
  db: Db;
  temporal: Client;
  /** The configured adapters; a webhook for any other name is a 404. */
  providers: readonly SignatureProvider[];
  logger?: Logger;
}

export const EsignWebhookParamsSchema = z.object({
  provider: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,31}$/,
      'must be a provider name such as "fake" (lowercase letters, digits and dashes)',
    ),
});

export const SignatureEventReceiptSchema = z.object({
  outcome: z
    .enum(['processed', 'duplicate', 'ignored'])
    .describe(
      'processed: applied now; duplicate: this event id was processed before (nothing changed); ignored: it contradicts the outcome already recorded.',
    ),
  eventId: z.string(),
  signatureRequestId: z.string(),
  status: z.string().describe("The signature request's status after this delivery: sent | signed | declined | voided."),
  dealNotified: z
    .boolean()
    .describe(
      "Whether this delivery signalled the deal's journey (false for a duplicate, or when the journey is not running).",
    ),
});

export function esignRoutes(deps: EsignRoutesDeps): Router {
  const router = Router();
  router.post('/api/webhooks/esign/:provider', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const params = EsignWebhookParamsSchema.safeParse(req.params);
    if (!params.success)
      throw invalidInput('The webhook URL is invalid; see fields.', EsignWebhookParamsSchema, req.params, params.error);
    const receipt = await receiveSignatureEvent(
      { db: deps.db, temporal: deps.temporal, providers: deps.providers, logger: deps.logger },
      { providerName: params.data.provider, rawBody: rawBodyOf(req), headers: headersOf(req) },
    );
    res.status(200).json(SignatureEventReceiptSchema.parse(receipt));
  });
  return router;
}

/** The bytes as received: the JSON parser's copy (app-wide `keepRawBody`) or express.raw's buffer. */
function rawBodyOf(req: Request): Buffer {
  const kept = (req as Request & { rawBody?: Buffer }).rawBody;
  if (kept) return kept;
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function headersOf(req: Request): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
}
