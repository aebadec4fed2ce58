/**
 * A won contract's renewal clock: reminders to the deal owner at the offsets approvals.yaml sets
 * (e.g. 90, 60 and 30 days before the end), then the end of the term. Each wait is a durable
 * timer, and each reminder is keyed by its offset, so it fires after restarts and only once. The
 * workflow sleeps for a year or more; it holds no history worth continuing-as-new for.
 * Deterministic code only.
 */
import { sleep } from '@temporalio/workflow';
import type { Duration } from '../src/rules/duration';
import { mail, store } from './journey/effects';

export interface ContractRenewalInput {
  contractId: string;
  leadId: string;
  /** ISO instant the term ends. */
  endsAt: string;
  /** Offsets before the end, from approvals.yaml `renewals.remindBefore`, fixed when the deal was won. */
  remindBefore: Duration[];
}

export interface ContractRenewalResult {
  reminders: Array<{ offset: string; at: string }>;
  endedAt: string;
}

export async function contractRenewal(input: ContractRenewalInput): Promise<ContractRenewalResult> {
  const end = Date.parse(input.endsAt);
  const reminders: ContractRenewalResult['reminders'] = [];
  // Longest offset first; offsets already in the past when the deal was won are skipped.
  const due = input.remindBefore
    .filter((offset) => offset.kind === 'calendar')
    .map((offset) => ({ offset, at: end - offset.ms }))
    .sort((a, b) => a.at - b.at);
  for (const { offset, at } of due) {
    if (at < new Date().getTime()) continue;
    await sleep(at - new Date().getTime());
    const notice = await store.remindRenewal({
      contractId: input.contractId,
      offset: offset.text,
      at: new Date().toISOString(),
    });
    if (notice)
      await mail.sendEmail({
        idempotencyKey: `${input.contractId}:renewal:${offset.text}`,
        leadId: input.leadId,
        ...notice,
      });
    reminders.push({ offset: offset.text, at: new Date().toISOString() });
  }
  await sleep(Math.max(0, end - new Date().getTime()));
  await store.endContract({ contractId: input.contractId, at: new Date().toISOString() });
  return { reminders, endedAt: new Date().toISOString() };
}
