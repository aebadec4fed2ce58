import { useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { api } from '../lib/api';
import { formatDateTime, formatMoney, formatNumber, label, t } from '../lib/i18n';
import { ruleName } from '../lib/rule-labels';
import { me } from '../lib/session';
import { nameOf } from '../lib/people';
import { Problem } from './common';

export interface ApprovalStep {
  id: string;
  position?: number;
  level?: string;
  assignee: string;
  status: string;
  dueAt?: string | null;
  decidedAt?: string | null;
  decidedBy?: string | null;
  comment?: string | null;
  delegatedFrom?: string | null;
}
export interface Approval {
  id: string;
  dealId: string;
  status: string;
  tier: string;
  contentHash: string;
  createdAt?: string;
  deal?: { id: string; name: string; stage: string; ownerEmail: string; accountName: string | null } | null;
  value?: { amountMinor: number; currency: string; formatted: string } | null;
  discount?: { amountMinor: number; formatted: string; percent: number; bp: number } | null;
  requestedBy?: string | null;
  reason?: string | null;
  deadline?: string | null;
  quote: {
    id: string;
    number: string;
    version: number;
    discountBp?: number | null;
    currency?: string;
    pricing?: { total: { listFormatted: string; netFormatted: string; effectiveDiscount: string } } | null;
  };
  steps: ApprovalStep[];
  history?: { at: string; action: string; actor: string | null; reason: string | null; level: string | null }[];
}

/** `manager → director → vp + finance` in the reader's words, from the request's own steps (delegations left out). */
function chainOf(approval: Approval): string {
  const byPosition = new Map<number, string[]>();
  approval.steps
    .filter((s) => !s.delegatedFrom && s.level)
    .forEach((s, i) => {
      const roles = byPosition.get(s.position ?? i) ?? [];
      const role = label('roles', s.level!);
      if (!roles.includes(role)) roles.push(role);
      byPosition.set(s.position ?? i, roles);
    });
  return [...byPosition.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, roles]) => roles.join(' + '))
    .join(' → ');
}

/**
 * Why it needs approval, in the reader's language, from the discount, the value and the tier; the
 * API's English sentence (`reason`) when the card lacks them.
 */
function whyOf(approval: Approval, percent: number | null): string | null {
  if (percent === null || !approval.value || approval.steps.length === 0) return approval.reason ?? null;
  return t('approvals.whyRequired', {
    percent: formatNumber(percent / 100, { style: 'percent', maximumFractionDigits: 2 }),
    // The rules judge the deal by its size before the discount: the value plus the discount.
    amount: formatMoney(approval.value.amountMinor + (approval.discount?.amountMinor ?? 0), approval.value.currency),
    tier: ruleName('tiers', approval.tier),
    chain: chainOf(approval),
  });
}

/** The step the signed-in person decides: theirs if assigned, else the first pending one (as a delegate). */
function myStep(approval: Approval): ApprovalStep | undefined {
  const pending = approval.steps.filter((s) => s.status === 'pending');
  return (
    pending.find((s) => s.assignee === me.value?.email) ??
    pending.find((s) => s.delegatedFrom === me.value?.email) ??
    undefined
  );
}

export function ApprovalCard({
  approval,
  onDecided,
  open = false,
}: {
  approval: Approval;
  onDecided: (text: string) => void;
  open?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [comment, setComment] = useState('');
  const step = myStep(approval);
  const dealName = approval.deal?.name ?? approval.dealId;
  const percent =
    approval.discount?.percent ?? (approval.quote.discountBp != null ? approval.quote.discountBp / 100 : null);
  const why = whyOf(approval, percent === null ? null : Number(percent));
  async function decide(decision: 'approve' | 'reject') {
    if (!step || busy) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ decision: string; requestStatus: string }>(
        `/api/approvals/${approval.id}/steps/${step.id}/decision`,
        {
          method: 'POST',
          body: { decision, comment, contentHash: approval.contentHash },
        },
      );
      onDecided(
        t('approvals.decided', {
          decision: label('decisions', answer.decision),
          deal: dealName,
          status: label('approvalStatus', answer.requestStatus),
        }),
      );
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <article
      class={`approval card${open ? ' linked' : ''}`}
      data-approval={approval.id}
      aria-labelledby={`ap-${approval.id}`}
      aria-busy={busy || undefined}
    >
      <h3 id={`ap-${approval.id}`}>
        <a href={`/deals/${approval.dealId}`}>{dealName}</a> ·{' '}
        {t('approvals.quote', { number: approval.quote.number, version: approval.quote.version })}
      </h3>
      <dl class="facts">
        <div>
          <dt>{t('approvals.value')}</dt>
          <dd>
            {approval.value
              ? formatMoney(approval.value.amountMinor, approval.value.currency)
              : (approval.quote.pricing?.total.netFormatted ?? '—')}
          </dd>
        </div>
        <div>
          <dt>{t('approvals.discount')}</dt>
          <dd class="discount">
            {percent != null
              ? formatNumber(Number(percent) / 100, { style: 'percent', maximumFractionDigits: 2 })
              : '—'}
            {approval.discount && approval.value && (
              <> · {formatMoney(approval.discount.amountMinor, approval.value.currency)}</>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('approvals.tier')}</dt>
          <dd>{ruleName('tiers', approval.tier)}</dd>
        </div>
        <div>
          <dt>{t('approvals.askedBy')}</dt>
          <dd>{approval.requestedBy ? nameOf(approval.requestedBy) : '—'}</dd>
        </div>
        {step?.dueAt && (
          <div>
            <dt>{t('approvals.due')}</dt>
            <dd>{formatDateTime(step.dueAt)}</dd>
          </div>
        )}
      </dl>
      {why && <p class="reason">{t('approvals.why', { reason: why })}</p>}
      <details>
        <summary>{t('approvals.history')}</summary>
        <ol class="timeline">
          {(approval.history ?? []).map((h, i) => (
            <li key={i}>
              <time dateTime={h.at}>{formatDateTime(h.at)}</time>{' '}
              {label('approvalEvents', h.action.replace(/^approval\./, ''))}
              {h.level && <> ({label('roles', h.level)})</>}{' '}
              {h.actor && h.actor !== 'system' && <span class="subtle">· {nameOf(h.actor)}</span>}
              {h.reason && h.actor !== 'system' && h.action !== 'approval.requested' && <q>{h.reason}</q>}
            </li>
          ))}
          {approval.steps.map((s) => (
            <li key={s.id}>
              {t('approvals.step', {
                level: s.level ? label('roles', s.level) : '',
                who: nameOf(s.assignee),
                status: label('stepStatus', s.status),
              })}
              {s.delegatedFrom && <> ({t('approvals.for', { who: s.delegatedFrom })})</>}
              {s.decidedAt && <> · {formatDateTime(s.decidedAt)}</>}
              {s.comment && <q>{s.comment}</q>}
            </li>
          ))}
        </ol>
      </details>
      {step ? (
        <div class="decide">
          <label>
            {t('approvals.comment')}
            <textarea rows={2} maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </label>
          <button type="button" disabled={busy} onClick={() => void decide('approve')}>
            {t('approvals.approve')}
          </button>{' '}
          <button type="button" class="reject" disabled={busy} onClick={() => void decide('reject')}>
            {t('approvals.reject')}
          </button>
        </div>
      ) : (
        <p class="subtle">{t('approvals.notYours', { status: label('approvalStatus', approval.status) })}</p>
      )}
      <Problem error={error} />
    </article>
  );
}
