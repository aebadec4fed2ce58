/**
 * Quote version, approval and contract facts from loaded deal rows, as recorded before `asOf`: a
 * version sent later is not sent yet, an approval decided later is still pending.
 */
import type { ApprovalFact, ContractFact, QuoteFact, Segment } from '../../domain/analytics/facts';
import type { DealRow } from './fact-rows';

export interface DealDeskFacts {
  quotes: QuoteFact[];
  approvals: ApprovalFact[];
  contracts: ContractFact[];
}

const before = (at: Date | null, asOf: Date): Date | null => (at !== null && at < asOf ? at : null);

export function dealDeskFacts(
  rows: readonly DealRow[],
  segments: ReadonlyMap<string, Segment>,
  asOf: Date,
): DealDeskFacts {
  const facts: DealDeskFacts = { quotes: [], approvals: [], contracts: [] };
  for (const row of rows) {
    const segment = segments.get(row.id);
    if (!segment) continue;
    for (const version of row.versions) {
      if (version.createdAt >= asOf) continue;
      facts.quotes.push({
        id: version.id,
        quoteId: version.quoteId,
        dealId: row.id,
        segment,
        discountBp: version.approvalDiscountBp,
        tier: version.approvalTier,
        createdAt: version.createdAt,
        sentAt: before(version.sentAt, asOf),
      });
      for (const request of version.approvals.filter((a) => a.requestedAt < asOf)) {
        const decidedAt = before(request.decidedAt, asOf);
        facts.approvals.push({
          id: request.id,
          dealId: row.id,
          segment,
          tier: request.tier,
          status: decidedAt ? request.status : 'pending',
          requestedAt: request.requestedAt,
          decidedAt,
        });
      }
    }
    const contract = row.contract;
    if (contract && contract.createdAt < asOf)
      facts.contracts.push({
        id: contract.id,
        dealId: row.id,
        accountId: row.accountId,
        segment,
        startDate: contract.startDate,
        endDate: contract.endDate,
        acvMinor: Number(contract.acvMinor),
        currency: contract.currency,
        createdAt: contract.createdAt,
      });
  }
  return facts;
}
