/**
 * The fake e-signature provider's HTTP API, as both sides see it: the server (fake-provider.ts)
 * validates requests with these schemas and the client (fake-client.ts) validates responses and
 * webhook bodies with them, so the two cannot drift apart.
 */
import { z } from 'zod';
import { SIGNATURE_OUTCOMES } from './adapter';

export const ENVELOPE_STATUSES = ['sent', ...SIGNATURE_OUTCOMES] as const;
export type EnvelopeStatus = (typeof ENVELOPE_STATUSES)[number];

export const EVENT_TYPES = ['envelope.signed', 'envelope.declined', 'envelope.voided'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const SignerSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  email: z.string().trim().max(320, 'must be at most 320 characters').pipe(z.email('must be a valid email address')),
});

/** What leadflow stores on an envelope and gets back on every event. */
export const MetadataSchema = z.object({
  tenant: z.string().min(1),
  dealId: z.string().min(1),
  quoteVersionId: z.string().min(1),
});

/** `POST /envelopes` (with an `Idempotency-Key` header). */
export const EnvelopeCreateSchema = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  html: z.string().min(1, 'must not be empty'),
  pdfBase64: z.base64('must be base64').optional(),
  signer: SignerSchema,
  metadata: MetadataSchema,
  callbackUrl: z.url('must be a URL').optional(),
});
export type EnvelopeCreate = z.infer<typeof EnvelopeCreateSchema>;

export const IdempotencyKeySchema = z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters');

const AttemptSchema = z.object({ at: z.string(), status: z.number().nullable(), error: z.string().optional() });

/** One webhook event and how its delivery went. */
export const DeliveryViewSchema = z.object({
  eventId: z.string(),
  type: z.enum(EVENT_TYPES),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(AttemptSchema),
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

/**
 * The email that invites the signer to the signer page, sent once per envelope when the provider
 * has a mail server: `sending` survives a crash as `unknown` (never sent twice); `off` without one.
 */
export const INVITATION_STATES = ['pending', 'sending', 'sent', 'failed', 'unknown', 'off'] as const;
export const InvitationViewSchema = z.object({
  state: z.enum(INVITATION_STATES),
  attempts: z.number().int(),
  sentAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type InvitationView = z.infer<typeof InvitationViewSchema>;

/** `GET /envelopes/:id` and the answer to every envelope write. */
export const EnvelopeViewSchema = z.object({
  id: z.string(),
  status: z.enum(ENVELOPE_STATUSES),
  title: z.string(),
  signer: SignerSchema,
  metadata: MetadataSchema,
  signingUrl: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  events: z.array(DeliveryViewSchema),
  /** Absent from providers older than invitations. */
  invitation: InvitationViewSchema.optional(),
});
export type EnvelopeView = z.infer<typeof EnvelopeViewSchema>;

/** The JSON body of a webhook delivery. */
export const WebhookPayloadSchema = z.object({
  id: z.string().min(1),
  type: z.enum(EVENT_TYPES),
  occurredAt: z.iso.datetime({ offset: true }),
  envelope: z.object({ id: z.string().min(1), status: z.enum(SIGNATURE_OUTCOMES), metadata: MetadataSchema }),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;

/** Error bodies: `{ error: { code, message } }`, like leadflow's own. */
export const ProviderErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
