import { useState } from 'preact/hooks';
import { formatDateTime, t } from '../lib/i18n';
import { me } from '../lib/session';
import { useApi } from '../lib/use-api';
import { Loading, Page, Problem } from '../components/common';
import { Backtests } from './rules/Backtests';
import { RulesDiffView } from './rules/RulesDiff';
import { ShadowSection } from './rules/ShadowSection';
import { Versions } from './rules/Versions';
import { versionsOf, type Activation, type RulesStatus, type VersionList } from './rules/types';

/** Activating a stored version and backtesting are RevOps' (the API's `admin` scope and role). */
function administers(): boolean {
  const person = me.value;
  return person !== null && person.role === 'revops' && person.scopes.includes('admin');
}

/** The live rules are shared by every tenant: only the installation's own RevOps activate a version. */
function activates(): boolean {
  return administers() && me.value?.installation === true;
}

/**
 * The rules page: the stored versions with their activations (and activating one), the semantic
 * diff between two, backtests of a stored version, and shadow mode (the running shadow, starting and ending one, a report).
 */
export function Rules() {
  const status = useApi<RulesStatus>('/api/rules');
  const history = useApi<{ activations: Activation[] }>('/api/rules/activations');
  // One request for every version's stored time and files (the newest hundred), not one per version.
  const listed = useApi<VersionList>('/api/rules/versions?limit=100');
  const [announcement, setAnnouncement] = useState('');
  const admin = administers();
  if ((status.loading && !status.data) || (history.loading && !history.data))
    return (
      <Page title={t('rules.title')}>
        <Loading />
      </Page>
    );
  const versions = versionsOf(history.data?.activations ?? []);
  const stored = new Map((listed.data?.versions ?? []).map((version) => [version.hash, version]));
  const live = status.data?.activeVersion ?? null;
  return (
    <Page title={t('rules.title')}>
      <p class="lede">{t('rules.intro')}</p>
      <Problem error={status.error ?? history.error} />
      <p role="status" class="ok">
        {announcement}
      </p>
      {status.data?.lastRejected && (
        <div class="notice">
          <p>{t('rules.rejected', { when: formatDateTime(status.data.lastRejected.at) })}</p>
          <ul>
            {status.data.lastRejected.messages.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      )}
      <Versions
        versions={versions}
        stored={stored}
        live={live}
        canActivate={activates()}
        onActivated={(hash) => {
          setAnnouncement(t('rules.activate.done', { hash: hash.slice(0, 10) }));
          status.reload();
          history.reload();
          listed.reload();
        }}
      />
      <RulesDiffView versions={versions} live={live} />
      {admin && <Backtests versions={versions} live={live} />}
      <ShadowSection versions={versions} live={live} canAdminister={admin} />
    </Page>
  );
}
