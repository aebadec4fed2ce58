import { useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { api } from '../lib/api';
import { formatDateTime, formatMoney, formatRelative, label, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { Empty, Loading, Page, Problem } from '../components/common';

interface TaskItem {
  id: string;
  title: string;
  kind: string;
  dueAt: string;
  leadId?: string | null;
  dealId?: string | null;
  leadName?: string | null;
  company?: string | null;
  dealName?: string | null;
}
interface Work {
  tasksDue: TaskItem[];
  slasAtRisk: {
    leadId: string;
    leadName?: string | null;
    company?: string | null;
    dueAt: string;
    status?: string;
    breached?: boolean;
  }[];
  approvalsWaiting: {
    requestId?: string;
    id?: string;
    dealId: string;
    dealName?: string | null;
    dueAt?: string | null;
    discountPercent?: number | string | null;
  }[];
  meetingsToday: {
    meetingId?: string;
    id?: string;
    dealId: string;
    dealName?: string | null;
    title: string;
    startsAt: string;
  }[];
  stalledDeals: {
    dealId: string;
    dealName?: string | null;
    name?: string;
    reasons?: ({ code: string; message?: string } | string)[];
    amountMinor?: string | number | null;
    currency?: string;
  }[];
}

function Tasks({ tasks, changed }: { tasks: TaskItem[]; changed: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  async function act(task: TaskItem, action: 'complete' | 'snooze') {
    try {
      const until = new Date(Date.now() + 24 * 3600e3).toISOString();
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
      <ul class="items" id="tasks">
        {tasks.map((task) => {
          const late = new Date(task.dueAt).getTime() < Date.now();
          return (
            <li key={task.id} class={late ? 'overdue' : undefined}>
              <span class="badge">{label('taskKinds', task.kind)}</span> {task.title}
              {(task.dealId || task.leadId) && (
                <>
                  {' · '}
                  <a href={task.dealId ? `/deals/${task.dealId}` : `/leads/${task.leadId}`}>
                    {task.dealName ?? task.leadName ?? task.company ?? t('work.open')}
                  </a>
                </>
              )}
              <span class="subtle">
                {' '}
                · {late ? t('work.overdue', { when: formatRelative(task.dueAt) }) : formatDateTime(task.dueAt)}
              </span>
              <span class="row-actions">
                <button
                  type="button"
                  class="subtle"
                  onClick={() => void act(task, 'complete')}
                  aria-label={t('work.completeTask', { title: task.title })}
                >
                  {t('work.complete')}
                </button>
                <button
                  type="button"
                  class="subtle"
                  onClick={() => void act(task, 'snooze')}
                  aria-label={t('work.snoozeTask', { title: task.title })}
                >
                  {t('work.snooze')}
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </>
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
      <div class="columns">
        <section aria-labelledby="tasks-title" class="card">
          <h2 id="tasks-title">
            {t('work.tasks')} <span class="count">{data.tasksDue.length}</span>
          </h2>
          <Tasks tasks={data.tasksDue} changed={reload} />
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
                <li key={s.leadId} class={s.breached ? 'overdue' : undefined}>
                  <a href={`/leads/${s.leadId}`}>{s.leadName ?? s.leadId}</a>
                  {s.company && <span class="subtle"> · {s.company}</span>}
                  <span>
                    {' '}
                    ·{' '}
                    {s.breached
                      ? t('work.breached', { when: formatRelative(s.dueAt) })
                      : t('work.due', { when: formatRelative(s.dueAt) })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <div class="columns">
        <section aria-labelledby="approvals-title" class="card">
          <h2 id="approvals-title">
            {t('work.approvals')} <span class="count">{data.approvalsWaiting.length}</span>
          </h2>
          {data.approvalsWaiting.length === 0 ? (
            <Empty>{t('work.noApprovals')}</Empty>
          ) : (
            <ul class="items" id="work-approvals">
              {data.approvalsWaiting.map((a) => (
                <li key={a.requestId ?? a.id}>
                  <a href={`/approvals/${a.requestId ?? a.id}`}>{a.dealName ?? a.dealId}</a>
                  {a.dueAt && <span class="subtle"> · {t('work.due', { when: formatRelative(a.dueAt) })}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="meetings-title" class="card">
          <h2 id="meetings-title">
            {t('work.meetings')} <span class="count">{data.meetingsToday.length}</span>
          </h2>
          {data.meetingsToday.length === 0 ? (
            <Empty>{t('work.noMeetings')}</Empty>
          ) : (
            <ul class="items" id="work-meetings">
              {data.meetingsToday.map((m) => (
                <li key={m.meetingId ?? m.id}>
                  <time dateTime={m.startsAt}>{formatDateTime(m.startsAt)}</time> {m.title} ·{' '}
                  <a href={`/deals/${m.dealId}`}>{m.dealName ?? m.dealId}</a>
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
              <li key={d.dealId}>
                <a href={`/deals/${d.dealId}`}>{d.dealName ?? d.name ?? d.dealId}</a>
                {d.amountMinor != null && d.currency && (
                  <span class="subtle"> · {formatMoney(d.amountMinor, d.currency)}</span>
                )}
                {d.reasons && d.reasons.length > 0 && (
                  <span>
                    {' '}
                    ·{' '}
                    {d.reasons
                      .map((r) =>
                        typeof r === 'string' ? label('stallReasons', r) : (r.message ?? label('stallReasons', r.code)),
                      )
                      .join('; ')}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
