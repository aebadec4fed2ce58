import { Router } from 'express';
import { z } from 'zod';
import { emailAddress } from '../schemas';
import { requireRole } from '../../auth/actor';
import type { Mailbox } from '../../email/mailbox';
import { LeadflowError } from '../../domain/errors';
import { invalidInput } from '../input';

export interface MailboxRoutesDeps {
  mailbox: Mailbox;
}

const READERS = ['revops'] as const;

export const MailboxQuerySchema = z
  .object({
    to: emailAddress('must be an email address').optional(),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be 1–500')
      .max(500, 'must be 1–500')
      .default(100),
  })
  .strict();

/**
 * GET /api/dev/mailbox and GET /api/dev/mailbox/:id: the emails the embedded mail server received,
 * newest first. Mounted only when that server runs (no SMTP_URL); it is a development tool, and
 * only RevOps may read it: the emails hold leads' personal data and links meant for one person.
 */
export function mailboxRoutes(deps: MailboxRoutesDeps): Router {
  const router = Router();

  router.get('/api/dev/mailbox', async (req, res) => {
    requireRole(req, READERS, 'Reading the development mailbox');
    const query = MailboxQuerySchema.safeParse(req.query);
    if (!query.success)
      throw invalidInput('The mailbox query is invalid; see fields.', MailboxQuerySchema, req.query, query.error);
    res.json({ messages: await deps.mailbox.list(query.data) });
  });

  router.get('/api/dev/mailbox/:id', async (req, res) => {
    requireRole(req, READERS, 'Reading the development mailbox');
    const message = await deps.mailbox.get(req.params.id);
    if (!message)
      throw new LeadflowError(
        'not_found',
        `No email with id ${req.params.id} in the mailbox; GET /api/dev/mailbox lists them.`,
      );
    res.json(message);
  });

  return router;
}
