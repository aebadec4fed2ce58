import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { ApprovalCard, type Approval } from '../components/ApprovalCard';
import { Loading, Page, Problem } from '../components/common';

/** One approval request: where the "Review and decide" link of an approval email lands. */
export function ApprovalPage() {
  const { params } = useRoute();
  const { data, error, reload } = useApi<Approval>(`/api/approvals/${encodeURIComponent(params.id ?? '')}`);
  const [said, setSaid] = useState<string | null>(null);
  return (
    <Page title={t('approvals.one')}>
      <p role="status" id="approvals-status">
        {said}
      </p>
      <Problem error={error} />
      {!data ? (
        !error && <Loading />
      ) : (
        <ApprovalCard
          approval={data}
          open
          onDecided={(text) => {
            setSaid(text);
            reload();
          }}
        />
      )}
      <p>
        <a href="/approvals">{t('approvals.backToInbox')}</a>
      </p>
    </Page>
  );
}
