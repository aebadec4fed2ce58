import { AuditQuerySchema } from '../routes/audit';
import { described, errors, queryParams } from './common';
import { needsToken, unauthenticated } from './people';

export const auditPaths = {
  '/api/audit': {
    get: {
      operationId: 'listAudit',
      tags: ['audit'],
      summary: "The tenant's audit trail, newest first, filtered and in keyset pages (any authenticated person)",
      ...needsToken,
      parameters: queryParams(AuditQuerySchema),
      responses: {
        '200': described(
          '`{ entries, nextCursor }`; each entry `{ id, occurredAt, subjectType, subjectId, dealId, action, actor, reason, details }`. Pass `nextCursor` as `cursor` for the next page; it is null on the last.',
        ),
        ...errors([
          '400',
          'An invalid filter, limit or cursor (`validation_failed`, field-level messages in `fields`).',
        ]),
        ...unauthenticated,
      },
    },
  },
};
