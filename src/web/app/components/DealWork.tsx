import { useState } from 'preact/hooks';
import { api, formText, query } from '../lib/api';
import { formatDate, label, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { useSubmit } from '../lib/use-submit';
import { TaskList, type Task } from '../views/MyWork';
import { Loading, Problem } from './common';
import { stallList, type StallReason } from './Stalling';

const KINDS = ['call', 'email', 'meeting', 'follow-up', 'review', 'other'];

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
