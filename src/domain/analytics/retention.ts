/**
 * Retention: contracts coming up for renewal, and the renewal rate. leadflow records a renewal as
 * a new won deal on the same account, so a contract counts as renewed when the same account has a
 * later contract that starts no later than `graceDays` after it ends.
 */
import type { ContractFact } from './facts';
import { append, ratio, tally, totals, type MoneyTotal, type Ratio, type Tally } from './measures';
import { within, type Interval } from './period';

/** What retention reads of a contract (a ContractFact is one). */
export type RenewalContract = Pick<
  ContractFact,
  'id' | 'accountId' | 'startDate' | 'endDate' | 'acvMinor' | 'currency' | 'createdAt'
>;

const MS_PER_DAY = 86_400_000;

/** How long after a contract's end a new contract of the same account still counts as its renewal. */
export const RENEWAL_GRACE_DAYS = 30;

export interface RenewalReport {
  /** Contracts ending in the period (contract ids). */
  due: Tally;
  /** Their ACV, per currency: the revenue up for renewal. */
  dueValue: MoneyTotal[];
  renewed: Tally;
  notRenewed: Tally;
  /** Not renewed yet, and the grace period is not over at `asOf`. */
  pending: Tally;
  /** renewed ÷ (renewed + not renewed). */
  rate: Ratio;
}

function renewalOf(contract: RenewalContract, ofAccount: readonly RenewalContract[], asOf: Date, graceMs: number) {
  const latestStart = contract.endDate.getTime() + graceMs;
  return ofAccount.find(
    (next) =>
      next.id !== contract.id &&
      next.createdAt < asOf &&
      next.startDate > contract.startDate &&
      next.startDate.getTime() <= latestStart,
  );
}

export function renewals(
  contracts: readonly RenewalContract[],
  period: Interval,
  asOf: Date,
  graceDays = RENEWAL_GRACE_DAYS,
): RenewalReport {
  const graceMs = graceDays * MS_PER_DAY;
  const due = contracts.filter((contract) => within(contract.endDate, period));
  const byAccount = new Map<string, RenewalContract[]>();
  for (const contract of contracts) append(byAccount, contract.accountId, contract);
  const renewed: string[] = [];
  const notRenewed: string[] = [];
  const pending: string[] = [];
  for (const contract of due) {
    if (renewalOf(contract, byAccount.get(contract.accountId) ?? [], asOf, graceMs)) renewed.push(contract.id);
    else if (contract.endDate.getTime() + graceMs <= asOf.getTime()) notRenewed.push(contract.id);
    else pending.push(contract.id);
  }
  return {
    due: tally(due.map((contract) => contract.id)),
    dueValue: totals(due.map((c) => ({ id: c.id, currency: c.currency, amountMinor: c.acvMinor }))),
    renewed: tally(renewed),
    notRenewed: tally(notRenewed),
    pending: tally(pending),
    rate: ratio(renewed, [...renewed, ...notRenewed]),
  };
}
