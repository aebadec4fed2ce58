import { EmailSchema } from '../routes/reps';
import { IntegrationNameSchema, IntegrationTokenSchema, TokenCreateSchema, TokenIdSchema } from '../routes/people';
import { body, described, errorResponse, errors, pathParam } from './common';

/**
 * What every authenticated operation declares: the bearer token, and the 401 when it is missing
 * or does not authenticate. Spread into an operation: `{ ...needsToken, responses: { ... } }`.
 */
export const needsToken = { security: [{ bearerAuth: [] }] };

/** The 401 of an operation that needs a person. */
export const unauthenticated = errors([
  '401',
  'No token (`unauthorized`: "This endpoint needs an API token"), or the token is malformed, unknown, revoked (says when), expired (says when), or belongs to an inactive person.',
]);

/** `components.securitySchemes` of the document. */
export const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description:
      "An API token, `lf_` + 43 characters: a person's (create one with `npx leadflow tokens create --email you@company.com` or POST /api/people/{email}/tokens) or an integration's (POST /api/integrations/{name}/tokens). Its scopes (intake, read, write, admin, metrics) never exceed the person's role.",
  },
};

const personParam = pathParam('email', EmailSchema, "The person's email address (case-insensitive).");
const tokenView =
  '`{ id, personEmail, label, prefix, status: live|expired|revoked, createdAt, createdBy, lastUsedAt, expiresAt, revokedAt }` (never the secret).';
const selfOrRevops = { '403': errorResponse('The caller is neither the person nor revops (`forbidden`).') };

export const peoplePaths = {
  '/api/people/{email}/tokens': {
    post: {
      operationId: 'createToken',
      tags: ['people'],
      summary: 'Issue an API token for a person (the person themself or revops); the secret is in this answer only',
      ...needsToken,
      parameters: [personParam],
      requestBody: body(TokenCreateSchema),
      responses: {
        '201': described(
          '`{ id, token, prefix, label, personEmail, expiresAt }`; `token` is the secret, shown this once.',
        ),
        ...errors('400', ['404', 'No such person in the tenant (`not_found`).'], '413'),
        ...unauthenticated,
        ...selfOrRevops,
        '422': errorResponse('The person is inactive (`not_allowed`).'),
      },
    },
    get: {
      operationId: 'listTokens',
      tags: ['people'],
      summary: "A person's tokens, newest first, without secrets (the person themself or revops)",
      ...needsToken,
      parameters: [personParam],
      responses: {
        '200': described(`\`{ email, tokens }\`, each token ${tokenView}`),
        ...errors('400', ['404', 'No such person in the tenant (`not_found`).']),
        ...unauthenticated,
        ...selfOrRevops,
      },
    },
  },
  '/api/integrations/{name}/tokens': {
    post: {
      operationId: 'createIntegrationToken',
      tags: ['people'],
      summary:
        'Issue a token for an integration (a form tool, the CRM, the website): not a person, at most the intake, read and metrics scopes (revops only)',
      ...needsToken,
      parameters: [pathParam('name', IntegrationNameSchema, 'The integration, e.g. `webflow-forms`.')],
      requestBody: body(IntegrationTokenSchema),
      responses: {
        '201': described(
          '`{ id, token, prefix, label, personEmail (the integration), kind: integration, scopes, expiresAt }`; `token` is the secret, shown this once.',
        ),
        ...errors('400', '413'),
        ...unauthenticated,
        '403': errorResponse(
          'The caller is not revops, or asked for a scope an integration cannot have (`forbidden`).',
        ),
      },
    },
  },
  '/api/integrations': {
    get: {
      operationId: 'listIntegrationTokens',
      tags: ['people'],
      summary: "The integrations' tokens, newest first, without secrets (revops only)",
      ...needsToken,
      responses: {
        '200': described(`\`{ tokens }\`, each token ${tokenView}`),
        ...unauthenticated,
        '403': errorResponse('The caller is not revops (`forbidden`).'),
      },
    },
  },
  '/api/tokens/{id}': {
    delete: {
      operationId: 'revokeToken',
      tags: ['people'],
      summary: 'Revoke a token (its owner or revops); revoking again changes nothing',
      ...needsToken,
      parameters: [pathParam('id', TokenIdSchema, 'The token id (`tok_…`), as the listing shows it.')],
      responses: {
        '200': described(`The revoked token: ${tokenView}`),
        ...errors(
          ['400', 'The id is longer than any token id (`validation_failed`).'],
          ['404', "No such token in the caller's tenant (`not_found`)."],
        ),
        ...unauthenticated,
        '403': errorResponse('The caller neither owns the token nor is revops (`forbidden`).'),
      },
    },
  },
};
