/**
 * The audit trail: who did what, when and why, to a deal, quote, approval, signature, contract,
 * token, person, material, product, quota, campaign, marketing spend or the rules version, and which leads' journeys
 * stopped for a person to look (`lead.needs-attention`), unsubscribed from marketing email
 * (`email.unsubscribed`) or followed their deal's close (`lead.stage-changed`). Rows are
 * append-only and keyed by an idempotency key, so an activity retry or a double-clicked button
 * records one entry. Every layer that changes data writes here
 * (use cases, activities, e-signature, API tokens), so the writer sits beside the database client;
 * reading the trail is a use case (src/usecases/audit-query.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Db, Prisma } from './client';

export const AUDIT_SUBJECTS = [
  'deal',
  'quote',
  'approval',
  'signature',
  'contract',
  'token',
  'person',
  'material',
  'product',
  'lead',
  'quota',
  'campaign',
  'marketing-spend',
  'rules',
] as const;
export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

export interface AuditEntry {
  tenant: string;
  subjectType: AuditSubject;
  subjectId: string;
  dealId?: string | null;
  /** Dotted verb, e.g. `approval.requested`, `approval.reminded`, `quote.version-created`. */
  action: string;
  /** A person's email, or "system" for timers and rules. */
  actor: string;
  reason?: string | null;
  details?: Record<string, unknown>;
  occurredAt: Date;
  /** Same key, same entry: retries and double submissions record once. Random when absent. */
  idempotencyKey?: string;
}

type AuditWriter = Pick<Db, 'auditEvent'> | Prisma.TransactionClient;

/** Appends an entry unless one with the same idempotency key exists. Returns whether it was new. */
export async function recordAudit(db: AuditWriter, entry: AuditEntry): Promise<boolean> {
  const idempotencyKey = entry.idempotencyKey ?? `audit:${randomUUID()}`;
  const existing = await db.auditEvent.findUnique({ where: { idempotencyKey }, select: { id: true } });
  if (existing) return false;
  await db.auditEvent.create({
    data: {
      id: idempotencyKey,
      tenant: entry.tenant,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      dealId: entry.dealId ?? null,
      action: entry.action,
      actor: entry.actor,
      reason: entry.reason ?? null,
      details: (entry.details ?? {}) as Prisma.InputJsonValue,
      occurredAt: entry.occurredAt,
      idempotencyKey,
    },
  });
  return true;
}
