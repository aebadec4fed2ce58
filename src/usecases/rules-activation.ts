/**
 * The audit side of activating a stored rules version by hand (`leadflow rules activate`, POST
 * /api/rules/activations): who made which version live, after which, why, and what changed. The
 * activation history row (RuleActivation) carries the actor and reason too; the audit trail puts
 * the event beside everything else people did, under subject `rules`.
 */
import { recordAudit } from '../db/audit-trail';
import type { Db } from '../db/client';

export interface RulesActivationRecord {
  tenant: string;
  hash: string;
  previous: string | null;
  actor: string;
  reason: string;
  /** What changed, in the semantic diff's words. */
  changes: string[];
  at: Date;
}

/** Appends `rules.activated` to the audit trail (once per activation, even if retried). */
export async function auditRulesActivation(db: Pick<Db, 'auditEvent'>, record: RulesActivationRecord): Promise<void> {
  await recordAudit(db, {
    tenant: record.tenant,
    subjectType: 'rules',
    subjectId: record.hash,
    action: 'rules.activated',
    actor: record.actor,
    reason: record.reason,
    details: { previous: record.previous, changes: record.changes },
    occurredAt: record.at,
    idempotencyKey: `rules.activated:${record.hash}:${record.at.toISOString()}`,
  });
}
