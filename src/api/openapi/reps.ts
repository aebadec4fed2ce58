import { EmailSchema, RepUpdateSchema, TenantQuerySchema } from '../routes/reps';
import { body, described, errorResponse, errors, pathParam, queryParams } from './common';
import { needsToken, unauthenticated } from './people';

const repEmailParam = pathParam('email', EmailSchema, "The rep's email address (case-insensitive).");
const tenantQuery = queryParams(TenantQuerySchema);
const unavailable = [
  '503',
  'No valid routing rules are active (`rules_unavailable`) or the database is unreachable (`database_unavailable`).',
] as const;
const repView =
  'The rep: `{ email, name, routingName, stored, role, managerEmail, delegateEmail, timeZone, language, active, outOfOffice, outOfOfficeNow, maxOpenLeads, openLeads, pools }`.';

export const repPaths = {
  '/api/reps': {
    get: {
      operationId: 'listReps',
      tags: ['reps'],
      summary: 'The roster: reps from routing.yaml merged with stored reps, with pools and open-lead counts',
      parameters: tenantQuery,
      responses: {
        '200': described('`{ tenant, reps }`, each rep as in GET /api/reps/{email}.'),
        ...errors(['400', 'An invalid `tenant` (`validation_failed`).'], [...unavailable]),
      },
    },
  },
  '/api/reps/{email}': {
    get: {
      operationId: 'getRep',
      tags: ['reps'],
      summary: 'One rep',
      parameters: [repEmailParam, ...tenantQuery],
      responses: {
        '200': described(repView),
        ...errors(
          ['400', 'An invalid `tenant` (`validation_failed`).'],
          ['404', 'No such rep in routing.yaml or in the tenant (or not an email).'],
          [...unavailable],
        ),
      },
    },
    put: {
      operationId: 'putRep',
      tags: ['reps'],
      summary:
        'Create or update a rep (omitted fields keep their value; `null` clears one). Needs a token: revops may change anything; a person their own active, outOfOffice and delegateEmail; their manager their active and outOfOffice',
      ...needsToken,
      parameters: [repEmailParam, ...tenantQuery],
      requestBody: { ...body(RepUpdateSchema), required: false },
      responses: {
        '200': described(`Updated. ${repView}`),
        '201': described(`Created (\`Location\` names the rep). ${repView}`),
        ...errors('400', '413', [...unavailable]),
        '422': errorResponse(
          'Well-formed, but not applicable to what is stored (`unprocessable`, see `fields`): a new rep unknown to routing.yaml without a `name`, an unknown manager or delegate, the rep as their own manager, a manager chain that would go round in a circle, a person deactivating themselves, or the last active RevOps person leaving the role.',
        ),
        ...unauthenticated,
        '403': errorResponse(
          'The caller may not change these fields of this person, or the person is of another tenant (`forbidden`; the message says which fields need revops).',
        ),
      },
    },
  },
};
