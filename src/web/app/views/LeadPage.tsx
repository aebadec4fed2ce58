import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import type { ApiError } from '../lib/api';
import { api } from '../lib/api';
import { formatDateTime, formatRelative, label, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { Tasks } from '../components/DealWork';
import { Empty, Loading, Page, personName, Problem, StageBadge } from '../components/common';

interface ScorePart {
  part: string;
  name: string;
  points: number;
  detail: string;
}
interface Lead {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  phone: string | null;
  source: string;
  stage: string;
  score: number;
  ownerId: string | null;
  queue: string | null;
  slaDueAt: string | null;
  slaStatus: string | null;
  firstTouchAt: string | null;
  createdAt: string;
  interactions: { kind: string; source: string | null; occurredAt: string; payload: { actor?: string } }[];
  stageEvents: {
    fromStage: string | null;
    toStage: string;
    reason: string;
    rulesetVersion: string | null;
    occurredAt: string;
  }[];
  emails: { toAddress: string; subject: string; status: string; sentAt: string | null }[];
  tasks: { id?: string; kind: string; title: string; dueAt: string; status: string }[];
  enrolments: {
    cadence: string;
    status: string;
    nextStepName: string | null;
    nextStepAt: string | null;
    stoppedReason: string | null;
  }[];
  bant: Record<string, string> | null;
  journey: {
    scoreBreakdown?: ScorePart[];
    nextDecayAt?: string | null;
    sla?: {
      name: string;
      status: string;
      dueAt: string | null;
      escalations: { action?: string; at?: string }[];
    } | null;
    cadence?: { name: string; status: string; nextStep: string | null; nextStepAt: string | null } | null;
  } | null;
}

interface TimelineItem {
  at: string;
  kind: string;
  text: string;
  who?: string | null;
}

/** Lead-phase history in one list, newest first: touches, stage changes, emails sent and tasks. */
function leadTimeline(lead: Lead): TimelineItem[] {
  const items: TimelineItem[] = [
    ...lead.interactions.map((i) => ({
      at: i.occurredAt,
      kind: 'touch',
      text: label('events', i.kind),
      who: i.payload?.actor ?? null,
    })),
    ...lead.stageEvents.map((e) => ({
      at: e.occurredAt,
      kind: 'stage',
      text: `${e.fromStage ? label('stages', e.fromStage) + ' → ' : ''}${label('stages', e.toStage)}: ${e.reason}`,
    })),
    ...lead.emails
      .filter((e) => e.sentAt)
      .map((e) => ({
        at: e.sentAt!,
        kind: 'email',
        text: t('lead.emailSent', { subject: e.subject, to: e.toAddress }),
      })),
  ];
  return items.sort((a, b) => b.at.localeCompare(a.at));
}

/** "+15 Pricing page visit, 3 days ago": a score part as a sentence, with when the behaviour last happened. */
export function scoreSentence(part: ScorePart, lead: Pick<Lead, 'interactions'>): string {
  const sign = part.points >= 0 ? '+' : '−';
  // The detail's parenthesis is the rule's arithmetic ("company.employees is at least 1,000, seen 1,200"): a tooltip, not the sentence.
  const what = part.part === 'behaviour' ? label('events', part.name) : part.detail.replace(/\s*\(.*\)\s*$/, '');
  const last = part.part === 'behaviour' ? lead.interactions.filter((i) => i.kind === part.name).at(-1) : undefined;
  const when = last ? `, ${formatRelative(last.occurredAt)}` : '';
  const times = part.part === 'behaviour' && /^(\d+) ×/.exec(part.detail);
  const count = times && Number(times[1]) > 1 ? ` (${t('lead.times', { count: Number(times[1]) })})` : '';
  return `${sign}${Math.abs(part.points)} ${what}${count}${when}`;
}

function SlaClock({ lead }: { lead: Lead }) {
  const sla = lead.journey?.sla;
  const due = sla?.dueAt ?? lead.slaDueAt;
  const status = sla?.status ?? lead.slaStatus;
  if (!status) return <p>{t('lead.noSla')}</p>;
  const late = due !== null && new Date(due).getTime() < Date.now();
  return (
    <div class={`sla sla-${status}${late && status === 'running' ? ' late' : ''}`} id="sla-clock">
      <p>
        <strong>{label('slaStatus', status)}</strong>
        {due && status === 'running' && (
          <>
            {' '}
            ·{' '}
            {late
              ? t('lead.slaOverdue', { when: formatRelative(due) })
              : t('lead.slaDue', { when: formatRelative(due) })}
          </>
        )}
      </p>
      {due && <p class="subtle">{formatDateTime(due)}</p>}
      {lead.firstTouchAt && <p class="subtle">{t('lead.firstTouch', { when: formatDateTime(lead.firstTouchAt) })}</p>}
    </div>
  );
}

const BANT_OPTIONS: Record<string, string[]> = {
  budget: ['confirmed', 'planned', 'none', 'unknown'],
  authority: ['decision-maker', 'influencer', 'user', 'none', 'unknown'],
  need: ['confirmed', 'exploring', 'none', 'unknown'],
  timeline: ['this-quarter', 'next-quarter', 'this-year', 'later', 'unknown'],
};

function Qualify({ lead, done }: { lead: Lead; done: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<{ stage: string; unmet: string[] } | null>(null);
  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      const answer = await api<{ stage: string; unmet: string[] }>(`/api/leads/${lead.id}/bant`, {
        method: 'POST',
        body: Object.fromEntries(Object.keys(BANT_OPTIONS).map((key) => [key, form.get(key)])),
      });
      setResult(answer);
      setError(null);
      done();
    } catch (caught) {
      setError(caught as ApiError);
    }
  }
  return (
    <form onSubmit={(event) => void submit(event)} id="bant" class="grid-form">
      {Object.entries(BANT_OPTIONS).map(([key, values]) => (
        <label key={key}>
          {t(`bant.${key}`)}
          <select name={key} defaultValue={lead.bant?.[key] ?? 'unknown'}>
            {values.map((v) => (
              <option key={v} value={v}>
                {t(`bant.${key}Values.${v}`)}
              </option>
            ))}
          </select>
        </label>
      ))}
      <button type="submit">{t('lead.qualify')}</button>
      <Problem error={error} />
      {result && (
        <p role="status" id="bant-result">
          {result.stage === 'sql' ? t('lead.nowSql') : t('lead.notYetSql', { unmet: result.unmet.join('; ') })}
        </p>
      )}
    </form>
  );
}

export function LeadPage() {
  const { params } = useRoute();
  const { route } = useLocation();
  const { data: lead, error, reload } = useApi<Lead>(`/api/leads/${encodeURIComponent(params.id ?? '')}`);
  const [convertError, setConvertError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (lead) document.title = `${personName(lead)} · leadflow`;
  }, [lead]);
  if (error)
    return (
      <Page title={t('lead.title')}>
        <Problem error={error} />
      </Page>
    );
  if (!lead) return <Loading />;
  async function convert() {
    try {
      const answer = await api<{ dealId: string }>(`/api/leads/${lead!.id}/convert`, { method: 'POST', body: {} });
      route(`/deals/${answer.dealId}`);
    } catch (caught) {
      setConvertError(caught as ApiError);
    }
  }
  const breakdown = lead.journey?.scoreBreakdown ?? [];
  const cadence = lead.journey?.cadence;
  return (
    <Page
      title={
        <>
          {personName(lead)} <StageBadge stage={lead.stage} />
        </>
      }
      actions={
        lead.stage === 'sql' && (
          <button type="button" id="convert" onClick={() => void convert()}>
            {t('lead.convert')}
          </button>
        )
      }
    >
      <Problem error={convertError} />
      <p class="lede">
        {[lead.title, lead.company].filter(Boolean).join(' · ')} · <a href={`mailto:${lead.email}`}>{lead.email}</a>
        {lead.phone && <> · {lead.phone}</>}
      </p>
      <div class="columns">
        <section aria-labelledby="score-title" class="card">
          <h2 id="score-title">{t('lead.score', { score: lead.score })}</h2>
          {breakdown.length === 0 ? (
            <Empty>{t('lead.noScore')}</Empty>
          ) : (
            <ul id="score-breakdown">
              {breakdown.map((part, i) => (
                <li key={i} class={part.points < 0 ? 'minus' : 'plus'} title={part.detail}>
                  {scoreSentence(part, lead)}
                </li>
              ))}
            </ul>
          )}
          {lead.journey?.nextDecayAt && (
            <p class="subtle">{t('lead.nextDecay', { when: formatRelative(lead.journey.nextDecayAt) })}</p>
          )}
        </section>
        <section aria-labelledby="sla-title" class="card">
          <h2 id="sla-title">{t('lead.sla')}</h2>
          <SlaClock lead={lead} />
          <h3>{t('lead.owner')}</h3>
          <p>{lead.ownerId ?? (lead.queue ? t('leads.inQueue', { queue: lead.queue }) : '—')}</p>
        </section>
        <section aria-labelledby="cadence-title" class="card">
          <h2 id="cadence-title">{t('lead.cadence')}</h2>
          {cadence ? (
            <div id="cadence">
              <p>
                <strong>{cadence.name}</strong> · {label('cadenceStatus', cadence.status)}
              </p>
              {cadence.nextStep && (
                <p>{t('lead.nextStep', { step: cadence.nextStep, when: formatRelative(cadence.nextStepAt) })}</p>
              )}
            </div>
          ) : (
            <Empty>{t('lead.noCadence')}</Empty>
          )}
        </section>
      </div>
      {(lead.stage === 'mql' || lead.stage === 'sql' || lead.stage === 'engaged') && (
        <section aria-labelledby="bant-title" class="card">
          <h2 id="bant-title">{t('lead.bant')}</h2>
          <Qualify lead={lead} done={reload} />
        </section>
      )}
      <section aria-labelledby="tasks-title" class="card">
        <h2 id="tasks-title">{t('lead.tasks')}</h2>
        <Tasks leadId={lead.id} />
      </section>
      <section aria-labelledby="timeline-title" class="card">
        <h2 id="timeline-title">{t('lead.timeline')}</h2>
        <ol class="timeline" id="lead-timeline">
          {leadTimeline(lead).map((item, i) => (
            <li key={i} class={`tl-${item.kind}`}>
              <time dateTime={item.at}>{formatDateTime(item.at)}</time> <span>{item.text}</span>
              {item.who && <span class="subtle"> · {item.who}</span>}
            </li>
          ))}
        </ol>
      </section>
    </Page>
  );
}
