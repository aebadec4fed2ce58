/** OpenAPI paths of password sign-in, invitations, password links and the caller's own record (src/api/routes/auth.ts). */
import type { z } from 'zod';
import { EmailSchema } from '../routes/reps';
import {
  AcceptedSchema,
  InvitationSchema,
  LinkLookupSchema,
  LinkViewSchema,
  MeSchema,
  MeUpdateSchema,
  PasswordResetSchema,
  PasswordSetSchema,
  SessionSchema,
  SetPasswordSchema,
  SignInSchema,
} from '../routes/auth';
import { body, errorResponse, errors, json, pathParam } from './common';

const tags = ['auth'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: json(schema) });
const tooMany = {
  '429': errorResponse('Too many attempts from this address or for this email (`rate_limited`); see `Retry-After`.'),
};
const linkGone = {
  '404': errorResponse('The link is unknown, used, superseded by a newer one, or expired (`not_found`).'),
};

export const authTag = {
  name: 'auth',
  description:
    'Signing in with a password: sessions, "forgot password", the emailed one-time links, invitations, and your own language.',
};

export const authPaths = {
  '/api/auth/sessions': {
    post: {
      operationId: 'signIn',
      tags,
      summary: 'Sign in with email and password: a session token valid for 12 hours',
      requestBody: body(SignInSchema),
      responses: {
        '201': ok('The session and the person.', SessionSchema),
        ...errors('400', '413'),
        '401': errorResponse(
          'The email or password is not right (`unauthorized`); the same answer for an unknown email.',
        ),
        '403': errorResponse('The password is right but the person is deactivated (`forbidden`).'),
        ...tooMany,
      },
    },
  },
  '/api/auth/sessions/current': {
    delete: {
      operationId: 'signOut',
      tags,
      summary: 'Sign out: the session that made this request stops working',
      responses: {
        '204': { description: 'Signed out.' },
        '422': errorResponse('The request was made with an API token, not a session (`not_allowed`).'),
      },
    },
  },
  '/api/auth/password-resets': {
    post: {
      operationId: 'requestPasswordReset',
      tags,
      summary: '"Forgot password": emails a one-hour link to choose a new password, if the email is known',
      requestBody: body(PasswordResetSchema),
      responses: {
        '202': ok('Always the same answer, whether or not the email is known.', AcceptedSchema),
        ...errors('400', '413'),
        ...tooMany,
      },
    },
  },
  '/api/auth/links/lookup': {
    post: {
      operationId: 'lookUpPasswordLink',
      tags,
      summary: 'Whose an emailed password link is, for which purpose, and until when (it stays unused)',
      requestBody: body(LinkLookupSchema),
      responses: {
        '200': ok('The link is usable.', LinkViewSchema),
        ...errors('400', '413'),
        ...linkGone,
      },
    },
  },
  '/api/auth/password': {
    post: {
      operationId: 'setPasswordWithLink',
      tags,
      summary: "Choose a password through an emailed link; the link is used up and the person's sessions end",
      requestBody: body(SetPasswordSchema),
      responses: {
        '200': ok('The password is set; sign in with it.', PasswordSetSchema),
        ...errors('400', '413'),
        ...linkGone,
        '422': errorResponse('The password contains the email address (`unprocessable`, in `fields.password`).'),
      },
    },
  },
  '/api/people/{email}/invitation': {
    post: {
      operationId: 'invitePerson',
      tags,
      summary:
        'Email a person a 72-hour link to choose their password, in their language; it supersedes earlier links (revops)',
      parameters: [pathParam('email', EmailSchema, "The person's email address (case-insensitive).")],
      responses: {
        '202': ok('The invitation was handed to the mail server.', InvitationSchema),
        ...errors('400', ['404', 'No such person in the tenant (`not_found`).']),
        '422': errorResponse('The person is inactive (`not_allowed`).'),
        '503': errorResponse('The mail server did not take the email (`mail_unavailable`); invite again shortly.'),
      },
    },
  },
  '/api/me': {
    get: {
      operationId: 'getMe',
      tags: ['people'],
      summary: 'The person (or integration) the token belongs to, with their stored language',
      responses: { '200': ok('Who is calling.', MeSchema) },
    },
    patch: {
      operationId: 'updateMe',
      tags: ['people'],
      summary: 'Save your language (the workspace and your emails follow it)',
      requestBody: body(MeUpdateSchema),
      responses: { '200': ok('Who is calling, with the saved language.', MeSchema), ...errors('400', '413') },
    },
  },
};
