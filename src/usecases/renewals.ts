/**
 * The renewals calendar: won contracts whose term ends within a date range, with the deal, the
 * account, the value, the owner, the contract's status and its renewal reminders (sent, and
 * planned by approvals.yaml `renewals.remindBefore`).
 */
import type { Db } from '../db/client';
import { formatMoney } from '../domain/money';
import type { Duration } from '../rules/duration';
import { dealsInSight, type Sight } from './visibility';

/** At most this many contracts per answer; `truncated` says when more ended in the range. */
export const RENEWALS_LIMIT = 500;

export interface RenewalReminder {
  /** "90 days": how long before the end. */
  offset: string;
  /** When it is (or was) due. */
  at: string;
  /** When it was sent (the owner got a task and an email); null while planned. */
  sentAt: string | null;
}

export interface RenewalView {
  contractId: string;
  dealId: string;
  dealName: string;
  accountName: string;
  ownerEmail: string;
  /** active | renewal-due | renewed | ended */
  status: string;
  startDate: string;
  endDate: string;
  termMonths: number;
  value: { currency: string; tcvMinor: number; tcvFormatted: string; acvMinor: number; acvFormatted: string };
  reminders: RenewalReminder[];
}

export interface RenewalsCalendar {
  from: string;
  to: string;
  renewals: RenewalView[];
  truncated: boolean;
}

/**
 * Contracts in sight whose end date is within [from, to] (calendar dates, UTC), soonest first.
 * Planned reminders come from the active rules; a reminder already sent is read from the audit
 * trail, so one whose offset the rules no longer list still shows.
 */
export async function renewalsCalendar(
  db: Db,
  sight: Sight,
  range: { from: string; to: string },
  remindBefore: readonly Duration[],
): Promise<RenewalsCalendar> {
  const start = new Date(`${range.from}T00:00:00.000Z`);
  const end = new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 24 * 3600 * 1000);
  const contracts = await db.contract.findMany({
    where: { tenant: sight.tenant, endDate: { gte: start, lt: end }, deal: dealsInSight(sight, 'read') },
    include: { deal: { select: { name: true, ownerEmail: true, account: { select: { name: true } } } } },
    orderBy: [{ endDate: 'asc' }, { id: 'asc' }],
    take: RENEWALS_LIMIT + 1,
  });
  const shown = contracts.slice(0, RENEWALS_LIMIT);
  const sent = await db.auditEvent.findMany({
    where: { subjectType: 'contract', subjectId: { in: shown.map((c) => c.id) }, action: 'contract.renewal-reminder' },
    select: { subjectId: true, occurredAt: true, details: true },
  });
  return {
    from: range.from,
    to: range.to,
    truncated: contracts.length > RENEWALS_LIMIT,
    renewals: shown.map((contract) => ({
      contractId: contract.id,
      dealId: contract.dealId,
      dealName: contract.deal.name,
      accountName: contract.deal.account.name,
      ownerEmail: contract.deal.ownerEmail,
      status: contract.status,
      startDate: contract.startDate.toISOString().slice(0, 10),
      endDate: contract.endDate.toISOString().slice(0, 10),
      termMonths: contract.termMonths,
      value: {
        currency: contract.currency,
        tcvMinor: Number(contract.tcvMinor),
        tcvFormatted: formatMoney(Number(contract.tcvMinor), contract.currency),
        acvMinor: Number(contract.acvMinor),
        acvFormatted: formatMoney(Number(contract.acvMinor), contract.currency),
      },
      reminders: remindersOf(
        contract.endDate,
        remindBefore,
        sent.filter((event) => event.subjectId === contract.id),
      ),
    })),
  };
}

function remindersOf(
  endDate: Date,
  remindBefore: readonly Duration[],
  sent: { occurredAt: Date; details: unknown }[],
): RenewalReminder[] {
  const sentAt = new Map(
    sent.map((event) => [String((event.details as { offset?: unknown }).offset), event.occurredAt.toISOString()]),
  );
  const planned = remindBefore.flatMap((offset) =>
    offset.kind === 'calendar'
      ? [
          {
            offset: offset.text,
            at: new Date(endDate.getTime() - offset.ms).toISOString(),
            sentAt: sentAt.get(offset.text) ?? null,
          },
        ]
      : [],
  );
  const known = new Set(planned.map((reminder) => reminder.offset));
  const others = [...sentAt]
    .filter(([offset]) => !known.has(offset))
    .map(([offset, at]) => ({ offset, at, sentAt: at }));
  return [...planned, ...others].sort((a, b) => a.at.localeCompare(b.at));
}
