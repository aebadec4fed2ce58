/**
 * The audit trail over HTTP: who did what, when and why, newest first, in keyset pages. Any
 * authenticated person of the tenant may read it.
 */
import { Router } from 'express';
import { z } from 'zod';
import { text } from '../../domain/fields';
import { sightFor } from '../access';
import type { Db } from '../../db/client';
import { AUDIT_SUBJECTS } from '../../db/audit-trail';
import { listAudit } from '../../usecases/audit-query';
import { invalidInput, under } from '../input';
import { pageCursor } from '../page-cursor';

const filterText = (max: number) => text(max).optional();

export const AuditQuerySchema = z.strictObject({
  dealId: filterText(100),
  subjectType: z.enum(AUDIT_SUBJECTS, { error: `must be one of: ${AUDIT_SUBJECTS.join(', ')}` }).optional(),
  subjectId: filterText(320),
  action: filterText(100),
  actor: filterText(320).transform((actor) => actor?.toLowerCase()),
  cursor: pageCursor('The `nextCursor` of the previous page, unchanged.'),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(50),
});

/** GET /api/audit. */
export function auditRoutes(deps: { db: Db }): Router {
  const router = Router();
  router.get('/api/audit', async (req, res) => {
    const query = AuditQuerySchema.safeParse(req.query);
    if (!query.success) {
      throw invalidInput('The query is invalid; see fields.', AuditQuerySchema, req.query, query.error, under('query'));
    }
    const { cursor, limit, ...filter } = query.data;
    res.json(await listAudit(deps.db, { sight: await sightFor(req), filter, cursor, limit }));
  });
  return router;
}
