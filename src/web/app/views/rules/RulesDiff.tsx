import { useState } from 'preact/hooks';
import { query } from '../../lib/api';
import { t } from '../../lib/i18n';
import { useApi } from '../../lib/use-api';
import { Empty, Loading, Problem } from '../../components/common';
import { short, type RuleChange, type RulesDiff, type VersionRow } from './types';

/** The version before `live` (the one its latest activation replaced), else the next one listed. */
function previousOf(versions: VersionRow[], live: string | null): string | null {
  const row = versions.find((v) => v.hash === live);
  return row?.activations[0]?.previous ?? versions.find((v) => v.hash !== live)?.hash ?? null;
}

/** One change in words: "scoring.yaml: MQL threshold 80 → 75". */
export function changeText(change: RuleChange): string {
  const values = { file: change.file, what: change.what, before: change.before ?? '', after: change.after ?? '' };
  switch (change.change) {
    case 'changed':
      return t('rules.diff.changed', values);
    case 'added':
      return t(change.after ? 'rules.diff.addedValue' : 'rules.diff.added', values);
    case 'removed':
      return t(change.before ? 'rules.diff.removedValue' : 'rules.diff.removed', values);
    case 'reordered':
      return t('rules.diff.reordered', values);
  }
}

/** Picking two stored versions (by default the one before the live one, and the live one) and what differs. */
export function RulesDiffView({ versions, live }: { versions: VersionRow[]; live: string | null }) {
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const fromHash = from ?? previousOf(versions, live);
  const toHash = to ?? live ?? versions[0]?.hash ?? null;
  const diff = useApi<RulesDiff>(
    fromHash && toHash && fromHash !== toHash ? `/api/rules/diff${query({ from: fromHash, to: toHash })}` : null,
  );
  if (versions.length < 2) return null;
  const picker = (name: 'from' | 'to', value: string | null, set: (hash: string) => void) => (
    <label>
      {t(`rules.diff.${name}`)}
      <select value={value ?? ''} onChange={(event) => set(event.currentTarget.value)}>
        {versions.map((v) => (
          <option key={v.hash} value={v.hash}>
            {short(v.hash)}
            {v.hash === live ? ` (${t('rules.versions.live')})` : ''}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-labelledby="rules-diff">
      <h2 id="rules-diff">{t('rules.diff.title')}</h2>
      <div class="filters">
        {picker('from', fromHash, setFrom)}
        {picker('to', toHash, setTo)}
      </div>
      {fromHash === toHash ? (
        <Empty>{t('rules.diff.same')}</Empty>
      ) : diff.loading && !diff.data ? (
        <Loading />
      ) : (
        <>
          <Problem error={diff.error} />
          {diff.data && diff.data.changes.length === 0 && <Empty>{t('rules.diff.none')}</Empty>}
          {diff.data && diff.data.changes.length > 0 && (
            <ul class="items" aria-label={t('rules.diff.listLabel', { from: short(diff.data.from), to: short(diff.data.to) })}>
              {diff.data.changes.map((change, i) => (
                <li key={i}>{changeText(change)}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
