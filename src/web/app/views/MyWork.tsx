import { useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { api } from '../lib/api';
import { formatDateTime, formatMoney, formatRelative, label, t } from '../lib/i18n';
import { taskTitle, type Worded } from '../lib/reason-words';
import { useApi } from '../lib/use-api';
import { Empty, Loading, Page, personName, Problem } from '../components/common';

export interface Task {
  id: string;
  kind: string;
  title: string;
  /** A journey's task as a code and values (null: written by hand, or older): see taskTitle. */
  titleText?: Worded | null;
  notes: string | null;
  status: string;
  dueAt: string;
  overdue: boolean;
  ownerEmail: string | null;
  lead: { id: string; name: string; company: string | null };
  deal: { id: string; name: string } | null;
}
interface DealRef {
  id: string;
  name: string;
  company: string | null;
  owner?: string;
  stage?: string;
  amountMinor?: number | string | null;
  currency?: string;
}
interface Work {
  timeZone: string;
  today: string;
  tasks: Task[];
  slasAtRisk: {
    leadId: string;
    name: string;
    company: string | null;
    owner: string | null;
    slaDueAt: string;
    status: 'at-risk' | 'breached';
  }[];
  approvals: {
    requestId: string;
    dueAt: string | null;
    overdue: boolean;
    requestedBy: string | null;
    delegatedFrom: string | null;
    deal: DealRef;
    quote: { number: string; version: number; discountBp: number | null };
  }[];
  meetings: { meetingId: string; kind: string; title: string; startsAt: string; attendees: string[]; deal: DealRef }[];
  stalledDeals: {
    deal: DealRef;
    nextStep: string | null;
    nextStepDueOn: string | null;
    reasons: { code: string; message: string }[];
  }[];
}

/** Tasks with Done and Snooze (to tomorrow, same time): the list everybody keeps. */
export function TaskList({ tasks, changed, id = 'tasks' }: { tasks: Task[]; changed: () => void; id?: string }) {
  const [error, setError] = useState<ApiError | null>(null);
  async function act(task: Task, action: 'complete' | 'snooze') {
    try {
      const until = new Date(Math.max(Date.now(), new Date(task.dueAt).getTime()) + 24 * 3600e3).toISOString();
      await api(`/api/tasks/${task.id}/${action}`, { method: 'POST', body: action === 'snooze' ? { until } : {} });
      setError(null);
      changed();
    } catch (caught) {
      setError(caught as ApiError);
    }
  }
  if (tasks.length === 0) return <Empty>{t('work.noTasks')}</Empty>;
  return (
    <>
      <Problem error={error} />
      <ul class="items" id={id}>
        {tasks.map((task) => (
          <li key={task.id} class={task.overdue ? 'overdue' : undefined} data-task={task.id}>
            <span class="badge">{label('taskKinds', task.kind)}</span> {taskTitle(task)}
            {' · '}
            <a href={task.deal ? `/deals/${task.deal.id}` : `/leads/${task.lead.id}`}>
              {task.deal?.name ?? task.lead.name}
            </a>
            {!task.deal && task.lead.company && <span class="subtle"> ({task.lead.company})</span>}
            <span class="subtle">
              {' '}
              · {task.overdue ? t('work.overdue', { when: formatRelative(task.dueAt) }) : formatDateTime(task.dueAt)}
            </span>
            <span class="row-actions">
              <button
                type="button"
                class="subtle"
                onClick={() => void act(task, 'complete')}
                aria-label={t('work.completeTask', { title: taskTitle(task) })}
              >
                {t('work.complete')}
              </button>
              <button
                type="button"
                class="subtle"
                onClick={() => void act(task, 'snooze')}
                aria-label={t('work.snoozeTask', { title: taskTitle(task) })}
              >
                {t('work.snooze')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

const money = (deal: DealRef) =>
  deal.amountMinor != null && deal.currency ? formatMoney(deal.amountMinor, deal.currency) : null;

interface MqlRow {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string;
  company: string | null;
  score: number;
  slaStatus: string;
  slaDueAt: string | null;
}

/**
 * My MQLs, best score first: the leads waiting for my first touch (with their SLA clock) or for
 * qualification, as soon as they are mine, not only once their SLA is at risk.
 */
function MyMqls() {
  const { data, error } = useApi<{ leads: MqlRow[]; nextCursor: string | null }>(
    '/api/leads?stage=mql&owner=me&sort=score&limit=20',
  );
  return (
    <section aria-labelledby="mqls-title" class="card">
      <h2 id="mqls-title">
        {t('work.mqls')} <span class="count">{data ? `${data.leads.length}${data.nextCursor ? '+' : ''}` : ''}</span>
      </h2>
      <Problem error={error} />
      {!data ? (
        !error && <Loading />
      ) : data.leads.length === 0 ? (
        <Empty>{t('work.noMqls')}</Empty>
      ) : (
        <ul class="items" id="my-mqls">
          {data.leads.map((lead) => (
            <li key={lead.id} class={lead.slaStatus === 'breached' ? 'overdue' : undefined}>
              <a href={`/leads/${lead.id}`}>{personName(lead)}</a>
              {lead.company && <span class="subtle"> · {lead.company}</span>}
              <span class="subtle"> · {t('work.score', { score: lead.score })}</span>
              <span>
                {' · '}
                {lead.slaStatus === 'running' && lead.slaDueAt
                  ? t('work.firstTouchDue', { when: formatRelative(lead.slaDueAt) })
                  : lead.slaStatus === 'breached'
                    ? t('work.firstTouchLate')
                    : t('work.toQualify')}
              </span>
            </li>
          ))}
        </ul>
      )}
      {data?.nextCursor && (
        <p>
          <a href="/leads?stage=mql&owner=me">{t('work.allMqls')}</a>
        </p>
      )}
    </section>
  );
}

/** My work: what needs me today, in the order it needs me. */
export function MyWork() {
  const { data, error, reload } = useApi<Work>('/api/me/work');
  if (error)
    return (
      <Page title={t('work.title')}>
        <Problem error={error} />
      </Page>
    );
  if (!data) return <Loading />;
  return (
    <Page title={t('work.title')}>
      <p class="subtle">{t('work.today', { today: data.today, zone: data.timeZone })}</p>
      <div class="columns">
        <section aria-labelledby="tasks-title" class="card">
          <h2 id="tasks-title">
            {t('work.tasks')} <span class="count">{data.tasks.length}</span>
          </h2>
          <TaskList tasks={data.tasks} changed={reload} />
        </section>
        <section aria-labelledby="sla-title" class="card">
          <h2 id="sla-title">
            {t('work.slas')} <span class="count">{data.slasAtRisk.length}</span>
          </h2>
          {data.slasAtRisk.length === 0 ? (
            <Empty>{t('work.noSlas')}</Empty>
          ) : (
            <ul class="items" id="slas">
              {data.slasAtRisk.map((s) => (
                <li key={s.leadId} class={s.status === 'breached' ? 'overdue' : undefined}>
                  <a href={`/leads/${s.leadId}`}>{s.name}</a>
                  {s.company && <span class="subtle"> · {s.company}</span>}
                  <span>
                    {' '}
                    ·{' '}
                    {s.status === 'breached'
                      ? t('work.breached', { when: formatRelative(s.slaDueAt) })
                      : t('work.due', { when: formatRelative(s.slaDueAt) })}
                  </span>
                  {s.owner && <span class="subtle"> · {s.owner}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <MyMqls />
      <div class="columns">
        <section aria-labelledby="approvals-title" class="card">
          <h2 id="approvals-title">
            {t('work.approvals')} <span class="count">{data.approvals.length}</span>
          </h2>
          {data.approvals.length === 0 ? (
            <Empty>{t('work.noApprovals')}</Empty>
          ) : (
            <ul class="items" id="work-approvals">
              {data.approvals.map((a) => (
                <li key={a.requestId} class={a.overdue ? 'overdue' : undefined}>
                  <a href={`/approvals/${a.requestId}`}>{a.deal.name}</a>
                  <span class="subtle">
                    {' · '}
                    {t('approvals.quote', { number: a.quote.number, version: a.quote.version })}
                    {money(a.deal) && <> · {money(a.deal)}</>}
                    {a.requestedBy && (
                      <>
                        {' '}
                        · {t('approvals.askedBy')}: {a.requestedBy}
                      </>
                    )}
                    {a.dueAt && <> · {t('work.due', { when: formatRelative(a.dueAt) })}</>}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="meetings-title" class="card">
          <h2 id="meetings-title">
            {t('work.meetings')} <span class="count">{data.meetings.length}</span>
          </h2>
          {data.meetings.length === 0 ? (
            <Empty>{t('work.noMeetings')}</Empty>
          ) : (
            <ul class="items" id="work-meetings">
              {data.meetings.map((m) => (
                <li key={m.meetingId}>
                  <time dateTime={m.startsAt}>{formatDateTime(m.startsAt)}</time> {m.title} ·{' '}
                  <a href={`/deals/${m.deal.id}`}>{m.deal.name}</a>
                  {m.attendees.length > 0 && <div class="subtle">{m.attendees.join(', ')}</div>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section aria-labelledby="stalled-title" class="card">
        <h2 id="stalled-title">
          {t('work.stalled')} <span class="count">{data.stalledDeals.length}</span>
        </h2>
        {data.stalledDeals.length === 0 ? (
          <Empty>{t('work.noStalled')}</Empty>
        ) : (
          <ul class="items" id="stalled">
            {data.stalledDeals.map((d) => (
              <li key={d.deal.id}>
                <a href={`/deals/${d.deal.id}`}>{d.deal.name}</a>
                {money(d.deal) && <span class="subtle"> · {money(d.deal)}</span>}
                {d.deal.stage && <span class="subtle"> · {label('stages', d.deal.stage)}</span>}
                <span> · {d.reasons.map((r) => label('stallReasons', r.code)).join('; ')}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
