import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api';
import { formatNumber, language, t } from '../lib/i18n';
import { useSubmit } from '../lib/use-submit';
import { DownloadButton, Page, Problem, TextField } from '../components/common';

interface RowError {
  row: number;
  field: string;
  column?: string;
  message: string;
}

interface IntakeBatch {
  id: string;
  received: number;
  accepted: number;
  alreadyImported: number;
  rejected: number;
  errors: RowError[];
  errorCount: number;
  progress: { total: number; pending: number; stored: number; failed: number };
  done: boolean;
  waiting: { reason: string; rows: number } | null;
  failures: { row: number; message: string }[];
}

const textOf = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

/**
 * Follows a batch's progress (once a second) until no row is pending, and reads it again when the
 * workspace's language changes: the API words the rejected rows' problems in the reader's language.
 */
function useBatchProgress(first: IntakeBatch | null): IntakeBatch | null {
  const [batch, setBatch] = useState<IntakeBatch | null>(first);
  const reader = language.value;
  const shownIn = useRef(reader);
  useEffect(() => {
    if (!first || reader === shownIn.current) return;
    shownIn.current = reader;
    let stopped = false;
    void api<IntakeBatch>(`/api/intake-batches/${first.id}`)
      .then((now) => {
        if (!stopped) setBatch(now);
      })
      .catch(() => undefined);
    return () => {
      stopped = true;
    };
  }, [first, reader]);
  useEffect(() => {
    setBatch(first);
    if (!first || first.done) return;
    let stopped = false;
    const poll = async () => {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (stopped) return;
        const now = await api<IntakeBatch>(`/api/intake-batches/${first.id}`).catch(() => null);
        if (now && !stopped) setBatch(now);
        if (now?.done) return;
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [first]);
  return batch;
}

/** The answer lists the first problems; the CSV has every one. */
function AllErrors({ batch }: { batch: IntakeBatch }) {
  return (
    <div>
      {t('imports.moreErrors', { shown: formatNumber(batch.errors.length), count: formatNumber(batch.errorCount) })}{' '}
      <DownloadButton
        path={`/api/intake-batches/${batch.id}/errors.csv`}
        accept="text/csv"
        filename={`intake-batch-${batch.id}-errors.csv`}
      >
        {t('imports.errorsCsv')}
      </DownloadButton>
    </div>
  );
}

/** Uploading an event's attendee list: the rows that were left out, then the journeys' progress. */
export function ImportAttendees() {
  const upload = useSubmit<IntakeBatch>(async (form) => {
    const file = form.get('file');
    const text = file instanceof File ? await file.text() : '';
    const query = new URLSearchParams({ campaign: textOf(form, 'campaign') });
    const event = textOf(form, 'event');
    if (event) query.set('event', event);
    if (file instanceof File && file.name) query.set('fileName', file.name.slice(0, 200));
    return api<IntakeBatch>(`/api/imports/attendees?${query.toString()}`, {
      method: 'POST',
      file: { text, contentType: 'text/csv' },
    });
  });
  const batch = useBatchProgress(upload.answer);
  return (
    <Page title={t('imports.title')}>
      <p>{t('imports.intro')}</p>
      <form onSubmit={upload.onSubmit} class="stack-form">
        <label>
          {t('imports.file')}
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <TextField
          label={t('imports.campaign')}
          name="campaign"
          required
          maxLength={200}
          error={upload.fieldError('campaign')}
        />
        <TextField label={t('imports.event')} name="event" maxLength={200} error={upload.fieldError('event')} />
        <button type="submit" disabled={upload.busy}>
          {t('imports.upload')}
        </button>
      </form>
      <Problem error={upload.error} />
      {batch && <BatchReport batch={batch} />}
    </Page>
  );
}

function BatchReport({ batch }: { batch: IntakeBatch }) {
  const { total, stored, pending, failed } = batch.progress;
  return (
    <section aria-labelledby="import-result">
      <h2 id="import-result">{t('imports.result')}</h2>
      <p>
        {t('imports.counts', {
          received: formatNumber(batch.received),
          accepted: formatNumber(batch.accepted),
          already: formatNumber(batch.alreadyImported),
          rejected: formatNumber(batch.rejected),
        })}
      </p>
      {batch.errors.length > 0 && (
        <table class="list">
          <caption>{t('imports.rejectedRows')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('imports.row')}</th>
              <th scope="col">{t('imports.column')}</th>
              <th scope="col">{t('imports.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {batch.errors.map((error, i) => (
              <tr key={i}>
                <td>{error.row}</td>
                <td>{error.column ?? error.field}</td>
                <td>{error.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {batch.errorCount > batch.errors.length && <AllErrors batch={batch} />}
      <label>
        {t('imports.progress')}
        <progress max={Math.max(total, 1)} value={total === 0 ? 1 : stored + failed} />
      </label>
      <p role="status">
        {batch.done
          ? t('imports.done', { stored: formatNumber(stored), failed: formatNumber(failed) })
          : t('imports.running', {
              stored: formatNumber(stored),
              total: formatNumber(total),
              pending: formatNumber(pending),
            })}
      </p>
      {batch.waiting && !batch.done && <p class="notice">{t('imports.waiting', { reason: batch.waiting.reason })}</p>}
      {batch.failures.length > 0 && (
        <ul>
          {batch.failures.map((failure) => (
            <li key={failure.row}>{t('imports.failure', { row: String(failure.row), message: failure.message })}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
