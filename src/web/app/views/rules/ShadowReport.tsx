import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../lib/api';
import { formatDateTime, formatNumber, t } from '../../lib/i18n';
import { Problem } from '../../components/common';
import type { ShadowChange, ShadowReportData } from './shadow-types';
import { short } from './types';
import { decisionName, Named, routingName, tierName } from './decision-names';

const PAGE = 20;

/** Live vs shadow counts per key (a routing target, an approval tier), shown by its label with the key in the title. */
function Counts({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: string;
  rows: { key: string; shown: string; live: number; shadow: number }[];
}) {
  if (rows.length === 0) return null;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col">{t('rules.shadow.live')}</th>
          <th scope="col">{t('rules.shadow.shadowed')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">
              <Named name={row.shown} id={row.key} />
            </th>
            <td>{formatNumber(row.live)}</td>
            <td>{formatNumber(row.shadow)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * One shadow's report (running or ended): per kind evaluations and differences, MQLs, routing per
 * target, approvals per tier, and the decisions it changes, 20 a page (the API's cursor).
 */
export function ShadowReport({ id, revision }: { id: string; revision: number }) {
  const [report, setReport] = useState<ShadowReportData | null>(null);
  const [changes, setChanges] = useState<ShadowChange[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function load(after: string | null): Promise<void> {
    setBusy(true);
    try {
      const query = `limit=${PAGE}` + (after ? `&cursor=${encodeURIComponent(after)}` : '');
      const answer = await api<ShadowReportData>(`/api/rules/shadows/${encodeURIComponent(id)}?${query}`);
      setError(null);
      if (!after) setReport(answer);
      setChanges((previous) => (after ? [...previous, ...answer.changed.items] : answer.changed.items));
      setCursor(answer.changed.nextCursor);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'client', String(caught), []));
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    void load(null);
  }, [id, revision]);

  if (!report) return <Problem error={error} />;
  return (
    <div class="shadow-report">
      <h3 id="shadow-report-title">{t('rules.shadow.reportTitle', { hash: short(report.shadow.versionHash) })}</h3>
      <table>
        <caption>{t('rules.shadow.byKind')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('rules.shadow.kind')}</th>
            <th scope="col">{t('rules.shadow.evaluations')}</th>
            <th scope="col">{t('rules.shadow.differences')}</th>
          </tr>
        </thead>
        <tbody>
          {report.byKind.map((row) => (
            <tr key={row.kind}>
              <th scope="row">{row.kind}</th>
              <td>{formatNumber(row.evaluations)}</td>
              <td>{formatNumber(row.differences)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t('rules.shadow.mqls', {
          leads: formatNumber(report.scoring.leads),
          live: formatNumber(report.scoring.mqls.live),
          shadow: formatNumber(report.scoring.mqls.shadow),
        })}
      </p>
      <Counts
        caption={t('rules.shadow.routing')}
        head={t('rules.shadow.target')}
        rows={report.routing.byTarget.map((row) => ({
          key: row.target,
          shown: routingName(row.target),
          live: row.live,
          shadow: row.shadow,
        }))}
      />
      <Counts
        caption={t('rules.shadow.approvals')}
        head={t('rules.shadow.tier')}
        rows={report.approvals.byTier.map((row) => ({
          key: row.tier,
          shown: tierName(row.tier),
          live: row.live,
          shadow: row.shadow,
        }))}
      />
      <h4>{t('rules.shadow.changed')}</h4>
      {changes.length === 0 ? (
        <p class="hint">{t('rules.shadow.noChanges')}</p>
      ) : (
        <ul class="shadow-changes">
          {changes.map((change) => (
            <li key={change.id}>
              <p>
                <a href={`/leads/${encodeURIComponent(change.leadId)}`}>{change.lead}</a>{' '}
                <span class="shadow-change" title={`${change.live} → ${change.shadow}`}>
                  {t('rules.shadow.change', {
                    kind: change.kind,
                    live: decisionName(change.kind, change.live),
                    shadow: decisionName(change.kind, change.shadow),
                    when: formatDateTime(change.at),
                  })}
                </span>
              </p>
              <p>
                {t('rules.shadow.flipped')} <code>{change.flipped}</code>
              </p>
              {change.diff.length > 0 && <pre>{change.diff.join('\n')}</pre>}
            </li>
          ))}
        </ul>
      )}
      <Problem error={error} />
      {cursor && (
        <button type="button" class="subtle" disabled={busy} onClick={() => void load(cursor)}>
          {t('rules.shadow.more')}
        </button>
      )}
    </div>
  );
}
