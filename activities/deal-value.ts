/**
 * What a deal is worth, from the quote version that values it: its TCV as the deal's amount and its
 * ACV beside it, both excluding tax (docs/deal-desk.md "Contract value"). An approved version values
 * the deal while it is open; the won version values it for good.
 */
import type { Prisma } from '../src/db/client';
import { contractValueOf, type ContractValue } from '../src/domain/quote';
import { storedVersion } from '../src/usecases/quote-views';

type Tx = Prisma.TransactionClient;

/** The version's contract value and currency, from its stored content and totals. */
export function versionValue(row: Parameters<typeof storedVersion>[0]): ContractValue & { currency: string } {
  const { content, totals } = storedVersion(row);
  return { ...contractValueOf(content, totals), currency: content.currency };
}

/** Sets the deal's amount (TCV) and ACV from one of its quote versions. */
export async function recordDealValue(tx: Tx, versionId: string): Promise<ContractValue & { currency: string }> {
  const version = await tx.quoteVersion.findUniqueOrThrow({ where: { id: versionId }, include: { quote: true } });
  const value = versionValue(version);
  await tx.deal.update({
    where: { id: version.quote.dealId },
    data: { amountMinor: BigInt(value.tcvMinor), acvMinor: BigInt(value.acvMinor), currency: value.currency },
  });
  return value;
}
