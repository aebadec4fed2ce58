import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { api, query } from '../lib/api';
import { t } from '../lib/i18n';
import { leadsATeam, me } from '../lib/session';
import { useApi } from '../lib/use-api';
import { ApprovalCard, type Approval } from '../components/ApprovalCard';
import { Empty, Loading, Page, Problem } from '../components/common';

interface InboxPage {
  approvals: Approval[];
  nextCursor: string | null;
}

/** The approvals inbox: what waits for me, and for a manager what waits across the team. */
export function Approvals() {
  const [inbox, setInbox] = useState<'mine' | 'team'>('mine');
  const [said, setSaid] = useState<string | null>(null);
  const { data, error, reload } = useApi<InboxPage>(`/api/approvals${query({ inbox, status: 'pending' })}`);
  // Later pages, appended by "More"; a reload (a decision, the other inbox) starts from the first page.
  const [later, setLater] = useState<InboxPage | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  useEffect(() => setLater(null), [data]);
  const cards = data ? [...data.approvals, ...(later?.approvals ?? [])] : null;
  const next = later ? later.nextCursor : (data?.nextCursor ?? null);
  async function more(cursor: string) {
    try {
      const page = await api<InboxPage>(`/api/approvals${query({ inbox, status: 'pending', cursor })}`);
      setLater((previous) => ({
        approvals: [...(previous?.approvals ?? []), ...page.approvals],
        nextCursor: page.nextCursor,
      }));
      setMoreError(null);
    } catch (caught) {
      setMoreError(caught as ApiError);
    }
  }
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
      <Problem error={error ?? moreError} />
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
                reload();
              }}
            />
          ))}
        </div>
      )}
      {cards && next && (
        <button type="button" onClick={() => void more(next)}>
          {t('app.more')}
        </button>
      )}
    </Page>
  );
}
