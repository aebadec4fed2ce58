/**
 * One-click unsubscribe (RFC 8058), behind the public `/u/<token>` links: the recipient of a
 * lead's marketing email puts the lead's address on the tenant's suppression list. The list is
 * what counts: the outbox checks it before every marketing email, so the address gets none from
 * any journey, even mail already queued. The lead's journey is told too (an `unsubscribe` event on
 * its timeline, which stops its cadence at once); if Temporal cannot be reached, the suppression
 * still stands and the cadence ends at its next email.
 */
import type { Client } from '@temporalio/client';
import { recordAudit } from '../db/audit-trail';
import type { Db } from '../db/client';
import { normalizeEmail } from '../domain/lead';
import type { Logger } from '../logger';
import { recordEvent } from '../../workflows/messages';
import { updateJourney } from './journey-commands';
import { isUniqueViolation } from '../db/unique-violation';

export type UnsubscribeSource = 'one-click' | 'confirmation-page';

export interface UnsubscribeDeps {
  db: Db;
  temporal: Client;
  logger?: Logger;
  now?: () => Date;
  /** How long the answer waits for the journey before it lets the update finish alone (default 5 s). */
  journeyWaitMs?: number;
}

/** What the confirmation page shows: the address (masked) and whether it is already suppressed. */
export interface UnsubscribeStatus {
  maskedEmail: string;
  unsubscribedAt: Date | null;
}

/** The status of a lead's address; null when the lead is unknown or has no address. */
export async function unsubscribeStatus(db: Db, leadId: string): Promise<UnsubscribeStatus | null> {
  const lead = await db.lead.findUnique({ where: { id: leadId }, select: { tenant: true, email: true } });
  if (!lead?.email) return null;
  const email = normalizeEmail(lead.email);
  const row = await db.emailSuppression.findUnique({ where: { tenant_email: { tenant: lead.tenant, email } } });
  return { maskedEmail: maskEmail(email), unsubscribedAt: row?.createdAt ?? null };
}

/**
 * Suppresses the lead's address (once; a repeat changes nothing), records `email.unsubscribed` in
 * the audit trail and tells the journey. Null when the lead is unknown or has no address.
 */
export async function unsubscribe(
  deps: UnsubscribeDeps,
  leadId: string,
  source: UnsubscribeSource,
): Promise<{ maskedEmail: string; alreadyUnsubscribed: boolean } | null> {
  const lead = await deps.db.lead.findUnique({ where: { id: leadId }, select: { tenant: true, email: true } });
  if (!lead?.email) return null;
  const { tenant } = lead;
  const email = normalizeEmail(lead.email);
  const now = (deps.now ?? (() => new Date()))();
  const created = await deps.db
    .$transaction(async (tx) => {
      const existing = await tx.emailSuppression.findUnique({ where: { tenant_email: { tenant, email } } });
      if (existing) return false;
      await tx.emailSuppression.create({ data: { tenant, email, source, leadId, createdAt: now } });
      await recordAudit(tx, {
        tenant,
        subjectType: 'lead',
        subjectId: leadId,
        action: 'email.unsubscribed',
        actor: email,
        reason: source === 'one-click' ? "one-click unsubscribe from the recipient's mail client" : 'unsubscribe link',
        details: { email, source },
        occurredAt: now,
        idempotencyKey: `email.unsubscribed:${tenant}:${email}`,
      });
      return true;
    })
    .catch((error: unknown) => {
      // Two clicks at once: the other one suppressed it.
      if (isUniqueViolation(error)) return false;
      throw error;
    });
  await tellJourney(deps, leadId, source, now);
  return { maskedEmail: maskEmail(email), alreadyUnsubscribed: !created };
}

/** Records the `unsubscribe` event on the lead's journey (once per lead); never fails the unsubscribe. */
async function tellJourney(deps: UnsubscribeDeps, leadId: string, source: UnsubscribeSource, at: Date) {
  const eventId = `unsubscribe-${leadId}`;
  const told = updateJourney(
    deps,
    leadId,
    recordEvent,
    [{ eventId, type: 'unsubscribe', at: at.toISOString(), details: { source } }],
    `event-${eventId}`,
  ).then(
    () => true,
    (error: unknown) => {
      deps.logger?.warn(
        { err: error, leadId },
        'unsubscribe: the address is suppressed, but the journey was not told (its cadence ends at its next email)',
      );
      return false;
    },
  );
  // A mail provider's one-click POST should not wait on a slow workflow engine; the update finishes alone.
  await Promise.race([told, new Promise((resolve) => setTimeout(resolve, deps.journeyWaitMs ?? 5_000).unref())]);
}

/** "jane@acme.com" → "j***@acme.com": enough for the owner to recognise, little for anyone else. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
