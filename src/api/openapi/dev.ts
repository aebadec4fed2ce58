import { MailboxQuerySchema } from '../routes/mailbox';
import { described, errors, queryParams } from './common';

const onlyEmbedded = 'Only when the embedded mail server runs (no SMTP_URL); otherwise a 404.';

export const devPaths = {
  '/api/dev/mailbox': {
    get: {
      operationId: 'listMailbox',
      tags: ['dev'],
      summary: 'Emails the embedded mail server received, newest first (development)',
      description: onlyEmbedded,
      parameters: queryParams(MailboxQuerySchema),
      responses: {
        '200': described(
          '`{ messages }`: each `{ id, receivedAt, envelope, from, to, subject, text, html, messageId, size }`.',
        ),
        ...errors(
          ['400', 'An invalid or unknown query parameter (`validation_failed`).'],
          ['404', 'The embedded mail server does not run.'],
        ),
      },
    },
  },
  '/api/dev/mailbox/{id}': {
    get: {
      operationId: 'getMailboxMessage',
      tags: ['dev'],
      summary: 'One received email with its raw source (development)',
      description: onlyEmbedded,
      parameters: [
        {
          name: 'id',
          in: 'path',
          required: true,
          description: 'The message id from the listing.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': described('The message as in the listing, plus `raw` (the RFC 5322 source).'),
        ...errors(['404', 'No such email (or the embedded mail server does not run).']),
      },
    },
  },
};
