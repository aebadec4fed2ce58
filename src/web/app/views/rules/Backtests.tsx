import { useEffect, useState } from 'preact/hooks';
import { api, formText, query } from '../../lib/api';
import { formatNumber, t } from '../../lib/i18n';
import { useApi } from '../../lib/use-api';
import { useSubmit } from '../../lib/use-submit';
import { Confirm, Problem } from '../../components/common';
import { BacktestReportView } from './BacktestReport';
import { BACKTEST_KINDS, short, type BacktestJob, type StoredVersion, type VersionRow } from './types';

/** Follows a backtest job (once a second) until it is done or failed. */
function useJobProgress(first: BacktestJob | null): BacktestJob | null {
  const [job, setJob] = useState<BacktestJob | null>(first);
  useEffect(() => {
    setJob(first);
    if (!first || first.status !== 'running') return;
    let stopped = false;
    const poll = async () => {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (stopped) return;
        const now = await api<BacktestJob>(`/api/rules/backtests/${first.id}`).catch(() => null);
        if (now && !stopped) setJob(now);
        if (now && now.status !== 'running') return;
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [first]);
  return job;
}

/** The files of a stored version and the range, as POST /api/rules/backtests takes them. */
async function startBacktest(form: FormData): Promise<BacktestJob> {
  const version = await api<StoredVersion>(`/api/rules/versions/${formText(form, 'version')}`);
  const kinds = BACKTEST_KINDS.filter((kind) => form.getAll('kinds').includes(kind));
  const since = formText(form, 'since');
  const until = formText(form, 'until');
  return api<BacktestJob>('/api/rules/backtests', {
    method: 'POST',
    body: { files: version.files, kinds, ...(since ? { since } : {}), ...(until ? { until } : {}) },
  });
}

/**
 * Backtesting a stored version against the live one: which decisions of the stored history (in an
 * optional range of days) it would have made differently. RevOps only, as the API allows.
 */
export function Backtests({ versions, live }: { versions: VersionRow[]; live: string | null }) {
  // The address keeps the latest backtest, so a reload or a shared link shows its progress or report again.
  const [kept] = useState(() => new URLSearchParams(location.search).get('backtest'));
  const restored = useApi<BacktestJob>(kept ? `/api/rules/backtests/${encodeURIComponent(kept)}` : null);
  const start = useSubmit(startBacktest, {
    keep: true,
    done: (job) => history.replaceState(null, '', `/rules${query({ backtest: job.id })}`),
  });
  const shown = useJobProgress(start.answer ?? (start.error ? null : restored.data));
  const [deleted, setDeleted] = useState<string | null>(null);
  const job = shown && shown.id !== deleted ? shown : null;
  const candidates = versions.filter((v) => v.hash !== live);
  const sinceError = start.fieldError('since');
  const untilError = start.fieldError('until');
  return (
    <section aria-labelledby="rules-backtest">
      <h2 id="rules-backtest">{t('rules.backtest.title')}</h2>
      <p>{t('rules.backtest.intro')}</p>
      <form onSubmit={start.onSubmit} class="grid-form">
        <label>
          {t('rules.backtest.version')}
          <select name="version" required>
            {(candidates.length > 0 ? candidates : versions).map((v) => (
              <option key={v.hash} value={v.hash}>
                {short(v.hash)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('rules.backtest.since')}
          <input type="date" name="since" aria-invalid={sinceError ? true : undefined} />
          {sinceError && <span class="field-error">{sinceError}</span>}
        </label>
        <label>
          {t('rules.backtest.until')}
          <input type="date" name="until" aria-invalid={untilError ? true : undefined} />
          {untilError && <span class="field-error">{untilError}</span>}
        </label>
        <fieldset>
          <legend>{t('rules.backtest.kinds')}</legend>
          {BACKTEST_KINDS.map((kind) => (
            <label key={kind} class="check">
              <input type="checkbox" name="kinds" value={kind} defaultChecked /> {t(`rules.backtest.kind.${kind}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={start.busy || versions.length === 0}>
          {t('rules.backtest.start')}
        </button>
      </form>
      <Problem error={start.error ?? restored.error} />
      {job && <JobProgress job={job} />}
      {job && <DeleteBacktest id={job.id} onDeleted={() => setDeleted(job.id)} />}
      {!job && deleted && (
        <p role="status" class="ok">
          {t('rules.backtest.deleted')}
        </p>
      )}
      {job?.report && <BacktestReportView id={job.id} report={job.report} />}
    </section>
  );
}

function JobProgress({ job }: { job: BacktestJob }) {
  return (
    <div>
      <label>
        {t('rules.backtest.progress')}
        <progress max={Math.max(job.total, 1)} value={job.status === 'running' ? job.done : Math.max(job.total, 1)} />
      </label>
      <p role="status">
        {job.status === 'running'
          ? t('rules.backtest.running', { done: formatNumber(job.done), total: formatNumber(job.total) })
          : job.status === 'done'
            ? t('rules.backtest.done', {
                total: formatNumber(job.total),
                candidate: short(job.candidateVersion),
                active: short(job.activeVersion),
              })
            : t('rules.backtest.failed', { error: job.error ?? '' })}
      </p>
    </div>
  );
}

/** Deletes the backtest shown (its report and list of changes; a running one stops), after asking. */
function DeleteBacktest({ id, onDeleted }: { id: string; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useSubmit(null, {
    done: () => {
      setConfirming(false);
      history.replaceState(null, '', '/rules');
      onDeleted();
    },
  });
  return (
    <div class="actions">
      <button type="button" class="subtle" onClick={() => setConfirming(true)}>
        {t('rules.backtest.delete')}
      </button>
      {confirming && (
        <Confirm
          title={t('rules.backtest.deleteTitle')}
          confirm={t('rules.backtest.deleteConfirm')}
          busy={remove.busy}
          error={remove.error}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            void remove.run(() => api<null>(`/api/rules/backtests/${encodeURIComponent(id)}`, { method: 'DELETE' }))
          }
        >
          <p>{t('rules.backtest.deleteExplained')}</p>
        </Confirm>
      )}
    </div>
  );
}
