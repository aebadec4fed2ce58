import { EsignWebhookParamsSchema, SignatureEventReceiptSchema } from '../routes/esign';
import { errors, json, pathParam } from './common';

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
});

export const esignPaths = {
  '/api/webhooks/esign/{provider}': {
    post: {
      operationId: 'receiveSignatureEvent',
      tags: ['signatures'],
      summary:
        'An e-signature provider reports that an envelope was signed, declined or voided (HMAC-signed; redeliveries are applied once)',
      description:
        "Verifies the signature, applies the event to the SignatureRequest of `(provider, envelopeId)` and signals the deal's journey (`signatureCompleted`). " +
        'A redelivery of a processed event id answers 200 and changes nothing. Any non-2xx answer makes the provider redeliver later.',
      parameters: [
        pathParam(
          'provider',
          EsignWebhookParamsSchema.shape.provider,
          "The adapter's name (ESIGN_PROVIDER), e.g. `fake`.",
        ),
        header('X-Esign-Event-Id', 'The event id; the same on every redelivery.'),
        header(
          'X-Esign-Timestamp',
          'Unix seconds of this delivery attempt; refused outside ±300 s (replay protection).',
        ),
        header(
          'X-Esign-Signature',
          '`sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` with ESIGN_WEBHOOK_SECRET.',
        ),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              description: "The fake provider's event; another adapter parses its provider's own format.",
              required: ['id', 'type', 'occurredAt', 'envelope'],
              properties: {
                id: { type: 'string' },
                type: { enum: ['envelope.signed', 'envelope.declined', 'envelope.voided'] },
                occurredAt: { type: 'string', format: 'date-time' },
                envelope: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    status: { enum: ['signed', 'declined', 'voided'] },
                    metadata: { type: 'object' },
                  },
                },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'Processed, or a duplicate of a processed event, or ignored (see `outcome`).',
          content: json(SignatureEventReceiptSchema),
        },
        ...errors(
          [
            '400',
            'The provider name is malformed, or the body (correctly signed) is not an envelope event (`validation_failed`).',
          ],
          [
            '401',
            'Refused (`unauthorized`); the message says why: a signature header is missing, the signature does not match the body, or the timestamp is outside the replay window.',
          ],
          ['404', 'No such provider is configured, or no signature request has this envelope (`not_found`).'],
          [
            '503',
            'Temporal or the database is unreachable: the deal was not told; redeliver (the event is not marked processed).',
          ],
        ),
      },
    },
  },
};
