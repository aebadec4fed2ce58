/**
 * API tokens of people (rows of the Rep table): issue, list, revoke and verify. A token's secret
 * is returned once by issueToken; the table keeps its SHA-256 and a short prefix. Every issue
 * and revocation is in the audit trail.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { recordAudit } from '../db/audit-trail';
import { LeadflowError } from '../domain/errors';
import { isTenantAdmin, PERSON_ROLES, type Actor, type PersonRole } from './actor';
import { effectiveScopes, formatScopes, parseScopes, INTEGRATION_SCOPES, ROLE_SCOPES, type Scope } from './scopes';
import { generateTokenSecret, hashTokenSecret, isTokenShaped, tokenPrefix } from './token-secret';

/** Who asks: an authenticated person (checked: themself or revops), or the operator at the console. */
export type TokenCaller = Actor | { system: 'cli' | 'bootstrap' } | { signIn: string };

/** lastUsedAt is written at most this often per token, so reads do not become writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface IssueTokenInput {
  tenant: string;
  personEmail: string;
  label: string;
  /** Omitted or null: the token does not expire. */
  expiresInDays?: number | null;
  /** Omitted: everything the person's role allows (and stays so if the role changes). */
  scopes?: readonly Scope[];
  by: TokenCaller;
  now: Date;
}

/** The only time the secret is seen. */
export interface IssuedToken {
  id: string;
  token: string;
  prefix: string;
  label: string;
  personEmail: string;
  kind: 'person' | 'integration';
  /** The scopes asked for; empty means "all the role allows". */
  scopes: Scope[];
  expiresAt: string | null;
}

/** A token as listings show it: never the secret or its hash. */
export interface TokenView {
  id: string;
  personEmail: string;
  kind: 'person' | 'integration';
  /** The scopes the token was issued with; empty means "all the role allows". */
  scopes: Scope[];
  label: string;
  prefix: string;
  status: 'live' | 'expired' | 'revoked';
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The outcome of presenting a secret. */
export type TokenCheck =
  | { kind: 'valid'; actor: Actor }
  | { kind: 'malformed' }
  | { kind: 'unknown'; prefix: string }
  | { kind: 'revoked'; prefix: string; revokedAt: Date }
  | { kind: 'expired'; prefix: string; expiresAt: Date }
  | { kind: 'no-person'; prefix: string; email: string; tenant: string }
  | { kind: 'inactive-person'; prefix: string; email: string };

type TokenRow = NonNullable<Awaited<ReturnType<Db['apiToken']['findUnique']>>>;

/** Creates a token for an active person; the caller must be that person or revops. */
export async function issueToken(db: Db, input: IssueTokenInput): Promise<IssuedToken> {
  const tenant = tenantFor(input.by, input.tenant);
  assertSelfOrRevops(input.by, input.personEmail, `Creating a token for ${input.personEmail}`);
  const person = await db.rep.findUnique({ where: { tenant_email: { tenant, email: input.personEmail } } });
  if (!person) throw noSuchPerson(tenant, input.personEmail);
  if (!person.active)
    throw new LeadflowError(
      'not_allowed',
      `${input.personEmail} is inactive, so a token could not be used; reactivate them first (PUT /api/reps/${input.personEmail} with {"active": true}).`,
    );
  const role = personRole(person.role);
  const asked = input.scopes ?? ROLE_SCOPES[role];
  assertWithin(asked, ROLE_SCOPES[role], `${input.personEmail} is ${role}`);
  // A token cannot mint a stronger one: an intake-only token cannot issue a token that writes.
  if ('email' in input.by) assertWithin(asked, input.by.scopes, 'the token presented');
  return createToken(db, {
    tenant,
    kind: 'person',
    personEmail: input.personEmail,
    label: input.label,
    scopes: input.scopes ?? [],
    expiresInDays: input.expiresInDays,
    by: input.by,
    now: input.now,
  });
}

export interface IssueIntegrationTokenInput {
  tenant: string;
  /** The integration's name, e.g. "webflow-forms"; the audit trail names it `integration:<name>`. */
  name: string;
  label: string;
  scopes: readonly Scope[];
  expiresInDays?: number | null;
  by: TokenCaller;
  now: Date;
}

/**
 * A token for an integration: a service account that is not a person (a form tool, the CRM, the
 * website). Only RevOps (or the console) issues one; it carries at most intake, read and metrics.
 */
export async function issueIntegrationToken(db: Db, input: IssueIntegrationTokenInput): Promise<IssuedToken> {
  const tenant = tenantFor(input.by, input.tenant);
  if ('email' in input.by && !isTenantAdmin(input.by))
    throw new LeadflowError(
      'forbidden',
      `Creating an integration token needs the revops role; ${input.by.email} is ${input.by.role}.`,
    );
  if (input.scopes.length === 0)
    throw new LeadflowError('validation_failed', 'An integration token needs at least one scope.', {
      details: [{ path: 'scopes', message: `give one or more of ${INTEGRATION_SCOPES.join(', ')}` }],
    });
  assertWithin(input.scopes, INTEGRATION_SCOPES, 'an integration');
  if ('email' in input.by) assertWithin(input.scopes, input.by.scopes, 'the token presented');
  return createToken(db, {
    tenant,
    kind: 'integration',
    personEmail: input.name,
    label: input.label,
    scopes: input.scopes,
    expiresInDays: input.expiresInDays,
    by: input.by,
    now: input.now,
  });
}

/** The integrations' tokens of a tenant, newest first (RevOps only). */
export async function listIntegrationTokens(
  db: Db,
  input: { tenant: string; by: TokenCaller; now: Date },
): Promise<TokenView[]> {
  const tenant = tenantFor(input.by, input.tenant);
  if ('email' in input.by && !isTenantAdmin(input.by))
    throw new LeadflowError(
      'forbidden',
      `Listing integration tokens needs the revops role; ${input.by.email} is ${input.by.role}.`,
    );
  const rows = await db.apiToken.findMany({
    where: { tenant, kind: 'integration' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return rows.map((row) => tokenView(row, input.now));
}

interface CreateTokenInput {
  tenant: string;
  kind: 'person' | 'integration' | 'session';
  personEmail: string;
  label: string;
  scopes: readonly Scope[];
  expiresInDays?: number | null;
  by: TokenCaller;
  now: Date;
}

/**
 * A workspace session after a password sign-in: a token row of kind `session`, labelled "session",
 * that expires after `hours`. It carries everything the person's role allows, is not listed with
 * the person's API tokens, and stops working when the person is deactivated, like any token.
 */
export async function issueSession(
  db: Db,
  input: { tenant: string; personEmail: string; hours: number; now: Date },
): Promise<IssuedToken> {
  return createToken(db, {
    tenant: input.tenant,
    kind: 'session',
    personEmail: input.personEmail,
    label: 'session',
    scopes: [],
    expiresInDays: input.hours / 24,
    by: { signIn: input.personEmail },
    now: input.now,
  });
}

/** Whether the token is a password sign-in's session (not an API token). */
export async function isSessionToken(db: Db, tokenId: string): Promise<boolean> {
  const row = await db.apiToken.findUnique({ where: { id: tokenId }, select: { kind: true } });
  return row?.kind === 'session';
}

/**
 * Ends sessions of a person: all of them, or all but `keep`. API tokens stay. Returns how many ended.
 * Written to the audit trail by the caller (sign-out, a password set through a link).
 */
export async function revokeSessions(
  db: Pick<Db, 'apiToken'>,
  input: { tenant: string; personEmail: string; only?: string; keep?: string; now: Date },
): Promise<number> {
  const { count } = await db.apiToken.updateMany({
    where: {
      tenant: input.tenant,
      kind: 'session',
      personEmail: input.personEmail,
      revokedAt: null,
      ...(input.only ? { id: input.only } : {}),
      ...(input.keep ? { NOT: { id: input.keep } } : {}),
    },
    data: { revokedAt: input.now },
  });
  return count;
}

async function createToken(db: Db, input: CreateTokenInput): Promise<IssuedToken> {
  const tenant = input.tenant;
  const secret = generateTokenSecret();
  const expiresAt = input.expiresInDays ? new Date(input.now.getTime() + input.expiresInDays * 86_400_000) : null;
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        id: `tok_${randomUUID().replaceAll('-', '')}`,
        tenant,
        kind: input.kind,
        personEmail: input.personEmail,
        scopes: formatScopes(input.scopes),
        label: input.label,
        hash: hashTokenSecret(secret),
        prefix: tokenPrefix(secret),
        createdBy: callerName(input.by),
        createdAt: input.now,
        expiresAt,
      },
    });
    await recordAudit(tx, {
      tenant,
      subjectType: 'token',
      subjectId: created.id,
      action: 'token.created',
      actor: callerName(input.by),
      details: {
        personEmail: created.personEmail,
        kind: input.kind,
        scopes: created.scopes || 'role',
        label: created.label,
        prefix: created.prefix,
        expiresAt: expiresAt?.toISOString() ?? null,
        ...via(input.by),
      },
      occurredAt: input.now,
    });
    return created;
  });
  return {
    id: row.id,
    token: secret,
    prefix: row.prefix,
    label: row.label,
    personEmail: row.personEmail,
    kind: input.kind === 'integration' ? 'integration' : 'person',
    scopes: [...input.scopes],
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

/** Refuses scopes beyond what the holder may have, naming them. */
function assertWithin(asked: readonly Scope[], ceiling: readonly Scope[], holder: string): void {
  const beyond = asked.filter((scope) => !ceiling.includes(scope));
  if (beyond.length > 0)
    throw new LeadflowError(
      'forbidden',
      `A token cannot carry ${beyond.join(', ')}: ${holder}, which allows at most ${ceiling.join(', ') || 'nothing'}.`,
    );
}

/** A person's tokens, newest first; the caller must be that person or revops. */
export async function listTokens(
  db: Db,
  input: { tenant: string; personEmail: string; by: TokenCaller; now: Date },
): Promise<TokenView[]> {
  const tenant = tenantFor(input.by, input.tenant);
  assertSelfOrRevops(input.by, input.personEmail, `Listing the tokens of ${input.personEmail}`);
  const person = await db.rep.findUnique({
    where: { tenant_email: { tenant, email: input.personEmail } },
    select: { id: true },
  });
  if (!person) throw noSuchPerson(tenant, input.personEmail);
  const rows = await db.apiToken.findMany({
    where: { tenant, kind: 'person', personEmail: input.personEmail },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return rows.map((row) => tokenView(row, input.now));
}

/**
 * Revokes a token; the caller must own it or be revops. Revoking a revoked token changes nothing
 * and answers the same (the first revocation's time stays).
 */
export async function revokeToken(
  db: Db,
  input: { tenant: string; id: string; by: TokenCaller; now: Date },
): Promise<TokenView> {
  const tenant = tenantFor(input.by, input.tenant);
  const row = await db.apiToken.findUnique({ where: { id: input.id } });
  if (!row || row.tenant !== tenant)
    throw new LeadflowError(
      'not_found',
      `No token ${input.id} in tenant ${tenant}; list a person's tokens with GET /api/people/{email}/tokens.`,
    );
  if (row.kind === 'integration') {
    if ('email' in input.by && !isTenantAdmin(input.by))
      throw new LeadflowError(
        'forbidden',
        `Revoking an integration token needs the revops role; ${input.by.email} is ${input.by.role}.`,
      );
  } else assertSelfOrRevops(input.by, row.personEmail, `Revoking a token of ${row.personEmail}`);
  if (row.revokedAt) return tokenView(row, input.now);
  await db.$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({
      where: { id: row.id, revokedAt: null },
      data: { revokedAt: input.now },
    });
    if (count === 0) return;
    await recordAudit(tx, {
      tenant,
      subjectType: 'token',
      subjectId: row.id,
      action: 'token.revoked',
      actor: callerName(input.by),
      details: { personEmail: row.personEmail, label: row.label, prefix: row.prefix, ...via(input.by) },
      occurredAt: input.now,
      idempotencyKey: `token.revoked:${row.id}`,
    });
  });
  const revoked = await db.apiToken.findUniqueOrThrow({ where: { id: row.id } });
  return tokenView(revoked, input.now);
}

/** Checks a presented secret: the person it authenticates, or why it does not. */
export async function verifyToken(db: Db, secret: string, now: Date): Promise<TokenCheck> {
  if (!isTokenShaped(secret)) return { kind: 'malformed' };
  const prefix = tokenPrefix(secret);
  const row = await db.apiToken.findUnique({ where: { hash: hashTokenSecret(secret) } });
  if (!row) return { kind: 'unknown', prefix };
  if (row.revokedAt) return { kind: 'revoked', prefix, revokedAt: row.revokedAt };
  if (row.expiresAt && row.expiresAt <= now) return { kind: 'expired', prefix, expiresAt: row.expiresAt };
  if (row.kind === 'integration') {
    await touch(db, row, now);
    return {
      kind: 'valid',
      actor: {
        tenant: row.tenant,
        email: `integration:${row.personEmail}`,
        name: row.personEmail,
        role: 'rep',
        scopes: effectiveScopes(row.scopes, INTEGRATION_SCOPES),
        kind: 'integration',
        tokenId: row.id,
      },
    };
  }
  const person = await db.rep.findUnique({ where: { tenant_email: { tenant: row.tenant, email: row.personEmail } } });
  if (!person) return { kind: 'no-person', prefix, email: row.personEmail, tenant: row.tenant };
  if (!person.active) return { kind: 'inactive-person', prefix, email: row.personEmail };
  await touch(db, row, now);
  const role = personRole(person.role);
  return {
    kind: 'valid',
    actor: {
      tenant: row.tenant,
      email: person.email,
      name: person.name,
      role,
      scopes: effectiveScopes(row.scopes, ROLE_SCOPES[role]),
      kind: 'person',
      tokenId: row.id,
    },
  };
}

/** Whether the tenant has a revops person who is active and holds a token that still works. */
export async function hasLiveRevopsToken(db: Db, tenant: string, now: Date): Promise<boolean> {
  const revops = await db.rep.findMany({ where: { tenant, role: 'revops', active: true }, select: { email: true } });
  if (revops.length === 0) return false;
  const live = await db.apiToken.count({
    where: {
      tenant,
      kind: 'person',
      personEmail: { in: revops.map((p) => p.email) },
      revokedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    },
  });
  return live > 0;
}

/** The role column as a PersonRole; an unrecognised value (written outside the API) counts as the least privileged. */
function personRole(role: string): PersonRole {
  return (PERSON_ROLES as readonly string[]).includes(role) ? (role as PersonRole) : 'rep';
}

async function touch(db: Db, row: TokenRow, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (row.lastUsedAt && row.lastUsedAt > staleBefore) return;
  await db.apiToken.updateMany({
    where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }] },
    data: { lastUsedAt: now },
  });
}

function tokenView(row: TokenRow, now: Date): TokenView {
  const status = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt <= now ? 'expired' : 'live';
  return {
    id: row.id,
    personEmail: row.personEmail,
    kind: row.kind === 'integration' ? 'integration' : 'person',
    scopes: parseScopes(row.scopes),
    label: row.label,
    prefix: row.prefix,
    status,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** A person acts in their own tenant; the console acts in the one it is configured for. */
function tenantFor(by: TokenCaller, tenant: string): string {
  return 'email' in by ? by.tenant : tenant;
}

function assertSelfOrRevops(by: TokenCaller, personEmail: string, what: string): void {
  if (!('email' in by) || isTenantAdmin(by) || by.email === personEmail) return;
  throw new LeadflowError(
    'forbidden',
    `${what} needs to be ${personEmail} themself or the revops role; ${by.email} is ${by.role}.`,
  );
}

function callerName(by: TokenCaller): string {
  return 'email' in by ? by.email : 'signIn' in by ? by.signIn : 'system';
}

function via(by: TokenCaller): { via?: string } {
  return 'email' in by ? {} : 'signIn' in by ? { via: 'password sign-in' } : { via: by.system };
}

function noSuchPerson(tenant: string, email: string): LeadflowError {
  return new LeadflowError(
    'not_found',
    `No person ${email} in tenant ${tenant}; add them with PUT /api/reps/${email} or \`npx leadflow people add --email ${email} --name … --role …\`.`,
  );
}
