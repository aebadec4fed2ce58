/**
 * Getting into the workspace with a password: RevOps invites a person (an emailed one-time link to
 * choose a password), anyone may ask for a reset link, a link sets the password once, and a
 * password signs in to a 12-hour session. Links and sessions keep only the SHA-256 of their
 * secret; passwords keep only their scrypt hash (src/auth/passwords.ts).
 *
 * Account emails are sent from here, through the same SMTP mailer as every other email, and not
 * through the outbox: the outbox keeps each email's text, and this text holds a working secret.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { recordAudit } from '../db/audit-trail';
import { LeadflowError } from '../domain/errors';
import { languageOf, type Language } from '../domain/languages';
import { formatDateTime, messagesFor } from '../email/i18n';
import { MailDeliveryError, type Mailer } from '../email/mailer';
import { messageIdFor } from '../email/message-id';
import { hashPassword, passwordProblems, verifyDecoy, verifyPassword } from '../auth/passwords';
import { generateTokenSecret, hashTokenSecret, isTokenShaped } from '../auth/token-secret';
import { issueSession, revokeSessions, type TokenCaller } from '../auth/tokens';

/** How long each kind of link works. */
export const LINK_LIFETIME_MS = { invitation: 72 * 3_600_000, reset: 3_600_000 } as const;
export type LinkPurpose = keyof typeof LINK_LIFETIME_MS;
/** How long a password sign-in's session lasts. */
export const SESSION_HOURS = 12;

/** How account emails leave: the system's mailer, its From, and the address links point at. */
export interface AccountMail {
  mailer: Mailer;
  from: string;
  /** LEADFLOW_PUBLIC_URL: links are `<publicUrl>/set-password#<secret>`. */
  publicUrl: string;
}

/** The person a sign-in or link is about, as the workspace shows them. */
export interface AccountPerson {
  email: string;
  name: string;
  role: string;
  language: Language;
}

export const WRONG_CREDENTIALS = 'The email or password is not right. Check both, or use "Forgot password".';

type PersonRow = NonNullable<Awaited<ReturnType<Db['rep']['findUnique']>>>;

function personView(row: PersonRow): AccountPerson {
  return { email: row.email, name: row.name, role: row.role, language: languageOf(row.language) };
}

function findPerson(db: Db, tenant: string, email: string): Promise<PersonRow | null> {
  return db.rep.findUnique({ where: { tenant_email: { tenant, email: email.trim().toLowerCase() } } });
}

/**
 * Sends a person an invitation to choose their password (RevOps, or the console). It supersedes
 * every earlier link of theirs. Throws `mail_unavailable` when the mail server refuses it; the
 * invitation can then simply be sent again.
 */
export async function invitePerson(
  db: Db,
  input: { tenant: string; email: string; by: TokenCaller; now: Date; mail: AccountMail },
): Promise<{ email: string; expiresAt: string }> {
  const person = await findPerson(db, input.tenant, input.email);
  if (!person)
    throw new LeadflowError(
      'not_found',
      `No person ${input.email} in tenant ${input.tenant}; add them first (PUT /api/reps/${input.email}).`,
    );
  if (!person.active)
    throw new LeadflowError(
      'not_allowed',
      `${person.email} is inactive; reactivate them (PUT /api/reps/${person.email} with {"active": true}) before inviting them.`,
    );
  const inviter = 'email' in input.by ? input.by.name : 'leadflow';
  const actor = 'email' in input.by ? input.by.email : 'system';
  const link = await createLink(db, { tenant: input.tenant, person, purpose: 'invitation', actor, now: input.now });
  await recordAudit(db, {
    tenant: input.tenant,
    subjectType: 'person',
    subjectId: person.email,
    action: 'person.invited',
    actor,
    details: { linkId: link.id, expiresAt: link.expiresAt.toISOString(), language: person.language },
    occurredAt: input.now,
  });
  await sendLinkEmail(input.mail, person, link, inviter);
  return { email: person.email, expiresAt: link.expiresAt.toISOString() };
}

/**
 * "Forgot password": emails an active person a one-hour reset link. Says nothing about whether the
 * email is known (the caller answers 202 either way); a mail failure is returned, not thrown, for
 * the log.
 */
export async function requestPasswordReset(
  db: Db,
  input: { tenant: string; email: string; now: Date; mail: AccountMail },
): Promise<{ sent: boolean; failure?: unknown }> {
  const person = await findPerson(db, input.tenant, input.email);
  if (!person?.active) return { sent: false };
  const link = await createLink(db, {
    tenant: input.tenant,
    person,
    purpose: 'reset',
    actor: person.email,
    now: input.now,
  });
  await recordAudit(db, {
    tenant: input.tenant,
    subjectType: 'person',
    subjectId: person.email,
    action: 'person.password-reset-requested',
    actor: person.email,
    details: { linkId: link.id, expiresAt: link.expiresAt.toISOString() },
    occurredAt: input.now,
  });
  try {
    await sendLinkEmail(input.mail, person, link, person.name);
    return { sent: true };
  } catch (failure) {
    return { sent: false, failure };
  }
}

/** What the set-password page shows before the person chooses: whose link it is and until when. */
export async function describeLink(
  db: Db,
  input: { tenant: string; secret: string; now: Date },
): Promise<{ person: AccountPerson; purpose: LinkPurpose; expiresAt: string }> {
  const { row, person } = await usableLink(db, input);
  return { person: personView(person), purpose: row.purpose as LinkPurpose, expiresAt: row.expiresAt.toISOString() };
}

/**
 * Sets the person's password through a link, which is used up; their other sessions end. The
 * password is checked before the link is spent, so a refused password leaves the link working.
 */
export async function setPasswordWithLink(
  db: Db,
  input: { tenant: string; secret: string; password: string; now: Date },
): Promise<{ person: AccountPerson; sessionsEnded: number }> {
  const { row, person } = await usableLink(db, input);
  const problems = passwordProblems(input.password, person.email);
  if (problems.length)
    throw new LeadflowError('unprocessable', 'The password cannot be used; see fields.', {
      details: problems.map((message) => ({ path: 'password', message })),
    });
  const passwordHash = await hashPassword(input.password);
  const sessionsEnded = await db.$transaction(async (tx) => {
    const { count } = await tx.accountLink.updateMany({
      where: { id: row.id, usedAt: null, supersededAt: null },
      data: { usedAt: input.now },
    });
    if (count === 0) throw linkGone();
    await tx.rep.update({ where: { id: person.id }, data: { passwordHash, passwordSetAt: input.now } });
    const ended = await revokeSessions(tx, {
      tenant: input.tenant,
      personEmail: person.email,
      now: input.now,
    });
    await recordAudit(tx, {
      tenant: input.tenant,
      subjectType: 'person',
      subjectId: person.email,
      action: row.purpose === 'invitation' ? 'person.password-set' : 'person.password-reset',
      actor: person.email,
      details: { linkId: row.id, sessionsEnded: ended },
      occurredAt: input.now,
    });
    return ended;
  });
  return { person: personView(person), sessionsEnded };
}

/**
 * Sets a password from the console (`leadflow people set-password`), for a team without email yet.
 * Checked like any password; the person's sessions end.
 */
export async function setPasswordByOperator(
  db: Db,
  input: { tenant: string; email: string; password: string; now: Date },
): Promise<AccountPerson> {
  const person = await findPerson(db, input.tenant, input.email);
  if (!person) throw new LeadflowError('not_found', `No person ${input.email} in tenant ${input.tenant}.`);
  const problems = passwordProblems(input.password, person.email);
  if (problems.length)
    throw new LeadflowError('validation_failed', 'The password cannot be used:', {
      details: problems.map((message) => ({ path: 'password', message })),
    });
  const passwordHash = await hashPassword(input.password);
  await db.rep.update({ where: { id: person.id }, data: { passwordHash, passwordSetAt: input.now } });
  await revokeSessions(db, { tenant: input.tenant, personEmail: person.email, now: input.now });
  await recordAudit(db, {
    tenant: input.tenant,
    subjectType: 'person',
    subjectId: person.email,
    action: 'person.password-set',
    actor: 'system',
    details: { via: 'cli' },
    occurredAt: input.now,
  });
  return personView(person);
}

/**
 * Email + password → a session token. An unknown email, a person without a password and a wrong
 * password get the same 401 after the same work; a deactivated person with the right password is
 * told so (403). A hash made with older scrypt parameters is replaced.
 */
export async function signIn(
  db: Db,
  input: { tenant: string; email: string; password: string; now: Date; address?: string },
): Promise<{ token: string; expiresAt: string; person: AccountPerson }> {
  const person = await findPerson(db, input.tenant, input.email);
  if (!person?.passwordHash) {
    await verifyDecoy(input.password);
    await failedSignIn(db, input, 'unknown email or no password');
    throw new LeadflowError('unauthorized', WRONG_CREDENTIALS);
  }
  const { matches, needsRehash } = await verifyPassword(input.password, person.passwordHash);
  if (!matches) {
    await failedSignIn(db, input, 'wrong password');
    throw new LeadflowError('unauthorized', WRONG_CREDENTIALS);
  }
  if (!person.active)
    throw new LeadflowError(
      'forbidden',
      `${person.email} is deactivated and cannot sign in; ask RevOps to reactivate the account.`,
    );
  if (needsRehash)
    await db.rep.update({ where: { id: person.id }, data: { passwordHash: await hashPassword(input.password) } });
  const session = await issueSession(db, {
    tenant: input.tenant,
    personEmail: person.email,
    hours: SESSION_HOURS,
    now: input.now,
  });
  await recordAudit(db, {
    tenant: input.tenant,
    subjectType: 'person',
    subjectId: person.email,
    action: 'person.signed-in',
    actor: person.email,
    details: { sessionId: session.id, expiresAt: session.expiresAt, address: input.address ?? null },
    occurredAt: input.now,
  });
  return { token: session.token, expiresAt: session.expiresAt ?? '', person: personView(person) };
}

/** Ends the session that made the request; an API token is not a session and is refused. */
export async function signOut(
  db: Db,
  input: { tenant: string; personEmail: string; tokenId: string; now: Date },
): Promise<void> {
  const row = await db.apiToken.findUnique({ where: { id: input.tokenId }, select: { kind: true } });
  if (row?.kind !== 'session')
    throw new LeadflowError(
      'not_allowed',
      'This request was made with an API token, not a sign-in session; revoke an API token with DELETE /api/tokens/{id}.',
    );
  await revokeSessions(db, { ...input, only: input.tokenId });
  await recordAudit(db, {
    tenant: input.tenant,
    subjectType: 'person',
    subjectId: input.personEmail,
    action: 'person.signed-out',
    actor: input.personEmail,
    details: { sessionId: input.tokenId },
    occurredAt: input.now,
    idempotencyKey: `person.signed-out:${input.tokenId}`,
  });
}

/** Saves the language a person chose in the workspace (their emails follow it too). */
export async function savePersonLanguage(
  db: Db,
  input: { tenant: string; email: string; language: Language; now: Date },
): Promise<AccountPerson> {
  const person = await findPerson(db, input.tenant, input.email);
  if (!person) throw new LeadflowError('not_found', `No person ${input.email} in tenant ${input.tenant}.`);
  const updated = await db.rep.update({ where: { id: person.id }, data: { language: input.language } });
  if (person.language !== input.language)
    await recordAudit(db, {
      tenant: input.tenant,
      subjectType: 'person',
      subjectId: person.email,
      action: 'person.language-changed',
      actor: person.email,
      details: { from: person.language, to: input.language },
      occurredAt: input.now,
    });
  return personView(updated);
}

/** The person's stored language, for GET /api/me. */
export async function personLanguage(db: Db, tenant: string, email: string): Promise<Language | null> {
  const person = await findPerson(db, tenant, email);
  return person ? languageOf(person.language) : null;
}

interface NewLink {
  id: string;
  secret: string;
  purpose: LinkPurpose;
  expiresAt: Date;
}

async function createLink(
  db: Db,
  input: { tenant: string; person: PersonRow; purpose: LinkPurpose; actor: string; now: Date },
): Promise<NewLink> {
  const secret = generateTokenSecret();
  const link: NewLink = {
    id: `lnk_${randomUUID().replaceAll('-', '')}`,
    secret,
    purpose: input.purpose,
    expiresAt: new Date(input.now.getTime() + LINK_LIFETIME_MS[input.purpose]),
  };
  await db.$transaction([
    // A newer link replaces every open one of the person, whatever its purpose.
    db.accountLink.updateMany({
      where: { tenant: input.tenant, personEmail: input.person.email, usedAt: null, supersededAt: null },
      data: { supersededAt: input.now },
    }),
    db.accountLink.create({
      data: {
        id: link.id,
        tenant: input.tenant,
        personEmail: input.person.email,
        purpose: input.purpose,
        hash: hashTokenSecret(secret),
        createdBy: input.actor,
        createdAt: input.now,
        expiresAt: link.expiresAt,
      },
    }),
  ]);
  return link;
}

async function usableLink(
  db: Db,
  input: { tenant: string; secret: string; now: Date },
): Promise<{ row: NonNullable<Awaited<ReturnType<Db['accountLink']['findUnique']>>>; person: PersonRow }> {
  if (!isTokenShaped(input.secret)) throw linkGone();
  const row = await db.accountLink.findUnique({ where: { hash: hashTokenSecret(input.secret) } });
  if (!row || row.tenant !== input.tenant || row.usedAt || row.supersededAt || row.expiresAt <= input.now)
    throw linkGone();
  const person = await findPerson(db, row.tenant, row.personEmail);
  if (!person?.active) throw linkGone();
  return { row, person };
}

/** One answer for unknown, used, superseded and expired links: the page offers a new one. */
function linkGone(): LeadflowError {
  return new LeadflowError(
    'not_found',
    'This link is no longer valid: it was used already, a newer one was sent, or it expired. Ask for a new one with "Forgot password" on the sign-in page.',
  );
}

async function sendLinkEmail(mail: AccountMail, person: PersonRow, link: NewLink, inviter: string): Promise<void> {
  const language = languageOf(person.language);
  const t = messagesFor(language);
  const url = `${mail.publicUrl}/set-password#${link.secret}`;
  const values = {
    name: person.name,
    email: person.email,
    inviter,
    url,
    expires: formatDateTime(link.expiresAt, language, person.timeZone),
  };
  try {
    await mail.mailer.send({
      messageId: messageIdFor(`account-link:${link.id}`, mail.from),
      from: mail.from,
      to: person.email,
      subject: t(`account.${link.purpose}.subject`, values),
      text: t(`account.${link.purpose}.body`, values),
    });
  } catch (error) {
    if (!(error instanceof MailDeliveryError)) throw error;
    throw new LeadflowError(
      'mail_unavailable',
      `The mail server did not take the email to ${person.email} (${error.message}); send it again shortly.`,
      { cause: error },
    );
  }
}

async function failedSignIn(
  db: Db,
  input: { tenant: string; email: string; now: Date; address?: string },
  why: string,
): Promise<void> {
  await recordAudit(db, {
    tenant: input.tenant,
    subjectType: 'person',
    subjectId: input.email.trim().toLowerCase().slice(0, 254),
    action: 'person.sign-in-failed',
    actor: 'anonymous',
    reason: why,
    details: { address: input.address ?? null },
    occurredAt: input.now,
  });
}
