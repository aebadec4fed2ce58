/**
 * People and their API tokens: who am I, issue a token (the secret is in the answer once), list
 * a person's tokens, revoke one. A person manages their own tokens; revops manages everyone's.
 */
import { Router } from 'express';
import { z } from 'zod';
import { text } from '../../domain/fields';
import { requireActor } from '../../auth/actor';
import type { Db } from '../../db/client';
import { issueIntegrationToken, issueToken, listIntegrationTokens, listTokens, revokeToken } from '../../auth/tokens';
import { SCOPES } from '../../auth/scopes';
import { at, invalidInput, invalidInputs, refusedAt } from '../input';
import { EmailSchema } from './reps';

export interface PeopleRoutesDeps {
  db: Db;
  now?: () => Date;
}

export const TokenCreateSchema = z.strictObject({
  label: text(100).meta({ description: 'What the token is for, e.g. "laptop" or "crm sync".' }),
  expiresInDays: z
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650 (ten years)')
    .nullable()
    .optional(),
  scopes: z
    .array(z.enum(SCOPES, { error: `must be one of: ${SCOPES.join(', ')}` }))
    .min(1, 'give at least one scope, or leave scopes out for everything the role allows')
    .optional()
    .describe("Omitted: everything the person's role allows."),
});

const ScopesSchema = z
  .array(z.enum(SCOPES, { error: `must be one of: ${SCOPES.join(', ')}` }))
  .min(1, 'give at least one scope, or leave scopes out for everything the role allows')
  .max(SCOPES.length);

export const IntegrationNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lower-case letters, digits or dashes, e.g. "webflow-forms"');

export const IntegrationTokenSchema = z.strictObject({
  label: TokenCreateSchema.shape.label,
  scopes: ScopesSchema.default(['intake']),
  expiresInDays: TokenCreateSchema.shape.expiresInDays,
});

export const TokenIdSchema = z.string().min(1).max(100, 'is not a token id (at most 100 characters)');

/** POST and GET /api/people/:email/tokens, DELETE /api/tokens/:id. */
export function peopleRoutes(deps: PeopleRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.post('/api/people/:email/tokens', async (req, res) => {
    const actor = requireActor(req);
    const email = EmailSchema.safeParse(req.params.email);
    const body = TokenCreateSchema.safeParse(req.body ?? {});
    if (!email.success || !body.success)
      throw invalidInputs('The token request is invalid; see fields.', [
        ...refusedAt('params.email', EmailSchema, req.params.email, email.error),
        ...refusedAt(undefined, TokenCreateSchema, req.body ?? {}, body.error),
      ]);
    const issued = await issueToken(deps.db, {
      tenant: actor.tenant,
      personEmail: email.data,
      label: body.data.label,
      expiresInDays: body.data.expiresInDays,
      scopes: body.data.scopes,
      by: actor,
      now: now(),
    });
    res.status(201).json(issued);
  });

  router.post('/api/integrations/:name/tokens', async (req, res) => {
    const actor = requireActor(req);
    const name = IntegrationNameSchema.safeParse(req.params.name);
    const body = IntegrationTokenSchema.safeParse(req.body ?? {});
    if (!name.success || !body.success)
      throw invalidInputs('The integration token request is invalid; see fields.', [
        ...refusedAt('params.name', IntegrationNameSchema, req.params.name, name.error),
        ...refusedAt(undefined, IntegrationTokenSchema, req.body ?? {}, body.error),
      ]);
    const issued = await issueIntegrationToken(deps.db, {
      tenant: actor.tenant,
      name: name.data,
      label: body.data.label,
      scopes: body.data.scopes,
      expiresInDays: body.data.expiresInDays,
      by: actor,
      now: now(),
    });
    res.status(201).json(issued);
  });

  router.get('/api/integrations', async (req, res) => {
    const actor = requireActor(req);
    res.json({ tokens: await listIntegrationTokens(deps.db, { tenant: actor.tenant, by: actor, now: now() }) });
  });

  router.get('/api/people/:email/tokens', async (req, res) => {
    const actor = requireActor(req);
    const email = EmailSchema.safeParse(req.params.email);
    if (!email.success)
      throw invalidInputs(
        'The person is invalid; see fields.',
        refusedAt('params.email', EmailSchema, req.params.email, email.error),
      );
    res.json({
      email: email.data,
      tokens: await listTokens(deps.db, { tenant: actor.tenant, personEmail: email.data, by: actor, now: now() }),
    });
  });

  router.delete('/api/tokens/:id', async (req, res) => {
    const actor = requireActor(req);
    const id = TokenIdSchema.safeParse(req.params.id);
    if (!id.success)
      throw invalidInput(
        'The token id is invalid; see fields.',
        TokenIdSchema,
        req.params.id,
        id.error,
        at('params.id'),
      );
    res.json(await revokeToken(deps.db, { tenant: actor.tenant, id: id.data, by: actor, now: now() }));
  });

  return router;
}
