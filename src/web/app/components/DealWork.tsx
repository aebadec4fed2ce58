import { useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { api, formText, query } from '../lib/api';
import { formatDate, label, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { TaskList, type Task } from '../views/MyWork';
import { Loading, Problem } from './common';

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
    stalling?: { code: string; message: string }[];
  };
  saved: () => void;
}) {
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState(!deal.nextStep);
  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    try {
      await api(`/api/deals/${deal.id}/next-step`, {
        method: 'PUT',
        headers: { 'if-match': `"${deal.revision}"` },
        body: { nextStep: formText(form, 'nextStep').trim() || null, dueOn: formText(form, 'dueOn') || null },
      });
      setError(null);
      setEditing(false);
      saved();
    } catch (caught) {
      setError(caught as ApiError);
    }
  }
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
        <form class="grid-form" onSubmit={(event) => void submit(event)} aria-label={t('deal.nextStepForm')}>
          <label>
            {t('deal.nextStep')}
            <input name="nextStep" maxLength={500} defaultValue={deal.nextStep ?? ''} />
          </label>
          <label>
            {t('deal.nextStepDue')}
            <input name="dueOn" type="date" defaultValue={deal.nextStepDueOn ?? ''} />
          </label>
          <div class="actions">
            <button type="submit">{t('app.save')}</button>
          </div>
        </form>
      )}
      {stalling.length > 0 && (
        <p class="warning" id="stalling">
          {t('deal.stalling', { reasons: stalling.map((s) => label('stallReasons', s.code)).join('; ') })}
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
  const [addError, setAddError] = useState<ApiError | null>(null);
  async function add(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const due = formText(form, 'dueAt');
    try {
      await api('/api/tasks', {
        method: 'POST',
        body: {
          title: formText(form, 'title').trim(),
          kind: formText(form, 'kind'),
          dueAt: due ? new Date(due).toISOString() : '',
          ...(dealId ? { dealId } : { leadId }),
        },
      });
      setAddError(null);
      formElement.reset();
      reload();
    } catch (caught) {
      setAddError(caught as ApiError);
    }
  }
  return (
    <>
      <Problem error={error} />
      {!data ? !error && <Loading /> : <TaskList tasks={data.tasks} changed={reload} id="record-tasks" />}
      <form class="grid-form" id="add-task" onSubmit={(event) => void add(event)} aria-label={t('tasks.add')}>
        <label>
          {t('tasks.title')}
          <input name="title" required maxLength={200} />
        </label>
        <label>
          {t('tasks.kind')}
          <select name="kind" defaultValue="call">
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
          <button type="submit">{t('tasks.add')}</button>
        </div>
        <Problem error={addError} />
      </form>
    </>
  );
}
