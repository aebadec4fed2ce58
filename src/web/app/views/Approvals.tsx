import { useState } from 'preact/hooks';
import { query } from '../lib/api';
import { t } from '../lib/i18n';
import { leadsATeam, me } from '../lib/session';
import { useApi } from '../lib/use-api';
import { ApprovalCard, type Approval } from '../components/ApprovalCard';
import { Empty, Loading, Page, Problem } from '../components/common';

/** The approvals inbox: what waits for me, and for a manager what waits across the team. */
export function Approvals() {
  const [inbox, setInbox] = useState<'mine' | 'team'>('mine');
  const [said, setSaid] = useState<string | null>(null);
  const { data, error, reload } = useApi<{ approvals: Approval[] }>(
    `/api/approvals${query({ inbox, status: 'pending' })}`,
  );
  return (
    <Page
      title={t('approvals.title')}
      actions={
        leadsATeam(me.value) && (
          <div role="group" aria-label={t('approvals.whose')} class="toggle">
            <button type="button" aria-pressed={inbox === 'mine'} onClick={() => setInbox('mine')}>
              {t('approvals.mine')}
            </button>
            <button type="button" aria-pressed={inbox === 'team'} onClick={() => setInbox('team')}>
              {t('approvals.team')}
            </button>
          </div>
        )
      }
    >
      <p role="status" id="approvals-status">
        {said}
      </p>
      <Problem error={error} />
      {!data ? (
        !error && <Loading />
      ) : data.approvals.length === 0 ? (
        <Empty>{t('approvals.none')}</Empty>
      ) : (
        <div id="approvals">
          {data.approvals.map((a) => (
            <ApprovalCard
              key={a.id}
              approval={a}
              onDecided={(text) => {
                setSaid(text);
                reload();
              }}
            />
          ))}
        </div>
      )}
    </Page>
  );
}
