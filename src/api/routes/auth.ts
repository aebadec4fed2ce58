/**
 * Password sign-in: sign in and out, "forgot password", the one-time links that set a password,
 * RevOps' invitations, and the caller's own language. The use cases are src/usecases/accounts.ts.
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireActor } from '../../auth/actor';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../auth/passwords';
import type { Db } from '../../db/client';
import { LeadflowError } from '../../domain/errors';
import { LANGUAGES } from '../../domain/languages';
import type { Logger } from '../../logger';
import {
  describeLink,
  invitePerson,
  personLanguage,
  requestPasswordReset,
  savePersonLanguage,
  setPasswordWithLink,
  signIn,
  signOut,
  type AccountMail,
} from '../../usecases/accounts';
import { signInLimits } from '../abuse/sign-in-limits';
import { workedQueues } from '../access';
import { invalidInput, invalidInputs, refusedAt } from '../input';
import { EmailSchema } from './reps';

export interface AuthRoutesDeps {
  db: Db;
  /** The installation's tenant: sign-in and links are anonymous, so this is the tenant they act in. */
  defaultTenant: string;
  mail: AccountMail;
  logger: Logger;
  now?: () => Date;
}

const PasswordSchema = z
  .string({ error: 'must be a string' })
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters (a few words make a good one)`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

const LinkTokenSchema = z
  .string({ error: 'must be the token from the emailed link' })
  .regex(/^lf_[A-Za-z0-9_-]{43}$/, 'must be the token from the emailed link (the part after "#")');

/** Any text up to an email's length: an unknown or malformed email gets the same answer as a wrong password. */
const SignInEmailSchema = z
  .string({ error: 'must be your email address' })
  .min(1, 'must be your email address')
  .max(254, 'must be at most 254 characters');

export const SignInSchema = z.strictObject({
  email: SignInEmailSchema,
  password: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(MAX_PASSWORD_LENGTH),
});
export const PasswordResetSchema = z.strictObject({ email: SignInEmailSchema });
export const LinkLookupSchema = z.strictObject({ token: LinkTokenSchema });
export const SetPasswordSchema = z.strictObject({ token: LinkTokenSchema, password: PasswordSchema });
export const MeUpdateSchema = z.strictObject({
  language: z.enum(LANGUAGES, { error: `must be one of: ${LANGUAGES.join(', ')}` }),
});

const AccountPersonSchema = z.object({
  email: z.string(),
  name: z.string(),
  role: z.string(),
  language: z.enum(LANGUAGES),
});
export const SessionSchema = z.object({
  token: z.string().meta({ description: 'The session token: send it as `Authorization: Bearer …`.' }),
  expiresAt: z.string().meta({ description: 'ISO-8601; the session ends then (12 hours after sign-in).' }),
  person: AccountPersonSchema,
});
export const LinkViewSchema = z.object({
  person: AccountPersonSchema,
  purpose: z.enum(['invitation', 'reset']),
  expiresAt: z.string(),
});
export const PasswordSetSchema = z.object({
  person: AccountPersonSchema,
  sessionsEnded: z.number().int().meta({ description: "How many of the person's sessions were ended." }),
});
export const InvitationSchema = z.object({ email: z.string(), expiresAt: z.string() });
export const AcceptedSchema = z.object({ message: z.string() });
export const MeSchema = z.object({
  tenant: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  scopes: z.array(z.string()),
  kind: z.enum(['person', 'integration']),
  tokenId: z.string(),
  language: z
    .enum(LANGUAGES)
    .nullable()
    .meta({ description: "The person's stored language; null for an integration." }),
  queues: z.array(z.string()).meta({
    description:
      "The lead queues the caller works (routing.yaml `queues.<name>.members`; every queue for revops and integrations): `GET /api/leads?queue=<name>` lists a queue's leads, and a member takes one with `POST /api/leads/{id}/reassign`.",
  }),
  installation: z.boolean().meta({
    description:
      "The caller belongs to the installation's own tenant. The live rules are shared by every tenant, so only its RevOps activate a rules version (`POST /api/rules/activations`).",
  }),
});

/** The parsed body, or 400 with field messages. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(`The ${what} is invalid; see fields.`, schema, value ?? {}, result.error);
  return result.data;
}

/** POST/DELETE /api/auth/sessions…, POST /api/auth/password-resets, /api/auth/links, /api/auth/password, invitations, /api/me. */
export function authRoutes(deps: AuthRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const limits = signInLimits(deps.logger);
  const tenant = deps.defaultTenant;

  router.post('/api/auth/sessions', ...limits.signIn, async (req, res) => {
    const body = parsed(SignInSchema, req.body, 'sign-in');
    const session = await signIn(deps.db, { tenant, ...body, now: now(), address: req.ip });
    res.status(201).json(session);
  });

  router.delete('/api/auth/sessions/current', async (req, res) => {
    const actor = requireActor(req);
    await signOut(deps.db, { tenant: actor.tenant, personEmail: actor.email, tokenId: actor.tokenId, now: now() });
    res.status(204).end();
  });

  router.post('/api/auth/password-resets', ...limits.passwordReset, (req, res) => {
    const { email } = parsed(PasswordResetSchema, req.body, 'password reset request');
    // Answered before the email is sent, so the answer's timing does not tell known emails apart.
    res.status(202).json({
      message:
        'If this email belongs to an active person, a link to choose a new password is on its way (valid 1 hour).',
    });
    requestPasswordReset(deps.db, { tenant, email, now: now(), mail: deps.mail }).then(
      ({ failure }) => {
        if (failure) deps.logger.error({ err: failure }, 'a password reset email was not sent');
      },
      (error: unknown) => deps.logger.error({ err: error }, 'a password reset request failed'),
    );
  });

  router.post('/api/auth/links/lookup', async (req, res) => {
    const { token } = parsed(LinkLookupSchema, req.body, 'link');
    res.json(await describeLink(deps.db, { tenant, secret: token, now: now() }));
  });

  router.post('/api/auth/password', async (req, res) => {
    const body = parsed(SetPasswordSchema, req.body, 'new password');
    res.json(await setPasswordWithLink(deps.db, { tenant, secret: body.token, password: body.password, now: now() }));
  });

  router.post('/api/people/:email/invitation', async (req, res) => {
    const actor = requireActor(req);
    const email = EmailSchema.safeParse(req.params.email);
    if (!email.success)
      throw invalidInputs(
        'The person is invalid; see fields.',
        refusedAt('params.email', EmailSchema, req.params.email, email.error),
      );
    const sent = await invitePerson(deps.db, {
      tenant: actor.tenant,
      email: email.data,
      by: actor,
      now: now(),
      mail: deps.mail,
    });
    res.status(202).json(sent);
  });

  router.get('/api/me', async (req, res) => {
    const actor = requireActor(req);
    const language = actor.kind === 'person' ? await personLanguage(deps.db, actor.tenant, actor.email) : null;
    res.json({
      ...actor,
      language,
      queues: await workedQueues(req),
      installation: actor.tenant === deps.defaultTenant,
    });
  });

  router.patch('/api/me', async (req, res) => {
    const actor = requireActor(req);
    const { language } = parsed(MeUpdateSchema, req.body, 'change');
    if (actor.kind !== 'person')
      throw new LeadflowError('not_allowed', 'An integration has no language to save; only people do.');
    await savePersonLanguage(deps.db, { tenant: actor.tenant, email: actor.email, language, now: now() });
    res.json({
      ...actor,
      language,
      queues: await workedQueues(req),
      installation: actor.tenant === deps.defaultTenant,
    });
  });

  return router;
}
