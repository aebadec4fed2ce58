import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, formText } from '../lib/api';
import { formatDateTime, formatRelative, label, language, t } from '../lib/i18n';
import { ruleName } from '../lib/rule-labels';
import { useApi } from '../lib/use-api';
import { useSubmit } from '../lib/use-submit';
import { nameOf } from '../lib/people';
import { reasonsText, scoreWhyText, taskTitle, type ScoreWhy, type Worded } from '../lib/reason-words';
import { Tasks } from '../components/DealWork';
import { Timeline } from '../components/Timeline';
import { Empty, Loading, Page, personName, Problem, StageBadge } from '../components/common';

export interface ScoreItem {
  part: string;
  signal: string;
  label: string;
  /** An attribute whose tier label the rules write per language. */
  labels?: { en: string; 'zh-CN': string } | null;
  detail: string;
  /** What `detail` says, as values the hover text words in the reader's language. */
  why?: ScoreWhy | null;
  points: number;
  at: string | null;
  decayedFrom: number | null;
  capped: boolean;
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
  createdAt: string;
  bant: Record<string, string> | null;
  scoreBreakdown: {
    score: number;
    threshold: number;
    mql: boolean;
    nextDecayAt: string | null;
    rulesetVersion: string;
    items: ScoreItem[];
  } | null;
  cadence: {
    cadence: string;
    status: string;
    nextStep: string | null;
    nextStepText?: Worded | null;
    nextStepAt: string | null;
    stoppedReason: string | null;
  } | null;
  slaClock: {
    /** The SLA's name in escalation.yaml; null when the journey is not reachable. */
    name?: string | null;
    status: string;
    dueAt: string | null;
    firstTouchAt: string | null;
    breached: boolean;
    escalationLevel: number | null;
  } | null;
}

/**
 * "+15 Pricing page visit, 3 days ago", "+8 Webinar sign-up, 40 days ago (decayed from 15)": a score
 * item as a sentence. Behaviours and sources are named in the reader's language; attributes by
 * the rule file's tier label in the reader's language when RevOps wrote one per language, else as written.
 */
export function scoreSentence(item: ScoreItem): string {
  const sign = item.points >= 0 ? '+' : '−';
  const what =
    item.part === 'behaviour'
      ? label('events', item.signal)
      : item.signal.startsWith('source:')
        ? t('lead.cameFrom', { source: label('sources', item.signal.slice('source:'.length)) })
        : (item.labels?.[language.value] ?? item.label);
  const when = item.at ? `, ${formatRelative(item.at)}` : '';
  const decayed =
    item.decayedFrom !== null && item.decayedFrom !== item.points
      ? ` ${t('lead.decayedFrom', { points: item.decayedFrom })}`
      : '';
  const capped = item.capped ? ` ${t('lead.capped')}` : '';
  return `${sign}${Math.abs(item.points)} ${what}${when}${decayed}${capped}`;
}

function SlaClock({ lead }: { lead: Lead }) {
  const sla = lead.slaClock;
  if (!sla || sla.status === 'none') return <p>{t('lead.noSla')}</p>;
  const due = sla.dueAt;
  return (
    <div class={`sla sla-${sla.status}${sla.breached ? ' late' : ''}`} id="sla-clock">
      {sla.name && <p class="subtle">{ruleName('slas', sla.name)}</p>}
      <p>
        <strong>{label('slaStatus', sla.status)}</strong>
        {due && sla.status === 'running' && (
          <>
            {' '}
            ·{' '}
            {sla.breached
              ? t('lead.slaOverdue', { when: formatRelative(due) })
              : t('lead.slaDue', { when: formatRelative(due) })}
          </>
        )}
      </p>
      {due && <p class="subtle">{formatDateTime(due)}</p>}
      {sla.escalationLevel ? <p class="warning">{t('lead.escalated', { level: sla.escalationLevel })}</p> : null}
      {sla.firstTouchAt && <p class="subtle">{t('lead.firstTouch', { when: formatDateTime(sla.firstTouchAt) })}</p>}
    </div>
  );
}

const BANT_OPTIONS: Record<string, string[]> = {
  budget: ['confirmed', 'planned', 'none', 'unknown'],
  authority: ['decision-maker', 'influencer', 'user', 'none', 'unknown'],
  need: ['confirmed', 'exploring', 'none', 'unknown'],
  timeline: ['this-quarter', 'next-quarter', 'this-year', 'later', 'unknown'],
};

function Disqualify({ lead, done }: { lead: Lead; done: () => void }) {
  const { error, busy, onSubmit } = useSubmit(
    (form) =>
      api(`/api/leads/${lead.id}/disqualify`, { method: 'POST', body: { reason: formText(form, 'reason').trim() } }),
    { done },
  );
  return (
    <form class="grid-form" id="disqualify" aria-label={t('actions.disqualify')} onSubmit={onSubmit}>
      <label>
        {t('actions.disqualifyReason')}
        <input name="reason" required maxLength={100} />
      </label>
      <div class="actions">
        <button type="submit" class="reject" disabled={busy}>
          {t('actions.disqualify')}
        </button>
      </div>
      <Problem error={error} />
    </form>
  );
}

/** The owner's touches (TOUCH_EVENTS): the first one logged meets the first-touch SLA. */
const TOUCHES = ['call-logged', 'email-sent', 'meeting-booked'];
/** Stages in which a lead is still being worked, so a touch may be logged. */
const WORKED_STAGES = ['new', 'engaged', 'mql', 'sql', 'nurture', 'recycled'];

function LogTouch({ lead, done }: { lead: Lead; done: () => void }) {
  const { error, ok, busy, onSubmit } = useSubmit(
    (form) => {
      const note = formText(form, 'note').trim();
      return api(`/api/leads/${lead.id}/events`, {
        method: 'POST',
        body: { type: formText(form, 'type'), ...(note ? { details: { note } } : {}) },
      });
    },
    { done },
  );
  return (
    <form class="grid-form" id="log-touch" aria-label={t('lead.logTouch')} onSubmit={onSubmit}>
      <label>
        {t('lead.touchKind')}
        <select name="type">
          {TOUCHES.map((type) => (
            <option key={type} value={type}>
              {label('events', type)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('lead.touchNote')}
        <input name="note" maxLength={2000} />
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('lead.logTouch')}
        </button>
        {ok && (
          <span role="status" class="ok" id="touch-result">
            {t('lead.touchLogged')}
          </span>
        )}
      </div>
      <Problem error={error} />
    </form>
  );
}

interface Person {
  email: string;
  name: string | null;
  role: string;
  active: boolean;
}

/** Hands the lead to another rep, with the reason for the record (the new owner is emailed; the API decides who may). */
function Reassign({ lead, done }: { lead: Lead; done: () => void }) {
  const { data } = useApi<{ reps: Person[] }>('/api/reps');
  const people = (data?.reps ?? []).filter((p) => p.active && p.email !== lead.ownerId);
  const { error, ok, busy, onSubmit, fieldError } = useSubmit(
    (form) =>
      api(`/api/leads/${lead.id}/reassign`, {
        method: 'POST',
        body: { repEmail: formText(form, 'repEmail'), reason: formText(form, 'reason').trim() },
      }),
    { done },
  );
  return (
    <form class="stack-form" id="reassign" aria-label={t('lead.reassign')} onSubmit={onSubmit}>
      <label>
        {t('lead.reassignTo')}
        <select name="repEmail" required aria-invalid={fieldError('repEmail') ? true : undefined}>
          <option value="">{t('lead.choosePerson')}</option>
          {people.map((p) => (
            <option key={p.email} value={p.email}>
              {p.name ? `${p.name} (${label('roles', p.role)})` : p.email}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('lead.reassignReason')}
        <input name="reason" required maxLength={500} aria-invalid={fieldError('reason') ? true : undefined} />
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('lead.reassign')}
        </button>
        {ok && (
          <span role="status" class="ok" id="reassign-result">
            {t('lead.reassigned')}
          </span>
        )}
      </div>
      <Problem error={error} />
    </form>
  );
}

function Qualify({ lead, done }: { lead: Lead; done: () => void }) {
  const {
    error,
    busy,
    answer: result,
    onSubmit,
  } = useSubmit(
    (form) =>
      api<{ stage: string; unmet: string[]; unmetReasons?: Worded[] }>(`/api/leads/${lead.id}/bant`, {
        method: 'POST',
        body: Object.fromEntries(Object.keys(BANT_OPTIONS).map((key) => [key, form.get(key)])),
      }),
    { done, keep: true },
  );
  return (
    <form onSubmit={onSubmit} id="bant" class="grid-form">
      {Object.entries(BANT_OPTIONS).map(([key, values]) => (
        <label key={key}>
          {t(`bant.${key}`)}
          <select name={key}>
            {values.map((v) => (
              <option key={v} value={v} selected={v === (lead.bant?.[key] ?? 'unknown')}>
                {t(`bant.${key}Values.${v}`)}
              </option>
            ))}
          </select>
        </label>
      ))}
      <button type="submit" disabled={busy}>
        {t('lead.qualify')}
      </button>
      <Problem error={error} />
      {result && (
        <p role="status" id="bant-result">
          {result.stage === 'sql'
            ? t('lead.nowSql')
            : t('lead.notYetSql', {
                unmet: result.unmetReasons?.length ? reasonsText(result.unmetReasons) : result.unmet.join('; '),
              })}
        </p>
      )}
    </form>
  );
}

export function LeadPage() {
  const { params } = useRoute();
  const { route } = useLocation();
  const { data: lead, error, reload } = useApi<Lead>(`/api/leads/${encodeURIComponent(params.id ?? '')}`);
  // Bumped after an action on the lead, so the timeline reads again.
  const [changes, setChanges] = useState(0);
  const changed = () => {
    reload();
    setChanges((n) => n + 1);
  };
  const conversion = useSubmit<{ dealId: string }>(null, { done: (answer) => route(`/deals/${answer.dealId}`) });
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
  const convert = () =>
    conversion.run(() => api<{ dealId: string }>(`/api/leads/${lead.id}/convert`, { method: 'POST', body: {} }));
  const breakdown = lead.scoreBreakdown?.items ?? [];
  const cadence = lead.cadence;
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
      <Problem error={conversion.error} />
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
                <li key={i} class={part.points < 0 ? 'minus' : 'plus'} title={scoreWhyText(part)}>
                  {scoreSentence(part)}
                </li>
              ))}
            </ul>
          )}
          {lead.scoreBreakdown?.nextDecayAt && (
            <p class="subtle">{t('lead.nextDecay', { when: formatRelative(lead.scoreBreakdown.nextDecayAt) })}</p>
          )}
        </section>
        <section aria-labelledby="sla-title" class="card">
          <h2 id="sla-title">{t('lead.sla')}</h2>
          <SlaClock lead={lead} />
          <h3>{t('lead.owner')}</h3>
          <p id="lead-owner">
            {lead.ownerId
              ? nameOf(lead.ownerId)
              : lead.queue
                ? t('leads.inQueue', { queue: ruleName('queues', lead.queue) })
                : '—'}
          </p>
          {WORKED_STAGES.includes(lead.stage) && (
            <details>
              <summary>{t('lead.reassign')}</summary>
              <Reassign lead={lead} done={changed} />
            </details>
          )}
        </section>
        <section aria-labelledby="cadence-title" class="card">
          <h2 id="cadence-title">{t('lead.cadence')}</h2>
          {cadence ? (
            <div id="cadence">
              <p>
                <strong>{ruleName('cadences', cadence.cadence)}</strong> · {label('cadenceStatus', cadence.status)}
              </p>
              {cadence.nextStep && (
                <p>
                  {t('lead.nextStep', {
                    step: taskTitle({ title: cadence.nextStep, titleText: cadence.nextStepText }),
                    when: formatRelative(cadence.nextStepAt),
                  })}
                </p>
              )}
            </div>
          ) : (
            <Empty>{t('lead.noCadence')}</Empty>
          )}
        </section>
      </div>
      {WORKED_STAGES.includes(lead.stage) && (
        <section aria-labelledby="touch-title" class="card">
          <h2 id="touch-title">{t('lead.touches')}</h2>
          <LogTouch lead={lead} done={changed} />
        </section>
      )}
      {(lead.stage === 'mql' || lead.stage === 'sql' || lead.stage === 'engaged') && (
        <section aria-labelledby="bant-title" class="card">
          <h2 id="bant-title">{t('lead.bant')}</h2>
          <Qualify lead={lead} done={changed} />
          <details>
            <summary>{t('actions.disqualify')}</summary>
            <Disqualify lead={lead} done={changed} />
          </details>
        </section>
      )}
      <section aria-labelledby="tasks-title" class="card">
        <h2 id="tasks-title">{t('lead.tasks')}</h2>
        <Tasks leadId={lead.id} />
      </section>
      <section aria-labelledby="timeline-title" class="card">
        <h2 id="timeline-title">{t('lead.timeline')}</h2>
        <Timeline key={changes} path={`/api/leads/${lead.id}/timeline`} id="lead-timeline" />
      </section>
    </Page>
  );
}
