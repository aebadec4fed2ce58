import { useEffect, useRef, useState } from 'preact/hooks';
import { api, formText } from '../../lib/api';
import { formatDateTime, formatNumber, t } from '../../lib/i18n';
import { useApi } from '../../lib/use-api';
import { useSubmit } from '../../lib/use-submit';
import { Problem } from '../../components/common';
import { ShadowReport } from './ShadowReport';
import type { Shadow, ShadowList } from './shadow-types';
import { short, type VersionRow } from './types';

/** Ending the running shadow: a modal dialog asks why (required, for the audit trail). */
function EndDialog({ shadow, onCancel, onDone }: { shadow: Shadow; onCancel: () => void; onDone: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement;
    dialog.current?.showModal();
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  const submit = useSubmit(
    (form) =>
      api(`/api/rules/shadows/${encodeURIComponent(shadow.id)}/end`, {
        method: 'POST',
        body: { reason: formText(form, 'reason') },
      }),
    { done: onDone },
  );
  const reasonError = submit.fieldError('reason');
  return (
    <dialog ref={dialog} aria-labelledby="shadow-end-title" onCancel={onCancel} class="confirm">
      <form onSubmit={submit.onSubmit} class="stack-form">
        <h2 id="shadow-end-title">{t('rules.shadow.endTitle', { hash: short(shadow.versionHash) })}</h2>
        <label>
          {t('rules.shadow.reason')}
          <textarea name="reason" required maxLength={500} rows={3} aria-invalid={reasonError ? true : undefined} />
          {reasonError && <span class="field-error">{reasonError}</span>}
        </label>
        <Problem error={submit.error} />
        <div class="actions">
          <button type="submit" disabled={submit.busy}>
            {t('rules.shadow.end')}
          </button>
          <button type="button" class="subtle" onClick={onCancel}>
            {t('app.notNow')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** Starting a shadow of a stored version that is not live (RevOps): the API's 422 stays inline. */
function StartForm({ versions, live, onDone }: { versions: VersionRow[]; live: string | null; onDone: () => void }) {
  const candidates = versions.filter((row) => row.hash !== live);
  const submit = useSubmit(
    (form) =>
      api('/api/rules/shadows', {
        method: 'POST',
        body: { hash: formText(form, 'hash'), reason: formText(form, 'reason') },
      }),
    { done: onDone },
  );
  if (candidates.length === 0) return null;
  const reasonError = submit.fieldError('reason');
  const hashError = submit.fieldError('hash');
  return (
    <form onSubmit={submit.onSubmit} class="stack-form" aria-labelledby="shadow-start-title">
      <h3 id="shadow-start-title">{t('rules.shadow.startTitle')}</h3>
      <label>
        {t('rules.shadow.version')}
        <select name="hash" required aria-invalid={hashError ? true : undefined}>
          {candidates.map((row) => (
            <option key={row.hash} value={row.hash}>
              {short(row.hash)}
            </option>
          ))}
        </select>
        {hashError && <span class="field-error">{hashError}</span>}
      </label>
      <label>
        {t('rules.shadow.reason')}
        <textarea name="reason" required maxLength={500} rows={2} aria-invalid={reasonError ? true : undefined} />
        {reasonError && <span class="field-error">{reasonError}</span>}
      </label>
      <Problem error={submit.error} />
      <button type="submit" disabled={submit.busy}>
        {t('rules.shadow.start')}
      </button>
    </form>
  );
}

/**
 * Shadow mode on the rules page: the running shadow (and ending it), starting one (RevOps), and the
 * report of a chosen shadow, running or ended. Sales leaders read; the buttons are RevOps'.
 * Not rendered when the API refuses the list (a role that may not read shadows).
 */
export function ShadowSection({
  versions,
  live,
  canAdminister,
}: {
  versions: VersionRow[];
  live: string | null;
  canAdminister: boolean;
}) {
  const list = useApi<ShadowList>('/api/rules/shadows');
  const [chosen, setChosen] = useState<string | null>(null);
  const [ending, setEnding] = useState(false);
  const [revision, setRevision] = useState(0);
  if (!list.data) return null;
  const running = list.data.running;
  const shown = chosen ?? running?.id ?? list.data.shadows[0]?.id ?? null;
  const changed = () => {
    setEnding(false);
    setChosen(null);
    setRevision((n) => n + 1);
    list.reload();
  };
  return (
    <section aria-labelledby="rules-shadow">
      <h2 id="rules-shadow">{t('rules.shadow.title')}</h2>
      <p class="hint">{t('rules.shadow.intro')}</p>
      {running ? (
        <dl class="shadow-running" aria-label={t('rules.shadow.running')}>
          <dt>{t('rules.shadow.version')}</dt>
          <dd>
            <code>{short(running.versionHash)}</code>
          </dd>
          <dt>{t('rules.shadow.liveVersion')}</dt>
          <dd>{running.liveVersion ? <code>{short(running.liveVersion)}</code> : '—'}</dd>
          <dt>{t('rules.shadow.started')}</dt>
          <dd>{t('rules.shadow.startedBy', { who: running.startedBy, when: formatDateTime(running.startedAt) })}</dd>
          <dt>{t('rules.shadow.reason')}</dt>
          <dd>{running.reason}</dd>
          <dt>{t('rules.shadow.soFar')}</dt>
          <dd>
            {t('rules.shadow.counts', {
              evaluations: formatNumber(running.evaluations),
              differences: formatNumber(running.differences),
            })}
          </dd>
        </dl>
      ) : (
        <p>{t('rules.shadow.none')}</p>
      )}
      {running && canAdminister && (
        <button type="button" onClick={() => setEnding(true)}>
          {t('rules.shadow.end')}
        </button>
      )}
      {ending && running && <EndDialog shadow={running} onCancel={() => setEnding(false)} onDone={changed} />}
      {canAdminister && <StartForm versions={versions} live={live} onDone={changed} />}
      {list.data.shadows.length > 1 && (
        <label>
          {t('rules.shadow.choose')}
          <select value={shown ?? ''} onChange={(event) => setChosen((event.target as HTMLSelectElement).value)}>
            {list.data.shadows.map((shadow) => (
              <option key={shadow.id} value={shadow.id}>
                {t(shadow.status === 'running' ? 'rules.shadow.optionRunning' : 'rules.shadow.optionEnded', {
                  hash: short(shadow.versionHash),
                  when: formatDateTime(shadow.startedAt),
                })}
              </option>
            ))}
          </select>
        </label>
      )}
      {shown && <ShadowReport id={shown} revision={revision} />}
    </section>
  );
}
