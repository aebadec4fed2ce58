import {
  CaptureQuerySchema,
  CaptureStatusSchema,
  LeadIdSchema,
  LeadInputSchema,
  LeadListQuerySchema,
  LeadResponseSchema,
  SubmissionIdSchema,
  SubmissionResponseSchema,
} from '../schemas';
import { CadenceViewSchema, LeadListResponseSchema, ScoreBreakdownSchema, SlaClockSchema } from './workspace-shapes';
import { body, errorResponse, errors, json, pathParam, queryParams } from './common';

export const leadIdParam = pathParam(
  'id',
  LeadIdSchema,
  'The lead id (`ld_` + 22 characters). An id of another form is a 404.',
);

const INTAKE_422 =
  'The idempotency key (or delivery id) was already used for a different request (`idempotency_key_reused`); nothing was done. Use a new key.';

const CAPTURED_202 =
  'Captured for good (stored in the intake outbox) but not yet stored by the journey: the default answer, or a `?wait=stored` whose wait ran out. The journey starts and stores it as soon as Temporal and a worker can, even after restarts. `Location` and `submissionId` lead to `GET /api/captures/{submissionId}`; a retry with the same key gets the settled 201/200 once there is one.';
const INTAKE_503 =
  'Nothing was captured: the database is unreachable (`database_unavailable`), or too many `?wait=stored` captures are in flight (`overloaded`); retry after `Retry-After` seconds. (Temporal being down is not a 503: the capture is kept and answered 202.)';

export const leadPaths = {
  '/api/leads': {
    post: {
      operationId: 'captureLead',
      tags: ['leads'],
      summary: 'Capture a lead (idempotent: a repeat submission merges into the existing journey)',
      parameters: [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes retries safe (IETF Idempotency-Key draft): the same key with the same body replays the first answer (same status and body, `Idempotent-Replayed: true`); with a different body it is a 422 `idempotency_key_reused` and nothing is stored; while the first request is still being processed, a 409 `idempotency_key_in_use`. Keys are per tenant and caller and last 24 hours.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
        },
        ...queryParams(CaptureQuerySchema),
      ],
      requestBody: leadInputBody(),
      responses: {
        '201': {
          description: 'A new lead and journey were created (`Location` names the lead).',
          content: json(SubmissionResponseSchema),
        },
        '200': {
          description: 'The submission was merged into the existing journey.',
          content: json(SubmissionResponseSchema),
        },
        '202': {
          description: CAPTURED_202,
          content: json(SubmissionResponseSchema),
        },
        '422': errorResponse(INTAKE_422),
        ...errors(
          ['400', 'Malformed JSON, invalid fields (field-level messages in `fields`) or an invalid Idempotency-Key.'],
          [
            '409',
            'The email and the external id belong to two different leads, or contradict the identifiers on record, or the database refused the lead (`conflict`); nothing was merged. Or the first request with this Idempotency-Key is still being processed (`idempotency_key_in_use`): retry after `Retry-After` seconds.',
          ],
          '413',
          ['503', INTAKE_503],
        ),
      },
    },
    get: {
      operationId: 'listLeads',
      tags: ['leads'],
      summary:
        'Search and list leads (by name, email or company: `q`), newest first, by score (`sort=score`) or by last activity (`sort=activity`), with filters and keyset paging (e.g. my MQLs by score: `?stage=mql&owner=me&sort=score`)',
      parameters: queryParams(LeadListQuerySchema),
      responses: {
        '200': {
          description:
            'One page of lead summaries; pass `nextCursor` as `cursor` for the next page (null on the last).',
          content: json(LeadListResponseSchema),
        },
        '422': errorResponse(
          'A well-formed `cursor` from a page in another order, or `minScore` above `maxScore` (`unprocessable`; `fields` names `cursor` or `maxScore`).',
        ),
        ...errors(
          [
            '400',
            'An invalid or unknown query parameter, or an unknown `sort` (`validation_failed`; `fields` names each).',
          ],
          ['503', 'The database is unreachable (`database_unavailable`).'],
        ),
      },
    },
  },
  '/api/leads/{id}': {
    get: {
      operationId: 'getLead',
      tags: ['leads'],
      summary: 'A stored lead with its history, live journey state, score breakdown, cadence and SLA clock',
      parameters: [leadIdParam],
      responses: {
        '200': {
          description:
            'The lead, with its score as readable items (`scoreBreakdown`), its cadence and next step (`cadence`) and its first-touch SLA clock (`slaClock`).',
          content: json(
            LeadResponseSchema.extend({
              scoreBreakdown: ScoreBreakdownSchema,
              cadence: CadenceViewSchema,
              slaClock: SlaClockSchema,
            }),
          ),
        },
        ...errors(['404', 'No such lead.'], ['503', 'The database is unreachable.']),
      },
    },
  },
  '/api/captures/{submissionId}': {
    get: {
      operationId: 'getCapture',
      tags: ['leads'],
      summary: 'What became of a capture (follow-up of a 202): pending, stored by its journey, or refused',
      parameters: [
        pathParam(
          'submissionId',
          SubmissionIdSchema,
          "The `submissionId` of the capture answer (a UUID). Another form, or another tenant's capture, is a 404.",
        ),
      ],
      responses: {
        '200': {
          description:
            'The capture: `pending` (it reaches its journey as soon as Temporal and a worker can), `stored` (`lead` names the lead), or `failed` (`error` says why).',
          content: json(CaptureStatusSchema),
        },
        ...errors(['404', 'No such capture in your tenant.'], ['503', 'The database is unreachable.']),
      },
    },
  },
  '/api/webhooks/forms': {
    post: {
      operationId: 'captureFormWebhook',
      tags: ['leads'],
      summary:
        'A form tool delivers a submission (JSON or urlencoded); common field names (email, first_name, company, utm_campaign, …) are mapped onto the lead',
      parameters: [
        {
          name: 'source',
          in: 'query',
          required: false,
          description: "Source channel of this form (default `content`, or the form's `source` field).",
          schema: { type: 'string' },
        },
        ...queryParams(CaptureQuerySchema),
        {
          name: 'X-Webhook-Id',
          in: 'header',
          required: false,
          description:
            'Delivery id (else `X-Request-Id` or `Idempotency-Key`), an idempotency key: a redelivery gets the first answer (`Idempotent-Replayed: true`); the id reused for a different submission is a 422 `idempotency_key_reused`; a redelivery while the first is being processed is a 409 `idempotency_key_in_use`.',
          schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
        },
        {
          name: 'X-Leadflow-Timestamp',
          in: 'header',
          required: false,
          description:
            'Unix seconds of this delivery attempt; signed with the body, and accepted within 300 s of the server clock (replay protection). Without it, the signature covers the body alone.',
          schema: { type: 'string', pattern: '^\\d{1,12}$' },
        },
        {
          name: 'X-Leadflow-Signature',
          in: 'header',
          required: false,
          description:
            'Required unless LEADFLOW_WEBHOOK_ALLOW_UNSIGNED=true: `sha256=<hex HMAC-SHA256 of "<X-Leadflow-Timestamp>.<raw body>">` (or of the raw body alone, without a timestamp), keyed with the form webhook secret (LEADFLOW_WEBHOOK_SECRET, else `<data dir>/webhook-secret`).',
          schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' },
        },
      ],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: { type: 'string' } } },
          'application/json': { schema: { type: 'object' } },
        },
      },
      responses: {
        '201': { description: 'A new lead and journey were created.', content: json(SubmissionResponseSchema) },
        '200': {
          description: 'The submission was merged into the existing journey.',
          content: json(SubmissionResponseSchema),
        },
        '202': { description: CAPTURED_202, content: json(SubmissionResponseSchema) },
        '422': errorResponse(INTAKE_422),
        ...errors(
          ['400', 'The submission is not a valid lead (field-level messages), or the delivery id is malformed.'],
          ['401', 'The signature is missing or wrong, or the timestamp is more than 300 s off.'],
          [
            '409',
            'The identifiers contradict the leads on record, or the database refused the lead (`conflict`); or the first delivery with this id is still being processed (`idempotency_key_in_use`).',
          ],
          '413',
          ['503', INTAKE_503],
        ),
      },
    },
  },
};

/** The intake body: zod cannot express "email or externalId" in JSON Schema, so it is added here. */
function leadInputBody() {
  const request = body(LeadInputSchema);
  const media = request.content['application/json'];
  media.schema = { ...media.schema, anyOf: [{ required: ['email'] }, { required: ['externalId'] }] };
  return request;
}
