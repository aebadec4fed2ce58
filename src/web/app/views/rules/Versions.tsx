import { useState } from 'preact/hooks';
import { formatDateTime, t } from '../../lib/i18n';
import { Empty } from '../../components/common';
import { ActivateDialog } from './ActivateDialog';
import { short, type Activation, type ListedVersion, type VersionRow } from './types';

/** The stored versions, the live one marked, each with its activations; RevOps may make one live. */
export function Versions({
  versions,
  stored,
  live,
  canActivate,
  onActivated,
}: {
  versions: VersionRow[];
  /** Each version's stored time and files, from one GET /api/rules/versions. */
  stored: ReadonlyMap<string, ListedVersion>;
  live: string | null;
  canActivate: boolean;
  onActivated: (hash: string) => void;
}) {
  const [activating, setActivating] = useState<string | null>(null);
  return (
    <section aria-labelledby="rules-versions">
      <h2 id="rules-versions">{t('rules.versions.title')}</h2>
      {versions.length === 0 && <Empty>{t('rules.versions.none')}</Empty>}
      <ol class="rule-versions">
        {versions.map((version) => (
          <VersionCard
            key={version.hash}
            version={version}
            stored={stored.get(version.hash)}
            live={version.hash === live}
            onActivate={canActivate && version.hash !== live ? () => setActivating(version.hash) : undefined}
          />
        ))}
      </ol>
      {activating && (
        <ActivateDialog
          hash={activating}
          live={live}
          onCancel={() => setActivating(null)}
          onDone={() => {
            setActivating(null);
            onActivated(activating);
          }}
        />
      )}
    </section>
  );
}

function VersionCard({
  version,
  stored,
  live,
  onActivate,
}: {
  version: VersionRow;
  stored: ListedVersion | undefined;
  live: boolean;
  onActivate?: () => void;
}) {
  const headingId = `version-${version.hash}`;
  return (
    <li class="card" aria-labelledby={headingId}>
      <div class="page-head">
        <h3 id={headingId}>
          {t('rules.versions.version')} <code>{short(version.hash)}</code>{' '}
          {live && <span class="badge stage-converted">{t('rules.versions.live')}</span>}
        </h3>
        {onActivate && (
          <div class="actions">
            <button type="button" onClick={onActivate} aria-describedby={headingId}>
              {t('rules.activate.button')}
            </button>
          </div>
        )}
      </div>
      {stored && (
        <p class="hint">
          {t('rules.versions.stored', {
            when: formatDateTime(stored.createdAt),
            files: stored.files.join(', '),
          })}
        </p>
      )}
      {version.activations.length === 0 ? (
        <p class="hint">{t('rules.versions.neverActivated')}</p>
      ) : (
        <ActivationTable hash={version.hash} activations={version.activations} />
      )}
    </li>
  );
}

function ActivationTable({ hash, activations }: { hash: string; activations: Activation[] }) {
  return (
    <table class="list">
      <caption>{t('rules.activations.caption', { hash: short(hash) })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('rules.activations.when')}</th>
          <th scope="col">{t('rules.activations.who')}</th>
          <th scope="col">{t('rules.activations.why')}</th>
          <th scope="col">{t('rules.activations.fromTo')}</th>
          <th scope="col">{t('rules.activations.changes')}</th>
        </tr>
      </thead>
      <tbody>
        {activations.map((activation) => (
          <tr key={activation.activatedAt}>
            <td>
              <time dateTime={activation.activatedAt}>{formatDateTime(activation.activatedAt)}</time>
            </td>
            <td>{activation.actor ?? t('rules.activations.hotReload')}</td>
            <td>{activation.reason ?? '—'}</td>
            <td>
              {activation.previous ? (
                <>
                  <code>{short(activation.previous)}</code> → <code>{short(activation.hash)}</code>
                </>
              ) : (
                t('rules.activations.first')
              )}
            </td>
            <td>
              {activation.summary ? (
                <ul class="items">
                  {activation.summary.split('\n').map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
