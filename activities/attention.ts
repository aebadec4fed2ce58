import { recordAudit } from '../src/db/audit-trail';
import type { Db } from '../src/db/client';

/** Whose journey needs a person. */
export type AttentionSubject = { type: 'lead'; leadId: string } | { type: 'deal'; dealId: string; leadId: string };

export interface FlagAttentionInput {
  subject: AttentionSubject;
  tenant: string;
  step: string;
  code: string;
  reason: string;
  at: string;
  idempotencyKey: string;
}

/**
 * A step of a journey failed for good (see workflows/attention.ts): the audit trail records it
 * (`lead.needs-attention` or `deal.needs-attention`, with the reason), and a lead's row says
 * `journeyStatus: needs-attention` with the reason. A lead that was never stored (its first
 * submission failed) has only the audit entry. Keyed, so a retry records once.
 */
export function createAttentionActivities(db: Db) {
  return {
    async flagAttention(input: FlagAttentionInput): Promise<void> {
      const at = new Date(input.at);
      const { subject } = input;
      await db.$transaction(async (tx) => {
        const leadStored =
          subject.type === 'lead' &&
          (
            await tx.lead.updateMany({
              where: { id: subject.leadId },
              data: { journeyStatus: 'needs-attention', attentionReason: input.reason, attentionAt: at },
            })
          ).count === 1;
        await recordAudit(tx, {
          tenant: input.tenant,
          subjectType: subject.type,
          subjectId: subject.type === 'lead' ? subject.leadId : subject.dealId,
          dealId: subject.type === 'deal' ? subject.dealId : null,
          action: `${subject.type}.needs-attention`,
          actor: 'system',
          reason: input.reason,
          details: { step: input.step, code: input.code, ...(subject.type === 'lead' ? { leadStored } : {}) },
          occurredAt: at,
          idempotencyKey: input.idempotencyKey,
        });
      });
    },
  };
}
