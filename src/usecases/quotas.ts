/**
 * Quotas: what a rep, or a team, is expected to win in a month or a quarter, in one currency.
 * A team is a manager and everyone who reports to them, directly or not: the same reporting chain
 * that decides who sees whose deals (./visibility.ts), so a team quota is keyed by its manager.
 *
 * RevOps sets anyone's; a manager (director, VP) sets those of the people and teams below them,
 * never their own. Anyone reads their own and those below them. Setting is all or nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { recordAudit } from '../db/audit-trail';
import type { Db, Prisma } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { formatAmount, MoneyError, parseMoney, type CurrencyCode } from '../domain/money';
import { parseMonth, parsePeriod, type Period } from '../domain/periods';
import type { Sight } from './visibility';

/** Roles whose person may lead a team before anyone reports to them. */
const TEAM_LEAD_ROLES: readonly string[] = ['manager', 'director', 'vp'];

export type QuotaScope = 'rep' | 'team';

export interface QuotaInput {
  scope: QuotaScope;
  /** The rep's email, or the team's manager's. */
  email: string;
  period: string;
  currency: CurrencyCode;
  /** Decimal text in the currency, e.g. "250000.00". */
  amount: string;
}

export interface QuotaView {
  id: string;
  scope: string;
  email: string;
  periodKind: string;
  period: string;
  startsOn: string;
  endsOn: string;
  currency: string;
  amountMinor: number;
  amount: string;
  setBy: string;
  updatedAt: string;
}

type QuotaRow = NonNullable<Awaited<ReturnType<Db['quota']['findFirst']>>>;
type FieldError = { path: string; message: string };

interface CheckedQuota {
  input: QuotaInput;
  email: string;
  period: Period;
  amountMinor: bigint;
}

/**
 * Sets (creates or replaces) every quota in `inputs`, in one transaction, or none: every problem
 * is reported at once, each at `quotas[i].field`.
 */
export async function setQuotas(db: Db, actor: Actor, sight: Sight, inputs: readonly QuotaInput[], now: Date) {
  const checked = await checkAll(db, actor, sight, inputs);
  return db.$transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const saved: QuotaRow[] = [];
    for (const quota of checked) {
      const where = {
        tenant: actor.tenant,
        scope: quota.input.scope,
        ownerEmail: quota.email,
        period: quota.period.key,
        currency: quota.input.currency,
      };
      const existing = await tx.quota.findUnique({ where: { tenant_scope_ownerEmail_period_currency: where } });
      if (existing && existing.amountMinor === quota.amountMinor) {
        unchanged++;
        saved.push(existing);
        continue;
      }
      const row = existing
        ? await tx.quota.update({
            where: { id: existing.id },
            data: { amountMinor: quota.amountMinor, setBy: actor.email },
          })
        : await tx.quota.create({
            data: {
              id: `qta_${randomBytes(16).toString('base64url')}`,
              ...where,
              periodKind: quota.period.kind,
              startsOn: quota.period.startsOn,
              endsOn: quota.period.endsOn,
              amountMinor: quota.amountMinor,
              setBy: actor.email,
            },
          });
      if (existing) updated++;
      else created++;
      saved.push(row);
      await audit(tx, actor, row, existing ? 'quota.changed' : 'quota.set', now, {
        from: existing ? amountText(existing) : null,
        to: amountText(row),
      });
    }
    return { created, updated, unchanged, quotas: saved.map(quotaView) };
  });
}

async function checkAll(db: Db, actor: Actor, sight: Sight, inputs: readonly QuotaInput[]): Promise<CheckedQuota[]> {
  const errors: FieldError[] = [];
  const checked: CheckedQuota[] = [];
  const people = await db.rep.findMany({
    where: { tenant: actor.tenant },
    select: { id: true, email: true, role: true, managerId: true },
  });
  const byEmail = new Map(people.map((p) => [p.email.toLowerCase(), p]));
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    const at = (field: string, message: string) => errors.push({ path: `quotas.${i}.${field}`, message });
    const email = input.email.trim().toLowerCase();
    const person = byEmail.get(email);
    if (!person)
      at(
        input.scope,
        `no person ${email} in the roster: add them first (leadflow people add, or PUT /api/reps/{email})`,
      );
    else if (
      input.scope === 'team' &&
      !TEAM_LEAD_ROLES.includes(person.role) &&
      !people.some((p) => p.managerId === person.id)
    )
      at(
        'team',
        `${email} leads no team: nobody reports to them and they are ${person.role}, not a manager, director or vp`,
      );
    else if (!sight.all && (email === sight.me || !sight.owners.includes(email)))
      at(
        input.scope,
        `${actor.email} may set quotas only for people and teams below them in the reporting chain; ${email} is not${email === sight.me ? ' (nobody sets their own quota)' : ''}`,
      );
    const period = parsePeriod(input.period);
    if (!period.ok) at('period', period.message);
    const amount = amountOf(input.amount, input.currency);
    if (typeof amount === 'string') at('amount', amount);
    if (!period.ok || typeof amount === 'string' || !person) return;
    const key = [input.scope, email, period.period.key, input.currency].join('|');
    const first = seen.get(key);
    if (first !== undefined)
      at('period', `the same ${input.scope}, period and currency as quotas.${first}: give each quota once`);
    seen.set(key, i);
    checked.push({ input, email, period: period.period, amountMinor: BigInt(amount) });
  });
  if (errors.length === 0) return checked;
  const forbidden = errors.every((e) => e.message.includes('may set quotas only'));
  throw new LeadflowError(
    forbidden ? 'forbidden' : 'unprocessable',
    forbidden ? errors.map((e) => e.message).join('; ') : 'The quotas are invalid; see fields (nothing was saved).',
    { details: errors },
  );
}

function amountOf(text: string, currency: CurrencyCode): number | string {
  try {
    const minor = parseMoney(text, currency);
    return minor < 0 ? `"${text}" is negative; a quota is 0 or more` : minor;
  } catch (error) {
    if (error instanceof MoneyError) return error.message;
    throw error;
  }
}

export interface QuotaFilter {
  scope?: QuotaScope;
  email?: string;
  period?: string;
  /** Months (YYYY-MM): quotas whose period overlaps from..to. */
  from?: string;
  to?: string;
}

/** The quotas in the caller's sight (their own and those below them; revops all), by period. */
export async function listQuotas(db: Db, sight: Sight, filter: QuotaFilter): Promise<QuotaView[]> {
  const errors: FieldError[] = [];
  const period = filter.period === undefined ? undefined : parsePeriod(filter.period);
  if (period && !period.ok) errors.push({ path: 'query.period', message: period.message });
  const from = filter.from === undefined ? undefined : parseMonth(filter.from);
  if (from && !from.ok) errors.push({ path: 'query.from', message: from.message });
  const to = filter.to === undefined ? undefined : parseMonth(filter.to);
  if (to && !to.ok) errors.push({ path: 'query.to', message: to.message });
  if (from?.ok && to?.ok && from.period.startsOn > to.period.startsOn)
    errors.push({ path: 'query.to', message: `must not be before from (${filter.from})` });
  if (errors.length > 0)
    throw new LeadflowError('unprocessable', 'The query cannot be answered; see fields.', { details: errors });
  const email = filter.email?.trim().toLowerCase();
  if (email && !sight.all && !sight.owners.includes(email)) return [];
  const rows = await db.quota.findMany({
    where: {
      tenant: sight.tenant,
      ...(email ? { ownerEmail: email } : sight.all ? {} : { ownerEmail: { in: sight.owners } }),
      ...(filter.scope ? { scope: filter.scope } : {}),
      ...(period?.ok ? { period: period.period.key } : {}),
      ...(from?.ok ? { endsOn: { gte: from.period.startsOn } } : {}),
      ...(to?.ok ? { startsOn: { lte: to.period.endsOn } } : {}),
    },
    orderBy: [{ startsOn: 'asc' }, { scope: 'asc' }, { ownerEmail: 'asc' }, { currency: 'asc' }],
    take: 5000,
  });
  return rows.map(quotaView);
}

/** Removes a quota (the same people who may set it); 404 when it is out of the caller's sight. */
export async function deleteQuota(db: Db, actor: Actor, sight: Sight, quotaId: string, now: Date): Promise<void> {
  const quota = await db.quota.findFirst({ where: { id: quotaId, tenant: actor.tenant } });
  if (!quota || !(sight.all || sight.owners.includes(quota.ownerEmail)))
    throw new LeadflowError('not_found', `No quota ${quotaId} in tenant ${actor.tenant}.`);
  if (!sight.all && quota.ownerEmail === sight.me)
    throw new LeadflowError(
      'forbidden',
      `Nobody removes their own quota; ${actor.email} may only read quota ${quotaId}.`,
    );
  await db.$transaction(async (tx) => {
    await tx.quota.delete({ where: { id: quota.id } });
    await audit(tx, actor, quota, 'quota.removed', now, { amount: amountText(quota) });
  });
}

function audit(
  tx: Prisma.TransactionClient,
  actor: Actor,
  quota: QuotaRow,
  action: string,
  now: Date,
  details: Record<string, unknown>,
) {
  return recordAudit(tx, {
    tenant: quota.tenant,
    subjectType: 'quota',
    subjectId: quota.id,
    action,
    actor: actor.email,
    details: {
      scope: quota.scope,
      email: quota.ownerEmail,
      period: quota.period,
      currency: quota.currency,
      ...details,
    },
    occurredAt: now,
  });
}

function amountText(quota: QuotaRow): string {
  return formatAmount(Number(quota.amountMinor), quota.currency).replaceAll(',', '');
}

export function quotaView(quota: QuotaRow): QuotaView {
  return {
    id: quota.id,
    scope: quota.scope,
    email: quota.ownerEmail,
    periodKind: quota.periodKind,
    period: quota.period,
    startsOn: quota.startsOn,
    endsOn: quota.endsOn,
    currency: quota.currency,
    amountMinor: Number(quota.amountMinor),
    amount: amountText(quota),
    setBy: quota.setBy,
    updatedAt: quota.updatedAt.toISOString(),
  };
}
