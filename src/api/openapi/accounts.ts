import {
  ActivityCreateSchema,
  ActivityListQuerySchema,
  DealParamsSchema,
  EngagementSchema,
  NeedsPutSchema,
  StakeholderCreateSchema,
  StakeholderParamsSchema,
  StakeholderPatchSchema,
} from '../routes/accounts';
import {
  body,
  described,
  errorResponse,
  errors,
  ifMatchParam,
  pathParam,
  queryParams,
  revisionRefusals,
} from './common';
import { needsToken, unauthenticated } from './people';

const tags = ['deal-records'];
const dealParam = pathParam('dealId', DealParamsSchema.shape.dealId, "The deal's id.");
const contactParam = pathParam(
  'contactId',
  StakeholderParamsSchema.shape.contactId,
  "The stakeholder's (contact's) id.",
);
const noDeal = ['404', "No such deal in the caller's tenant (`not_found`)."] as const;
const noStakeholder = ['404', 'No such deal, or no such stakeholder at its account (`not_found`).'] as const;
const notWriter = {
  '403': errorResponse(
    "The caller is not the deal's owner, one of their managers (up to 5 levels) or revops (`forbidden`).",
  ),
};
const stakeholderView =
  '`{ id, accountId, name, email, title, role, influence, reportsToId, engagedAt, notes, language, createdAt, updatedAt }`.';
const needsView =
  '`{ dealId, revision, needs: { spin: { situation, problem, implication, needPayoff }, painPoints, businessGoals, objections }, summary, updatedAt }`; the `ETag` header is the revision.';
const activityView = '`{ id, dealId, kind, summary, outcome, actor, occurredAt, details }`.';

export const accountPaths = {
  '/api/deals/{dealId}/stakeholders': {
    get: {
      operationId: 'listStakeholders',
      tags,
      summary: "The stakeholders at the deal's account",
      ...needsToken,
      parameters: [dealParam],
      responses: {
        '200': described(`\`{ dealId, stakeholders }\`, each ${stakeholderView}`),
        ...errors([...noDeal]),
        ...unauthenticated,
      },
    },
    post: {
      operationId: 'addStakeholder',
      tags,
      summary: "Add a stakeholder (a contact at the deal's account) with role, influence and who they report to",
      ...needsToken,
      parameters: [dealParam],
      requestBody: body(StakeholderCreateSchema),
      responses: {
        '201': described(`Added (\`Location\` names it). ${stakeholderView}`),
        ...errors(
          [
            '400',
            'Invalid input (`validation_failed`): e.g. an unknown role, an email another stakeholder has, a `reportsToId` not at the account or closing a reporting circle.',
          ],
          [...noDeal],
          '413',
        ),
        ...unauthenticated,
        ...notWriter,
      },
    },
  },
  '/api/deals/{dealId}/stakeholders/graph': {
    get: {
      operationId: 'getStakeholderGraph',
      tags,
      summary: 'The stakeholders as a graph, with warnings',
      description:
        'Nodes are the stakeholders; an edge `{ from, to, kind: "reports-to" }` runs from a stakeholder to their manager. `warnings` are `{ code, message, contactIds }` with code `no-decision-maker`, `decision-maker-not-engaged`, `high-influence-blocker` or `no-champion`.',
      ...needsToken,
      parameters: [dealParam],
      responses: {
        '200': described('`{ dealId, nodes, edges, warnings }`.'),
        ...errors([...noDeal]),
        ...unauthenticated,
      },
    },
  },
  '/api/deals/{dealId}/stakeholders/{contactId}': {
    get: {
      operationId: 'getStakeholder',
      tags,
      summary: 'One stakeholder',
      ...needsToken,
      parameters: [dealParam, contactParam],
      responses: { '200': described(stakeholderView), ...errors([...noStakeholder]), ...unauthenticated },
    },
    patch: {
      operationId: 'updateStakeholder',
      tags,
      summary: 'Change a stakeholder (omitted fields keep their value; `null` clears an optional one)',
      ...needsToken,
      parameters: [dealParam, contactParam],
      requestBody: body(StakeholderPatchSchema),
      responses: {
        '200': described(stakeholderView),
        ...errors(
          ['400', 'Invalid input (`validation_failed`), including a reporting circle (`reportsToId`).'],
          [...noStakeholder],
          '413',
        ),
        ...unauthenticated,
        ...notWriter,
      },
    },
    delete: {
      operationId: 'removeStakeholder',
      tags,
      summary: 'Remove a stakeholder; whoever reported to them then reports to nobody',
      ...needsToken,
      parameters: [dealParam, contactParam],
      responses: {
        '204': { description: 'Removed.' },
        ...errors([...noStakeholder]),
        ...unauthenticated,
        ...notWriter,
      },
    },
  },
  '/api/deals/{dealId}/stakeholders/{contactId}/engaged': {
    post: {
      operationId: 'markStakeholderEngaged',
      tags,
      summary: 'Record that a stakeholder took part (a reply, a call); a later time wins',
      ...needsToken,
      parameters: [dealParam, contactParam],
      requestBody: { ...body(EngagementSchema), required: false },
      responses: {
        '200': described(stakeholderView),
        ...errors(['400', 'Invalid input (`validation_failed`): `at` is not a time.'], [...noStakeholder]),
        ...unauthenticated,
        ...notWriter,
      },
    },
  },
  '/api/deals/{dealId}/needs': {
    get: {
      operationId: 'getNeeds',
      tags,
      summary: "The deal's needs analysis (SPIN, pain points, goals, objections, summary) and its revision",
      ...needsToken,
      parameters: [dealParam],
      responses: { '200': described(needsView), ...errors([...noDeal]), ...unauthenticated },
    },
    put: {
      operationId: 'putNeeds',
      tags,
      summary: 'Replace the needs analysis, naming the revision you read (If-Match or `revision`)',
      ...needsToken,
      parameters: [dealParam, ifMatchParam],
      requestBody: body(NeedsPutSchema),
      responses: {
        '200': described(`Saved; the revision went up by one. ${needsView}`),
        ...errors(['400', 'Invalid input (`validation_failed`).'], [...noDeal], '413'),
        ...revisionRefusals,
        '409': errorResponse(
          'The deal changed since that revision (`stale_revision`); the message and `fields[0]` name the current revision.',
        ),
        ...unauthenticated,
        ...notWriter,
      },
    },
  },
  '/api/deals/{dealId}/activities': {
    post: {
      operationId: 'logActivity',
      tags,
      summary: "Log a call, email, meeting, demo or note on the deal's timeline",
      ...needsToken,
      parameters: [dealParam],
      requestBody: body(ActivityCreateSchema),
      responses: {
        '201': described(`Logged. ${activityView}`),
        '200': described(`Already logged with this \`idempotencyKey\`: the first entry. ${activityView}`),
        ...errors('400', [...noDeal], '413'),
        ...unauthenticated,
        ...notWriter,
      },
    },
    get: {
      operationId: 'listActivities',
      tags,
      summary: "The deal's timeline, newest first (including materials sent), paged",
      ...needsToken,
      parameters: [dealParam, ...queryParams(ActivityListQuerySchema)],
      responses: {
        '200': described(
          `\`{ dealId, activities, nextCursor }\`; pass \`nextCursor\` as \`before\` for older entries. Each activity ${activityView}`,
        ),
        ...errors('400', [...noDeal]),
        ...unauthenticated,
      },
    },
  },
};
