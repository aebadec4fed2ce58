import { useState } from 'preact/hooks';
import { api, formText, query } from '../lib/api';
import { formatDate, label, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { useSubmit } from '../lib/use-submit';
import { TaskList, type Task } from '../views/MyWork';
import { Loading, Problem } from './common';
import { stallList, type StallReason } from './Stalling';

const KINDS = ['call', 'email', 'meeting', 'follow-up', 'review', 'other'];
const FORECAST_CATEGORIES = ['commit', 'best-case', 'pipeline'];

interface Forecast {
  revision: number;
  expectedCloseDate: string | null;
  probability: number | null;
  category: string | null;
  ruleCategory: string | null;
  override: { category: string; reason: string | null } | null;
}

/**
 * The deal's forecast: its category (forecast.yaml's for the stage, or the rep's override with a
 * reason) and the expected close date, which the forecast and quota reports read.
 */
export function ForecastEditor({ dealId, saved }: { dealId: string; saved: () => void }) {
  const { data, reload } = useApi<Forecast>(`/api/deals/${dealId}/forecast`);
  const { error, ok, busy, onSubmit, fieldError } = useSubmit(
    (form) => {
      const category = formText(form, 'category');
      const reason = formText(form, 'reason').trim();
      return api(`/api/deals/${dealId}/forecast`, {
        method: 'PATCH',
        headers: { 'if-match': `"${data?.revision ?? 1}"` },
        body: {
          expectedCloseDate: formText(form, 'expectedCloseDate') || null,
          category: category === '' ? null : category,
          ...(reason ? { reason } : {}),
        },
      });
    },
    {
      keep: true,
      done: () => {
        reload();
        saved();
      },
    },
  );
  if (!data) return <Loading />;
  const current = data.override?.category ?? '';
  return (
    <form class="grid-form" id="forecast" aria-label={t('forecast.title')} onSubmit={onSubmit}>
      <label>
        {t('forecast.category')}
        <select name="category" key={`${data.revision}-${current}`}>
          <option value="" selected={current === ''}>
            {t('forecast.byRules', {
              category: data.ruleCategory ? label('forecastCategory', data.ruleCategory) : '—',
            })}
          </option>
          {FORECAST_CATEGORIES.map((c) => (
            <option key={c} value={c} selected={c === current}>
              {label('forecastCategory', c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('forecast.closeDate')}
        <input
          name="expectedCloseDate"
          type="date"
          key={`${data.revision}-date`}
          defaultValue={data.expectedCloseDate ?? ''}
          aria-invalid={fieldError('expectedCloseDate') ? true : undefined}
        />
      </label>
      <label>
        {t('forecast.reason')}
        <input
          name="reason"
          maxLength={1000}
          defaultValue={data.override?.reason ?? ''}
          aria-invalid={fieldError('reason') ? true : undefined}
        />
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('app.save')}
        </button>
        {ok && (
          <span role="status" class="ok" id="forecast-result">
            {t('forecast.saved')}
          </span>
        )}
      </div>
      <Problem error={error} />
    </form>
  );
}

/** A deal's next step (with its date; overdue counts as stalling) under the deal's revision. */
export function NextStep({
  deal,
  saved,
}: {
  deal: {
    id: string;
    revision: number;
    nextStep?: string | null;
    nextStepDueOn?: string | null;
    stalling?: StallReason[];
  };
  saved: () => void;
}) {
  const [editing, setEditing] = useState(!deal.nextStep);
  const { error, busy, onSubmit } = useSubmit(
    (form) =>
      api(`/api/deals/${deal.id}/next-step`, {
        method: 'PUT',
        headers: { 'if-match': `"${deal.revision}"` },
        body: { nextStep: formText(form, 'nextStep').trim() || null, dueOn: formText(form, 'dueOn') || null },
      }),
    {
      keep: true,
      done: () => {
        setEditing(false);
        saved();
      },
    },
  );
  const stalling = deal.stalling ?? [];
  return (
    <div id="next-step">
      {!editing && deal.nextStep ? (
        <p class={stalling.some((s) => s.code === 'next-step-overdue') ? 'next-step overdue' : 'next-step'}>
          {t('board.nextStep', { step: deal.nextStep, when: formatDate(deal.nextStepDueOn) })}{' '}
          <button type="button" class="subtle" onClick={() => setEditing(true)}>
            {t('app.edit')}
          </button>
        </p>
      ) : (
        <form class="grid-form" onSubmit={onSubmit} aria-label={t('deal.nextStepForm')}>
          <label>
            {t('deal.nextStep')}
            <input name="nextStep" maxLength={500} defaultValue={deal.nextStep ?? ''} />
          </label>
          <label>
            {t('deal.nextStepDue')}
            <input name="dueOn" type="date" defaultValue={deal.nextStepDueOn ?? ''} />
          </label>
          <div class="actions">
            <button type="submit" disabled={busy}>
              {t('app.save')}
            </button>
          </div>
        </form>
      )}
      {stalling.length > 0 && (
        <p class="warning" id="stalling">
          {t('deal.stalling', { reasons: stallList(stalling) })}
        </p>
      )}
      <Problem error={error} />
    </div>
  );
}

/** The open tasks of a lead or a deal, and a form to add one. */
export function Tasks({ leadId, dealId }: { leadId?: string; dealId?: string }) {
  const { data, error, reload } = useApi<{ tasks: Task[] }>(
    `/api/tasks${query({ leadId, dealId, status: 'open', limit: 100 })}`,
  );
  const add = useSubmit(
    (form) => {
      const due = formText(form, 'dueAt');
      return api('/api/tasks', {
        method: 'POST',
        body: {
          title: formText(form, 'title').trim(),
          kind: formText(form, 'kind'),
          dueAt: due ? new Date(due).toISOString() : '',
          ...(dealId ? { dealId } : { leadId }),
        },
      });
    },
    { done: reload },
  );
  return (
    <>
      <Problem error={error} />
      {!data ? !error && <Loading /> : <TaskList tasks={data.tasks} changed={reload} id="record-tasks" />}
      <form class="grid-form" id="add-task" onSubmit={add.onSubmit} aria-label={t('tasks.add')}>
        <label>
          {t('tasks.title')}
          <input name="title" required maxLength={200} />
        </label>
        <label>
          {t('tasks.kind')}
          <select name="kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {label('taskKinds', k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tasks.due')}
          <input name="dueAt" type="datetime-local" required />
        </label>
        <div class="actions">
          <button type="submit" disabled={add.busy}>
            {t('tasks.add')}
          </button>
        </div>
        <Problem error={add.error} />
      </form>
    </>
  );
}
