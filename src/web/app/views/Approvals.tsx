import { useState } from 'preact/hooks';
import { query } from '../lib/api';
import { t } from '../lib/i18n';
import { leadsATeam, me } from '../lib/session';
import { usePaged } from '../lib/use-paged';
import { ApprovalCard, type Approval } from '../components/ApprovalCard';
import { Empty, Loading, Page, Problem } from '../components/common';

/** The approvals inbox: what waits for me, and for a manager what waits across the team. */
export function Approvals() {
  const [inbox, setInbox] = useState<'mine' | 'team'>('mine');
  const [said, setSaid] = useState<string | null>(null);
  // "More" appends the next page; the other inbox, or a decision, starts from the first page.
  const {
    items: cards,
    hasMore,
    error,
    more,
    reload,
  } = usePaged<Approval>(`/api/approvals${query({ inbox, status: 'pending' })}`, 'approvals');
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
      {!cards ? (
        !error && <Loading />
      ) : cards.length === 0 ? (
        <Empty>{t('approvals.none')}</Empty>
      ) : (
        <div id="approvals">
          {cards.map((a) => (
            <ApprovalCard
              key={a.id}
              approval={a}
              onDecided={(text) => {
                setSaid(text);
                // A decided step may leave another one pending: read the inbox again.
                reload();
              }}
            />
          ))}
        </div>
      )}
      {cards && hasMore && (
        <button type="button" onClick={() => void more()}>
          {t('app.more')}
        </button>
      )}
    </Page>
  );
}
