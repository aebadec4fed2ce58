/**
 * The records behind a figure's ids, for the drill-down: each id is looked up among the tenant's
 * leads, deals, quote versions, approval requests, contracts and logged activities (a figure's ids
 * are all of one kind, so the first lookup that finds them usually finds them all). The records are
 * what a list needs to show, read as they stand now; the figure itself comes from recorded facts.
 */
import type { Db } from '../../db/client';

export type DrillRecord =
  | {
      kind: 'lead';
      id: string;
      createdAt: string;
      email: string | null;
      company: string | null;
      source: string;
      stage: string;
      ownerEmail: string | null;
    }
  | {
      kind: 'deal';
      id: string;
      leadId: string;
      name: string;
      ownerEmail: string;
      stage: string;
      currency: string;
      acvMinor: number | null;
      closedAt: string | null;
    }
  | {
      kind: 'quote-version';
      id: string;
      quoteId: string;
      dealId: string;
      version: number;
      status: string;
      discountBp: number;
      tier: string | null;
      sentAt: string | null;
    }
  | {
      kind: 'approval';
      id: string;
      dealId: string;
      tier: string;
      status: string;
      requestedAt: string;
      decidedAt: string | null;
    }
  | {
      kind: 'contract';
      id: string;
      dealId: string;
      startDate: string;
      endDate: string;
      currency: string;
      acvMinor: number;
    }
  | {
      kind: 'activity';
      id: string;
      leadId: string;
      dealId: string | null;
      type: string;
      actor: string | null;
      occurredAt: string;
    }
  /** An id no table holds (a marketing spend entry, `source/campaign/month`). */
  | { kind: 'other'; id: string };

const iso = (at: Date | null) => (at === null ? null : at.toISOString());
const minor = (amount: bigint | null) => (amount === null ? null : Number(amount));

type Finder = (db: Db, tenant: string, ids: string[]) => Promise<DrillRecord[]>;

const FINDERS: Finder[] = [
  async (db, tenant, ids) =>
    (await db.lead.findMany({ where: { tenant, id: { in: ids } } })).map((lead) => ({
      kind: 'lead',
      id: lead.id,
      createdAt: lead.createdAt.toISOString(),
      email: lead.email,
      company: lead.company,
      source: lead.source,
      stage: lead.stage,
      ownerEmail: lead.ownerId,
    })),
  async (db, tenant, ids) =>
    (await db.deal.findMany({ where: { tenant, id: { in: ids } } })).map((deal) => ({
      kind: 'deal',
      id: deal.id,
      leadId: deal.leadId,
      name: deal.name,
      ownerEmail: deal.ownerEmail,
      stage: deal.stage,
      currency: deal.currency,
      acvMinor: minor(deal.acvMinor),
      closedAt: iso(deal.closedAt),
    })),
  async (db, tenant, ids) =>
    (await db.quoteVersion.findMany({ where: { id: { in: ids }, quote: { tenant } }, include: { quote: true } })).map(
      (version) => ({
        kind: 'quote-version',
        id: version.id,
        quoteId: version.quoteId,
        dealId: version.quote.dealId,
        version: version.version,
        status: version.status,
        discountBp: version.approvalDiscountBp,
        tier: version.approvalTier,
        sentAt: iso(version.sentAt),
      }),
    ),
  async (db, tenant, ids) =>
    (await db.approvalRequest.findMany({ where: { tenant, id: { in: ids } } })).map((request) => ({
      kind: 'approval',
      id: request.id,
      dealId: request.dealId,
      tier: request.tier,
      status: request.status,
      requestedAt: request.requestedAt.toISOString(),
      decidedAt: iso(request.decidedAt),
    })),
  async (db, tenant, ids) =>
    (await db.contract.findMany({ where: { tenant, id: { in: ids } } })).map((contract) => ({
      kind: 'contract',
      id: contract.id,
      dealId: contract.dealId,
      startDate: contract.startDate.toISOString(),
      endDate: contract.endDate.toISOString(),
      currency: contract.currency,
      acvMinor: Number(contract.acvMinor),
    })),
  async (db, tenant, ids) =>
    (await db.interaction.findMany({ where: { id: { in: ids }, lead: { tenant } } })).map((touch) => {
      const actor = (touch.payload as { actor?: unknown } | null)?.actor;
      return {
        kind: 'activity',
        id: touch.id,
        leadId: touch.leadId,
        dealId: null,
        type: touch.kind,
        actor: typeof actor === 'string' ? actor : null,
        occurredAt: touch.occurredAt.toISOString(),
      };
    }),
  async (db, tenant, ids) =>
    (await db.dealActivity.findMany({ where: { id: { in: ids }, deal: { tenant } }, include: { deal: true } })).map(
      (activity) => ({
        kind: 'activity',
        id: activity.id,
        leadId: activity.deal.leadId,
        dealId: activity.dealId,
        type: activity.kind,
        actor: activity.actor,
        occurredAt: activity.occurredAt.toISOString(),
      }),
    ),
];

/** The records of `ids` (one page: at most a few hundred), in the order of `ids`. */
export async function drillRecords(db: Db, tenant: string, ids: readonly string[]): Promise<DrillRecord[]> {
  const found = new Map<string, DrillRecord>();
  for (const find of FINDERS) {
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length === 0) break;
    for (const record of await find(db, tenant, missing)) found.set(record.id, record);
  }
  return ids.map((id) => found.get(id) ?? { kind: 'other', id });
}
