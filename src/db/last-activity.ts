import type { Db, Prisma } from './client';

/**
 * Moves a lead's `lastActivityAt` forward to `at` (never back: events may arrive out of order), so
 * the lead list can sort by last activity with a keyset. Idempotent: a retry writes the same value.
 */
export async function advanceLastActivity(db: Db | Prisma.TransactionClient, leadId: string, at: Date): Promise<void> {
  await db.lead.updateMany({
    where: { id: leadId, OR: [{ lastActivityAt: null }, { lastActivityAt: { lt: at } }] },
    data: { lastActivityAt: at },
  });
}
