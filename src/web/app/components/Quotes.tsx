import { useEffect, useRef, useState } from 'preact/hooks';
import { api, query } from '../lib/api';
import type { ApiError } from '../lib/api';
import { formatDateTime, label, t } from '../lib/i18n';
import { ruleName } from '../lib/rule-labels';
import { useApi } from '../lib/use-api';
import { Empty, Loading, Problem } from './common';
import { QuoteActions, QuoteStanding, type CurrentVersion } from './QuoteActions';

interface VersionSummary {
  version: number;
  status: string;
  createdAt: string;
  createdBy: string;
  totalFormatted: string;
  tcvFormatted: string;
  approval: { discount: string; tier: string | null };
}
interface QuoteSummary {
  id: string;
  number: string;
  currentVersion: number;
  current: VersionSummary & CurrentVersion;
}
interface Change {
  field: string;
  before: string | number | null;
  after: string | number | null;
}
interface Line {
  id: string;
  sku: string;
  name: string;
  quantity: number;
}
interface Amount {
  beforeFormatted: string;
  afterFormatted: string;
  deltaFormatted: string;
  delta: number;
}
interface Diff {
  from: number;
  to: number;
  unchanged: boolean;
  lines: { added: Line[]; removed: Line[]; changed: { lineId: string; changes: Change[] }[]; reordered: boolean };
  header: Change[];
  totals: Record<'subtotal' | 'discount' | 'tax' | 'total', Amount>;
}

const shown = (value: string | number | null) => (value === null ? '—' : String(value));

/** What changed between two versions, in words a reader follows: totals, lines, then terms. */
function DiffView({ diff }: { diff: Diff }) {
  if (diff.unchanged) return <p class="subtle">{t('quotes.unchanged', { from: diff.from, to: diff.to })}</p>;
  return (
    <div class="diff" id="quote-diff">
      <h4>{t('quotes.changes', { from: diff.from, to: diff.to })}</h4>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{t('quotes.amount')}</th>
            <th scope="col" class="num">
              v{diff.from}
            </th>
            <th scope="col" class="num">
              v{diff.to}
            </th>
            <th scope="col" class="num">
              {t('quotes.delta')}
            </th>
          </tr>
        </thead>
        <tbody>
          {(['subtotal', 'discount', 'tax', 'total'] as const).map((key) => (
            <tr key={key} class={diff.totals[key].delta === 0 ? 'subtle' : undefined}>
              <th scope="row">{t(`quotes.totals.${key}`)}</th>
              <td class="num">{diff.totals[key].beforeFormatted}</td>
              <td class="num">{diff.totals[key].afterFormatted}</td>
              <td class="num">{diff.totals[key].delta === 0 ? '—' : diff.totals[key].deltaFormatted}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul>
        {diff.lines.added.map((l) => (
          <li key={`a${l.id}`} class="added">
            {t('quotes.added', { sku: l.sku, name: l.name, quantity: l.quantity })}
          </li>
        ))}
        {diff.lines.removed.map((l) => (
          <li key={`r${l.id}`} class="removed">
            {t('quotes.removed', { sku: l.sku, name: l.name, quantity: l.quantity })}
          </li>
        ))}
        {diff.lines.changed.flatMap((l) =>
          l.changes.map((c) => (
            <li key={`${l.lineId}${c.field}`}>
              {t('quotes.lineChanged', {
                field: label('quoteFields', c.field),
                before: shown(c.before),
                after: shown(c.after),
              })}
            </li>
          )),
        )}
        {diff.header.map((c) => (
          <li key={c.field}>
            {t('quotes.termChanged', {
              field: label('quoteFields', c.field),
              before: shown(c.before),
              after: shown(c.after),
            })}
          </li>
        ))}
        {diff.lines.reordered && <li>{t('quotes.reordered')}</li>}
      </ul>
    </div>
  );
}

function QuoteVersions({ quote }: { quote: QuoteSummary }) {
  const { data, error } = useApi<{ versions: VersionSummary[] }>(`/api/quotes/${quote.id}/versions`);
  const [diff, setDiff] = useState<Diff | null>(null);
  const [diffError, setDiffError] = useState<ApiError | null>(null);
  async function compare(from: number, to: number) {
    try {
      setDiff(await api<Diff>(`/api/quotes/${quote.id}/diff${query({ from, to })}`));
      setDiffError(null);
    } catch (caught) {
      setDiffError(caught as ApiError);
    }
  }
  if (error) return <Problem error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <table class="list">
        <caption class="visually-hidden">{t('quotes.versionsOf', { number: quote.number })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('quotes.version')}</th>
            <th scope="col">{t('quotes.status')}</th>
            <th scope="col" class="num">
              {t('quotes.total')}
            </th>
            <th scope="col">{t('quotes.discount')}</th>
            <th scope="col">{t('quotes.created')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('app.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.versions.map((v, i) => (
            <tr key={v.version}>
              <td>
                v{v.version}
                {v.version === quote.currentVersion && <span class="badge">{t('quotes.current')}</span>}
              </td>
              <td>{label('quoteStatus', v.status)}</td>
              <td class="num">{v.totalFormatted}</td>
              <td>
                {v.approval.discount}
                {v.approval.tier && <span class="subtle"> · {ruleName('tiers', v.approval.tier)}</span>}
              </td>
              <td>
                {formatDateTime(v.createdAt)} <span class="subtle">· {v.createdBy}</span>
              </td>
              <td>
                {i > 0 && (
                  <button
                    type="button"
                    class="subtle"
                    onClick={() => void compare(data.versions[i - 1]!.version, v.version)}
                  >
                    {t('quotes.compare', { from: data.versions[i - 1]!.version, to: v.version })}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Problem error={diffError} />
      {diff && <DiffView diff={diff} />}
    </>
  );
}

/** How often a page waiting for a signature asks again: the provider's webhook may come any moment. */
const SIGNATURE_POLL_MS = 3_000;

/**
 * A deal's quotes: each with where it stands with the customer (sent, signature), what the rep can
 * do next (send, request a signature), its versions and what changed between them. While a
 * signature is requested, it asks again every few seconds and calls `settled` once it is answered.
 */
export function Quotes({ dealId, open, settled }: { dealId: string; open: boolean; settled: () => void }) {
  const { data, error, reload } = useApi<{ quotes: QuoteSummary[] }>(`/api/deals/${dealId}/quotes`);
  const waiting = (data?.quotes ?? []).some((q) => q.current.signature?.status === 'sent');
  const wasWaiting = useRef(false);
  useEffect(() => {
    if (wasWaiting.current && !waiting) settled();
    wasWaiting.current = waiting;
    if (!waiting) return;
    const timer = setInterval(reload, SIGNATURE_POLL_MS);
    return () => clearInterval(timer);
  }, [waiting]);
  if (error) return <Problem error={error} />;
  if (!data) return <Loading />;
  if (data.quotes.length === 0) return <Empty>{t('deal.noQuotes')}</Empty>;
  return (
    <div id="quotes">
      {data.quotes.map((quote) => (
        <div key={quote.id} class="quote">
          <h3>
            {t('quotes.title', { number: quote.number })} <span class="subtle">· {quote.current.tcvFormatted}</span>
          </h3>
          <QuoteStanding number={quote.number} current={quote.current} />
          {open && <QuoteActions quoteId={quote.id} number={quote.number} current={quote.current} changed={reload} />}
          <QuoteVersions quote={quote} key={`${quote.currentVersion}-${quote.current.status}`} />
        </div>
      ))}
    </div>
  );
}
